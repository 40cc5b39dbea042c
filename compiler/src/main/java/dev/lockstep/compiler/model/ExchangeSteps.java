// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.graph.LayerStep.Exchange;
import dev.lockstep.compiler.graph.LayerStep.Payload;
import dev.lockstep.compiler.graph.LayerStep.Where;
import dev.lockstep.compiler.system.ChipPath;
import dev.lockstep.compiler.system.Collectives;
import java.util.List;

/**
 * The exchanges of the timing-only lowering ({@link TimingLowering}): each exchange step of the layer graph as link
 * transfers and collectives along the plan's chip path ({@link Collectives}), its payload in link words (a vector is
 * one word per byte plane) or f32 vectors to reduce: those that carry no rows (over several nodes, a prefill chunk's,
 * the table's and the head's among their chips; a layer's among its chips in one node are {@link RowsAmongChips}),
 * and the rows a decode step sends into a stage ({@link #sendRow}).
 */
final class ExchangeSteps {
    private final DecodePlan plan;
    private final Collectives col;
    private final ChipPath path;
    /** Vectors of a hidden row. */
    private final int hv;

    ExchangeSteps(DecodePlan plan, Collectives col, ChipPath path, int hv) {
        this.plan = plan;
        this.col = col;
        this.path = path;
        this.hv = hv;
    }

    /**
     * Places exchange {@code e} of stage {@code st} for a token of {@code rows} rows from cycle {@code t}, its link
     * steps counted in {@code ledger}; returns when it ends. {@code prev}: the chip holding the stage's input;
     * {@code next}: where the stage's final reduction sums its output (-1: its own last chip).
     */
    long place(Exchange e, PlanStage st, int rows, Ledger ledger, int prev, int next, long t) {
        List<List<Integer>> segs = e.group() == Where.ATTENTION_CHIPS
                ? path.segments(st.start(), st.start() + st.attentionChips())
                : path.segments(st.start(), st.start() + st.count());
        return switch (e.kind()) {
            case SEND_IN -> prev == path.chip(st.start()) ? t
                    : ledger.linkStep(t, col.send(prev, path.chip(st.start()), words(e.payload()) * rows, t));
            case BROADCAST -> ledger.linkStep(t, col.broadcastAlong(segs, words(e.payload()) * rows, t));
            case REDUCE_TO_FIRST -> {
                long r = t;
                for (int row = 0; row < rows; row++) {
                    r = ledger.linkStep(r, col.reduceAlongToFirst(segs, vectors(e.payload()), r));
                }
                yield r;
            }
            case REDUCE_TO_LAST -> {
                long r = t;
                for (int row = 0; row < rows; row++) {
                    r = ledger.linkStep(r, next < 0 ? col.reduceAlongToLast(segs, vectors(e.payload()), r)
                            : col.reduceAlongInto(segs, next, vectors(e.payload()), r));
                }
                yield r;
            }
        };
    }

    /**
     * Sends the row {@code source} on chip {@code from} into the stage's first chip {@code to}, at {@code target} (a
     * row of the same shape), from cycle {@code t}, its link step counted in {@code ledger} ({@link
     * Collectives#sendRow}); returns when the row is in place.
     */
    long sendRow(int from, int to, Row source, Row target, Ledger ledger, long t) {
        return ledger.linkStep(t, col.sendRow(from, to, source.words(), target.words(), t));
    }

    /**
     * As {@link #sendRow}, over the shortest route alone ({@link Collectives#routeRow}): the head's choice on its way
     * back to the table, a few words between chips that may lie far apart, which paths through other chips would take
     * off the plan's.
     */
    long routeRow(int from, int to, Row source, Row target, Ledger ledger, long t) {
        return ledger.linkStep(t, col.routeRow(from, to, source.words(), target.words(), t));
    }

    /**
     * Link words a payload takes per row when sent: a vector is one word per byte plane, so an f32 row takes 4 per
     * vector, an fp16 row 2; with experts chosen by data the routing weights bring the router's index along.
     */
    private int words(Payload p) {
        return linkWords(p, hv) + (p == Payload.NORMED_ROW_AND_ROUTE && plan.dispatch() == MoeDispatch.CHOSEN
                ? INDEX_WORDS : 0);
    }

    /** The router's index ({@link MoeDispatch#CHOSEN}): a u16 vector, one word per byte plane. */
    private static final int INDEX_WORDS = 2;

    /** {@link #words} for a hidden row of {@code hiddenVectors} vectors. */
    static int linkWords(Payload p, int hiddenVectors) {
        return switch (p) {
            case TOKEN_ID, CHOICE -> F32_WORDS;
            case HIDDEN_ROW -> hiddenVectors * F32_WORDS;
            case NORMED_ROW -> hiddenVectors * F16_WORDS;
            case NORMED_ROW_AND_ROUTE -> hiddenVectors * F16_WORDS + F32_WORDS;
        };
    }

    private static final int F32_WORDS = 4;
    private static final int F16_WORDS = 2;

    /** f32 vectors a payload takes per row when reduced (a normed row is broadcast, never reduced). */
    private int vectors(Payload p) {
        return switch (p) {
            case TOKEN_ID, CHOICE -> 1;
            case HIDDEN_ROW -> hv;
            case NORMED_ROW, NORMED_ROW_AND_ROUTE -> throw new IllegalArgumentException("a normed row is "
                    + "broadcast to products, never reduced");
        };
    }
}
