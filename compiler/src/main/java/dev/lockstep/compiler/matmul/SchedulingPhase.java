// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.chip.Queue;

/**
 * Gives every instruction its cycle. Each unit runs its tiles in order, N tile by N tile and, within one, K tile by
 * K tile: LW loads a tile's weight rows (several side by side per cycle, from the weight streams the units of one
 * MXM slice share) while the array still works on the previous tile, IW installs them as
 * soon as both the rows and the array are ready, ABC streams the M activation rows (adding onto the accumulators
 * from the second K tile on), and after the last K tile ACC drains the M result rows to the Y slices. Each of those
 * instructions is placed, together with the MEM reads or writes that feed or drain it, at the earliest cycle at
 * which the whole group fits the {@link dev.lockstep.compiler.schedule.ReservationTable}: queues, resources,
 * streams and slices, with every latency taken from the ISA table. Precondition: allocation.
 */
final class SchedulingPhase {
    private static final long MAX_SEARCH = 10_000_000;

    private SchedulingPhase() {
    }

    static void run(KernelContext ctx) {
        if (ctx.chosen != null) {
            ChosenCopy.schedule(ctx);
        }
        for (Unit u : ctx.units) {
            schedule(ctx, u);
        }
    }

    private static void schedule(KernelContext ctx, Unit u) {
        long install = ctx.chip.timing().cycles(TimingParam.MXM_INSTALL_CYCLES);
        long arrayLatency = ctx.chip.timing().cycles(TimingParam.MXM_ARRAY_LATENCY_CYCLES);
        long lwReady = 0;
        long accBarrier = 0;
        for (int wi = 0; wi < u.work().size(); wi++) {
            Work work = u.work().get(wi);
            long lastAbc = -1;
            for (int kt = 0; kt < ctx.kTiles; kt++) {
                int rows = ctx.rows(kt);
                long l = placeFed(ctx, u, u.lwQueue(), lw(ctx, u, rows), lwReady, ctx.wTiles[u.index()][wi][kt], 0,
                        rows, ctx.weightRowsPerWord(), weightStream(u),
                        ctx.stride(kt));
                long i = placeAlone(ctx, u.iwQueue(), Instruction.of(Opcode.IW, u.plane()),
                        l + ctx.weightWords(kt));
                lwReady = i + 1;
                lastAbc = placeFed(ctx, u, u.abcQueue(), abc(ctx, u, kt, work.rows()),
                        Math.max(i + install, accBarrier), ctx.xTiles[u.index()][kt], work.m0(), work.rows(), 1,
                        activationStream(ctx, u), 0);
                if (!ctx.options.overlapWeightLoads()) {
                    lwReady = Math.max(lwReady, lastAbc + work.rows());
                }
            }
            accBarrier = placeAcc(ctx, u, wi, work.rows(), lastAbc + arrayLatency);
        }
    }

    /**
     * The first of the weight streams toward a unit's MXM (westward to the west MXM, eastward to the east one):
     * streams 0 .. mxm.weight_streams - 1, shared by the units of one MXM slice (their loads take turns).
     */
    private static long weightStream(Unit u) {
        return u.west() ? Streams.west(0) : Streams.east(0);
    }

    /** The activation streams toward a unit's MXM: after the weight streams, one group per unit. */
    private static long activationStream(KernelContext ctx, Unit u) {
        int index = ctx.chip.mxm().weightStreams() + u.slot() * ctx.width;
        return u.west() ? Streams.west(index) : Streams.east(index);
    }

    private static long outbound(Unit u) {
        int index = 8 * u.slot() + 4;
        return u.west() ? Streams.east(index) : Streams.west(index);
    }

    private static Instruction lw(KernelContext ctx, Unit u, int rows) {
        return Instruction.of(Opcode.LW, ctx.problem.dtype().code(), u.plane(), weightStream(u), rows);
    }

    private static Instruction abc(KernelContext ctx, Unit u, int kt, int rows) {
        return Instruction.of(Opcode.ABC, ctx.problem.dtype().code(), u.plane(), activationStream(ctx, u), rows,
                kt == 0 ? 0 : 1);
    }

    private static long placeAlone(KernelContext ctx, Queue q, Instruction ins, long earliest) {
        for (long t = earliest; t < earliest + MAX_SEARCH; t++) {
            if (ctx.table.canIssue(q, ins, t, ctx.pieceType())) {
                ctx.place(q, t, ins, t);
                return t;
            }
        }
        throw new CompileException("could not schedule " + ins + " within " + MAX_SEARCH + " cycles");
    }

    /**
     * Places an instruction that samples {@code count} vectors, {@code groups} side by side per cycle (LW on the
     * weight streams; 1 for ABC), from {@code stream} on (one stream per byte plane), at its issue cycle + i, with the
     * MEM reads of {@code tile}'s words {@code offset ..} timed to put them there, at the earliest cycle that fits:
     * slice group j of the tile holds vectors j, j + groups, ... ({@link WeightTile}).
     */
    private static long placeFed(KernelContext ctx, Unit u, Queue q, Instruction consumer, long earliest, Tile tile,
                                 int offset, int count, int groups, long stream, int copyStride) {
        long readLatency = ctx.chip.timing().cycles(TimingParam.MEM_READ_LATENCY_CYCLES);
        int target = u.mxm().position();
        int planes = tile.slices().length / groups;
        Instruction[] reads = new Instruction[tile.slices().length];
        int[] counts = new int[reads.length];
        // weights chosen by data: readb, at the base the prologue set ({@link ChosenCopy})
        boolean chosen = ctx.chosen != null && copyStride != 0;
        Opcode read = chosen ? Opcode.READB : Opcode.READ;
        for (int p = 0; p < reads.length; p++) {
            int j = p / planes;
            counts[p] = Math.max(0, (count - j + groups - 1) / groups);
            reads[p] = counts[p] == 0 ? null
                    : Instruction.of(read, plane(stream, p), tile.address(p) + offset, counts[p], 1);
        }
        long train = (count + groups - 1) / groups;
        for (long t = earliest; t < earliest + MAX_SEARCH; t++) {
            if (!ctx.table.canIssue(q, consumer, t, ctx.pieceType())) {
                continue;
            }
            boolean ok = true;
            for (int p = 0; p < reads.length && ok; p++) {
                if (reads[p] == null) {
                    continue;
                }
                int from = tile.slices()[p];
                long r = t - readLatency - Math.abs(from - target) * ctx.table.hop();
                Queue mem = memQueue(ctx, from);
                ok = r >= (chosen ? ctx.chosen.readableFrom(from) : 0) && ctx.table.canIssue(mem, reads[p], r)
                        && ctx.table.streamFree(plane(stream, p), from, target, r + readLatency, counts[p])
                        && ctx.table.sliceFree(from, r, r + counts[p], true);
            }
            if (!ok) {
                continue;
            }
            for (int p = 0; p < reads.length; p++) {
                if (reads[p] == null) {
                    continue;
                }
                int from = tile.slices()[p];
                long r = t - readLatency - Math.abs(from - target) * ctx.table.hop();
                ctx.table.takeStream(plane(stream, p), from, target, r + readLatency, counts[p]);
                ctx.table.takeSlice(from, r, r + counts[p], true);
                ctx.place(memQueue(ctx, from), r, reads[p], r + readLatency + counts[p] - 1, copyStride);
            }
            ctx.place(q, t, consumer, t + train - 1);
            return t;
        }
        throw new CompileException("could not schedule " + consumer + " within " + MAX_SEARCH + " cycles");
    }

    /** ACC of a work item's rows and the writes that take their f32 / i32 planes into its Y tile. */
    private static long placeAcc(KernelContext ctx, Unit u, int wi, int m, long earliest) {
        DataType result = ctx.problem.resultType();
        long accLatency = ctx.chip.timing().cycles(TimingParam.MXM_ACC_LATENCY_CYCLES);
        long writeLatency = ctx.chip.timing().cycles(TimingParam.MEM_WRITE_LATENCY_CYCLES);
        long stream = outbound(u);
        Instruction acc = Instruction.of(Opcode.ACC, result.code(), stream, u.plane(), m);
        Tile tile = ctx.yTiles[u.index()][wi];
        int source = u.mxm().position();
        Instruction[] writes = new Instruction[result.bytes()];
        for (int p = 0; p < writes.length; p++) {
            writes[p] = Instruction.of(Opcode.WRITE, tile.address(), plane(stream, p), m, 1);
        }
        for (long t = earliest; t < earliest + MAX_SEARCH; t++) {
            if (!ctx.table.canIssue(u.abcQueue(), acc, t, ctx.pieceType())) {
                continue;
            }
            boolean ok = true;
            for (int p = 0; p < writes.length && ok; p++) {
                int to = tile.slices()[p];
                long w = t + accLatency + Math.abs(to - source) * ctx.table.hop();
                ok = ctx.table.canIssue(memQueue(ctx, to), writes[p], w)
                        && ctx.table.streamFree(plane(stream, p), source, to, t + accLatency, m)
                        && ctx.table.sliceFree(to, w, w + m, false);
            }
            if (!ok) {
                continue;
            }
            for (int p = 0; p < writes.length; p++) {
                int to = tile.slices()[p];
                long w = t + accLatency + Math.abs(to - source) * ctx.table.hop();
                ctx.table.takeStream(plane(stream, p), source, to, t + accLatency, m);
                ctx.table.takeSlice(to, w, w + m, false);
                ctx.place(memQueue(ctx, to), w, writes[p], w + m - 1 + writeLatency);
            }
            ctx.place(u.abcQueue(), t, acc, t + m - 1 + accLatency);
            return t;
        }
        throw new CompileException("could not schedule " + acc + " within " + MAX_SEARCH + " cycles");
    }

    private static long plane(long stream, int p) {
        return Streams.plane(stream, p);
    }

    private static Queue memQueue(KernelContext ctx, int position) {
        return ctx.table.memQueue(position);
    }
}
