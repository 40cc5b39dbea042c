// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.system.SystemSpecs;
import org.junit.jupiter.api.Test;

/**
 * Chips that run the same kernels at different times share their queues' programs, shifted; every chip's program
 * is still the one it makes alone: with a single instruction on one chip only, a chip that repeats its work, and a
 * kernel placed later than on the others.
 */
class SharedQueuesTest {
    @Test
    void everyChipsProgramIsTheOneItMakesAlone() {
        SystemBuild b = new SystemBuild(SystemSpecs.preset("node-8"));
        CompiledKernel k = PlacedKernelsTest.gemv(b);
        long length = k.predictedCycles();
        for (int c = 0; c < 6; c++) {
            // chips 0, 1 and 2 alike but for the time; chip 3 has one more instruction, chip 4 a later second kernel
            long at = 1_000L * c;
            b.chip(c).place(k, at);
            b.chip(c).place(k, at + length + (c == 4 ? 50 : 0));
        }
        Queue q = b.chip(3).chip().floorplan().queues().get(0);
        b.chip(3).put(q, 3 * length + 3_000, Instruction.of(Opcode.NOP, 4));
        b.chip(3).advance(3 * length + 3_000, 3 * length + 3_001);
        b.chip(5).repeat(2 * length + 9, 3);
        ChipProgram[] alone = new ChipProgram[6];
        for (int c = 0; c < 6; c++) {
            alone[c] = b.chip(c).program();
        }
        Program all = b.toProgramReleasing();
        for (int c = 0; c < 6; c++) {
            assertThat(all.chips().get(c)).as("chip %d", c).isEqualTo(alone[c]);
        }
        // the shared ones are the same instructions shifted: chip 1's first MEM queue is chip 0's a thousand cycles on
        var q0 = all.chips().get(0).queues().get(0);
        var q1 = all.chips().get(1).queues().get(0);
        assertThat(q1).isEqualTo(q0.shifted(1_000));
        assertThat(all.chips().get(4).queues().get(0)).isNotEqualTo(q0.shifted(4_000));
        assertThat(all.chips().get(5).storedCount()).isLessThan(all.chips().get(5).instructionCount());
    }

    /**
     * Two chips alike but for whether a single instruction was put before their work was repeated (so it repeats)
     * or after (so it does not): not one queue, each as it makes it alone.
     */
    @Test
    void anInstructionPutBeforeOrAfterTheRepeatIsNotShared() {
        SystemBuild b = new SystemBuild(SystemSpecs.preset("node-8"));
        CompiledKernel k = PlacedKernelsTest.gemv(b);
        java.util.Set<Integer> used = new java.util.HashSet<>();
        k.program().chips().get(0).queues().forEach(q -> used.add(q.queueId()));
        Queue free = b.chip(0).chip().floorplan().queues().stream().filter(q -> !used.contains(q.id()))
                .findFirst().orElseThrow();
        long period = k.predictedCycles() + 11;
        b.chip(0).place(k, 0);
        b.chip(0).put(free, 5, Instruction.of(Opcode.NOP, 1));
        b.chip(0).repeat(period, 3);
        b.chip(1).place(k, 0);
        b.chip(1).repeat(period, 3);
        b.chip(1).put(free, 5, Instruction.of(Opcode.NOP, 1));
        ChipProgram zero = b.chip(0).program();
        ChipProgram one = b.chip(1).program();
        Program all = b.toProgram();
        assertThat(all.chips()).containsExactly(zero, one);
        assertThat(zero.instructionCount() - one.instructionCount()).isEqualTo(3);
    }
}
