// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.asm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Fp16;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.io.Npy;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.DataBlock;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.QueueProgram;
import dev.lockstep.isa.program.Region;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssemblerTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();
    private static final Assembler ASM = new Assembler(TSP);

    private static QueueProgram queue(Program p, int chip, String name) {
        int id = TSP.floorplan().queue(name).orElseThrow().id();
        return p.chip(chip).orElseThrow().queues().stream().filter(q -> q.queueId() == id).findFirst().orElseThrow();
    }

    @Test
    void instructionsWithoutACycleIssueWhenTheQueueIsFreeAgain() {
        Program p = ASM.assemble("t.lsa", """
                .queue vxm.0
                    vmov.i8 e0, e1      ; cycle 0
                    nop 5               ; cycle 1, dispatches for 5
                    vmov.i8 e0, e1      ; cycle 6
                    repeat 3, 4         ; cycle 7, dispatches for 12
                @30 vmov.i8 e2, e3
                    vmov.i8 e2, e3      ; cycle 31
                """, null);
        QueueProgram q = queue(p, 0, "vxm.0");
        assertThat(q.size()).isEqualTo(6);
        assertThat(new long[] {q.cycle(0), q.cycle(1), q.cycle(2), q.cycle(3), q.cycle(4), q.cycle(5)})
                .containsExactly(0, 1, 6, 7, 30, 31);
    }

    @Test
    void optionalOperandsTakeTheirDefaultsAndExpressionsUseNames() {
        Program p = ASM.assemble("t.lsa", """
                .equ BASE, 0x100
                .equ ROWS, 2 * (3 + 1)
                .queue mem.e3
                    read w7, BASE + ROWS - 1
                    write BASE, e2, ROWS, -1_0
                """, null);
        QueueProgram q = queue(p, 0, "mem.e3");
        assertThat(q.instruction(0)).isEqualTo(Instruction.of(Opcode.READ, Streams.west(7), 0x107, 1, 1));
        assertThat(q.instruction(1)).isEqualTo(Instruction.of(Opcode.WRITE, 0x100, Streams.east(2), 8, -10));
        assertThat(p.constants()).extracting(c -> c.name() + "=" + c.value()).containsExactly("BASE=256", "ROWS=8");
    }

    @Test
    void floatImmediatesAreBinary32AndIntImmediatesAreTwosComplement() {
        Program p = ASM.assemble("t.lsa", """
                .queue vxm.1
                    vaddi.f16 e0, e2, -1.5
                    vmuli.f32 e0, e4, inf
                    vmaxi.f32 e0, e4, bits(0x7fc00001)
                    vaddi.i32 e0, e4, -3
                """, null);
        QueueProgram q = queue(p, 0, "vxm.1");
        assertThat(q.instruction(0).operand("imm")).isEqualTo(Float.floatToRawIntBits(-1.5f) & 0xFFFFFFFFL);
        assertThat(q.instruction(1).operand("imm")).isEqualTo(0x7F800000L);
        assertThat(q.instruction(2).operand("imm")).isEqualTo(0x7FC00001L);
        assertThat(q.instruction(3).operand("imm")).isEqualTo(0xFFFFFFFDL);
    }

    @Test
    void dataIsLaidOutInBytePlanesInOneSliceOrOneSlicePerPlane() {
        Program p = ASM.assemble("t.lsa", """
                .data a, mem.w0, 10, f16, [1.0, -2.0]
                .data b, mem.w1+mem.w2, 0, f16, [1.0, -2.0], readonly
                .queue mem.w0
                    read e0, a, 2
                """, null);
        ChipProgram c = p.chip(0).orElseThrow();
        int w0 = TSP.floorplan().slice("mem.w0").orElseThrow().position();
        int w1 = TSP.floorplan().slice("mem.w1").orElseThrow().position();
        int w2 = TSP.floorplan().slice("mem.w2").orElseThrow().position();
        DataBlock one = c.data().stream().filter(d -> d.slice() == w0).findFirst().orElseThrow();
        assertThat(one.address()).isEqualTo(10);
        assertThat(one.words(320)).isEqualTo(2);
        short h1 = Fp16.fromFloat(1.0f);
        short h2 = Fp16.fromFloat(-2.0f);
        byte[] bytes = one.bytes();
        assertThat(new byte[] {bytes[0], bytes[1], bytes[320], bytes[321], bytes[2], bytes[322]}).containsExactly(
                (byte) h1, (byte) h2, (byte) (h1 >> 8), (byte) (h2 >> 8), 0, 0);
        DataBlock plane0 = c.data().stream().filter(d -> d.slice() == w1).findFirst().orElseThrow();
        DataBlock plane1 = c.data().stream().filter(d -> d.slice() == w2).findFirst().orElseThrow();
        assertThat(plane0.bytes()[1]).isEqualTo((byte) h2);
        assertThat(plane1.bytes()[1]).isEqualTo((byte) (h2 >> 8));
        assertThat(c.regions()).containsExactly(
                new Region("a", java.util.List.of(w0), 10, DataType.F16, 2, false),
                new Region("b", java.util.List.of(w1, w2), 0, DataType.F16, 2, true));
        assertThat(queue(p, 0, "mem.w0").instruction(0).operand("addr")).isEqualTo(10);
    }

    @Test
    void dataAndMapsCanComeFromNpyFiles(@TempDir Path dir) throws Exception {
        ByteBuffer f32 = ByteBuffer.allocate(3 * 4).order(ByteOrder.LITTLE_ENDIAN);
        f32.putFloat(0.5f).putFloat(-1f).putFloat(3f);
        Npy.write(dir.resolve("x.npy"), DataType.F32, new long[] {3}, f32.array());
        ByteBuffer lanes = ByteBuffer.allocate(320 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int l = 0; l < 320; l++) {
            lanes.putInt(319 - l);
        }
        Npy.write(dir.resolve("rev.npy"), DataType.I32, new long[] {320}, lanes.array());
        java.nio.file.Files.writeString(dir.resolve("p.lsa"), """
                .map reverse, "rev.npy"
                .data x, mem.e5, 0, "x.npy"
                .queue sxm.e0.2
                    permute.i8 e1, e0, reverse
                """);
        Program p = ASM.assemble(dir.resolve("p.lsa"));
        assertThat(p.maps().get(0).lane(0)).isEqualTo(319);
        Region x = p.chip(0).orElseThrow().region("x").orElseThrow();
        assertThat(x.dtype()).isEqualTo(DataType.F32);
        assertThat(x.elements()).isEqualTo(3);
        assertThat(p.chip(0).orElseThrow().data().get(0).words(320)).isEqualTo(4);
    }

    @Test
    void chipSectionsAndNumberedQueuesBuildMultiChipPrograms() {
        Program p = ASM.assemble("t.lsa", """
                .chip 3
                .queue q137
                    send 2, e0
                .chip 1
                .queue sxm.w0.0
                    recv e4, 7, 3
                """, null);
        assertThat(p.chips()).extracting(ChipProgram::chipId).containsExactly(1, 3);
        assertThat(queue(p, 3, "sxm.e0.13").instruction(0).opcode()).isEqualTo(Opcode.SEND);
        assertThat(p.chip(3).orElseThrow().queues().get(0).queueId()).isEqualTo(137);
        assertThat(queue(p, 1, "sxm.w0.0").instruction(0).operand("count")).isEqualTo(3);
    }
}
