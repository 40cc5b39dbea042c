// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.sim.LinkCut.Span;
import org.junit.jupiter.api.Test;

/**
 * Which periods a link's check leaves out ({@link LinkCut}); that the check then finds what the full check finds is
 * {@link RepeatSkipTest}'s (skipped periods against every event run).
 */
class LinkCutTest {
    private static final long P = 700;

    /** Records only in the repeated periods: copy 0 at {@code at}, {@code copies} copies after it. */
    private static Span repeating(long at, int copies) {
        return new Span(true, Long.MIN_VALUE, Long.MAX_VALUE, true, at, at, P, copies);
    }

    @Test
    void keepsTheFirstWindowsFromTheLaterSidesFirstRecordAndLeavesOutAnEvenNumber() {
        // arrivals at 322 + k P, takes at 400 + k P, k = 0..37: windows from 400; every arrival in the first K has
        // a next one, 322 + 37 P being the last: K + 1 = 37 windows, of which 3 are kept (37 is odd) and 34 left out
        LinkCut cut = LinkCut.of(repeating(322, 37), repeating(400, 37));
        assertThat(cut).isEqualTo(new LinkCut(400 + 3 * P, 400 + 37 * P, 34, P));
        assertThat(cut.removes(400 + 3 * P)).isTrue();
        assertThat(cut.removes(400 + 37 * P - 1)).isTrue();
        assertThat(cut.removes(400 + 37 * P)).isFalse();
        assertThat(cut.removes(400 + 3 * P - 1)).isFalse();
    }

    @Test
    void recordsBeforeAndAfterTheRepeatedOnesBoundTheWindows() {
        // a take recorded before the repeats at 5,000 moves the first window past it; one after them at 20,000
        // ends the last window before it
        Span out = new Span(true, 5_000, 20_000, true, 400, 400, P, 37);
        LinkCut cut = LinkCut.of(repeating(322, 37), out);
        long first = 5_001;
        long windows = (20_000 - first) / P;
        assertThat(cut.to()).isLessThanOrEqualTo(20_000).isEqualTo(first + windows * P);
        assertThat(cut.from()).isEqualTo(first + (2 + (windows - 2) % 2) * P);
        assertThat(cut.periods() % 2).isZero();
    }

    @Test
    void aSideWithNoRecordsDoesNotBoundIt() {
        LinkCut cut = LinkCut.of(repeating(322, 37), Span.NONE);
        assertThat(cut).isEqualTo(new LinkCut(322 + 2 * P, 322 + 38 * P, 36, P));
    }

    @Test
    void noCutWhereThePeriodsDifferOrTooFewRepeatOrARecordComesLate() {
        assertThat(LinkCut.of(repeating(322, 37), new Span(true, Long.MIN_VALUE, Long.MAX_VALUE, true, 400, 400, P + 1,
                37))).isNull();
        assertThat(LinkCut.of(repeating(322, 3), repeating(400, 3))).isNull();
        // a chip that ran every event (no repeats) with records to the end leaves no window free of them
        Span full = new Span(true, 400 + 40 * P, Long.MAX_VALUE, false, 0, 0, 0, 0);
        assertThat(LinkCut.of(repeating(322, 37), full)).isNull();
        assertThat(LinkCut.of(Span.NONE, Span.NONE)).isNull();
    }
}
