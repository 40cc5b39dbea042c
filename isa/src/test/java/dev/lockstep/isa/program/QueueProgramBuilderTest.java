// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.lockstep.isa.EncodingException;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Pieces given in any order make the program that all instructions, sorted, make. */
class QueueProgramBuilderTest {
    private static long nop(int n) {
        return Instruction.of(Opcode.NOP, n).word();
    }

    @Test
    void piecesInAnyOrderGiveTheSortedProgram() {
        qt().withExamples(200).forAll(longs().between(0, Long.MAX_VALUE / 2), integers().between(1, 5))
                .checkAssert((seed, pieces) -> {
                    Random random = new Random(seed);
                    // distinct cycles, shared out among pieces at random, the pieces shuffled
                    int n = 1 + random.nextInt(60);
                    List<long[]> all = new ArrayList<>();
                    long c = random.nextInt(5);
                    for (int i = 0; i < n; i++) {
                        all.add(new long[] {c, nop(1 + random.nextInt(100))});
                        c += 1 + random.nextInt(7);
                    }
                    List<List<long[]>> shares = new ArrayList<>();
                    for (int p = 0; p < pieces; p++) {
                        shares.add(new ArrayList<>());
                    }
                    for (long[] ins : all) {
                        shares.get(random.nextInt(pieces)).add(ins);
                    }
                    java.util.Collections.shuffle(shares, random);
                    QueueProgramBuilder b = new QueueProgramBuilder(7, random.nextInt(2 * n));
                    for (List<long[]> share : shares) {
                        long shift = random.nextInt(20) - 10;
                        long[] cs = share.stream().mapToLong(x -> x[0] - shift).toArray();
                        long[] ws = share.stream().mapToLong(x -> x[1]).toArray();
                        if (random.nextBoolean()) {
                            // as a whole program, shifted back
                            b.add(new QueueProgram(7, cs, ws), shift);
                        } else {
                            b.add(share.stream().mapToLong(x -> x[0]).toArray(), ws, 0, ws.length);
                        }
                    }
                    QueueProgram built = b.build();
                    QueueProgram expected = new QueueProgram(7, all.stream().mapToLong(x -> x[0]).toArray(),
                            all.stream().mapToLong(x -> x[1]).toArray());
                    assertThat(built).isEqualTo(expected);
                    assertThat(built.storedSize()).isEqualTo(n);
                });
    }

    @Test
    void twoInstructionsAtOneCycleAreRefusedWithTheCycle() {
        QueueProgramBuilder b = new QueueProgramBuilder(3, 4);
        b.add(new long[] {10, 20}, new long[] {nop(1), nop(2)}, 0, 2);
        b.add(new QueueProgram(3, new long[] {5}, new long[] {nop(3)}), 15);
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
                .hasMessage("queue 3: two instructions at cycle 20");
    }

    @Test
    void anInvalidWordIsRefused() {
        QueueProgramBuilder b = new QueueProgramBuilder(0, 1);
        // a nop with a stray unused bit
        b.add(new long[] {1}, new long[] {nop(5) | 1}, 0, 1);
        assertThatThrownBy(b::build).isInstanceOf(EncodingException.class)
                .hasMessageContaining("nonzero unused bits");
    }

    @Test
    void aBuilderIsUsedOnce() {
        QueueProgramBuilder b = new QueueProgramBuilder(0, 1);
        b.add(new long[] {1}, new long[] {nop(1)}, 0, 1);
        b.build();
        assertThatThrownBy(() -> b.add(new long[] {2}, new long[] {nop(1)}, 0, 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("was built");
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRepeatedBuildEqualsTheRepeatedQueueOfTheSortedPieces() {
        long[] bodyCycles = {2, 15};
        long[] bodyWords = {nop(1), nop(2)};
        QueueProgramBuilder body = new QueueProgramBuilder(3, 2);
        // given out of order: the second instruction first
        body.add(new long[] {15}, new long[] {nop(2)}, 0, 1);
        body.add(new QueueProgram(3, new long[] {0}, new long[] {nop(1)}), 2);
        QueueProgramBuilder extra = new QueueProgramBuilder(3, 0);
        extra.add(new long[] {200}, new long[] {nop(3)}, 0, 1);
        QueueProgram built = body.buildRepeated(10, 6, extra);
        QueueProgram expected = QueueProgram.repeated(3, bodyCycles, bodyWords, 10, 6, new long[] {200},
                new long[] {nop(3)});
        assertThat(built).isEqualTo(expected);
        assertThat(built.storedSize()).isEqualTo(expected.storedSize()).isLessThan(built.size());
        assertThatThrownBy(() -> extra.add(new long[] {300}, new long[] {nop(1)}, 0, 1))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aShiftedQueueIsTheSameInstructionsLaterWhetherPlainOrRepeated() {
        QueueProgram plain = new QueueProgram(3, new long[] {4, 9, 30}, new long[] {nop(1), nop(2), nop(3)});
        QueueProgram repeated = QueueProgram.repeated(3, new long[] {2, 15}, new long[] {nop(1), nop(2)}, 10, 6,
                new long[] {200}, new long[] {nop(3)});
        for (QueueProgram q : new QueueProgram[] {plain, repeated}) {
            for (long by : new long[] {0, 7, -2, 1_000_000}) {
                QueueProgram s = q.shifted(by).shifted(3).shifted(-3);
                long[] cs = new long[q.size()];
                long[] ws = new long[q.size()];
                q.copyInto(cs, ws, 0, by);
                assertThat(s).isEqualTo(new QueueProgram(3, cs, ws)).hasSameHashCodeAs(new QueueProgram(3, cs, ws));
                assertThat(s.storedSize()).isEqualTo(q.storedSize());
                for (int i = 0; i < q.size(); i++) {
                    assertThat(s.cycle(i)).isEqualTo(q.cycle(i) + by);
                    assertThat(s.word(i)).isEqualTo(q.word(i));
                }
                assertThat(s.shape(100 + by)).isEqualTo(q.shape(100));
                assertThat(s.expanded()).isEqualTo(new QueueProgram(3, cs, ws));
                long[] cs2 = new long[q.size() + 1];
                long[] ws2 = new long[q.size() + 1];
                s.copyInto(cs2, ws2, 1, -by);
                long[] cs0 = new long[q.size()];
                long[] ws0 = new long[q.size()];
                q.copyInto(cs0, ws0, 0, 0);
                assertThat(java.util.Arrays.copyOfRange(cs2, 1, cs2.length)).isEqualTo(cs0);
                assertThat(java.util.Arrays.copyOfRange(ws2, 1, ws2.length)).isEqualTo(ws0);
                for (int i = 0; i < q.storedSize(); i++) {
                    assertThat(s.storedCycle(i, 100 + by)).isEqualTo(q.storedCycle(i, 100));
                }
                if (by != 0) {
                    assertThat(s).isNotEqualTo(q);
                }
            }
        }
        assertThat(plain.shifted(0)).isSameAs(plain);
    }
}
