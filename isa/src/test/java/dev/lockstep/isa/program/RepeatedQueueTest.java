// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.Streams;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link QueueProgram#repeated}: copies of a body shifted by a period, merged by cycle, with extra instructions after
 * them, read as every instruction stored; against the copies written out one by one and sorted.
 */
class RepeatedQueueTest {
    /** A distinct valid word per body instruction (a read of address i), so that a misplaced one shows. */
    private static long word(int i) {
        return Instruction.of(Opcode.READ, Streams.west(1), i, 1, 1).word();
    }

    @Test
    void copiesAreReadAsIfEveryOneWereStored() {
        int[] compact = new int[1];
        qt().withFixedSeed(1515L).withExamples(3000).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            int n = 1 + rnd.nextInt(12);
            long[] body = new long[n];
            long c = rnd.nextInt(50);
            for (int i = 0; i < n; i++) {
                c += 1 + rnd.nextInt(30);
                body[i] = c;
            }
            long period = 1 + rnd.nextInt(200);
            int copies = 1 + rnd.nextInt(15);
            long[] words = new long[n];
            for (int i = 0; i < n; i++) {
                words[i] = word(i);
            }
            // the copies and the extras, one by one; a cycle taken twice makes the queue invalid
            TreeMap<Long, Long> all = new TreeMap<>();
            boolean clash = false;
            for (int k = 0; k < copies; k++) {
                for (int i = 0; i < n; i++) {
                    clash |= all.put(body[i] + k * period, words[i]) != null;
                }
            }
            int extras = rnd.nextInt(4);
            long from = rnd.nextBoolean() ? all.lastKey() - rnd.nextInt(100) : body[0] + copies * period;
            long[] ec = new long[extras];
            long[] ew = new long[extras];
            for (int e = 0; e < extras; e++) {
                from += 1 + rnd.nextInt(20);
                ec[e] = from;
                ew[e] = word(100 + e);
                clash |= all.put(ec[e], ew[e]) != null;
            }
            if (clash) {
                assertThatThrownBy(() -> QueueProgram.repeated(3, body, words, period, copies, ec, ew))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at one cycle");
                return;
            }
            QueueProgram q = QueueProgram.repeated(3, body, words, period, copies, ec, ew);
            long[] cycles = all.keySet().stream().mapToLong(Long::longValue).toArray();
            long[] expected = all.values().stream().mapToLong(Long::longValue).toArray();
            assertThat(q.size()).isEqualTo(cycles.length);
            for (int i = 0; i < cycles.length; i++) {
                assertThat(q.cycle(i)).as("cycle %d", i).isEqualTo(cycles[i]);
                assertThat(q.word(i)).as("word %d", i).isEqualTo(expected[i]);
                assertThat(q.instruction(i).word()).isEqualTo(expected[i]);
            }
            QueueProgram plain = new QueueProgram(3, cycles, expected);
            assertThat(q).isEqualTo(plain).hasSameHashCodeAs(plain);
            assertThat(q.expanded()).isEqualTo(plain);
            assertThat(q.expanded().storedSize()).isEqualTo(cycles.length);
            // whatever is skipped by a check of each instruction against the one before is the same as what was
            // checked, a period later
            for (int i = q.skipFrom(); i < q.skipTo(); i++) {
                int b = i - n;
                assertThat(q.word(i)).isEqualTo(q.word(b));
                assertThat(q.word(i - 1)).isEqualTo(q.word(b - 1));
                assertThat(q.cycle(i) - q.cycle(i - 1)).isEqualTo(q.cycle(b) - q.cycle(b - 1));
            }
            if (q.repeats() > 0) {
                compact[0]++;
                assertThat(q.storedSize()).isLessThan(q.size());
            }
        });
        // most examples are stored as a repeated block, some in full
        assertThat(compact[0]).isBetween(300, 2999);
    }

    @Test
    void aLongRepeatIsStoredOnce() {
        long[] body = {0, 5, 40, 90};
        long[] words = new long[4];
        for (int i = 0; i < 4; i++) {
            words[i] = word(i);
        }
        QueueProgram q = QueueProgram.repeated(0, body, words, 60, 1_000_000, new long[0], new long[0]);
        assertThat(q.size()).isEqualTo(4_000_000);
        // the body spans 2 windows of 60 cycles: the first copy's first window (3 instructions), one block of every
        // instruction (4), and the last copy's second window (1)
        assertThat(q.storedSize()).isEqualTo(3 + 4 + 1);
        assertThat(q.cycle(3_999_999)).isEqualTo(90 + 999_999L * 60);
        assertThat(q.skipTo() - q.skipFrom()).isEqualTo(4 * (999_999 - 3));
        assertThat(Arrays.asList(q.cycle(3), q.cycle(4), q.cycle(5), q.cycle(6))).containsExactly(60L, 65L, 90L, 100L);
        assertThat(Arrays.asList(q.word(3), q.word(4), q.word(5), q.word(6)))
                .containsExactly(words[0], words[1], words[3], words[2]);
    }
}
