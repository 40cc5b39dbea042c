// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.testing.RandomData;
import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.program.QueueProgram;
import dev.lockstep.sim.SimResult;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A product over 8 copies of W of which data chooses one per slot (an expert per slot of a router's top 2): for
 * every choice of 2 of the 8, the kernel of each slot computes X times the chosen copy, in the same cycles and
 * with the same trace hash whatever the choice, and timing-only runs agree. K = 700 makes three K tiles (320, 320,
 * 60) in slices whose copies lie a block (copy 0 of all their tiles) apart; N = 400 makes two N tiles.
 */
class ChosenCopyTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();
    private static final int M = 1;
    private static final int K = 700;
    private static final int N = 400;
    private static final int EXPERTS = 8;

    @Test
    void everyPairOfExpertsIsReadExactlyOnOneSchedule() {
        SplittableRandom r = new SplittableRandom(16);
        double[] x = values(r, M * K);
        double[][] w = new double[EXPERTS][];
        for (int e = 0; e < EXPERTS; e++) {
            w[e] = values(r, K * N);
        }
        long cycles = -1;
        long[] hash = new long[2];
        for (int a = 0; a < EXPERTS; a++) {
            for (int b = a + 1; b < EXPERTS; b++) {
                List<CompiledKernel> slots = MatMulCompiler.compileChosen(TSP, new MatMul(M, K, N, DataType.I8), x,
                        w, new int[] {a, b}, ScheduleOptions.DEFAULT, SramMap.empty(TSP), EXPERTS, 2);
                for (int slot = 0; slot < 2; slot++) {
                    CompiledKernel k = slots.get(slot);
                    SimResult sim = Simulated.exactlyInBothModes(TSP, k);
                    if (cycles < 0) {
                        cycles = sim.cycles();
                    }
                    if (a == 0 && b == 1) {
                        hash[slot] = sim.traceHash();
                    }
                    assertThat(sim.cycles()).as("cycles, experts %d and %d, slot %d", a, b, slot).isEqualTo(cycles);
                    assertThat(sim.traceHash()).as("hash, experts %d and %d, slot %d", a, b, slot)
                            .isEqualTo(hash[slot]);
                    assertProduct(k, sim, x, w[slot == 0 ? a : b], "experts " + a + " and " + b + ", slot " + slot);
                }
            }
        }
    }

    /**
     * fp16, compiled above another product's tensors (so that the slices' blocks start at different words and some
     * are rounded up to even), for a few pairs, the higher-numbered expert in slot 0 as often as not.
     */
    @Test
    void fp16WeightsAreReadFromTheChosenCopyToo() {
        SramMap taken = MatMulCompiler.compile(TSP, new MatMul(1, 650, 700, DataType.F16)).sram();
        SplittableRandom r = new SplittableRandom(18);
        double[] x = values(r, M * K, DataType.F16);
        double[][] w = new double[EXPERTS][];
        for (int e = 0; e < EXPERTS; e++) {
            w[e] = values(r, K * N, DataType.F16);
        }
        for (int[] pair : new int[][] {{0, 1}, {3, 6}, {7, 2}, {5, 4}}) {
            List<CompiledKernel> slots = MatMulCompiler.compileChosen(TSP, new MatMul(M, K, N, DataType.F16), x, w,
                    pair, ScheduleOptions.DEFAULT, taken, EXPERTS, 2);
            for (int slot = 0; slot < 2; slot++) {
                CompiledKernel k = slots.get(slot);
                assertProduct(k, Simulated.exactlyInBothModes(TSP, k), x, w[pair[slot]], "fp16, slot " + slot);
            }
        }
    }

    @Test
    void bothSlotsMayChooseOneExpert() {
        SplittableRandom r = new SplittableRandom(17);
        double[] x = values(r, M * K);
        double[][] w = new double[EXPERTS][];
        for (int e = 0; e < EXPERTS; e++) {
            w[e] = values(r, K * N);
        }
        List<CompiledKernel> slots = MatMulCompiler.compileChosen(TSP, new MatMul(M, K, N, DataType.I8), x, w,
                new int[] {7, 7}, ScheduleOptions.DEFAULT, SramMap.empty(TSP), EXPERTS, 2);
        for (CompiledKernel k : slots) {
            assertProduct(k, Simulated.exactlyInBothModes(TSP, k), x, w[7], "expert 7 twice");
        }
    }

    /**
     * What choosing by data costs against one copy compiled alone: a base per W slice and the index's reads at the
     * start (their cycles), and the W tiles of 8 copies a stride of the largest K tile apart (their words).
     */
    @Test
    void theProloguePutsOneBasePerWeightSliceBeforeItsFirstRead() {
        MatMul p = new MatMul(M, K, N, DataType.I8);
        CompiledKernel chosen = MatMulCompiler.compileChosen(TSP, p, null, null, null, ScheduleOptions.DEFAULT,
                SramMap.empty(TSP), EXPERTS, 1).get(0);
        CompiledKernel alone = MatMulCompiler.compile(TSP, p);
        long bases = 0;
        long readbs = 0;
        long reads = 0;
        long weightQueues = 0;
        for (QueueProgram q : chosen.program().chip(0).orElseThrow().queues()) {
            long firstReadb = Long.MAX_VALUE;
            long base = -1;
            for (int i = 0; i < q.size(); i++) {
                Opcode op = q.instruction(i).opcode();
                if (op == Opcode.BASE) {
                    bases++;
                    base = q.cycle(i);
                } else if (op == Opcode.READB) {
                    readbs++;
                    firstReadb = Math.min(firstReadb, q.cycle(i));
                } else if (op == Opcode.READ) {
                    reads++;
                }
            }
            if (firstReadb != Long.MAX_VALUE) {
                weightQueues++;
                assertThat(base).as("a base before the readbs of queue %d", q.queueId()).isBetween(0L,
                        firstReadb - 1);
            }
        }
        assertThat(bases).as("one base per queue that reads weights").isEqualTo(weightQueues);
        assertThat(reads).as("the index's two planes, each read eastward and westward, and X").isGreaterThan(4);
        assertThat(readbs).isPositive();
        // the first weight reads wait until the index has reached their slices and set their bases
        assertThat(chosen.predictedCycles() - alone.predictedCycles()).as("the prologue's cost").isEqualTo(26);
        Simulated.exactlyTimingOnly(TSP, chosen);
    }

    private static double[] values(SplittableRandom r, int n) {
        return values(r, n, DataType.I8);
    }

    private static double[] values(SplittableRandom r, int n, DataType type) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = RandomData.exactIn(r, type);
        }
        return v;
    }

    private static void assertProduct(CompiledKernel k, SimResult sim, double[] x, double[] w, String what) {
        int tiles = 0;
        for (var region : k.program().chip(0).orElseThrow().regions()) {
            Matcher name = Pattern.compile("Y(\\d+)_0").matcher(region.name());
            if (!name.matches()) {
                continue;
            }
            tiles++;
            int nt = Integer.parseInt(name.group(1));
            double[] y = sim.region(0, region.name()).orElseThrow();
            for (int c = 0; c < 320 && nt * 320 + c < N; c++) {
                double exact = 0;
                for (int j = 0; j < K; j++) {
                    exact += x[j] * w[j * N + nt * 320 + c];
                }
                if (k.program().chips().get(0).regions().stream().anyMatch(g -> g.dtype() == DataType.F32)) {
                    // fp16 products accumulate in f32: each of the K additions errs by at most 2^-24 of the sum
                    double magnitude = 0;
                    for (int j = 0; j < K; j++) {
                        magnitude += Math.abs(x[j] * w[j * N + nt * 320 + c]);
                    }
                    assertThat(Math.abs(y[c] - exact)).as("%s: Y[%d]", what, nt * 320 + c)
                            .isLessThanOrEqualTo(K * 0x1p-24 * magnitude);
                } else {
                    assertThat(y[c]).as("%s: Y[%d]", what, nt * 320 + c).isEqualTo(exact);
                }
            }
        }
        assertThat(tiles).isEqualTo(2);
    }
}
