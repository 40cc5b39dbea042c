// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The trace hash's fold of repeated periods equals folding every event of every copy. */
class TraceHashTest {
    @Test
    void foldingCopiesOfAPeriodEqualsFoldingTheirEvents() {
        qt().withExamples(300).forAll(longs().all(), integers().between(0, 40), integers().between(0, 30),
                longs().between(1, 1L << 40)).checkAssert((seed, events, copies, shift) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    long before = r.nextLong(TraceHash.P);
                    long[] cycles = new long[events];
                    int[] queues = new int[events];
                    long[] words = new long[events];
                    for (int i = 0; i < events; i++) {
                        cycles[i] = r.nextLong(1L << 40);
                        queues[i] = r.nextInt(144);
                        words[i] = r.nextLong();
                    }
                    long after = before;
                    for (int i = 0; i < events; i++) {
                        after = TraceHash.step(after, cycles[i], queues[i], words[i]);
                    }
                    long expected = after;
                    for (int j = 1; j <= copies; j++) {
                        for (int i = 0; i < events; i++) {
                            expected = TraceHash.step(expected, cycles[i] + j * shift, queues[i], words[i]);
                        }
                    }
                    long folded = TraceHash.Period.between(before, 0, after, events).fold(after, shift, copies);
                    assertThat(folded).isEqualTo(expected);
                });
    }

    @Test
    void aDifferentCycleQueueOrWordChangesTheHash() {
        long h = TraceHash.step(TraceHash.CHIP_INITIAL, 10, 3, 0x1234);
        assertThat(TraceHash.step(TraceHash.CHIP_INITIAL, 11, 3, 0x1234)).isNotEqualTo(h);
        assertThat(TraceHash.step(TraceHash.CHIP_INITIAL, 10, 4, 0x1234)).isNotEqualTo(h);
        assertThat(TraceHash.step(TraceHash.CHIP_INITIAL, 10, 3, 0x1235)).isNotEqualTo(h);
        // order counts: two events swapped
        long ab = TraceHash.step(TraceHash.step(TraceHash.CHIP_INITIAL, 1, 0, 7), 2, 0, 8);
        long ba = TraceHash.step(TraceHash.step(TraceHash.CHIP_INITIAL, 2, 0, 8), 1, 0, 7);
        assertThat(ab).isNotEqualTo(ba);
    }
}
