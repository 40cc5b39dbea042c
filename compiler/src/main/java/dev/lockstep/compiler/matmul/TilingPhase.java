// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.chip.Slice;
import dev.lockstep.isa.chip.SliceKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Cuts the product into the published pieces: K into tiles of K = fp16_k (160) or int8_k (320) rows, N into tiles
 * of 320 columns. Finds the units (an fp16 piece takes a plane group, an int8 piece one plane) and deals the N
 * tiles out to them round-robin, so that all units work in parallel; when the tiles do not divide evenly and M is
 * large enough, the left-over tiles are split by rows among all units (see {@link Work}). Precondition: none.
 */
final class TilingPhase {
    /**
     * Rows below which a left-over N tile is not split among units: a part must keep the array busy much longer
     * than the install it costs (mxm_install_cycles, 20 on tsp-v1).
     */
    static final int MIN_SPLIT_ROWS = 64;

    private TilingPhase() {
    }

    /** Free words below the ceiling in one hemisphere's MEM slices. */
    private static long free(KernelContext ctx, boolean west) {
        int center = ctx.chip.floorplan().center();
        long n = 0;
        for (Slice s : ctx.chip.floorplan().slicesOf(SliceKind.MEM)) {
            if ((s.position() < center) == west) {
                n += Math.max(0, ctx.sram.ceiling() - ctx.sram.top(s.position()));
            }
        }
        return n;
    }

    static void run(KernelContext ctx) {
        var mxm = ctx.chip.mxm();
        ctx.width = ctx.problem.dtype().bytes();
        ctx.kTile = mxm.pieceK(ctx.pieceType());
        ctx.kTiles = (ctx.problem.k() + ctx.kTile - 1) / ctx.kTile;
        ctx.nTiles = (ctx.problem.n() + mxm.cols() - 1) / mxm.cols();
        int planesPerUnit = mxm.planesPerPiece(ctx.pieceType());
        int unitsPerSlice = mxm.piecesPerSlice(ctx.pieceType());
        if (mxm.queuesPerSlice() < 3 * unitsPerSlice) {
            throw new CompileException("an MXM slice of " + ctx.chip.name() + " has " + mxm.queuesPerSlice()
                    + " queues; the matmul schedule needs 3 per unit (" + unitsPerSlice + " units)");
        }
        int inbound = mxm.weightStreams() + unitsPerSlice * ctx.width;
        if (ctx.chip.streamsPerDirection() < Math.max(inbound, 8 * unitsPerSlice)) {
            throw new CompileException(ctx.chip.name() + " has " + ctx.chip.streamsPerDirection() + " streams per "
                    + "direction; the matmul schedule needs " + inbound + " toward an MXM slice (its "
                    + mxm.weightStreams() + " weight streams and " + ctx.width + " per unit for activations, "
                    + unitsPerSlice + (unitsPerSlice == 1 ? " unit" : " units") + ") and 8 per unit away from it "
                    + "(results)");
        }
        if (ctx.kTile > ctx.chip.mem().wordsPerSlice()) {
            throw new CompileException("a weight piece of " + ctx.kTile + " rows does not fit one MEM slice of "
                    + ctx.chip.mem().wordsPerSlice() + " words");
        }
        if (ctx.problem.m() > ctx.chip.mem().wordsPerSlice()) {
            throw new CompileException("M = " + ctx.problem.m() + " rows do not fit one MEM slice per tile ("
                    + ctx.chip.mem().wordsPerSlice() + " words); split M into parts of at most that many rows");
        }
        int center = ctx.chip.floorplan().center();
        List<List<Work>> work = new ArrayList<>();
        List<Unit> shells = new ArrayList<>();
        for (Slice s : ctx.chip.floorplan().slicesOf(SliceKind.MXM)) {
            List<Queue> queues = ctx.chip.floorplan().queues().stream().filter(q -> q.slice().equals(s)).toList();
            for (int slot = 0; slot < unitsPerSlice; slot++) {
                shells.add(new Unit(shells.size(), s, slot * planesPerUnit, s.position() < center, slot,
                        queues.get(3 * slot), queues.get(3 * slot + 1), queues.get(3 * slot + 2), List.of()));
                work.add(new ArrayList<>());
            }
        }
        if (ctx.fixed != null) {
            // the units of the product that placed the weights, each with its N tiles, all M rows
            for (int u = 0; u < ctx.fixed.unitKeys.length; u++) {
                int[] key = ctx.fixed.unitKeys[u];
                Unit s = shells.stream().filter(x -> x.mxm().position() == key[0] && x.plane() == key[1])
                        .findFirst().orElseThrow();
                List<Work> mine = new ArrayList<>();
                for (int nt : ctx.fixed.unitTiles[u]) {
                    mine.add(new Work(nt, 0, ctx.problem.m()));
                }
                ctx.units.add(new Unit(u, s.mxm(), s.plane(), s.west(), s.slot(), s.lwQueue(), s.iwQueue(),
                        s.abcQueue(), List.copyOf(mine)));
            }
            return;
        }
        // deal from the hemisphere with more free SRAM first (in empty SRAM: west first), so that products with
        // fewer tiles than units do not pile onto one side of a chip shared with earlier kernels
        if (free(ctx, false) > free(ctx, true)) {
            Collections.reverse(shells);
        }
        int units = shells.size();
        int m = ctx.problem.m();
        boolean split = ctx.options.splitLeftoverTiles() && m >= MIN_SPLIT_ROWS * units;
        int whole = split ? ctx.nTiles - ctx.nTiles % units : ctx.nTiles;
        for (int nt = 0; nt < whole; nt++) {
            work.get(nt % units).add(new Work(nt, 0, m));
        }
        for (int nt = whole; nt < ctx.nTiles; nt++) {
            for (int u = 0; u < units; u++) {
                int m0 = (int) ((long) m * u / units);
                int m1 = (int) ((long) m * (u + 1) / units);
                work.get(u).add(new Work(nt, m0, m1 - m0));
            }
        }
        for (int u = 0; u < units; u++) {
            Unit s = shells.get(u);
            if (!work.get(u).isEmpty()) {
                // (unit indexes follow dealing order)
                ctx.units.add(new Unit(ctx.units.size(), s.mxm(), s.plane(), s.west(), s.slot(), s.lwQueue(),
                        s.iwQueue(), s.abcQueue(), List.copyOf(work.get(u))));
            }
        }
    }
}
