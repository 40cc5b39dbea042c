// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The stream file's runs (a read train's vectors, a timing-only LW's samples ahead) give what one by one gives. */
class StreamFileTest {
    private static final int POSITIONS = 12;
    private static final int STREAMS = 2;
    private static final int LOOKAHEAD = 40;

    @Test
    void aRunOfProductionsAndAPresenceRunAreWhatOneByOneGives() {
        qt().withFixedSeed(5511L).withExamples(400).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            long hop = 1 + random.nextInt(2);
            boolean carriesData = random.nextBoolean();
            StreamFile runs = new StreamFile(POSITIONS, hop, STREAMS, LOOKAHEAD, carriesData);
            StreamFile single = new StreamFile(POSITIONS, hop, STREAMS, LOOKAHEAD, carriesData);
            long now = 0;
            for (int step = 1; step <= 40; step++) {
                now += random.nextInt(3);
                // few positions and streams, so that diagonals get several producers and some runs clash
                boolean west = random.nextBoolean();
                int stream = random.nextInt(STREAMS);
                int position = random.nextInt(POSITIONS);
                long first = now + random.nextInt(10);
                int n = 1 + random.nextInt(LOOKAHEAD - 10);
                int stopped = runs.produceRun(west, stream, position, first, n, step);
                int expected = n;
                for (int k = 0; k < n; k++) {
                    if (!single.produce(west, stream, position, first + k, step, null)) {
                        expected = k;
                        break;
                    }
                }
                assertThat(stopped).as("where the run stops").isEqualTo(expected);
                for (int query = 0; query < 8; query++) {
                    boolean w = random.nextBoolean();
                    int s = random.nextInt(STREAMS);
                    int p = random.nextInt(POSITIONS);
                    long c = now + random.nextInt(LOOKAHEAD);
                    assertThat(runs.read(w, s, p, c)).as("the producer read").isEqualTo(single.read(w, s, p, c));
                    int there = 0;
                    while (there < 20 && single.read(w, s, p, c + there) >= 0) {
                        there++;
                    }
                    assertThat(runs.presentRun(w, s, p, c, 20)).as("cycles present from %d", c).isEqualTo(there);
                }
            }
        });
    }

    @Test
    void aTimingOnlyStreamFileTakesNoData() {
        StreamFile timing = new StreamFile(POSITIONS, 1, STREAMS, LOOKAHEAD, false);
        timing.produce(false, 0, 3, 5, 1, null);
        assertThat(timing.read(false, 0, 4, 6)).as("present; its producer is not kept").isEqualTo(0);
        assertThat(timing.read(false, 0, 2, 4)).as("downstream only").isEqualTo(-1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> timing.fill(false, 0, 3, 5, 1, new byte[1]))
                .isInstanceOf(IllegalStateException.class);
    }
}
