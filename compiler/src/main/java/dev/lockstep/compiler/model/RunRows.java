// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.dataflow.Row;
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
 * SwiGLU's row by the down projection's wiring, ...). A row that came over a link, or that a run before it left, is
 * not here: a timing-only kernel reads a placeholder row of its shape instead ({@link KernelLibrary}). One per chip
 * and run of a decode step, looked up only.
 */
final class RunRows {
    /** What left a row. */
    sealed interface Left permits Y, CacheY, Out, HeadOutputs {
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

    private final Map<Left, List<Row>> rows = new HashMap<>();

    /** Records what {@code what} left (a later one of the same replaces it). */
    void leave(Left what, List<Row> left) {
        rows.put(what, List.copyOf(left));
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
}
