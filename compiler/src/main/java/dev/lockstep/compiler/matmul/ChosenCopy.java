// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.chip.Slice;
import dev.lockstep.isa.chip.SliceKind;
import dev.lockstep.isa.chip.Queue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * A product whose W is one of several copies chosen by data (an expert chosen by a router): each W slice holds copy
 * 0 of all its W tiles in one block, then copy 1 in a block as large, and so on ({@link #block}: no tile is padded,
 * a block is rounded up to a whole number of banks);
 * an index vector (u16 per lane, lane {@code lane} naming the copy) lies in a tile of two adjacent MEM slices, and
 * before any weight is read a prologue puts it on streams that pass every W slice, where a {@code base} sets the
 * slice's read base to index x the slice's block; the weight reads are then {@code readb}. The schedule is the
 * same whatever the index: only the words read differ.
 *
 * <p>The index tile's planes lie at positions a and a + 1: eastward streams carry both from a + 1 on, westward
 * ones up to a, so every W slice is reached by one pair, both planes on the same cycle.
 */
final class ChosenCopy {
    /** The index vector's lane that names the copy this kernel reads. */
    final int lane;
    /** Values of the index vector to put in SRAM as initial data (tests), or null: earlier work writes it. */
    final int[] indexValues;
    /** Where the index vector lies: plane 0 (low byte) at slices[0], plane 1 at slices[1] = slices[0] + 1. */
    Tile index;
    /** Per position: the first cycle a readb may issue there (after its base); absent: no W there. */
    private final long[] readableFrom;
    /**
     * Per position: words between two copies of the W tiles there (copy 0 of all of them, rounded up to a multiple
     * of the chip's banks so that every copy's words keep their bank); 0 where no W tile lies. Set by allocation.
     */
    final int[] block;

    ChosenCopy(int lane, int[] indexValues, int positions) {
        this.lane = lane;
        this.indexValues = indexValues;
        this.readableFrom = new long[positions];
        this.block = new int[positions];
    }

    /** The first cycle at which a readb of W may issue at {@code position}. */
    long readableFrom(int position) {
        return readableFrom[position];
    }

    /**
     * Takes one word in two adjacent MEM slices for the index vector, the pair nearest the chip's centre with room.
     * Precondition: allocation of the product's tiles.
     */
    static void allocate(KernelContext ctx) {
        int words = ctx.sram.ceiling();
        int center = ctx.chip.floorplan().center();
        List<int[]> pairs = new ArrayList<>();
        List<Slice> slices = ctx.chip.floorplan().slices();
        for (int a = 0; a + 1 < slices.size(); a++) {
            if (slices.get(a).kind() == SliceKind.MEM && slices.get(a + 1).kind() == SliceKind.MEM
                    && ctx.sram.top(a) < words && ctx.sram.top(a + 1) < words) {
                pairs.add(new int[] {a, a + 1});
            }
        }
        int[] pair = pairs.stream().min(Comparator.<int[]>comparingInt(p -> Math.abs(p[0] - center))
                .thenComparingInt(p -> p[0])).orElseThrow(() -> new CompileException("a product over weights "
                + "chosen by data needs one free word in two adjacent MEM slices for its index, and none has room"));
        int address = Math.max(ctx.sram.top(pair[0]), ctx.sram.top(pair[1]));
        ctx.chosen.index = Tile.at(pair, address, 1);
        ctx.sram = ctx.sram.raise(pair[0], address + 1).raise(pair[1], address + 1);
    }

    /**
     * Places the prologue from the kernel's first cycles: reads of the index planes onto eastward and westward
     * streams and a base on every W slice when both planes pass it. Precondition: allocation.
     */
    static void schedule(KernelContext ctx) {
        ChosenCopy c = ctx.chosen;
        TreeSet<Integer> targets = new TreeSet<>();
        for (Tile[][] unit : ctx.wTiles) {
            if (unit == null) {
                continue;
            }
            for (Tile[] work : unit) {
                for (Tile t : work) {
                    for (int s : t.slices()) {
                        targets.add(s);
                    }
                }
            }
        }
        int a = c.index.slices()[0];
        int b = c.index.slices()[1];
        List<Integer> east = new ArrayList<>(targets.tailSet(b, true));
        List<Integer> west = new ArrayList<>(targets.headSet(a, true));
        long latency = ctx.chip.timing().cycles(TimingParam.MEM_READ_LATENCY_CYCLES);
        long hop = ctx.table.hop();
        int address = c.index.address();
        for (long t0 = 0; t0 < 10_000; t0++) {
            // east: plane 0 read at a at t0, plane 1 at b one hop later, together from b on; west: the mirror,
            // from t0 + d, the least d from 2 on at which no two of the prologue's instructions share a slice and
            // a cycle (each holds its slice's read path for one)
            for (long d = 2; d < 2 + 4 * (hop + latency); d++) {
                List<Step> steps = new ArrayList<>();
                if (!east.isEmpty()) {
                    steps.addAll(direction(ctx, true, a, b, t0, address, latency, hop, east));
                }
                if (!west.isEmpty()) {
                    steps.addAll(direction(ctx, false, a, b, t0 + d, address, latency, hop, west));
                }
                if (!distinctCycles(steps)) {
                    continue;
                }
                if (steps.stream().allMatch(s -> s.fits(ctx))) {
                    for (Step s : steps) {
                        s.take(ctx);
                        if (s.ins.opcode() == Opcode.BASE) {
                            c.readableFrom[s.position] = s.cycle + 1;
                        }
                    }
                    return;
                }
                break;
            }
        }
        throw new CompileException("could not place the prologue that reads the index of weights chosen by data");
    }

    /** Whether no two steps are on one slice at one cycle (each holds its slice's read path for a cycle). */
    private static boolean distinctCycles(List<Step> steps) {
        TreeSet<Long> seen = new TreeSet<>();
        for (Step s : steps) {
            if (!seen.add(s.cycle * 1024 + s.position)) {
                return false;
            }
        }
        return true;
    }

    /** One instruction of the prologue: a read of an index plane (with its stream run) or a base. */
    private record Step(Queue queue, int position, long cycle, Instruction ins, long stream, int to) {
        boolean fits(KernelContext ctx) {
            if (!ctx.table.canIssue(queue, ins, cycle)) {
                return false;
            }
            if (ins.opcode() == Opcode.READ) {
                long latency = ctx.chip.timing().cycles(TimingParam.MEM_READ_LATENCY_CYCLES);
                return ctx.table.streamFree(stream, position, to, cycle + latency, 1)
                        && ctx.table.sliceFree(position, cycle, cycle + 1, true);
            }
            return true;
        }

        void take(KernelContext ctx) {
            if (ins.opcode() == Opcode.READ) {
                long latency = ctx.chip.timing().cycles(TimingParam.MEM_READ_LATENCY_CYCLES);
                ctx.table.takeStream(stream, position, to, cycle + latency, 1);
                ctx.table.takeSlice(position, cycle, cycle + 1, true);
                ctx.place(queue, cycle, ins, cycle + latency);
            } else {
                ctx.place(queue, cycle, ins, cycle);
            }
        }
    }

    /**
     * The reads and bases of one direction: plane 0 from {@code a}, plane 1 from {@code b} = a + 1, the nearer
     * plane read one hop after the farther, so that both pass every target on the same cycle.
     */
    private static List<Step> direction(KernelContext ctx, boolean eastward, int a, int b, long t0, int address,
                                        long latency, long hop, List<Integer> targets) {
        long s0 = eastward ? Streams.east(0) : Streams.west(0);
        long s1 = Streams.plane(s0, 1);
        int far = eastward ? targets.get(targets.size() - 1) : targets.get(0);
        long readA = eastward ? t0 : t0 + hop;
        long readB = eastward ? t0 + hop : t0;
        List<Step> out = new ArrayList<>();
        out.add(new Step(ctx.table.memQueue(a), a, readA, Instruction.of(Opcode.READ, s0, address, 1, 1), s0, far));
        out.add(new Step(ctx.table.memQueue(b), b, readB, Instruction.of(Opcode.READ, s1, address, 1, 1), s1, far));
        for (int x : targets) {
            long arrival = eastward ? readA + latency + (x - a) * hop : readB + latency + (b - x) * hop;
            out.add(new Step(ctx.table.memQueue(x), x, arrival, Instruction.of(Opcode.BASE, s0, ctx.chosen.lane,
                    ctx.chosen.block[x]), s0, x));
        }
        return out;
    }
}
