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

    @Test
    void validateAcceptsExactlyTheWordsThatDecode() {
        qt().withFixedSeed(2613L).withExamples(20000).forAll(longs().all()).checkAssert(word ->
                assertThat(accepts(() -> Instruction.validate(word)))
                        .isEqualTo(accepts(() -> Instruction.decode(word))));
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
}
