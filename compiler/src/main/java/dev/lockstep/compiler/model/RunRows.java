// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.graph.LayerStep;
import dev.lockstep.compiler.graph.LayerStep.Argmax;
import dev.lockstep.compiler.graph.LayerStep.Lookup;
import dev.lockstep.compiler.graph.LayerStep.Norm;
import dev.lockstep.compiler.graph.LayerStep.Product;
import dev.lockstep.compiler.graph.LayerStep.Residual;
import dev.lockstep.compiler.graph.LayerStep.Rope;
import dev.lockstep.compiler.graph.LayerStep.Route;
import dev.lockstep.compiler.graph.LayerStep.Softmax;
import dev.lockstep.compiler.graph.LayerStep.SwiGlu;
import dev.lockstep.compiler.graph.Tensor;
import dev.lockstep.compiler.model.KernelKey.VectorStepKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rows the kernels of one run of compute steps on one chip have left, and where: what the later kernels of the
 * run read in place, as the run with data reads them (the QKV product's row read by RoPE, the scores by the softmax,
 * SwiGLU's row by the down projection's wiring, ...). A run is the compute steps between two exchanges that move rows
 * between chips without carrying them: an exchange within a group of one chip moves nothing and does not end it (on a
 * layer of one chip, the whole layer is one run, its residuals reading the attention's output and the residual stream
 * in place), nor does one that carries its rows among a layer's chips in one node ({@link RowsAmongChips}: the rows
 * it lands and sums are left here as the kernels' are). The row a decode step sends into a stage is here where it
 * landed ({@link Input}); a row that came over any other link (a broadcast's or a reduction's over several nodes, a
 * prefill chunk's), or that a run before it left, is not: a timing-only kernel reads a placeholder row of its shape
 * instead ({@link SourceRows}). What each step reads and leaves is said here once, for every lowering of
 * steps to kernels on a chip ({@link ChipKernels}, {@link BlockCompiler}). One per chip and run of a decode step,
 * looked up only.
 */
final class RunRows {
    /** What left a row. */
    sealed interface Left permits Input, Y, CacheY, Out, HeadOutputs, Normed, ResidualStream, FeedForward {
    }

    /**
     * The row sent into the stage over a link (a decode step's: a layer's input, the head's), where it landed on the
     * stage's first chip; on the table's first chip, the token's index, where it landed (the choice of the token
     * before) or was given.
     */
    record Input() implements Left {
    }

    /** The results of the product over weight tensor {@code tensor} (for an expert's, {@code piece}: which). */
    record Y(Tensor tensor, int piece) implements Left {
    }

    /** The results of KV head {@code kvHead}'s product over its cache {@code cache}: a row per query head. */
    record CacheY(CacheKind cache, int kvHead) implements Left {
    }

    /** The output rows of a vector kernel of kind {@code kind} ({@code index}: a KV head's, a piece's, or 0). */
    record Out(VectorStepKind kind, int index) implements Left {
    }

    /** KV head {@code kvHead}'s heads' outputs: a row of head_dim values per query head, o_proj's X. */
    record HeadOutputs(int kvHead) implements Left {
    }

    /** The normed row: a norm's, or the second row of a residual and the norm after it. */
    record Normed() implements Left {
    }

    /** The residual stream after a residual: the layer's input plus the attention's output. */
    record ResidualStream() implements Left {
    }

    /**
     * The chip's share of the feed-forward output: its experts' gated sum (with the experts chosen by data, the last
     * slot's), or a dense layer's down projection.
     */
    record FeedForward() implements Left {
    }

    private final Map<Left, List<Row>> rows = new HashMap<>();

    /** Records what {@code what} left (a later one of the same replaces it). */
    void leave(Left what, List<Row> left) {
        rows.put(what, List.copyOf(left));
    }

    /**
     * KV head {@code kvHead}'s V product's results ({@code qPerKv} rows, one per query head), if this run left them, as
     * its heads' outputs.
     */
    void headOutputsFromV(int kvHead, int qPerKv) {
        List<Optional<Row>> v = rows(new CacheY(CacheKind.V, kvHead), qPerKv);
        if (v.get(0).isPresent()) {
            leave(new HeadOutputs(kvHead), v.stream().map(Optional::orElseThrow).toList());
        }
    }

    /** Every row {@code what} left in this run (none if it left nothing). */
    List<Row> all(Left what) {
        return rows.getOrDefault(what, List.of());
    }

    /** Row {@code i} of what {@code what} left in this run, if it did. */
    Optional<Row> row(Left what, int i) {
        List<Row> r = rows.get(what);
        return r == null ? Optional.empty() : Optional.of(r.get(i));
    }

    /** Rows 0 .. count - 1 of what {@code what} left, each empty if it left nothing in this run. */
    List<Optional<Row>> rows(Left what, int count) {
        List<Optional<Row>> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(row(what, i));
        }
        return out;
    }

    /** What step {@code step}'s kernel on {@code shard} leaves that later kernels of a run read, if anything. */
    static Optional<Left> leaves(LayerStep step, Shard shard) {
        int piece = piece(shard);
        Left left = null;
        if (step instanceof Product p) {
            left = new Y(p.weight(), piece);
        } else if (step instanceof Rope) {
            left = new Out(VectorStepKind.ROPE, 0);
        } else if (step instanceof Softmax) {
            left = new Out(VectorStepKind.SOFTMAX, shard.kvHead());
        } else if (step instanceof SwiGlu) {
            left = new Out(VectorStepKind.SWIGLU, piece);
        } else if (step instanceof Route) {
            left = new Out(VectorStepKind.ROUTE, 0);
        } else if (step instanceof Norm) {
            left = new Normed();
        } else if (step instanceof Residual) {
            left = new ResidualStream();
        } else if (step instanceof Lookup) {
            left = new Out(VectorStepKind.LOOKUP, 0);
        } else if (step instanceof Argmax) {
            // the greedy choice: read by no kernel after it, but by a plan with data's caller
            left = new Out(VectorStepKind.ARGMAX, 0);
        }
        return Optional.ofNullable(left);
    }

    /**
     * The rows vector step {@code step}'s kernel on {@code shard} reads, by position ({@link VectorLibrary}), where
     * this run left them ({@code qPerKv} query heads per KV head).
     */
    List<Optional<Row>> reads(LayerStep step, Shard shard, int qPerKv) {
        if (step instanceof Rope) {
            return List.of(row(new Y(Tensor.QKV, 0), 0));
        } else if (step instanceof Softmax) {
            return rows(new CacheY(CacheKind.K, shard.kvHead()), qPerKv);
        } else if (step instanceof Route) {
            return List.of(row(new Y(Tensor.ROUTER, 0), 0));
        } else if (step instanceof SwiGlu) {
            return List.of(row(new Y(Tensor.GATE_UP, piece(shard)), 0));
        } else if (step instanceof Argmax) {
            return List.of(row(new Y(Tensor.LM_HEAD, 0), 0));
        } else if (step instanceof Lookup) {
            // the token's index, where it landed (a decode step's, on the table's first chip)
            return List.of(row(new Input(), 0));
        } else if (step instanceof Residual) {
            // the residual stream (the layer's last residual: the one the first residual left), and the row added
            return List.of(row(new ResidualStream(), 0), row(new FeedForward(), 0));
        } else if (step instanceof Norm n && (n.weight() == Tensor.ATTENTION_NORM
                || n.weight() == Tensor.FINAL_NORM)) {
            // the first step of its stage: the row sent into the stage, where it landed
            return List.of(row(new Input(), 0));
        }
        // a norm after a residual is fused with it (residualThenNormReads)
        return List.of();
    }

    /**
     * The rows the layer's first residual, fused with the norm after it ({@link LayerVectors#fusedWithNext}), reads:
     * the layer's input (the residual stream, where it landed: {@link Input}) and the attention's output, o_proj's
     * row where attention is on this chip alone (else the sum of every attention chip's, which came over links).
     */
    List<Optional<Row>> residualThenNormReads() {
        return List.of(row(new Input(), 0), row(new Y(Tensor.O, 0), 0));
    }

    /**
     * The source rows of weight product {@code step}'s X where this run left them: o_proj's, the heads' outputs of
     * the chip's KV heads ({@code attention}); the down projection's, SwiGLU's row; the others', the normed row (in a
     * run, the router's: the broadcast after it brings the row to the other products). With the experts chosen by
     * data, then the router's index (the first row the route leaves), which the product's prologue reads.
     */
    List<Optional<Row>> productReads(LayerStep step, Shard shard, AttentionRows attention) {
        Product p = (Product) step;
        List<Optional<Row>> out = new ArrayList<>();
        if (p.weight() == Tensor.O) {
            for (int kv = 0; kv < attention.kvHeads(); kv++) {
                out.addAll(rows(new HeadOutputs(kv), attention.perKvHead()));
            }
        } else if (p.weight() == Tensor.DOWN) {
            out.add(row(new Out(VectorStepKind.SWIGLU, piece(shard)), 0));
        } else {
            out.add(row(new Normed(), 0));
        }
        if (shard.piece() != null && shard.piece().chosenByData()) {
            out.add(row(new Out(VectorStepKind.ROUTE, 0), 0));
        }
        return out;
    }

    /**
     * The rows of a chip's experts' gating reads: with every expert computed ({@code slot} -1), each piece's row
     * ({@code pieces}) and then the routing weights; with the experts chosen by data, the sum so far, the slot's row
     * and the slots' weights (the router's second row).
     */
    List<Optional<Row>> gatingReads(List<ExpertColumns> pieces, int slot) {
        Left weights = new Out(VectorStepKind.ROUTE, 0);
        if (slot >= 0) {
            return List.of(row(new Out(VectorStepKind.SCALED_SUM, 0), 0),
                    row(new Y(Tensor.DOWN, pieces.get(slot).expert()), 0), row(weights, 1));
        }
        List<Optional<Row>> in = new ArrayList<>();
        for (ExpertColumns piece : pieces) {
            in.add(row(new Y(Tensor.DOWN, piece.expert()), 0));
        }
        in.add(row(weights, 0));
        return in;
    }

    private static int piece(Shard shard) {
        return shard.piece() == null ? 0 : shard.piece().expert();
    }
}
