// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.system.SystemSpecs;
import org.junit.jupiter.api.Test;

/**
 * {@link SystemBuild#toProgramReleasing()}: the same program as {@link SystemBuild#toProgram()}, repeated work
 * included, and a build that refuses more work once it has let its instructions go.
 */
class ProgramReleasingTest {
    @Test
    void theProgramIsTheSameAndTheBuildTakesNoMoreWork() {
        Program kept = build().toProgram();
        SystemBuild b = build();
        Program released = b.toProgramReleasing();
        assertThat(released.chips()).isEqualTo(kept.chips());
        assertThat(released.instructionCount()).isEqualTo(kept.instructionCount()).isEqualTo(2 * 10 + 1 + 1);
        Queue q = b.chip(2).chip().floorplan().queues().get(0);
        assertThatThrownBy(() -> b.chip(2).put(q, 5_000, Instruction.of(Opcode.NOP, 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("chip 2");
        assertThatThrownBy(b::toProgram).isInstanceOf(IllegalStateException.class);
    }

    /** Chip 2 repeats two instructions 10 times, 100 cycles apart, then one more; chip 5 has one instruction. */
    private static SystemBuild build() {
        SystemBuild b = new SystemBuild(SystemSpecs.preset("node-8"));
        ChipBuild c = b.chip(2);
        Queue q0 = c.chip().floorplan().queues().get(0);
        Queue q1 = c.chip().floorplan().queues().get(1);
        c.put(q0, 3, Instruction.of(Opcode.NOP, 1));
        c.put(q1, 7, Instruction.of(Opcode.NOP, 2));
        c.advance(3, 9);
        c.repeat(100, 9);
        c.put(q0, 1_200, Instruction.of(Opcode.NOP, 3));
        ChipBuild other = b.chip(5);
        other.put(other.chip().floorplan().queues().get(4), 11, Instruction.of(Opcode.NOP, 1));
        return b;
    }
}
