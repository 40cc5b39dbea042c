// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.dataflow.RowCuts;
import dev.lockstep.compiler.dataflow.RowCuts.Cut;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an attention chip's values lie in the rows its steps leave, for both lowerings: the QKV product's row (the
 * chip's query heads, then its KV heads' K, then their V, {@code headDim} values each), RoPE's row (the Q and K part
 * of it), and the heads' outputs (one row per query head). The run with data cuts its rows there; the timing-only
 * kernels read rows of the same shapes ({@link RowCuts}).
 *
 * @param queryHeads the chip's query heads
 * @param kvHeads    the chip's KV heads
 * @param headDim    values per head
 */
record AttentionRows(int queryHeads, int kvHeads, int headDim) {

    /** A chip's rows when attention is split over {@code attentionChips} chips by KV heads. */
    static AttentionRows of(ModelConfig m, int attentionChips) {
        return new AttentionRows(m.heads() / attentionChips, m.kvHeads() / attentionChips, m.headDim());
    }

    /** Values in the QKV product's row. */
    int qkv() {
        return (queryHeads + 2 * kvHeads) * headDim;
    }

    /** Values in RoPE's row (Q and K). */
    int roped() {
        return (queryHeads + kvHeads) * headDim;
    }

    /** Query heads per KV head. */
    int perKvHead() {
        return queryHeads / kvHeads;
    }

    /** Where query head {@code r} of KV head {@code kvHead} starts in RoPE's row. */
    int query(int kvHead, int r) {
        return (kvHead * perKvHead() + r) * headDim;
    }

    /** Where KV head {@code kvHead}'s K starts in RoPE's row. */
    int key(int kvHead) {
        return (queryHeads + kvHead) * headDim;
    }

    /** Where KV head {@code kvHead}'s V starts in the QKV product's row. */
    int value(int kvHead) {
        return (queryHeads + kvHeads + kvHead) * headDim;
    }

    /** The X of KV head {@code kvHead}'s scores for {@code tokens} tokens: their query heads, from RoPE's rows. */
    RowCuts queries(int kvHead, int tokens) {
        List<List<Cut>> rows = new ArrayList<>();
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < perKvHead(); r++) {
                rows.add(List.of(new Cut(t, query(kvHead, r), headDim)));
            }
        }
        return new RowCuts(sources(tokens, roped()), rows);
    }

    /** KV head {@code kvHead}'s K of {@code tokens} tokens, from RoPE's rows (appended to its cache). */
    RowCuts keys(int kvHead, int tokens) {
        return each(tokens, roped(), key(kvHead));
    }

    /** KV head {@code kvHead}'s V of {@code tokens} tokens, from the QKV product's rows (appended to its cache). */
    RowCuts values(int kvHead, int tokens) {
        return each(tokens, qkv(), value(kvHead));
    }

    /** o_proj's X for {@code tokens} tokens: each token's heads' outputs side by side, one row per query head. */
    RowCuts headOutputs(int tokens) {
        List<List<Cut>> rows = new ArrayList<>();
        for (int t = 0; t < tokens; t++) {
            List<Cut> row = new ArrayList<>();
            for (int h = 0; h < queryHeads; h++) {
                row.add(new Cut(t * queryHeads + h, 0, headDim));
            }
            rows.add(row);
        }
        return new RowCuts(sources(tokens * queryHeads, headDim), rows);
    }

    /**
     * The weighted sums' X for {@code tokens} tokens: each token's softmax rows (one per query head of the KV head, of
     * {@code cached} positions), values {@code from .. from + count - 1} of each (a split V product's half).
     */
    RowCuts probabilities(int tokens, int cached, int from, int count) {
        List<List<Cut>> rows = new ArrayList<>();
        for (int r = 0; r < tokens * perKvHead(); r++) {
            rows.add(List.of(new Cut(r, from, count)));
        }
        return new RowCuts(sources(tokens * perKvHead(), cached), rows);
    }

    private RowCuts each(int tokens, int length, int from) {
        List<List<Cut>> rows = new ArrayList<>();
        for (int t = 0; t < tokens; t++) {
            rows.add(List.of(new Cut(t, from, headDim)));
        }
        return new RowCuts(sources(tokens, length), rows);
    }

    private static List<Integer> sources(int count, int length) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(length);
        }
        return out;
    }
}
