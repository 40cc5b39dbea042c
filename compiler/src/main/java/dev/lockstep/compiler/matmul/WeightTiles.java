// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

import dev.lockstep.compiler.MatMul;

/**
 * Where a compiled product's weights lie and which MXM unit reads each tile: what another product over the same
 * weights (more rows of X: a prefill) needs to read them where they are instead of placing them again.
 */
public final class WeightTiles {
    final MatMul problem;
    final int copies;
    /** Per unit, in the product's unit order: its MXM slice position and first plane. */
    final int[][] unitKeys;
    /** Per unit: the N tile of each of its work items. */
    final int[][] unitTiles;
    /** Per unit, per work item, per K tile. */
    final Tile[][][] wTiles;
    private final int rowsPerWord;
    private final int lanes;

    private WeightTiles(MatMul problem, int copies, int[][] unitKeys, int[][] unitTiles, Tile[][][] wTiles,
                        int rowsPerWord, int lanes) {
        this.problem = problem;
        this.copies = copies;
        this.unitKeys = unitKeys;
        this.unitTiles = unitTiles;
        this.wTiles = wTiles;
        this.rowsPerWord = rowsPerWord;
        this.lanes = lanes;
    }

    static WeightTiles of(KernelContext ctx) {
        int units = ctx.units.size();
        int[][] keys = new int[units][];
        int[][] tiles = new int[units][];
        Tile[][][] w = new Tile[units][][];
        for (Unit u : ctx.units) {
            keys[u.index()] = new int[] {u.mxm().position(), u.plane()};
            tiles[u.index()] = u.work().stream().mapToInt(Work::nt).toArray();
            for (Work work : u.work()) {
                if (work.m0() != 0 || work.rows() != ctx.problem.m()) {
                    throw new IllegalStateException("a product whose tiles are split by rows among units does not "
                            + "lend its weights to another");
                }
            }
            w[u.index()] = ctx.wTiles[u.index()];
        }
        return new WeightTiles(ctx.problem, ctx.weightCopies, keys, tiles, w, ctx.weightRowsPerWord(),
                ctx.chip.vectorBytes());
    }

    /**
     * W tile (N tile {@code nt}, K tile {@code kt}) of copy 0, row by row (work that updates it in place: a KV cache's
     * append); copy j lies in the same slices, further on.
     */
    public WeightTile tile(int nt, int kt) {
        for (int u = 0; u < unitTiles.length; u++) {
            for (int wi = 0; wi < unitTiles[u].length; wi++) {
                if (unitTiles[u][wi] == nt) {
                    return wTiles[u][wi][kt].weightTile(rowsPerWord, problem.dtype(), lanes);
                }
            }
        }
        throw new IllegalArgumentException("no N tile " + nt + " in a product of " + problem.n() + " columns");
    }

    /** The product these weights were placed for. */
    public MatMul problem() {
        return problem;
    }
}
