// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Fp16;
import dev.lockstep.isa.asm.Assembler;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.io.Npy;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.Simulator;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The example programs run on the simulator and give the values their comments promise, computed here anew. */
class ExamplesTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();

    private static SimResult run(String example) {
        return Simulator.run(TSP, new Assembler(TSP).assemble(Path.of("asm", example)), SimOptions.functional());
    }

    @Test
    void vectorAddGivesTheSumOfItsInputs() {
        SimResult r = run("vector-add.lsa");
        double[] sum = r.region(0, "sum").orElseThrow();
        for (int i = 0; i < 320; i++) {
            assertThat(sum[i]).as("sum[%d]", i).isEqualTo((i % 32) * 0.5 + (i / 32) * 0.25);
        }
        assertThat(r.cycles()).as("the last write commits at cycle 15").isEqualTo(16);
    }

    @Test
    void gemvTileGivesXTimesW() {
        SimResult r = run("gemv-tile.lsa");
        double[] y = r.region(0, "y").orElseThrow();
        for (int n = 0; n < 320; n++) {
            double expected = 0;
            for (int k = 0; k < 160; k++) {
                double w = k % 2 == 0 ? 1 : n / 64.0;
                expected += (k % 8) * 0.125 * w;
            }
            assertThat(y[n]).as("y[%d]", n).isEqualTo(expected);
        }
    }

    @Test
    void transposeSwapsStreamsAndLanesInEverySuperlane() {
        SimResult r = run("transpose.lsa");
        for (int i = 0; i < 16; i++) {
            double[] out = r.region(0, "out" + i).orElseThrow();
            for (int g = 0; g < 20; g++) {
                for (int j = 0; j < 16; j++) {
                    assertThat(out[16 * g + j]).as("out%d lane %d", i, 16 * g + j).isEqualTo((byte) (16 * j + i));
                }
            }
        }
    }

    private static double[] values(String file) {
        Npy.Array a = Npy.read(Path.of("asm", "data", file));
        double[] out = new double[(int) a.elements()];
        for (int i = 0; i < out.length; i++) {
            long bits = a.bits(i);
            out[i] = a.dtype() == DataType.F16 ? Fp16.toFloat((short) bits) : bits;
        }
        return out;
    }

    @Test
    void gemmFp16GivesXTimesWWithinF32AccumulationError() {
        SimResult r = run("gemm-fp16.lsa");
        assertThat(r.cycles()).isEqualTo(783);
        double[] wa = values("gemm-fp16-wa.npy");
        double[] wb = values("gemm-fp16-wb.npy");
        double[] xa = values("gemm-fp16-xa.npy");
        double[] xb = values("gemm-fp16-xb.npy");
        double[] y = r.region(0, "Y").orElseThrow();
        for (int m = 0; m < 320; m++) {
            for (int n = 0; n < 320; n++) {
                double exact = 0;
                double magnitude = 0;
                for (int k = 0; k < 160; k++) {
                    double p1 = xa[m * 320 + k] * wa[k * 320 + n];
                    double p2 = xb[m * 320 + k] * wb[k * 320 + n];
                    exact += p1 + p2;
                    magnitude += Math.abs(p1) + Math.abs(p2);
                }
                // 320 f32 additions, each off by at most 2^-24 of the running sum
                assertThat(Math.abs(y[m * 320 + n] - exact)).as("Y[%d][%d]", m, n)
                        .isLessThanOrEqualTo(320 * 0x1p-24 * magnitude);
            }
        }
    }

    @Test
    void gemmInt8GivesXTimesWExactly() {
        double[] w = values("gemm-int8-w.npy");
        double[] x = values("gemm-int8-x.npy");
        double[] y = run("gemm-int8.lsa").region(0, "Y").orElseThrow();
        for (int m = 0; m < 320; m++) {
            for (int n = 0; n < 320; n++) {
                long exact = 0;
                for (int k = 0; k < 320; k++) {
                    exact += (long) x[m * 320 + k] * (long) w[k * 320 + n];
                }
                assertThat((long) y[m * 320 + n]).as("Y[%d][%d]", m, n).isEqualTo(exact);
            }
        }
    }

    @Test
    void softmaxGivesProbabilitiesThatMatchTheReference() {
        SimResult r = run("softmax.lsa");
        double[] x = r.region(0, "x").orElseThrow();
        double[] y = r.region(0, "y").orElseThrow();
        double max = Arrays.stream(x).max().orElseThrow();
        double sum = Arrays.stream(x).map(v -> Math.exp(v - max)).sum();
        for (int i = 0; i < 320; i++) {
            double expected = Math.exp(x[i] - max) / sum;
            // a handful of f32 roundings: within 1e-6 relative
            assertThat(Math.abs(y[i] - expected)).as("y[%d]", i).isLessThanOrEqualTo(1e-6 * expected);
        }
    }

    /** The two-chip example: the three vectors chip 0 sends are in chip 1's region, on node-8. */
    @Test
    void linkSendMovesThreeVectorsToTheOtherChip() {
        var node = dev.lockstep.isa.system.SystemSpecs.preset("node-8");
        var p = new Assembler(TSP).assemble(Path.of("asm", "link-send.lsa"));
        SimResult r = dev.lockstep.sim.SystemSimulator.run(node, p, SimOptions.functional(),
                new dev.lockstep.sim.SystemSimulator.Parallelism(2, false));
        double[] b = r.region(1, "b").orElseThrow();
        assertThat(new double[] {b[0], b[1], b[2], b[320], b[322], b[640], b[642]}).containsExactly(1, 2, 3, 4, 6, 7,
                9);
        // the last write samples vector 2 at 322 + 2 x 22 + 318 (receive end) + 1 (hop) = 685 and commits at 686;
        // the run counts that cycle
        assertThat(r.cycles()).isEqualTo(322 + 2 * 22 + 318 + 1 + 1 + 1);
    }
}
