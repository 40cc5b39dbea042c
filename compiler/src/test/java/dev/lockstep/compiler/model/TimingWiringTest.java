// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.dataflow.ChipDataflow;
import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.dataflow.RowCuts;
import dev.lockstep.compiler.graph.Tensor;
import dev.lockstep.compiler.graph.TensorId;
import dev.lockstep.compiler.system.ChipBuild;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.compiler.testing.Instructions;
import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.compiler.testing.TestSystems;
import dev.lockstep.compiler.vector.VectorKernels;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.QueueProgram;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The wiring and the caches' append that the timing-only run places (docs/model.md, "Wiring"): the steps of a run with
 * data, on placeholder rows (constants of the kernel, shaped as the rows a run with data reads) or, where an earlier
 * kernel of the run left the row, on it where it lies, at Mixtral's sizes, each simulated to the predicted cycle.
 */
class TimingWiringTest {
    private static final int HIDDEN = 4096;

    /**
     * The wiring of the experts' 4096 x 14336 GEMV: per K tile of 160 rows one conversion to f16 and one write per
     * MXM unit that reads X, as the functional run's (WiringCostTest: 206 cycles there, reading the row where a
     * kernel left it; 210 here, reading a placeholder row, a constant of the kernel; 231 when that constant held its
     * values, before the rows were placeholders).
     */
    @Test
    void aProductsWiringTakesTheFunctionalWiringsSteps() {
        SystemBuild fb = new SystemBuild(TestSystems.ONE_CHIP);
        ChipDataflow f = new ChipDataflow(fb.chip(), fb.chip(0), 0);
        Row in = f.vectors(s -> List.of(new ChipDataflow.Out(VectorKernels.row(s.graph(), new double[HIDDEN], 0),
                HIDDEN))).get(0);
        f.matmul("up", List.of(List.of(in)), HIDDEN, 14336, null);

        SystemBuild tb = new SystemBuild(TestSystems.ONE_CHIP);
        ChipBuild c = tb.chip(0);
        KernelLibrary lib = new KernelLibrary(tb.chip());
        CompiledKernel up = lib.matmul(new TensorId(Tensor.GATE_UP, 0), 1, HIDDEN, 14336, DataType.F16, c.sram());
        c.reserve(up);
        CompiledKernel wiring = lib.wiring(up, RowCuts.whole(1, HIDDEN), List.of(), c.sram());
        Simulated.exactlyTimingOnly(tb.chip(), wiring);

        ChipProgram p = wiring.program().chips().get(0);
        // 26 K tiles (the last of 96 rows), each converted and written for each of the 2 units that read X
        assertThat(Instructions.count(p, Opcode.VCVT)).isEqualTo(26 * 2);
        // the 13 tiles in the high half of a vector are shifted to lanes 0..159 first
        assertThat(Instructions.count(p, Opcode.SHIFT)).isEqualTo(13);
        // the functional chip's program: the row's kernel (constants moved into place), the wiring and the product;
        // only the wiring converts and shifts, as many times
        ChipProgram functional = fb.chip(0).program();
        assertThat(Instructions.count(functional, Opcode.VCVT)).isEqualTo(26 * 2);
        assertThat(Instructions.count(functional, Opcode.SHIFT)).isEqualTo(13);
        // the functional run reads the row where the kernel before it left it, the timing-only run a constant that
        // the compiler places where it has room: 4 cycles more here
        assertThat(f.wiringCycles()).isEqualTo(206);
        assertThat(wiring.predictedCycles()).isEqualTo(210);
        // compiled once per SRAM: the same kernel again
        assertThat(lib.wiring(up, RowCuts.whole(1, HIDDEN), List.of(), c.sram())).isSameAs(wiring);
        // reading the row where a kernel before it left it (a norm's, compiled into the chip's SRAM) instead: the same
        // steps and a kernel of its own, 30 cycles longer here, for where the norm's kernel left its row (the run with
        // data lays its row kernel out otherwise)
        CompiledKernel norm = lib.vectors().rmsnorm(Tensor.FFN_NORM, HIDDEN, 1e-5f, false, 0, List.of(), c.sram());
        c.place(norm, 0);
        Row normed = lib.outputs(norm).get(0);
        CompiledKernel inPlace = lib.wiring(up, RowCuts.whole(1, HIDDEN), List.of(Optional.of(normed)), c.sram());
        assertThat(inPlace).isNotSameAs(wiring);
        Simulated.exactlyTimingOnly(tb.chip(), inPlace);
        ChipProgram q = inPlace.program().chips().get(0);
        assertThat(Instructions.count(q, Opcode.VCVT)).isEqualTo(26 * 2);
        assertThat(Instructions.count(q, Opcode.SHIFT)).isEqualTo(13);
        assertThat(inPlace.predictedCycles()).isEqualTo(240);
    }

    /**
     * The append of one token to a KV head's caches of 4096 tokens (head_dim 128; its K and V cut from the rows of a
     * chip of 4 query heads and that KV head): K one element at a time (a distribute and a select per element,
     * written back in place), V one f16 row. K starts mid-vector in RoPE's row (a shift) and V is followed by other
     * values in the QKV row (cleared): 520 cycles, 369 when both were whole rows of their own.
     */
    @Test
    void aTokensAppendWritesEachElementOfKAndOneRowOfV() {
        SystemBuild tb = new SystemBuild(TestSystems.ONE_CHIP);
        ChipBuild c = tb.chip(0);
        KernelLibrary lib = new KernelLibrary(tb.chip());
        CompiledKernel k = lib.matmulCopies(CacheKind.K, 4, 128, 4096, 1, c.sram()).get(0);
        c.reserve(k);
        CompiledKernel v = lib.matmulCopies(CacheKind.V, 4, 4096, 128, 1, c.sram()).get(0);
        c.reserve(v);
        AttentionRows rows = new AttentionRows(4, 1, 128);
        CompiledKernel append = lib.append(k, v, 4095, 4095, rows.keys(0, 1), rows.values(0, 1), List.of(), List.of(),
                c.sram());
        Simulated.exactlyTimingOnly(tb.chip(), append);
        ChipProgram p = append.program().chips().get(0);
        assertThat(Instructions.count(p, Opcode.VSEL)).isEqualTo(128);
        assertThat(mostWritesToOneWord(p)).isEqualTo(1);
        assertThat(append.predictedCycles()).isEqualTo(520);
        // a prefill chunk of 4 rows appends 4 tokens in one kernel: their columns share the cache's words, so each
        // word takes the 4 merges one after another and is written once
        CompiledKernel four = lib.withRows(4).append(k, v, 4095, 4095, rows.keys(0, 4), rows.values(0, 4), List.of(),
                List.of(), c.sram());
        Simulated.exactlyTimingOnly(tb.chip(), four);
        ChipProgram p4 = four.program().chips().get(0);
        assertThat(Instructions.count(p4, Opcode.VSEL)).isEqualTo(4 * 128);
        assertThat(mostWritesToOneWord(p4)).isEqualTo(1);
        assertThat(four.predictedCycles()).isEqualTo(616);
        // more rows than the caches hold are refused
        assertThatThrownBy(() -> lib.withRows(4).append(k, v, 2, 4095, rows.keys(0, 4), rows.values(0, 4),
                List.of(), List.of(), c.sram()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 rows do not fit");
    }

    /** The most WRITE instructions of {@code p} to one word of one slice (1: no word is written twice). */
    private static int mostWritesToOneWord(ChipProgram p) {
        Map<String, Integer> n = new TreeMap<>();
        for (QueueProgram q : p.queues()) {
            for (int i = 0; i < q.size(); i++) {
                Instruction ins = q.instruction(i);
                if (ins.opcode() == Opcode.WRITE) {
                    n.merge(q.queueId() + "@" + ins.operands()[Opcode.WRITE.operandIndex("addr")], 1, Integer::sum);
                }
            }
        }
        return n.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }
}
