// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.matmul.MatMulCompiler;
import dev.lockstep.compiler.testing.TestSystems;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.QueueProgram;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A chip's program is its kernels' instructions, each shifted to where it was placed, and the single instructions
 * put between them, in cycle order: whatever order they were placed in (a kernel may fill an earlier gap), and
 * repeated work stored as {@link QueueProgram#repeated} stores it.
 */
class PlacedKernelsTest {
    @Test
    void kernelsPlacedOutOfTimeOrderAndSingleInstructionsGiveEveryInstructionShifted() {
        SystemBuild b = new SystemBuild(TestSystems.ONE_CHIP);
        CompiledKernel k = gemv(b);
        ChipBuild c = b.chip(0);
        long length = k.predictedCycles();
        // the second placement first, then one in the gap before it, then a single instruction between them
        long late = c.place(k, 3 * length) - length;
        long early = c.place(k, 0);
        Queue q0 = c.chip().floorplan().queues().get(0);
        c.put(q0, 2 * length + 5, Instruction.of(Opcode.NOP, 9));
        c.advance(2 * length + 5, 2 * length + 6);
        assertThat(early).isEqualTo(length);

        ChipProgram got = c.program();
        TreeMap<Integer, TreeMap<Long, Long>> want = new TreeMap<>();
        for (long start : new long[] {late, 0}) {
            for (QueueProgram q : k.program().chips().get(0).queues()) {
                for (int i = 0; i < q.size(); i++) {
                    want.computeIfAbsent(q.queueId(), x -> new TreeMap<>()).put(q.cycle(i) + start, q.word(i));
                }
            }
        }
        want.computeIfAbsent(q0.id(), x -> new TreeMap<>()).put(2 * length + 5, Instruction.of(Opcode.NOP, 9)
                .word());
        assertThat(got.queues()).isEqualTo(plain(want));
        assertThat(got.instructionCount()).isEqualTo(c.instructions())
                .isEqualTo(2 * k.program().instructionCount() + 1);
    }

    @Test
    void repeatedWorkWithMoreAfterItIsStoredAsARepeatedQueue() {
        SystemBuild b = new SystemBuild(TestSystems.ONE_CHIP);
        CompiledKernel k = gemv(b);
        ChipBuild c = b.chip(0);
        long length = k.predictedCycles();
        c.place(k, 0);
        long period = length + 7;
        c.repeat(period, 5);
        long after = c.place(k, 6 * period);
        ChipProgram got = c.program();
        assertThat(after).isEqualTo(6 * period + length);
        List<QueueProgram> want = new ArrayList<>();
        for (QueueProgram q : k.program().chips().get(0).queues()) {
            long[] cs = new long[q.size()];
            long[] ws = new long[q.size()];
            q.copyInto(cs, ws, 0, 0);
            long[] extra = new long[q.size()];
            q.copyInto(extra, new long[q.size()], 0, 6 * period);
            want.add(QueueProgram.repeated(q.queueId(), cs, ws, period, 6, extra, ws));
        }
        assertThat(got.queues()).isEqualTo(want);
        assertThat(got.storedCount()).isLessThan(got.instructionCount());
        assertThat(got.instructionCount()).isEqualTo(c.instructions()).isEqualTo(7 * k.program().instructionCount());
    }

    /** A 1 x 160 x 320 fp16 product compiled against chip 0's SRAM (its weights kept: it can be placed again). */
    static CompiledKernel gemv(SystemBuild b) {
        SplittableRandom r = new SplittableRandom(3);
        int k = 160;
        int n = 320;
        return MatMulCompiler.compileKeepingWeights(b.chip(), new MatMul(1, k, n, DataType.F16),
                r.doubles(k, -1, 1).toArray(), r.doubles((long) k * n, -1, 1).toArray(), ScheduleOptions.DEFAULT,
                b.chip(0).sram()).kernel();
    }

    private static List<QueueProgram> plain(TreeMap<Integer, TreeMap<Long, Long>> byQueue) {
        List<QueueProgram> out = new ArrayList<>();
        byQueue.forEach((queue, ins) -> out.add(new QueueProgram(queue,
                ins.keySet().stream().mapToLong(Long::longValue).toArray(),
                ins.values().stream().mapToLong(Long::longValue).toArray())));
        return out;
    }
}
