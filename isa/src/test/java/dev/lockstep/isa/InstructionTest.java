// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.testing.RandomPrograms;
import org.junit.jupiter.api.Test;

class InstructionTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();

    @Test
    void aReadPacksItsFieldsBelowTheOpcodeInDeclarationOrder() {
        Instruction read = Instruction.of(Opcode.READ, Streams.west(3), 0x1234, 16, -2);
        // opcode 0x10 | stream 0x83 (8 bits) | addr 0x1234 (16) | count 16 (16) | stride -2 (16 bits, 0xfffe)
        long expected = 0x10L << 56 | 0x83L << 48 | 0x1234L << 32 | 16L << 16 | 0xFFFEL;
        assertThat(read.word()).isEqualTo(expected);
        assertThat(read.operand("stride")).isEqualTo(-2);
        assertThat(read.operand("dst")).isEqualTo(Streams.west(3));
        assertThat(Instruction.decode(expected)).isEqualTo(read);
    }

    @Test
    void aTypedInstructionReportsItsTypeAndStreamSpans() {
        Instruction add = Instruction.of(Opcode.VADD, DataType.F32.code(), Streams.east(4), Streams.east(0),
                Streams.east(8));
        assertThat(add.dtype()).contains(DataType.F32);
        assertThat(add.span(1)).isEqualTo(4);
        Instruction cvt = Instruction.of(Opcode.VCVT, DataType.F16.code(), DataType.I8.code(), 0, 4);
        assertThat(cvt.span(2)).isEqualTo(2);
        assertThat(cvt.span(3)).isEqualTo(1);
    }

    @Test
    void outOfRangeValuesNameTheOperandAndTheRange() {
        assertThatThrownBy(() -> Instruction.of(Opcode.READ, 0, 0, 0, 1))
                .isInstanceOf(OperandException.class)
                .hasMessage("read operand 'count' must be in 1..65535, got 0")
                .extracting(e -> ((OperandException) e).operandIndex()).isEqualTo(2);
        assertThatThrownBy(() -> Instruction.of(Opcode.VEXP, DataType.I8.code(), 0, 0))
                .hasMessageContaining("must be one of f16, f32, got i8");
        assertThatThrownBy(() -> Instruction.of(Opcode.NOP)).hasMessage("nop takes 1 operands, got 0");
    }

    @Test
    void decodingRejectsUnknownOpcodesAndStrayBits() {
        assertThatThrownBy(() -> Instruction.decode(0xFFL << 56)).isInstanceOf(EncodingException.class)
                .hasMessageContaining("unknown opcode 0xff");
        long nop = Instruction.of(Opcode.NOP, 5).word();
        assertThatThrownBy(() -> Instruction.decode(nop | 1)).isInstanceOf(EncodingException.class)
                .hasMessageContaining("nonzero unused bits");
        assertThatThrownBy(() -> Instruction.decode(0L)).isInstanceOf(EncodingException.class)
                .hasMessageContaining("'cycles' must be in 1..65535, got 0");
    }

    @Test
    void randomValidInstructionsRoundTripThroughTheirWord() {
        qt().withFixedSeed(2611L).withExamples(2000).forAll(longs().all()).checkAssert(seed -> {
            RandomPrograms gen = new RandomPrograms(TSP, seed);
            Queue q = TSP.floorplan().queues().get(Math.floorMod(seed, TSP.floorplan().queues().size()));
            Instruction ins = gen.instruction(q, 2, true);
            Instruction back = Instruction.decode(ins.word());
            assertThat(back).isEqualTo(ins);
            assertThat(Instruction.of(ins.opcode(), ins.operands())).isEqualTo(ins);
            // one operand at a time (the simulator's path) reads what all at once reads, signed kinds included
            long[] all = ins.operands();
            for (int i = 0; i < all.length; i++) {
                assertThat(ins.operand(i)).as("operand %d of %s", i, ins).isEqualTo(all[i]);
            }
            assertThatThrownBy(() -> ins.operand(all.length)).isInstanceOf(IndexOutOfBoundsException.class);
        });
    }

    @Test
    void randomWordsDecodeToAValidInstructionOrAnEncodingErrorOnly() {
        qt().withFixedSeed(2612L).withExamples(20000).forAll(longs().all()).checkAssert(word -> {
            try {
                Instruction ins = Instruction.decode(word);
                assertThat(Instruction.of(ins.opcode(), ins.operands()).word()).isEqualTo(word);
            } catch (EncodingException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        });
    }
}
