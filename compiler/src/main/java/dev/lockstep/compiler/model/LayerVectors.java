// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.dataflow.ChipDataflow.Out;
import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.dataflow.VectorStep;
import dev.lockstep.compiler.graph.LayerStep;
import dev.lockstep.compiler.graph.LayerStep.Norm;
import dev.lockstep.compiler.graph.LayerStep.Residual;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.compiler.vector.VectorGraph.Ref;
import dev.lockstep.compiler.vector.VectorKernels;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Opcode;
import java.util.ArrayList;
import java.util.List;

/**
 * What a layer's vector steps compute, from their input vectors to their outputs, declared once: the plan's lowering
 * ({@link VectorLibrary}, with data or without) applies them to the rows the kernels before it in its run left
 * ({@link RunRows}) and to placeholder rows of the same shapes for the others (refused with data); the tests' second
 * lowering ({@code FunctionalLayer}) to rows read where earlier kernels left them. A vector
 * step's outputs then go through {@link dev.lockstep.compiler.dataflow.VectorStep#output}, in both. Which steps
 * become one kernel is decided here too ({@link #fusedWithNext}).
 */
final class LayerVectors {
    private LayerVectors() {
    }

    /**
     * Whether step {@code i} of {@code steps} and the one after it are lowered as one vector kernel: a residual and
     * the norm after it on the same chips ({@link #residualThenNorm}), whose sum goes into the norm without a round
     * trip through SRAM.
     */
    static boolean fusedWithNext(List<LayerStep> steps, int i) {
        return steps.get(i) instanceof Residual r && i + 1 < steps.size() && steps.get(i + 1) instanceof Norm n
                && r.where() == n.where();
    }

    /** RoPE at {@code position} on the first {@code n} values of the QKV product's row {@code qkv} (Q and K). */
    static List<Ref> rope(VectorStep s, Row qkv, int n, int headDim, int position, double theta) {
        return VectorKernels.rope(s.graph(), s.row(qkv.part(0, n)), n, headDim, position, theta);
    }

    /** SwiGLU of the gate and up halves ({@code n} values each) of the gate-and-up product's row {@code gateUp}. */
    static List<Ref> swiglu(VectorStep s, Row gateUp, int n) {
        return VectorKernels.swiglu(s.graph(), s.row(gateUp.part(0, n)), s.row(gateUp.part(n, n)));
    }

    /** RMSNorm of a row of {@code d} values with gains {@code gamma}. */
    static List<Ref> norm(VectorGraph g, List<Ref> x, double[] gamma, int d, float eps) {
        return VectorKernels.rmsnorm(g, x, VectorKernels.row(g, gamma, 0), d, eps);
    }

    /** A residual and the norm after it: the sum {@code x + o} (the residual stream), and its RMSNorm. */
    static List<Out> residualThenNorm(VectorGraph g, List<Ref> x, List<Ref> o, double[] gamma, int d, float eps) {
        List<Ref> h = VectorKernels.elementwise(g, Opcode.VADD, x, o);
        return List.of(new Out(h, d), new Out(norm(g, h, gamma, d, eps), d));
    }

    /**
     * The attention's softmax of one score row over the cache's positions (lanes past them hold 0): scaled by
     * {@code scale} (1 / sqrt(head_dim)), the positions after {@code position} (not yet written) and the lanes past the
     * cache masked to -inf. A vector with no lane to mask is not masked (a token early in the cache masks the vectors
     * past it; one at the cache's last position, the timing-only run's default, only the last one's lanes past the
     * cache).
     */
    static List<Ref> maskedSoftmax(VectorGraph g, List<Ref> scores, int position, float scale) {
        int lanes = g.lanes();
        List<Ref> masked = new ArrayList<>();
        for (int j = 0; j < scores.size(); j++) {
            Ref scaled = g.immediate(Opcode.VMULI, scores.get(j), scale);
            int from = Math.max(0, Math.min(lanes, position + 1 - j * lanes));
            if (from == lanes) {
                masked.add(scaled);
                continue;
            }
            double[] mask = new double[from];
            masked.add(g.binary(Opcode.VADD, scaled, g.input(mask, Double.NEGATIVE_INFINITY)));
        }
        return VectorKernels.softmax(g, masked);
    }

    /**
     * The router's top-k over the logits of {@code experts} experts (one vector, lanes past them padded to -inf):
     * with every expert computed, the routing weights, one per expert (0 for those not chosen); with the experts
     * chosen by data, the index (u16, lane i the expert of slot i, a whole vector) and then the slots' weights.
     */
    static List<Out> route(VectorGraph g, Ref logits, int experts, int topK, MoeDispatch dispatch) {
        Ref padded = g.binary(Opcode.VADD, logits, g.input(new double[experts], Double.NEGATIVE_INFINITY));
        if (dispatch == MoeDispatch.ALL) {
            return List.of(new Out(List.of(VectorKernels.topK(g, padded, VectorKernels.laneIndex(g), topK)),
                    experts));
        }
        List<Ref> chosen = VectorKernels.topKChosen(g, padded, VectorKernels.laneIndex(g), topK);
        return List.of(new Out(List.of(chosen.get(0)), g.lanes()), new Out(List.of(chosen.get(1)), topK));
    }

    /**
     * A chip's experts' partial rows, row i times lane {@code first} + i of {@code gates} (every expert's routing
     * weight, the chip's rows those of experts {@code first} on; null for a dense layer, whose rows are only added),
     * added: the per-expert blocks' gating, gathered into one step.
     */
    static List<Ref> gatedSum(VectorGraph g, List<List<Ref>> downs, Ref gates, int first) {
        List<Ref> acc = new ArrayList<>();
        for (int e = 0; e < downs.size(); e++) {
            List<Ref> y = downs.get(e);
            Ref weight = gates == null ? null : g.distribute(gates, first + e);
            for (int j = 0; j < y.size(); j++) {
                Ref term = weight == null ? y.get(j) : g.binary(Opcode.VMUL, y.get(j), weight);
                if (acc.size() <= j) {
                    acc.add(term);
                } else {
                    acc.set(j, g.binary(Opcode.VADD, acc.get(j), term));
                }
            }
        }
        return acc;
    }

    /**
     * {@code acc} (null for the first slot) plus {@code y} times lane {@code lane} of {@code weights}: with the
     * experts chosen by data, a slot's gating, made as soon as its products are (the next slot's overwrite them).
     */
    static List<Ref> scaledSum(VectorGraph g, List<Ref> acc, List<Ref> y, Ref weights, int lane) {
        Ref weight = g.distribute(weights, lane);
        List<Ref> sum = new ArrayList<>();
        for (int j = 0; j < y.size(); j++) {
            Ref term = g.binary(Opcode.VMUL, y.get(j), weight);
            sum.add(acc == null ? term : g.binary(Opcode.VADD, acc.get(j), term));
        }
        return sum;
    }

    /**
     * A token's row of the embedding table on a chip that holds {@code table}'s tokens of a vocabulary of
     * {@code vocab} ({@code index}: the token's id in lane 0, f32), in f32: each group's vectors read at the token's
     * place in the group ({@link VectorGraph#inputIndexed}) and converted (int8 values times their column's scale,
     * {@code scales}: one vector per vector of the row, or null for f16). Where the group may not hold the token
     * (another group or chip may), the place is clamped into it and the group's vectors are multiplied by whether it
     * holds it (1 or 0), and the groups' rows added: a chip that holds no group of the token gives zeros.
     */
    static List<Ref> lookup(VectorGraph g, Ref index, TableLayout table, int vocab, List<Ref> scales) {
        boolean alone = table.groups().size() == 1 && table.first() == 0 && table.tokens() >= vocab;
        Ref id = alone ? index : g.distribute(index, 0);
        List<Ref> sum = new ArrayList<>();
        for (TableLayout.Group group : table.groups()) {
            Ref place = g.immediate(Opcode.VADDI, id, -group.first());
            Ref holds = null;
            if (!alone) {
                Ref clamped = g.binary(Opcode.VMIN, g.immediate(Opcode.VMAXI, place, 0),
                        g.input(new double[0], group.tokens() - 1));
                holds = g.binary(Opcode.VCMPEQ, place, clamped);
                place = clamped;
            }
            Ref at = g.convert(place, DataType.I16);
            List<int[]> planes = group.planes();
            for (int v = 0; v < planes.size(); v++) {
                Ref x = g.convert(g.inputIndexed(table.type(), planes.get(v), group.address(), at), DataType.F32);
                if (scales != null) {
                    x = g.binary(Opcode.VMUL, x, scales.get(v));
                }
                if (holds != null) {
                    x = g.binary(Opcode.VMUL, x, holds);
                }
                if (sum.size() <= v) {
                    sum.add(x);
                } else {
                    sum.set(v, g.binary(Opcode.VADD, sum.get(v), x));
                }
            }
        }
        return sum;
    }

    /**
     * The greedy choice: the lowest index holding the largest of the {@code vocab} logits (the padding past them
     * never wins), as f32 in every lane; per vector its largest value and lane ({@code vrmax}, {@code vargmax}), then
     * the first vector whose largest equals the overall largest.
     */
    public static VectorGraph.Ref greedy(VectorStep st, Row logits, int vocab) {
        VectorGraph g = st.graph();
        List<VectorGraph.Ref> r = st.row(logits);
        List<VectorGraph.Ref> pad = VectorKernels.row(g, new double[vocab], Double.NEGATIVE_INFINITY);
        List<VectorGraph.Ref> max = new ArrayList<>();
        List<VectorGraph.Ref> where = new ArrayList<>();
        VectorGraph.Ref overall = null;
        for (int j = 0; j < r.size(); j++) {
            VectorGraph.Ref v = g.binary(Opcode.VADD, r.get(j), pad.get(j));
            max.add(g.unary(Opcode.VRMAX, v));
            where.add(g.immediate(Opcode.VADDI, g.intToFloat(g.argmax(v)), j * VectorStep.LANES_PER_VECTOR));
            overall = overall == null ? max.get(j) : g.binary(Opcode.VMAX, overall, max.get(j));
        }
        VectorGraph.Ref chosen = where.get(r.size() - 1);
        for (int j = r.size() - 2; j >= 0; j--) {
            chosen = g.select(g.binary(Opcode.VCMPEQ, max.get(j), overall), where.get(j), chosen);
        }
        return chosen;
    }
}
