// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.dataflow;

import dev.lockstep.compiler.matmul.WeightTile;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.program.Region;
import java.util.List;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * A token's K and V appended to a KV head's caches, in place, as steps of a vector graph: the same steps with data
 * and without (the plan's append, and the tests' second lowering's).
 * <ul>
 *   <li>K becomes column {@code position} of the K cache ([headDim x capacity], the W of the scores): one word per
 *       element, the element {@code distribute}d to every lane and merged by {@code vsel} against a one-hot lane
 *       mask into the cache row, written back in place.</li>
 *   <li>V becomes row {@code position} of the V cache ([capacity x headDim], the W of the weighted sum): one f16
 *       row.</li>
 * </ul>
 */
public final class CacheAppend {
    private CacheAppend() {
    }

    /** The one-hot f16 lane mask of {@code position} that {@link #appendK} merges with. */
    public static VectorGraph.Ref oneHot(VectorGraph g, int position) {
        double[] mask = new double[VectorStep.LANES_PER_VECTOR];
        mask[position % mask.length] = 1;
        return g.input(DataType.F16, mask, 0);
    }

    /**
     * K ({@code headDim} f32 values in lanes 0 ..) into column {@code position} of the K cache whose W tile (N tile,
     * K tile) {@code tile} gives, K tiles of {@code kTile} rows.
     */
    public static void appendK(VectorStep s, BiFunction<Integer, Integer, WeightTile> tile, int kTile,
                               VectorGraph.Ref k, int headDim, VectorGraph.Ref oneHot, int position) {
        appendK(s, tile, kTile, List.of(k), headDim, List.of(oneHot), List.of(position));
    }

    /**
     * Rows of K (each {@code headDim} f32 values in lanes 0 ..) into columns {@code positions} of the K cache, row r
     * merged with its one-hot mask {@code oneHots[r]}: where several columns share a cache word (one N tile), the
     * rows merge into it one after another and the word is written once.
     */
    public static void appendK(VectorStep s, BiFunction<Integer, Integer, WeightTile> tile, int kTile,
                               List<VectorGraph.Ref> ks, int headDim, List<VectorGraph.Ref> oneHots,
                               List<Integer> positions) {
        VectorGraph g = s.graph();
        List<VectorGraph.Ref> k16 = ks.stream().map(k -> g.convert(k, DataType.F16)).toList();
        for (int i = 0; i < headDim; i++) {
            // per N tile of the cache (by number, in order), the word holding element i and its value so far
            TreeMap<Integer, Region> words = new TreeMap<>();
            TreeMap<Integer, VectorGraph.Ref> merged = new TreeMap<>();
            for (int r = 0; r < ks.size(); r++) {
                int nt = positions.get(r) / VectorStep.LANES_PER_VECTOR;
                Region row = tile.apply(nt, i / kTile).row(i % kTile);
                words.put(nt, row);
                VectorGraph.Ref old = merged.containsKey(nt) ? merged.get(nt) : s.at(row);
                merged.put(nt, g.select(oneHots.get(r), g.distribute(k16.get(r), i), old));
            }
            for (var e : merged.entrySet()) {
                Region row = words.get(e.getKey());
                g.pin(e.getValue(), row.slices().stream().mapToInt(Integer::intValue).toArray(), row.address());
            }
        }
    }

    /** V ({@code headDim} f32 values in lanes 0 .., 0 past them) as row {@code row} of the V cache's W tile. */
    public static void appendV(VectorStep s, WeightTile tile, VectorGraph.Ref v, int row) {
        s.storeF16(v, tile.row(row), 0);
    }
}
