// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.dataflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rows a step reads, by shape: each a concatenation of cuts of rows that earlier steps leave (of lengths
 * {@code sources}). A run with data has the rows themselves; a timing-only kernel reads the source rows that earlier
 * kernels of its run left where they lie, and placeholder rows of the same shapes for the others ({@link #in}), so
 * that it takes the same steps: a cut that starts mid-vector is shifted over, one followed by other values is cleared
 * where the step needs zeros, a row of several cuts is merged vector by vector.
 *
 * @param sources the rows' lengths, in values
 * @param rows    each row's cuts, in order
 */
public record RowCuts(List<Integer> sources, List<List<Cut>> rows) {
    /** Values {@code from .. from + count - 1} of source row {@code source}. */
    public record Cut(int source, int from, int count) {
    }

    public RowCuts {
        sources = List.copyOf(sources);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<Cut> row : rows) {
            if (row.isEmpty()) {
                throw new IllegalArgumentException("a row of no cuts");
            }
            for (Cut c : row) {
                if (c.source() < 0 || c.source() >= sources.size() || c.from() < 0 || c.count() < 1
                        || c.from() + c.count() > sources.get(c.source())) {
                    throw new IllegalArgumentException(c + " is outside the source rows " + sources);
                }
            }
        }
    }

    /** {@code rows} whole rows of {@code length} values, each a source of its own. */
    public static RowCuts whole(int rows, int length) {
        List<Integer> sources = new ArrayList<>();
        List<List<Cut>> out = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            sources.add(length);
            out.add(List.of(new Cut(r, 0, length)));
        }
        return new RowCuts(sources, out);
    }

    /** Values in row {@code r}. */
    public int length(int r) {
        return rows.get(r).stream().mapToInt(Cut::count).sum();
    }

    /** The rows, made of placeholder rows of step {@code s} ({@link VectorStep#placeholder}), one per source. */
    public List<List<Row>> in(VectorStep s) {
        return in(s, List.of());
    }

    /**
     * The rows, made of the source rows {@code at} gives where they lie (in SRAM, as earlier kernels left them), by
     * position, and of placeholder rows of step {@code s} for the sources it leaves empty or does not reach.
     */
    public List<List<Row>> in(VectorStep s, List<Optional<Row>> at) {
        if (at.size() > sources.size()) {
            throw new IllegalArgumentException(at.size() + " source rows for cuts of " + sources.size());
        }
        List<Row> made = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            int length = sources.get(i);
            Row r = (i < at.size() ? at.get(i) : Optional.<Row>empty()).orElseGet(() -> s.placeholder(length));
            if (r.length() != length) {
                throw new IllegalArgumentException("source row " + i + " holds " + r.length() + " values; the cuts "
                        + "are of a row of " + length);
            }
            made.add(r);
        }
        List<List<Row>> out = new ArrayList<>();
        for (List<Cut> row : rows) {
            List<Row> parts = new ArrayList<>();
            for (Cut c : row) {
                parts.add(made.get(c.source()).part(c.from(), c.count()));
            }
            out.add(parts);
        }
        return out;
    }
}
