// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.vector;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.schedule.ReservationTable;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.chip.SliceKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The reads that set the read base of the slices a kernel reads where an index says ({@link VectorGraph#inputIndexed}),
 * and where the index lies ({@link #placeIndex}):
 * the index's two planes (an i16 vector in adjacent MEM slices a and a + 1) read onto a pair of streams toward the
 * slices east of them and onto a pair toward those west of them, the nearer plane one hop after the farther so that
 * both pass every slice on one cycle, and there a {@code base} (lane 0, scale 1). As {@code ChosenCopy} does for the
 * weights of a product chosen by data, but in a vector kernel's reservation table, on free streams, each direction's
 * steps issued in the table as they are placed (so that the other direction's reads of the index's slices, and another
 * index's, find them taken).
 */
final class BasePrologue {
    private BasePrologue() {
    }

    /** An instruction of the prologue at its cycle on its queue, and the cycle of its last event. */
    record Step(Queue queue, long cycle, Instruction instruction, long lastEvent) {
    }

    /**
     * Places an index that sets read bases ({@link VectorGraph#inputIndexed}) in two adjacent MEM slices of one
     * hemisphere, at one address: the free pair with the lowest address, then nearest the VXM.
     */
    static void placeIndex(ChipSpec chip, VValue v, boolean[] forbidden, int[] next, int[] uses,
                                   SramMap taken) {
        int center = chip.floorplan().center();
        List<SliceKind> layout = chip.floorplan().layout();
        int best = -1;
        for (int a = 0; a + 1 < layout.size(); a++) {
            boolean ok = layout.get(a) == SliceKind.MEM && layout.get(a + 1) == SliceKind.MEM
                    && (a < center) == (a + 1 < center) && !forbidden[a] && !forbidden[a + 1]
                    && Math.max(next[a], next[a + 1]) < taken.ceiling();
            if (ok && (best < 0 || Math.max(next[a], next[a + 1]) < Math.max(next[best], next[best + 1])
                    || Math.max(next[a], next[a + 1]) == Math.max(next[best], next[best + 1])
                    && Math.abs(a - center) < Math.abs(best - center))) {
                best = a;
            }
        }
        if (best < 0) {
            throw new CompileException("no two adjacent MEM slices have room for an index that sets read bases");
        }
        int address = Math.max(next[best], next[best + 1]);
        v.slices = new int[] {best, best + 1};
        v.addresses = new int[] {address, address};
        for (int p = best; p <= best + 1; p++) {
            next[p] = address + 1;
            uses[p]++;
        }
    }

    /** Which indexes' prologues a kernel has placed, and per floorplan position the first cycle a readb may issue. */
    static final class Bases {
        private final Set<VValue> placed = Collections.newSetFromMap(new IdentityHashMap<>());
        private long[] from;
    }

    /**
     * The prologue of each index that sets the read bases of an input {@code op} reads and has none placed yet, for
     * every slice read at that index in {@code graph}, placed in {@code table} ({@link #place}); those inputs become
     * readable from their bases. Returns the steps, issued in {@code table}, for the caller's program.
     */
    static List<Step> before(ChipSpec chip, ReservationTable table, VectorGraph graph, VOp op, Bases bases) {
        List<Step> out = new ArrayList<>();
        for (VValue in : op.inputs()) {
            VValue index = in.baseIndex;
            if (index == null || bases.placed.contains(index)) {
                continue;
            }
            if (bases.from == null) {
                bases.from = new long[chip.floorplan().slices().size()];
            }
            TreeSet<Integer> targets = new TreeSet<>();
            List<VValue> read = graph.values.stream().filter(v -> v.baseIndex == index).toList();
            read.forEach(v -> Arrays.stream(v.slices).forEach(targets::add));
            out.addAll(place(chip, table, index, targets, bases.from));
            for (VValue v : read) {
                for (int sl : v.slices) {
                    v.readyCycle = Math.max(v.readyCycle, bases.from[sl]);
                }
            }
            bases.placed.add(index);
        }
        return out;
    }

    /**
     * Places the prologue of {@code index} for {@code targets} (floorplan positions) in {@code table} at the first
     * cycles it fits from when the index is ready; returns its steps, issued in {@code table} with their streams and
     * slices (the caller records them in its program), and sets in {@code baseFrom} per target position the first
     * cycle a {@code readb} there may issue.
     */
    static List<Step> place(ChipSpec chip, ReservationTable table, VValue index, TreeSet<Integer> targets,
                            long[] baseFrom) {
        int a = index.slices[0];
        int b = index.slices[1];
        if (b != a + 1 || index.addresses[0] != index.addresses[1]) {
            throw new CompileException("an index that sets read bases lies in two adjacent MEM slices at one address; "
                    + "got slices " + a + " and " + b);
        }
        if (targets.contains(a) || targets.contains(b)) {
            throw new CompileException("slice " + (targets.contains(a) ? a : b) + " holds an index and is read at it");
        }
        List<Step> out = new ArrayList<>();
        List<Integer> east = new ArrayList<>(targets.tailSet(b, false));
        List<Integer> west = new ArrayList<>(targets.headSet(a, false));
        if (!east.isEmpty()) {
            out.addAll(direction(chip, table, index, true, east, baseFrom));
        }
        if (!west.isEmpty()) {
            out.addAll(direction(chip, table, index, false, west, baseFrom));
        }
        return out;
    }

    private static List<Step> direction(ChipSpec chip, ReservationTable table, VValue index, boolean eastward,
                                        List<Integer> targets, long[] baseFrom) {
        long latency = chip.timing().cycles(TimingParam.MEM_READ_LATENCY_CYCLES);
        long hop = table.hop();
        int a = index.slices[0];
        int b = index.slices[1];
        int address = index.addresses[0];
        int far = eastward ? targets.get(targets.size() - 1) : targets.get(0);
        for (long t0 = index.readyCycle; t0 < index.readyCycle + 100_000; t0++) {
            long readA = eastward ? t0 : t0 + hop;
            long readB = eastward ? t0 + hop : t0;
            for (int k = 0; k + 1 < chip.streamsPerDirection(); k++) {
                long s0 = eastward ? Streams.east(k) : Streams.west(k);
                long s1 = Streams.plane(s0, 1);
                Instruction readLow = Instruction.of(Opcode.READ, s0, address, 1, 1);
                Instruction readHigh = Instruction.of(Opcode.READ, s1, address, 1, 1);
                if (!readable(table, a, readA, readLow, s0, far, latency)
                        || !readable(table, b, readB, readHigh, s1, far, latency)) {
                    continue;
                }
                List<Step> steps = new ArrayList<>();
                boolean fits = true;
                for (int x : targets) {
                    long at = eastward ? readA + latency + (x - a) * hop : readB + latency + (b - x) * hop;
                    Instruction base = Instruction.of(Opcode.BASE, s0, 0, 1);
                    if (!table.canIssue(table.memQueue(x), base, at)) {
                        fits = false;
                        break;
                    }
                    steps.add(new Step(table.memQueue(x), at, base, at));
                }
                if (!fits) {
                    break;
                }
                table.takeStream(s0, a, far, readA + latency, 1);
                table.takeStream(s1, b, far, readB + latency, 1);
                table.takeSlice(a, readA, readA + 1, true);
                table.takeSlice(b, readB, readB + 1, true);
                List<Step> out = new ArrayList<>();
                out.add(new Step(table.memQueue(a), readA, readLow, readA + latency));
                out.add(new Step(table.memQueue(b), readB, readHigh, readB + latency));
                out.addAll(steps);
                // issued here, so that the other direction's (and another index's) steps see them
                for (Step s : out) {
                    table.issue(s.queue(), s.instruction(), s.cycle());
                }
                for (Step s : steps) {
                    int x = s.queue().slice().position();
                    baseFrom[x] = s.cycle() + 1;
                }
                return out;
            }
        }
        throw new CompileException("could not place the reads that set the read bases of an indexed read");
    }

    private static boolean readable(ReservationTable table, int position, long cycle, Instruction read, long stream,
                                    int far, long latency) {
        return table.canIssue(table.memQueue(position), read, cycle)
                && table.sliceFree(position, cycle, cycle + 1, true)
                && table.streamFree(stream, position, far, cycle + latency, 1);
    }
}
