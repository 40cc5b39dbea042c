// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.system.ChipBuild;
import dev.lockstep.compiler.system.Exchange;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Slice;
import dev.lockstep.isa.chip.SliceKind;
import dev.lockstep.isa.program.DataBlock;
import dev.lockstep.isa.program.VectorLayout;
import dev.lockstep.isa.semantics.Lanes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where one chip of the embedding table holds its tokens' rows, so that a kernel reads a token's row where its index
 * says ({@code base}, {@code readb}: the lookup, {@link VectorLibrary#lookup}): each vector of a row in its own MEM
 * slices (a slice per byte plane, in one hemisphere), a token's word at the group's address plus the token's place in
 * its group. A slice holds one word per token of its group, so a chip's tokens are cut into groups, each in slices of
 * its own, as many as the slices' free words take: the lookup reads every group at the token's place in it (clamped)
 * and keeps the one that holds it.
 *
 * @param first  the first token the chip holds
 * @param tokens the tokens it holds, from {@code first}
 * @param hidden values in a row
 * @param type   the type a value is stored in (f16 for fp16 weights, i8 for int8)
 * @param groups the groups, in token order
 */
record TableLayout(int first, int tokens, int hidden, DataType type, List<Group> groups) {
    TableLayout {
        groups = List.copyOf(groups);
    }

    /**
     * A group of tokens: its first token, how many, the address of the first one's words, and per vector of a row the
     * slices of its byte planes.
     */
    record Group(int first, int tokens, int address, List<int[]> planes) {
        Group {
            planes = planes.stream().map(int[]::clone).toList();
        }

        @Override
        public List<int[]> planes() {
            return planes.stream().map(int[]::clone).toList();
        }
    }

    /**
     * The four MEM slices nearest the VXM to its west, which every table chip leaves out of its table: there the
     * table's first chip keeps the tokens' indexes (f32 vectors: given ones, and the choices that land; east of the link
     * lanes' staging slices, so that a choice's words are written there as they pass on the receive lanes' eastward
     * streams), and on every table chip they leave room for the i16
     * index a lookup sets read bases from (the compiler puts it in any two adjacent slices not read at it).
     */
    static int[] indexSlices(ChipSpec chip) {
        int center = chip.floorplan().center();
        List<Integer> west = new ArrayList<>();
        for (Slice s : chip.floorplan().slicesOf(SliceKind.MEM)) {
            if (s.position() < center) {
                west.add(s.position());
            }
        }
        if (west.size() < 4) {
            throw new CompileException(chip.name() + " has " + west.size() + " MEM slices west of the VXM; an embedding "
                    + "table keeps four of them for the tokens' indexes");
        }
        return west.subList(west.size() - 4, west.size()).stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The most tokens of rows of {@code hidden} values stored as {@code w} that a table chip holds in this layout: as
     * many groups as the slices but the index slices make (a group takes a slice per byte plane of each vector of a
     * row), each of as many tokens as a slice has words below the scratch words and above the link lanes' staging
     * buffers (counted in every slice, so that any group fits). 0 if a row is wider than the slices hold.
     */
    static int tokensPerChip(ChipSpec chip, int hidden, Precision w) {
        int vectors = (hidden + chip.vectorBytes() - 1) / chip.vectorBytes();
        int words = chip.mem().wordsPerSlice() - ChipKernels.SCRATCH_WORDS - Exchange.stagingWords();
        return units(chip, typeOf(w).bytes()).size() / vectors * words;
    }

    /**
     * The slices a vector of a row can take, {@code planes} at a time (a slice per byte plane): adjacent MEM slices of
     * one hemisphere, west first, every one but the index slices ({@link #indexSlices}).
     */
    private static List<int[]> units(ChipSpec chip, int planes) {
        Set<Integer> keep = new TreeSet<>();
        for (int s : indexSlices(chip)) {
            keep.add(s);
        }
        int center = chip.floorplan().center();
        List<int[]> units = new ArrayList<>();
        for (boolean west : new boolean[] {true, false}) {
            List<Integer> side = new ArrayList<>();
            for (Slice s : chip.floorplan().slicesOf(SliceKind.MEM)) {
                if ((s.position() < center) == west && !keep.contains(s.position())) {
                    side.add(s.position());
                }
            }
            for (int i = 0; i + planes <= side.size(); i += planes) {
                int[] u = new int[planes];
                for (int p = 0; p < planes; p++) {
                    u[p] = side.get(i + p);
                }
                units.add(u);
            }
        }
        return units;
    }

    /** The type a table of {@code w} weights stores a value in. */
    static DataType typeOf(Precision w) {
        return w == Precision.INT8 ? DataType.I8 : DataType.F16;
    }

    /**
     * Lays out tokens {@code first .. first + tokens - 1} of rows of {@code hidden} values stored as {@code w} on chip
     * {@code c}, below word {@code ceiling}, in every MEM slice but the index slices ({@link #indexSlices}); takes
     * their words.
     *
     * @throws CompileException if the groups they need outnumber the slices
     */
    static TableLayout take(ChipSpec chip, ChipBuild c, int first, int tokens, int hidden, Precision w,
                            int ceiling) {
        DataType type = typeOf(w);
        int planes = type.bytes();
        int vectors = (hidden + chip.vectorBytes() - 1) / chip.vectorBytes();
        List<int[]> units = units(chip, planes);
        List<Group> groups = new ArrayList<>();
        int next = first;
        int unit = 0;
        while (next < first + tokens) {
            if (unit + vectors > units.size()) {
                int held = next - first;
                throw new CompileException("chip " + c.chipId() + " holds " + tokens + " tokens of the embedding "
                        + "table, a word per token in each of " + vectors * planes + " slices a group; its slices "
                        + "take " + held + " (" + groups.size() + " groups): the table needs more chips");
            }
            List<int[]> mine = units.subList(unit, unit + vectors);
            int[] all = mine.stream().flatMapToInt(Arrays::stream).toArray();
            int address = 0;
            for (int p : all) {
                address = Math.max(address, c.sram().top(p));
            }
            int n = Math.min(first + tokens - next, ceiling - address);
            if (n > 0) {
                c.takeWords(all, n);
                groups.add(new Group(next, n, address, mine));
                next += n;
            }
            unit += vectors;
        }
        return new TableLayout(first, tokens, hidden, type, groups);
    }

    /**
     * The initial SRAM contents that put the chip's rows of {@code table} (vocab x hidden values, row-major) where this
     * layout says, rounded to f16 ({@code vectorBytes} lanes a vector; lanes past a row's values hold 0).
     */
    List<DataBlock> data(double[] table, int vectorBytes) {
        if (type != DataType.F16) {
            throw new IllegalArgumentException("a table with data is stored in fp16 so far; this one is " + type);
        }
        List<DataBlock> out = new ArrayList<>();
        for (Group g : groups) {
            List<int[]> planes = g.planes();
            for (int v = 0; v < planes.size(); v++) {
                int[] slices = planes.get(v);
                byte[][] words = new byte[slices.length][g.tokens() * vectorBytes];
                for (int t = 0; t < g.tokens(); t++) {
                    long[] bits = new long[vectorBytes];
                    long row = (long) (g.first() + t) * hidden;
                    for (int l = 0; l < vectorBytes && v * vectorBytes + l < hidden; l++) {
                        bits[l] = Lanes.roundBits(type, table[(int) (row + v * vectorBytes + l)]);
                    }
                    byte[][] p = VectorLayout.planes(type, bits, vectorBytes);
                    for (int s = 0; s < slices.length; s++) {
                        System.arraycopy(p[s], 0, words[s], t * vectorBytes, vectorBytes);
                    }
                }
                for (int s = 0; s < slices.length; s++) {
                    out.add(new DataBlock(slices[s], g.address(), words[s]));
                }
            }
        }
        return out;
    }
}
