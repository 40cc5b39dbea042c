// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.EncodingException;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.testing.RandomPrograms;
import org.junit.jupiter.api.Test;

/** A queue's words are checked when it is made, remembering valid words: never an invalid one. */
class QueueProgramTest {
    private static QueueProgram queue(long... words) {
        long[] cycles = new long[words.length];
        for (int i = 0; i < cycles.length; i++) {
            cycles[i] = i;
        }
        return new QueueProgram(0, cycles, words);
    }

    @Test
    void copyingIntoArraysGivesEveryInstructionShiftedRepeatsIncluded() {
        long a = Instruction.of(Opcode.NOP, 1).word();
        long b = Instruction.of(Opcode.NOP, 2).word();
        long c = Instruction.of(Opcode.NOP, 3).word();
        QueueProgram plain = new QueueProgram(3, new long[] {4, 9, 30}, new long[] {a, b, c});
        // a body of two spanning two periods of 10, 6 copies, and one more after them: stored with a block
        QueueProgram repeated = QueueProgram.repeated(3, new long[] {2, 15}, new long[] {a, b}, 10, 6,
                new long[] {200}, new long[] {c});
        assertThat(repeated.storedSize()).isLessThan(repeated.size());
        for (QueueProgram q : new QueueProgram[] {plain, repeated}) {
            long[] cycles = new long[q.size() + 5];
            long[] words = new long[q.size() + 5];
            q.copyInto(cycles, words, 5, 1_000);
            for (int i = 0; i < q.size(); i++) {
                assertThat(cycles[5 + i]).isEqualTo(q.cycle(i) + 1_000);
                assertThat(words[5 + i]).isEqualTo(q.word(i));
            }
            assertThat(cycles[4]).isZero();
        }
    }

    @Test
    void anInvalidWordAmongManyRepeatedValidOnesIsRejected() {
        long read = Instruction.of(Opcode.READ, Streams.west(3), 7, 1, 1).word();
        long[] words = new long[5000];
        java.util.Arrays.fill(words, read);
        assertThat(queue(words).size()).isEqualTo(5000);
        // a nop with a stray unused bit, after the valid read was remembered
        words[4999] = Instruction.of(Opcode.NOP, 5).word() | 1;
        assertThatThrownBy(() -> queue(words)).isInstanceOf(EncodingException.class)
                .hasMessageContaining("nonzero unused bits");
    }

    /**
     * Against the encoder, which checks each operand on its own ({@code Instruction.of}): a valid instruction's word
     * with one bit flipped is accepted only if it re-encodes to itself from its decoded operands, so no field out of
     * range or stray bit gets through.
     */
    @Test
    void aWordWithABitFlippedIsAcceptedOnlyIfTheEncoderMakesIt() {
        ChipSpec chip = ChipSpecs.tspV1();
        int[] accepted = new int[1];
        qt().withFixedSeed(2613L).withExamples(20000).forAll(longs().all()).checkAssert(seed -> {
            RandomPrograms gen = new RandomPrograms(chip, seed);
            Queue q = chip.floorplan().queues().get(Math.floorMod(seed, chip.floorplan().queues().size()));
            long word = gen.instruction(q, 2, true).word() ^ (1L << Math.floorMod(seed >>> 8, 64));
            if (accepts(() -> Instruction.validate(word))) {
                accepted[0]++;
                Instruction ins = Instruction.decode(word);
                assertThat(Instruction.of(ins.opcode(), ins.operands()).word()).isEqualTo(word);
            }
        });
        // both kinds occur: flips into another valid operand value, and flips into stray bits or out of range
        assertThat(accepted[0]).isBetween(1, 19999);
    }

    private static boolean accepts(Runnable check) {
        try {
            check.run();
            return true;
        } catch (EncodingException e) {
            return false;
        }
    }

    @Test
    void anImmediateOutOfItsTypeIsRejectedByValidateToo() {
        long i8 = DataType.I8.code();
        long i32 = DataType.I32.code();
        long ok = Instruction.of(Opcode.VADDI, i8, 0, 0, 100).word();
        // vaddi.i32 with 1000, its type field turned to i8 (1000 does not fit i8)
        long typeBits = Instruction.of(Opcode.VADDI, i8, 0, 0, 0).word()
                ^ Instruction.of(Opcode.VADDI, i32, 0, 0, 0).word();
        long bad = Instruction.of(Opcode.VADDI, i32, 0, 0, 1000).word() ^ typeBits;
        assertThatThrownBy(() -> Instruction.decode(bad)).isInstanceOf(EncodingException.class);
        assertThatThrownBy(() -> Instruction.validate(bad)).isInstanceOf(EncodingException.class);
        assertThatThrownBy(() -> queue(ok, bad)).isInstanceOf(EncodingException.class);
    }

    /** The equal prefix of two queues, compared a stretch at a time when plain and one by one when repeated. */
    @Test
    void samePrefixCountsTheLeadingInstructionsEqualInWordAndCycle() {
        long a = Instruction.of(Opcode.NOP, 1).word();
        long b = Instruction.of(Opcode.NOP, 2).word();
        QueueProgram q = new QueueProgram(0, new long[] {0, 5, 9, 12}, new long[] {a, b, a, b});
        assertThat(q.samePrefix(q)).isEqualTo(4);
        assertThat(q.samePrefix(new QueueProgram(7, new long[] {0, 5, 9}, new long[] {a, b, a}))).isEqualTo(3);
        assertThat(q.samePrefix(new QueueProgram(0, new long[] {0, 5, 10, 12}, new long[] {a, b, a, b})))
                .isEqualTo(2);
        assertThat(q.samePrefix(new QueueProgram(0, new long[] {0, 5, 9, 12}, new long[] {a, a, a, b})))
                .isEqualTo(1);
        // shifted: the same stored arrays, other cycles
        assertThat(q.samePrefix(q.shifted(3))).isZero();
        assertThat(q.shifted(3).samePrefix(q.shifted(3))).isEqualTo(4);
        QueueProgram r = QueueProgram.repeated(0, new long[] {0, 4}, new long[] {a, b}, 10, 5, new long[0],
                new long[0]);
        QueueProgram full = r.expanded();
        // the repeated queue counts up to its first skipped repeat only; the plain one compares all
        assertThat(r.skipFrom()).isBetween(1, 9);
        assertThat(r.samePrefix(full)).isEqualTo(r.skipFrom());
        assertThat(full.samePrefix(r)).isEqualTo(10);
        long[] cycles = new long[10];
        long[] words = new long[10];
        for (int i = 0; i < 10; i++) {
            cycles[i] = full.cycle(i);
            words[i] = i == 7 ? Instruction.of(Opcode.NOP, 3).word() : full.word(i);
        }
        assertThat(r.samePrefix(new QueueProgram(0, cycles, words))).isEqualTo(r.skipFrom());
        assertThat(new QueueProgram(0, cycles, words).samePrefix(r)).isEqualTo(7);
    }
}
