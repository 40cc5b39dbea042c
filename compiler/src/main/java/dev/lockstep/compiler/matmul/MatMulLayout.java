// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.program.Region;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled product and where its tiles lie, for work that writes its X or reads and updates its W in place.
 *
 * @param kernel the compiled product
 * @param xTiles where it reads X, per unit that works ({@link XTiles})
 * @param w      per N tile, per K tile: its W tile ({@link WeightTile#row} i holds W[kt * kTile + i][nt * 320 ..])
 * @param y      per N tile: its results (row m of Y at address + m, f32 or i32, as lanes 0..319 of the tile);
 *               only products whose tiles are not split by rows among units (every decode product)
 */
public record MatMulLayout(CompiledKernel kernel, XTiles xTiles, List<List<WeightTile>> w, List<Region> y) {

    /** Rows of K per tile (160 for fp16, 320 for int8). */
    public int kTile() {
        return xTiles.kTile();
    }

    static MatMulLayout of(CompiledKernel kernel, KernelContext ctx) {
        DataType type = ctx.problem.dtype();
        int vb = ctx.chip.vectorBytes();
        WeightTile[][] w = new WeightTile[ctx.nTiles][ctx.kTiles];
        for (Unit u : ctx.units) {
            for (int wi = 0; wi < u.work().size(); wi++) {
                Work work = u.work().get(wi);
                for (int kt = 0; kt < ctx.kTiles; kt++) {
                    Tile t = ctx.wTiles[u.index()][wi][kt];
                    w[work.nt()][kt] = t.weightTile(ctx.weightRowsPerWord(), type, vb);
                }
            }
        }
        List<List<WeightTile>> wl = new ArrayList<>();
        for (WeightTile[] row : w) {
            wl.add(List.of(row));
        }
        return new MatMulLayout(kernel, XTiles.of(ctx), List.copyOf(wl), y(ctx));
    }

    /**
     * Per N tile, where the product leaves its results (row m of Y at address + m): for work that reads Y in place.
     *
     * @throws IllegalStateException if a tile is split by rows among units
     */
    static List<Region> y(KernelContext ctx) {
        List<Region> y = wholeY(ctx);
        if (y.isEmpty()) {
            throw new IllegalStateException("an N tile is split by rows among units; a wired product keeps whole "
                    + "tiles (M below " + TilingPhase.MIN_SPLIT_ROWS + " per unit)");
        }
        return y;
    }

    /** As {@link #y}, or none if a tile is split by rows among units (its results are not one place per row). */
    static List<Region> wholeY(KernelContext ctx) {
        int vb = ctx.chip.vectorBytes();
        Region[] y = new Region[ctx.nTiles];
        for (Unit u : ctx.units) {
            for (int wi = 0; wi < u.work().size(); wi++) {
                Work work = u.work().get(wi);
                if (work.m0() != 0 || work.rows() != ctx.problem.m()) {
                    return List.of();
                }
                y[work.nt()] = ctx.yTiles[u.index()][wi].region("Y" + work.nt(), ctx.problem.resultType(),
                        ctx.problem.m() * vb);
            }
        }
        return List.of(y);
    }
}
