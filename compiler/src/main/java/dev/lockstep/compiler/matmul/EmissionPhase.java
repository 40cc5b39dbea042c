// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Fp16;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.DataBlock;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.QueueProgram;
import dev.lockstep.isa.program.Region;
import dev.lockstep.isa.program.VectorLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Writes the schedule out as a {@link Program}: every queue's instructions in cycle order, a region
 * {@code Y<nt>_<m0>} per work item (its rows of N tile nt, from row m0: one vector of 320 results per row, byte
 * plane p in slice p), and, when the caller gave values, the X and W tiles as initial SRAM contents.
 * Precondition: scheduling.
 */
final class EmissionPhase {
    private EmissionPhase() {
    }

    static Program run(KernelContext ctx) {
        return run(ctx, 0);
    }

    /** The program that reads copy {@code copy} of every W tile (the same schedule, other weight addresses). */
    static Program run(KernelContext ctx, int copy) {
        return run(ctx, copy, ctx.chosen == null ? 0 : ctx.chosen.lane);
    }

    /**
     * As {@link #run(KernelContext, int)}; when data chooses the copy ({@link ChosenCopy}), the program whose bases
     * take lane {@code lane} of the index (one schedule for every lane: a kernel per slot of a router's choice).
     */
    static Program run(KernelContext ctx, int copy, int lane) {
        TreeMap<Integer, List<KernelContext.Placed>> byQueue = new TreeMap<>();
        for (KernelContext.Placed p : ctx.placed) {
            byQueue.computeIfAbsent(p.queue().id(), k -> new ArrayList<>()).add(p);
        }
        List<QueueProgram> queues = new ArrayList<>();
        byQueue.forEach((id, list) -> {
            list.sort(Comparator.comparingLong(KernelContext.Placed::cycle));
            queues.add(new QueueProgram(id, list.stream().mapToLong(KernelContext.Placed::cycle).toArray(),
                    list.stream().mapToLong(p -> p.instruction().opcode() == Opcode.BASE ? onLane(p.instruction(), lane)
                            : copy == 0 || p.copyStride() == 0 ? p.instruction().word()
                            : relocated(p.instruction(), (long) copy * p.copyStride())).toArray()));
        });
        List<Region> regions = new ArrayList<>();
        List<DataBlock> data = new ArrayList<>();
        int m = ctx.problem.m();
        int vb = ctx.chip.vectorBytes();
        for (Unit u : ctx.units) {
            for (int wi = 0; wi < u.work().size(); wi++) {
                Work work = u.work().get(wi);
                Tile y = ctx.yTiles[u.index()][wi];
                regions.add(y.region(regionName(work), ctx.problem.resultType(), work.rows() * vb));
            }
            if (ctx.x != null) {
                for (int kt = 0; kt < ctx.kTiles; kt++) {
                    long[] bits = new long[m * vb];
                    for (int r = 0; r < m; r++) {
                        for (int k = 0; k < ctx.rows(kt); k++) {
                            bits[r * vb + k] = element(ctx, ctx.x[r * ctx.problem.k() + kt * ctx.kTile + k]);
                        }
                    }
                    add(data, ctx.xTiles[u.index()][kt], ctx.problem.dtype(), bits, vb);
                }
            }
            double[][] ws = ctx.wCopies != null ? ctx.wCopies : ctx.w != null ? new double[][] {ctx.w} : null;
            for (int j = 0; ws != null && j < ws.length; j++) {
                for (int wi = 0; wi < u.work().size(); wi++) {
                    int nt = u.work().get(wi).nt();
                    for (int kt = 0; kt < ctx.kTiles; kt++) {
                        addWeights(ctx, data, u, wi, nt, kt, ws[j], j);
                    }
                }
            }
        }
        if (ctx.chosen != null) {
            Tile index = ctx.chosen.index;
            regions.add(index.region(INDEX_REGION, DataType.I16, vb));
            if (ctx.chosen.indexValues != null) {
                long[] bits = new long[vb];
                for (int l = 0; l < ctx.chosen.indexValues.length; l++) {
                    bits[l] = ctx.chosen.indexValues[l] & 0xFFFFL;
                }
                add(data, index, DataType.I16, bits, vb);
            }
        }
        ChipProgram chip = new ChipProgram(0, queues, data, regions);
        return new Program(ctx.chip.name(), vb, List.of(), List.of(), List.of(chip));
    }

    /** Region of a product over weights chosen by data that holds the index (u16 per lane, {@link ChosenCopy}). */
    static final String INDEX_REGION = "INDEX";

    private static long relocated(Instruction read, long by) {
        long[] v = read.operands();
        int addr = Opcode.READ.operandIndex("addr");
        v[addr] += by;
        return Instruction.of(Opcode.READ, v).word();
    }

    private static long onLane(Instruction base, int lane) {
        long[] v = base.operands();
        v[Opcode.BASE.operandIndex("lane")] = lane;
        return Instruction.of(Opcode.BASE, v).word();
    }

    /** {@code Y<nt>_<m0>}: rows m0.. of N tile nt. */
    static String regionName(Work work) {
        return "Y" + work.nt() + "_" + work.m0();
    }

    private static long element(KernelContext ctx, double v) {
        return ctx.problem.dtype() == DataType.F16 ? Fp16.fromDouble(v) & 0xFFFFL : (long) v;
    }

    /**
     * Copy {@code copy} ({@code w}) of W tile kt of work item wi: row r in word r / g of slice group r mod g
     * ({@link WeightTile}); copies stacked a stride apart in the tile, or a slice's block apart ({@link ChosenCopy}).
     */
    private static void addWeights(KernelContext ctx, List<DataBlock> data, Unit u, int wi, int nt, int kt,
                                   double[] w, int copy) {
        int vb = ctx.chip.vectorBytes();
        int g = ctx.weightRowsPerWord();
        int words = ctx.weightWords(kt);
        int b = ctx.problem.dtype().bytes();
        Tile tile = ctx.wTiles[u.index()][wi][kt];
        for (int j = 0; j < g; j++) {
            long[] bits = new long[words * vb];
            for (int r = j; r < ctx.rows(kt); r += g) {
                for (int c = 0; c < vb && nt * vb + c < ctx.problem.n(); c++) {
                    bits[(r / g) * vb + c] = element(ctx, w[(kt * ctx.kTile + r) * ctx.problem.n() + nt * vb + c]);
                }
            }
            byte[][] planes = VectorLayout.planes(ctx.problem.dtype(), bits, vb);
            for (int p = 0; p < b; p++) {
                int slice = tile.slices()[j * b + p];
                int offset = copy * (ctx.chosen != null ? ctx.chosen.block[slice] : ctx.stride(kt));
                data.add(new DataBlock(slice, tile.address(j * b + p) + offset, planes[p]));
            }
        }
    }

    private static void add(List<DataBlock> data, Tile tile, DataType type, long[] bits, int vb) {
        byte[][] planes = VectorLayout.planes(type, bits, vb);
        for (int p = 0; p < planes.length; p++) {
            data.add(new DataBlock(tile.slices()[p], tile.address(), planes[p]));
        }
    }
}
