// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

/**
 * Periods of a link's records that {@link LinkChecker} may leave out, the same for the link's arrivals and its
 * takes: the records in cycles [{@code from}, {@code to}), which are {@code periods} (even) whole periods of
 * {@code period} cycles.
 * <p>Where the chips at both ends skipped repeated periods ({@link LinkUnit.Repeat}) with the same period, or one did
 * and the other has no record on the link in that stretch, the sequence of arrivals and takes over
 * [T, T + (K + 1) x period) is K + 1 times that over [T, T + period), each a period later. The check of a
 * receive register is a machine of two states (a vector waiting or not) that each such window moves the same way
 * from the same state, and whether a window breaks a rule depends on its starting state alone. So the states at the
 * windows' ends repeat from the first with a period of 1 or 2, every window starts in a state that one of the first
 * two starts in, and a broken rule in any window would already be broken in one of the first two. (Sharper, as a
 * review found: a window with events runs without a broken rule from at most one state, so two windows would do; the
 * third kept for parity costs nothing.) The check keeps
 * the first m windows (m = 2 or 3, m = K + 1 mod 2, so that the state after them is the state after all K + 1) and
 * leaves out the rest. Every record it reports is one that the full check would report, at its own cycle: a vector
 * left waiting after the last window kept is taken to be its copy {@code periods} periods later ({@link LinkChecker}
 * does). Exact, with memory and time for a few periods of a link instead of all of them: a prefill of 32,768 chunks
 * repeats its periods tens of thousands of times on every link it uses.
 */
record LinkCut(long from, long to, int periods, long period) {
    /** Windows kept at least: two, so that both states of the register are met if they are. */
    private static final int KEPT = 2;

    /**
     * Where one side's records on one link (a unit's arrivals at it, or its takes from it) lie in time: whether there
     * are any; the latest record before the unit's repeated ones and the earliest after them ({@code Long.MIN_VALUE}
     * and {@code Long.MAX_VALUE} if none); and if the repeated ones include some on this link, the earliest and latest
     * of them (copy 0), their period and copies.
     */
    record Span(boolean any, long beforeMax, long afterMin, boolean repeats, long lo, long hi, long period,
                int copies) {
        static final Span NONE = new Span(false, Long.MIN_VALUE, Long.MAX_VALUE, false, 0, 0, 0, 0);
    }

    /** The cut for a link's two sides, or null if there is none worth making. */
    static LinkCut of(Span in, Span out) {
        if (!in.repeats() && !out.repeats()) {
            return null;
        }
        long period = in.repeats() ? in.period() : out.period();
        if (in.repeats() && out.repeats() && in.period() != out.period() || period <= 0) {
            return null;
        }
        // T: after every record before the repeated ones, from copy 0's first record, and late enough that no copy-0
        // record lies a period after it (it would have no record a period before)
        long t = Long.MIN_VALUE;
        for (Span s : new Span[] {in, out}) {
            if (s.any() && s.beforeMax() != Long.MIN_VALUE) {
                t = Math.max(t, s.beforeMax() + 1);
            }
            if (s.repeats()) {
                t = Math.max(t, Math.max(s.lo(), s.hi() - period + 1));
            }
        }
        // K + 1 windows: every record in the first K has its copy a period later (the last copy starts at
        // lo + copies x period), and no record after the repeated ones lies in any of them
        long windows = Long.MAX_VALUE;
        for (Span s : new Span[] {in, out}) {
            if (s.repeats()) {
                windows = Math.min(windows, Math.floorDiv(s.lo() + s.copies() * period - t, period) + 1);
            }
            if (s.afterMin() != Long.MAX_VALUE) {
                windows = Math.min(windows, Math.floorDiv(s.afterMin() - t, period));
            }
        }
        if (windows < KEPT + 3) {
            return null;
        }
        int kept = KEPT + (int) ((windows - KEPT) % 2);
        return new LinkCut(t + kept * period, t + windows * period, Math.toIntExact(windows - kept), period);
    }

    /** Whether a record at {@code time} is left out. */
    boolean removes(long time) {
        return time >= from && time < to;
    }

    /**
     * The copies of a side's repeated records that this cut leaves out whole, as {from, to} (inclusive), or null:
     * copy k's records lie in [lo + k x period, hi + k x period].
     */
    int[] copiesLeftOut(Span s) {
        if (!s.repeats()) {
            return null;
        }
        long first = Math.max(1, -Math.floorDiv(s.lo() - from, period));
        long last = Math.min(s.copies(), Math.floorDiv(to - 1 - s.hi(), period));
        return first > last ? null : new int[] {(int) first, (int) last};
    }
}
