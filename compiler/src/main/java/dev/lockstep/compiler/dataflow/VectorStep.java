// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.dataflow;

import dev.lockstep.compiler.matmul.XTiles;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.program.Region;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The vector graph of one step and the rows it reads where they lie. A row's values come in aligned (value i in
 * lane i mod 320 of vector i / 320): a row that starts mid-vector is brought over by SXM shifts, and a row whose
 * vectors hold further values past it has them cleared (a multiply by a 0/1 lane mask) where the caller needs
 * zeros there. A row held in f16 is read as f32 (exact).
 */
public final class VectorStep {
    /** Lanes of a vector: rows are laid out for them. */
    public static final int LANES_PER_VECTOR = 320;
    static final int LANES = LANES_PER_VECTOR;
    private final VectorGraph g;
    private final Map<Place, VectorGraph.Ref> placed = new HashMap<>();
    private final Map<Integer, VectorGraph.Ref> masks = new HashMap<>();
    /** The places of {@link #placeholder} rows: read as constants of the step (looked up, never iterated). */
    private final Set<Place> placeholders = new HashSet<>();

    /** Where a vector lies: its slices (one per byte plane), its address in them and its type. */
    private record Place(List<Integer> slices, int address, DataType dtype) {
    }

    /** A step for a chip of {@code lanes} lanes (rows are laid out for 320). */
    public VectorStep(int lanes) {
        if (lanes != LANES) {
            throw new IllegalArgumentException("rows are laid out for 320-lane vectors; this chip has " + lanes);
        }
        this.g = new VectorGraph(lanes);
    }

    /** The graph, for ops of its own. */
    public VectorGraph graph() {
        return g;
    }

    /**
     * A vector already in SRAM (each place is read once per graph, however often it is asked for); a vector of a
     * {@link #placeholder} row is a constant of the step instead.
     */
    public VectorGraph.Ref at(Region r) {
        Place place = new Place(r.slices(), r.address(), r.dtype());
        return placed.computeIfAbsent(place, k -> placeholders.contains(k) ? g.input(r.dtype(), new double[0], 0)
                : g.inputAt(r.dtype(), r.slices().stream().mapToInt(Integer::intValue).toArray(), r.address()));
    }

    /**
     * A row of {@code length} f32 values that an earlier step would leave, for a timing-only kernel: its vectors are
     * constants of this step, so that reading it (whole, in parts, cut mid-vector) takes the steps a run with data
     * takes on a row of that shape, without the row in SRAM. Each call gives a row of its own.
     */
    public Row placeholder(int length) {
        List<Region> vectors = new ArrayList<>();
        for (int i = 0; i * LANES < length; i++) {
            // a place no chip has (slice -1), numbered by this step
            Region v = new Region("", List.of(-1), placeholders.size(), DataType.F32, LANES, false);
            placeholders.add(new Place(v.slices(), v.address(), v.dtype()));
            vectors.add(v);
        }
        return Row.of(vectors, length);
    }

    /** A vector of a row as f32: an f16 one (a row that crossed a link in f16) converted, exactly. */
    private VectorGraph.Ref f32(Region r) {
        VectorGraph.Ref v = at(r);
        return r.dtype() == DataType.F16 ? g.convert(v, DataType.F32) : v;
    }

    /** A constant vector of the program (lanes past the values are {@code pad}). */
    public VectorGraph.Ref constant(double[] values, double pad) {
        return g.input(values, pad);
    }

    /** 1 in lanes below {@code count}, 0 above (f32). */
    public VectorGraph.Ref laneMask(int count) {
        return masks.computeIfAbsent(count, c -> {
            double[] m = new double[c];
            Arrays.fill(m, 1);
            return g.input(m, 0);
        });
    }

    /**
     * An output row's vectors as every vector step leaves them, in both lowerings: a vector that is an input read in
     * place is copied (later work may overwrite where it lies), and an f32 row's lanes past its {@code length} values
     * are cleared (a row holds 0 past its values, {@link Row}: a multiply by a lane mask).
     */
    public List<VectorGraph.Ref> output(List<VectorGraph.Ref> vectors, int length) {
        List<VectorGraph.Ref> v = new ArrayList<>(vectors);
        for (int i = 0; i < v.size(); i++) {
            if (g.isPlaced(v.get(i))) {
                v.set(i, g.unary(Opcode.VMOV, v.get(i)));
            }
        }
        int tail = length % LANES;
        if (tail != 0 && g.type(v.get(v.size() - 1)) == DataType.F32) {
            v.set(v.size() - 1, g.binary(Opcode.VMUL, v.get(v.size() - 1), laneMask(tail)));
        }
        return v;
    }

    /** The whole row, aligned, 0 past its values. */
    public List<VectorGraph.Ref> row(Row r) {
        List<VectorGraph.Ref> out = new ArrayList<>();
        for (int from = 0; from < r.length(); from += LANES) {
            out.add(lanes(r, from, Math.min(LANES, r.length() - from), true));
        }
        return out;
    }

    /**
     * Values {@code from .. from + count - 1} of the row (count at most 320) in lanes 0 .. count - 1 of one vector;
     * lanes from count on are 0 when {@code clean}, else whatever follows in SRAM (a product ignores them).
     */
    public VectorGraph.Ref lanes(Row r, int from, int count, boolean clean) {
        if (count < 1 || count > LANES || from < 0 || from + count > r.length()) {
            throw new IllegalArgumentException("values " + from + ".." + (from + count - 1) + " of a row of "
                    + r.length() + " in one vector");
        }
        int s = r.offset() + from;
        VectorGraph.Ref p = aligned(j -> f32(r.vectors().get(j)), s, count);
        if (clean && count < LANES && s + count < r.extent()) {
            p = g.binary(Opcode.VMUL, p, laneMask(count));
        }
        return p;
    }

    /** Lanes {@code s .. s + count - 1} of the vectors {@code vector} gives (lane 0 of vector 0 first), from lane 0. */
    private VectorGraph.Ref aligned(IntFunction<VectorGraph.Ref> vector, int s, int count) {
        int j = s / LANES;
        int shift = s % LANES;
        VectorGraph.Ref p = vector.apply(j);
        if (shift != 0) {
            p = g.shift(p, -shift);
        }
        if (shift + count > LANES) {
            p = g.binary(Opcode.VADD, p, g.shift(vector.apply(j + 1), LANES - shift));
        }
        return p;
    }

    /**
     * Values {@code from .. from + count - 1} of the concatenation of {@code parts}, in lanes 0 .. count - 1 of one
     * vector (lanes past count as {@link #lanes} leaves them when there is one part; 0 when there are several).
     */
    public VectorGraph.Ref lanes(List<Row> parts, int from, int count, boolean clean) {
        if (parts.size() == 1) {
            return lanes(parts.get(0), from, count, clean);
        }
        VectorGraph.Ref acc = null;
        int pos = 0;
        for (Row part : parts) {
            int o0 = Math.max(from, pos);
            int o1 = Math.min(from + count, pos + part.length());
            if (o0 < o1) {
                VectorGraph.Ref piece = lanes(part, o0 - pos, o1 - o0, true);
                if (o0 > from) {
                    piece = g.shift(piece, o0 - from);
                }
                acc = acc == null ? piece : g.binary(Opcode.VADD, acc, piece);
            }
            pos += part.length();
        }
        if (acc == null) {
            throw new IllegalArgumentException("values " + from + ".." + (from + count - 1) + " are past the parts' "
                    + pos + " values");
        }
        return acc;
    }

    /** Writes an f32 vector to SRAM as f16 at a place the caller owns (a product's X tile, a cache row). */
    public void storeF16(VectorGraph.Ref value, Region where, int row) {
        VectorGraph.Ref h = g.convert(value, DataType.F16);
        g.pin(h, where.slices().stream().mapToInt(Integer::intValue).toArray(), where.address() + row);
    }

    /**
     * Writes rows {@code x} (each the concatenation of its parts, {@code tiles.k()} values) into a product's X tiles,
     * in the tiles' type: per K tile, the row's values brought to lanes 0 .. kTile - 1, converted, and written once
     * per unit that works (each reads its own copy). The wiring of a row into a product.
     */
    public void writeX(List<List<Row>> x, XTiles tiles) {
        if (x.size() != tiles.m()) {
            throw new IllegalArgumentException(x.size() + " rows of X for a product of " + tiles.m());
        }
        for (int r = 0; r < x.size(); r++) {
            for (int kt = 0; kt * tiles.kTile() < tiles.k(); kt++) {
                int rows = Math.min(tiles.kTile(), tiles.k() - kt * tiles.kTile());
                VectorGraph.Ref piece = lanes(x.get(r), kt * tiles.kTile(), rows, false);
                for (List<Region> unit : tiles.units()) {
                    Region where = unit.get(kt);
                    g.pin(g.convert(piece, tiles.type()), where.slices().stream().mapToInt(Integer::intValue)
                            .toArray(), where.address() + r);
                }
            }
        }
    }
}
