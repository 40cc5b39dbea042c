// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.program.Region;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a compiled product reads its X: what work before it writes there (the wiring of a row into the product).
 *
 * @param kTile rows of K per tile (160 for fp16, 320 for int8)
 * @param k     K, the values of one row of X
 * @param m     rows of X
 * @param type  the tiles' type (the product's)
 * @param units per unit that works, its copy of X: one tile per K tile, each {@code m} words (row r at address + r),
 *              lanes 0..kTile-1 of word r holding X[r][kt * kTile ..]; lanes past the tile's rows are ignored
 */
public record XTiles(int kTile, int k, int m, DataType type, List<List<Region>> units) {
    public XTiles {
        units = units.stream().map(List::copyOf).toList();
    }

    static XTiles of(KernelContext ctx) {
        DataType type = ctx.problem.dtype();
        List<List<Region>> x = new ArrayList<>();
        for (Unit u : ctx.units) {
            List<Region> mine = new ArrayList<>();
            for (int kt = 0; kt < ctx.kTiles; kt++) {
                mine.add(ctx.xTiles[u.index()][kt].region("X" + u.index() + "_" + kt, type,
                        ctx.problem.m() * ctx.chip.vectorBytes()));
            }
            x.add(mine);
        }
        return new XTiles(ctx.kTile, ctx.problem.k(), ctx.problem.m(), type, x);
    }
}
