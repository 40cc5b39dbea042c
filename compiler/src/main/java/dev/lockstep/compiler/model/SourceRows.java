// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.dataflow.VectorStep;
import dev.lockstep.compiler.graph.Tensor;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.compiler.vector.VectorKernels;
import java.util.List;
import java.util.Optional;

/**
 * Where a kernel of a {@link KernelLibrary} finds each source row it reads: in place, where a kernel before it left it
 * or a link landed it (by position, as each kernel lists its inputs), or, where none did, a placeholder row of
 * constants. Timing-only, a placeholder holds zeros; with values ({@link KernelValues}) none is taken: it is refused,
 * where it would compute on zeros.
 */
final class SourceRows {
    /** The values of the kernels that read; null for none (timing-only). */
    private final KernelValues values;

    SourceRows(KernelValues values) {
        this.values = values;
    }

    /** Whether the kernels that read hold values (a plan with data). */
    boolean withValues() {
        return values != null;
    }

    /**
     * The rows a kernel reads in place, by position, without the empty ones at the end: a kernel that reads none
     * has one identity however its caller says so.
     */
    static List<Optional<Row>> canonical(List<Optional<Row>> in) {
        int n = in.size();
        while (n > 0 && in.get(n - 1).isEmpty()) {
            n--;
        }
        return List.copyOf(in.subList(0, n));
    }

    /** Source row {@code i} of {@code in} ({@code n} values) where it lies, if {@code in} gives it. */
    private static Optional<Row> given(List<Optional<Row>> in, int i, int n) {
        Optional<Row> r = i < in.size() ? in.get(i) : Optional.empty();
        if (r.isPresent() && r.get().length() != n) {
            throw new IllegalArgumentException("source row " + i + " holds " + r.get().length() + " values; the "
                    + "kernel reads " + n);
        }
        return r;
    }

    /**
     * Source row {@code i} of {@code in}, {@code n} values, read whole where it lies; where {@code in} has none, a row
     * of constants (a timing-only kernel's input that no kernel before it in its run left on its chip).
     */
    List<VectorGraph.Ref> read(VectorStep s, List<Optional<Row>> in, int i, int n) {
        return given(in, i, n).map(s::row).orElseGet(() -> constants(s.graph(), placeholder(n)));
    }

    /** As {@link #read}, for a row of at most one vector ({@code n} values: logits, routing weights). */
    VectorGraph.Ref readVector(VectorStep s, List<Optional<Row>> in, int i, int n) {
        return given(in, i, n).map(r -> s.row(r).get(0)).orElseGet(() -> s.graph().input(placeholder(n), 0));
    }

    /** Source row {@code i} of {@code in} where it lies, or a placeholder row of {@code n} values. */
    Row source(VectorStep s, List<Optional<Row>> in, int i, int n) {
        return given(in, i, n).orElseGet(() -> {
            // refused with values, as every placeholder row is
            placeholder(n);
            return s.placeholder(n);
        });
    }

    /**
     * The values of a placeholder row of {@code n}: zeros; with values, none (a kernel with data reads every row in
     * place: one that did not would compute on zeros, silently wrong).
     */
    private double[] placeholder(int n) {
        if (values != null) {
            throw new IllegalStateException("chip " + values.chip() + ": a kernel with data reads a row of " + n
                    + " values that is not where a kernel before it left it (it came over a link, which a plan with "
                    + "data does not carry yet)");
        }
        return new double[n];
    }

    /** Checks that a kernel with values reads every one of its {@code sources} rows in place ({@link #placeholder}). */
    void inPlace(List<Optional<Row>> in, int sources) {
        if (values == null) {
            return;
        }
        for (int i = 0; i < sources; i++) {
            if (i >= in.size() || in.get(i).isEmpty()) {
                throw new IllegalStateException("chip " + values.chip() + ": a kernel with data reads source row " + i
                        + " of " + sources + ", which is not where a kernel before it left it (it came over a link, "
                        + "which a plan with data does not carry yet)");
            }
        }
    }

    /** The gains of norm {@code gain} over n values: zeros, or with values the layer's. */
    double[] gains(Tensor gain, int n) {
        return values == null ? new double[n] : values.gains(gain);
    }

    private static List<VectorGraph.Ref> constants(VectorGraph g, double[] values) {
        return VectorKernels.row(g, values, 0);
    }
}
