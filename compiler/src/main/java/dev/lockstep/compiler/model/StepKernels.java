// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.graph.LayerStep;
import dev.lockstep.compiler.graph.LayerStep.Argmax;
import dev.lockstep.compiler.graph.LayerStep.GateByRoute;
import dev.lockstep.compiler.graph.LayerStep.Norm;
import dev.lockstep.compiler.graph.LayerStep.Product;
import dev.lockstep.compiler.graph.LayerStep.Residual;
import dev.lockstep.compiler.graph.LayerStep.Rope;
import dev.lockstep.compiler.graph.LayerStep.Route;
import dev.lockstep.compiler.graph.LayerStep.Softmax;
import dev.lockstep.compiler.graph.LayerStep.SwiGlu;
import dev.lockstep.compiler.model.KernelKey.VectorStepKind;
import dev.lockstep.isa.Opcode;
import java.util.List;
import java.util.Optional;

/**
 * The kernel a step of the layer graph compiles to on one chip, without data: the timing-only lowering's meaning of
 * every step that is one kernel (not a block, not a cache product), shared by a run's chips ({@link ChipKernels})
 * and by one chip's blocks ({@link BlockCompiler}). A new step kind that is one kernel is lowered here.
 */
final class StepKernels {
    private StepKernels() {
    }

    /** How a step's kernel is compiled. */
    @FunctionalInterface
    interface Make {
        /**
         * The kernel, from {@code library}, into {@code sram}, for the library's rows, reading the rows {@code in}
         * gives where they lie (by position, as each kernel of {@link KernelLibrary} and {@link VectorLibrary} lists
         * its inputs; none, or an empty one: rows of constants).
         */
        CompiledKernel compile(KernelLibrary library, SramMap sram, List<Optional<Row>> in);
    }

    /**
     * A step's kernel on a chip.
     *
     * @param key           which kernel of the chip it is (a chip compiles each key once per set of rows it reads in
     *                      place and places it again)
     * @param make          compiles it into the given SRAM, for the library's rows
     * @param weights       whether it is a product over a weight tensor (wired before it, {@link ChipKernels}; a
     *                      prefill chunk multiplies the decode product's weights instead of compiling this one)
     * @param scaledColumns for a product with int8 weights, the columns its per-column scaling multiplies; else 0
     */
    record Kernel(KernelKey key, Make make, boolean weights, int scaledColumns) {
    }

    /**
     * Step {@code step} on {@code shard}'s chip for a token at {@code position}, with attention split over
     * {@code attentionChips} chips, {@code cachedTokens} tokens in each cache and MoE layers dispatched as
     * {@code dispatch}, a norm's row going to other chips next if {@code crosses}; empty for a chip with no columns of
     * a vocabulary split.
     *
     * @throws IllegalArgumentException for a step that is not one kernel (a block, a cache product, the gating,
     *                                  gathered after a chip's per-expert blocks: {@link #gating}; or the lookup, whose
     *                                  kernel is its chip's part of the table's: {@link #lookup})
     */
    static Optional<Kernel> of(LayerStep step, Shard shard, ModelConfig m, Precision w, int attentionChips,
                               int cachedTokens, int position, MoeDispatch dispatch, boolean crosses) {
        int hd = m.headDim();
        int qPerKv = m.heads() / m.kvHeads();
        Kernel k;
        if (step instanceof Norm n) {
            // the token's own, so that each token's rows after it lie in places of their own (KernelKey.At)
            k = vector(new KernelKey.At(new KernelKey.Norm(n.weight(), crosses), position), (l, s, in) -> l.rmsnorm(
                    n.weight(), m.hidden(), (float) m.rmsNormEps(), crosses, position, in, s));
        } else if (step instanceof Product p) {
            Shard.Shape shape = shard.shape(p, m, attentionChips);
            if (shape.cols() == 0) {
                return Optional.empty();
            }
            int scaled = w == Precision.INT8 ? shape.cols() : 0;
            ExpertColumns piece = shard.piece();
            if (piece != null && piece.chosenByData()) {
                k = new Kernel(new KernelKey.ChosenWeights(p.weight(), piece.expert()), (l, s, in) -> l.matmulChosen(
                        p.weight(), 1, shape.rows(), shape.cols(), w.mxmType(), m.experts(), m.expertsPerToken(), s)
                        .get(piece.expert()), true, scaled);
            } else {
                k = new Kernel(new KernelKey.Weights(shard.tensor(p)), (l, s, in) -> l.matmul(shard.tensor(p), 1,
                        shape.rows(), shape.cols(), w.mxmType(), s), true, scaled);
            }
        } else if (step instanceof Rope) {
            AttentionRows rows = AttentionRows.of(m, attentionChips);
            k = vector(new KernelKey.At(new KernelKey.Vector(VectorStepKind.ROPE, 0), position),
                    (l, s, in) -> l.rope(rows.roped(), rows.qkv(), hd, position, m.ropeTheta(), in, s));
        } else if (step instanceof Softmax) {
            k = vector(new KernelKey.At(new KernelKey.Vector(VectorStepKind.SOFTMAX, 0), position),
                    (l, s, in) -> l.softmax(qPerKv, cachedTokens, hd, position, in, s));
        } else if (step instanceof Route r && dispatch == MoeDispatch.CHOSEN) {
            k = vector(new KernelKey.Vector(VectorStepKind.ROUTE_CHOSEN, 0), (l, s, in) -> l.routeChosen(r.experts(),
                    r.topK(), in, s));
        } else if (step instanceof Route r) {
            k = vector(new KernelKey.Vector(VectorStepKind.ROUTE, 0), (l, s, in) -> l.route(r.experts(), r.topK(), in,
                    s));
        } else if (step instanceof SwiGlu) {
            int cols = shard.piece().columns();
            k = vector(new KernelKey.Vector(VectorStepKind.SWIGLU, cols), (l, s, in) -> l.swiglu(cols, in, s));
        } else if (step instanceof Residual) {
            k = vector(new KernelKey.Vector(VectorStepKind.RESIDUAL, 0), (l, s, in) -> l.elementwise(Opcode.VADD,
                    m.hidden(), in, s));
        } else if (step instanceof Argmax) {
            int cols = shard.vocabColumns(m.vocab());
            if (cols == 0) {
                return Optional.empty();
            }
            k = vector(new KernelKey.Vector(VectorStepKind.ARGMAX, 0), (l, s, in) -> l.argmax(cols, in, s));
        } else {
            throw new IllegalArgumentException("not one kernel: " + step);
        }
        return Optional.of(k);
    }

    /**
     * A residual and the norm after it ({@code norm}), as one kernel (where {@link LayerVectors#fusedWithNext} says
     * so), the norm's row in fp16 if it {@code crosses} to other chips next; the token's own, at {@code position}
     * ({@link KernelKey.At}).
     */
    static Kernel residualThenNorm(ModelConfig m, Norm norm, boolean crosses, int position) {
        return vector(new KernelKey.At(new KernelKey.Vector(VectorStepKind.RESIDUAL_NORM, crosses ? 1 : 0), position),
                (l, s, in) -> l.residualThenNorm(norm.weight(), m.hidden(), (float) m.rmsNormEps(), crosses, position,
                        in, s));
    }

    /**
     * The gating of a chip's per-expert blocks ({@link GateByRoute}), gathered after them: its {@code pieces}
     * experts' rows (those of experts {@code first} on) scaled by their routing weights and added; with the experts
     * chosen by data, after each slot's block, the slot's row scaled and added to those before it ({@code slot}:
     * which).
     */
    static Kernel gating(ModelConfig m, MoeDispatch dispatch, int pieces, int first, int slot) {
        if (dispatch == MoeDispatch.CHOSEN) {
            return vector(new KernelKey.Vector(VectorStepKind.SCALED_SUM, slot),
                    (l, s, in) -> l.scaledSum(slot, m.hidden(), m.expertsPerToken(), in, s));
        }
        return vector(new KernelKey.Vector(VectorStepKind.GATED_SUM, pieces), (l, s, in) -> l.gatedSum(pieces, first,
                m.hidden(), m.experts(), in, s));
    }

    /**
     * The lookup ({@link LayerStep.Lookup}) on a chip holding {@code table}'s tokens of a vocabulary of {@code vocab}:
     * one token's row, read where its index says; the chip's own kernel (its part of the table).
     */
    static Kernel lookup(TableLayout table, int vocab) {
        return vector(new KernelKey.Vector(VectorStepKind.LOOKUP, table.first()), (l, s, in) -> l.lookup(table, vocab,
                in, s));
    }

    /**
     * A reduction's sum of {@code inputs} hidden rows on its root; where it is a layer's output ({@code position} >=
     * 0), the token's own ({@link KernelKey.At}), so that in a plan with data each token's output lies in a place of
     * its own.
     */
    static Kernel rowSum(ModelConfig m, int inputs, int position) {
        KernelKey sum = new KernelKey.Vector(VectorStepKind.ROW_SUM, inputs);
        int at = Math.max(0, position);
        return vector(position < 0 ? sum : new KernelKey.At(sum, position), (l, s, in) -> l.sum(inputs, m.hidden(),
                at, in, s));
    }

    /** The per-column scaling of an int8 product's {@code n} result columns. */
    static Kernel scale(int n) {
        return vector(new KernelKey.Vector(VectorStepKind.SCALE, n), (l, s, in) -> l.scale(n, in, s));
    }

    /** How a vector kernel is compiled: {@link Make}, from the library's vector kernels. */
    @FunctionalInterface
    private interface VectorMake {
        CompiledKernel compile(VectorLibrary vectors, SramMap sram, List<Optional<Row>> in);
    }

    private static Kernel vector(KernelKey key, VectorMake make) {
        return new Kernel(key, (l, s, in) -> make.compile(l.vectors(), s, in), false, 0);
    }
}
