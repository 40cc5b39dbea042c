// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.matmul.MatMulCompiler;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Fp16;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.Simulator;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Differential tests of the compiler against the simulator: every compiled matmul runs without a hazard, in
 * exactly the cycles the compiler predicted, and its results match a plain-Java product computed here.
 */
class CompiledMatMulTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();

    @ParameterizedTest(name = "{0}x{1}x{2} {3}")
    @CsvSource({
        "1, 160, 320, f16",
        "1, 320, 640, f16",
        "3, 200, 330, f16",
        "5, 500, 1000, f16",
        "1, 320, 320, i8",
        "4, 700, 1300, i8",
        "130, 200, 700, f16",
        "300, 330, 1000, i8",
    })
    void compiledMatMulsRunInThePredictedCyclesAndComputeXTimesW(int m, int k, int n, String type) {
        DataType dtype = DataType.fromText(type).orElseThrow();
        SplittableRandom r = new SplittableRandom(m * 1_000_003L + k * 1009L + n);
        double[] x = new double[m * k];
        double[] w = new double[k * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = value(r, dtype);
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = value(r, dtype);
        }
        MatMul problem = new MatMul(m, k, n, dtype);
        CompiledKernel kernel = MatMulCompiler.compile(TSP, problem, x, w);
        SimResult sim = Simulator.run(TSP, kernel.program(), SimOptions.functional());
        assertThat(sim.cycles()).as("simulated = predicted cycles").isEqualTo(kernel.predictedCycles());
        assertThat(Simulator.run(TSP, kernel.program(), SimOptions.timingOnly()).traceHash())
                .isEqualTo(sim.traceHash());
        assertThat(kernel.predictedCycles()).isGreaterThanOrEqualTo(kernel.lowerBoundCycles());
        boolean[][] seen = new boolean[m][(n + 319) / 320];
        for (var region : kernel.program().chip(0).orElseThrow().regions()) {
            var name = java.util.regex.Pattern.compile("Y(\\d+)_(\\d+)").matcher(region.name());
            assertThat(name.matches()).as("region %s", region.name()).isTrue();
            int nt = Integer.parseInt(name.group(1));
            int m0 = Integer.parseInt(name.group(2));
            double[] y = sim.region(0, region.name()).orElseThrow();
            for (int row = 0; row < region.elements() / 320; row++) {
                int i = m0 + row;
                assertThat(seen[i][nt]).as("row %d of tile %d computed twice", i, nt).isFalse();
                seen[i][nt] = true;
                for (int c = 0; c < 320 && nt * 320 + c < n; c++) {
                    double exact = 0;
                    double magnitude = 0;
                    for (int j = 0; j < k; j++) {
                        double p = x[i * k + j] * w[j * n + nt * 320 + c];
                        exact += p;
                        magnitude += Math.abs(p);
                    }
                    double got = y[row * 320 + c];
                    if (dtype == DataType.I8) {
                        assertThat(got).as("Y[%d][%d]", i, nt * 320 + c).isEqualTo(exact);
                    } else {
                        // f32 accumulation: each of the k additions errs by at most 2^-24 of the running sum
                        assertThat(Math.abs(got - exact)).as("Y[%d][%d]", i, nt * 320 + c)
                                .isLessThanOrEqualTo(k * 0x1p-24 * magnitude + 1e-30);
                    }
                }
            }
        }
        for (boolean[] row : seen) {
            for (boolean tile : row) {
                assertThat(tile).as("every row of every tile is computed").isTrue();
            }
        }
    }

    private static double value(SplittableRandom r, DataType t) {
        return t == DataType.F16 ? Fp16.toFloat(Fp16.fromDouble(r.nextDouble(-1, 1))) : r.nextInt(256) - 128;
    }

    @org.junit.jupiter.api.Test
    void theFp16GemmOfThePublishedShapeReachesAtLeast80PercentOfMxmPeak() {
        CompiledKernel k = MatMulCompiler.compile(TSP, new MatMul(2304, 4096, 4096, DataType.F16));
        assertThat(k.mxmUtilization()).isGreaterThanOrEqualTo(0.80);
        assertThat(Simulator.run(TSP, k.program(), SimOptions.timingOnly()).cycles()).isEqualTo(k.predictedCycles());
    }

    @org.junit.jupiter.api.Test
    void theDecodeGemvIsWithin10PercentOfItsWeightStreamingBound() {
        CompiledKernel k = MatMulCompiler.compile(TSP, new MatMul(1, 4096, 14336, DataType.F16));
        assertThat(k.boundReason()).startsWith("weight streaming");
        assertThat(k.predictedCycles()).isLessThanOrEqualTo((long) (k.lowerBoundCycles() * 1.10));
        assertThat(Simulator.run(TSP, k.program(), SimOptions.timingOnly()).cycles()).isEqualTo(k.predictedCycles());
    }

    @org.junit.jupiter.api.Test
    void aProductTooLargeForTheChipSaysHowManySlicesItNeeds() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MatMulCompiler.compile(TSP,
                new MatMul(8000, 16384, 16384, DataType.F16)))
                .isInstanceOf(dev.lockstep.compiler.CompileException.class)
                .hasMessage("it needs about 416 free MEM slices in the west hemisphere for its tiles (W, X for each "
                        + "unit, Y), but tsp-v1 has 44 with room left; use more chips or a smaller problem");
    }

    @org.junit.jupiter.api.Test
    void theCompileCommandReportsPredictedAndSimulatedCycles() throws Exception {
        CliTest.Result r = CliTest.run("compile", "--op", "gemv", "--shape", "4096x14336", "--json");
        assertThat(r.exit()).isZero();
        var j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(j.get("predicted_cycles")).isEqualTo(j.get("simulated_cycles"));
        assertThat(j.get("lower_bound_cycles").asLong()).isPositive();
        assertThat(j.get("mxm_utilization").asDouble()).isBetween(0.0, 1.0);
        assertThat(j.get("compile_seconds").asDouble()).isPositive();
        CliTest.Result unsupported = CliTest.run("compile", "--op", "conv2d", "--shape", "1x320x320");
        assertThat(unsupported.exit()).isEqualTo(1);
        assertThat(unsupported.err()).startsWith("error: --op conv2d: not supported yet");
        CliTest.Result shaped = CliTest.run("compile", "--op", "attention", "--shape", "1x320x320");
        assertThat(shaped.exit()).isEqualTo(1);
        assertThat(shaped.err()).startsWith("error: --op attention takes --model");
        CliTest.Result norm = CliTest.run("compile", "--op", "rmsnorm", "--shape", "4096", "--json");
        assertThat(norm.exit()).isZero();
        var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(norm.out());
        assertThat(n.get("predicted_cycles")).isEqualTo(n.get("simulated_cycles"));
        assertThat(CliTest.run("compile", "--op", "softmax", "--shape", "1x2x3").exit()).isEqualTo(1);
    }

    @org.junit.jupiter.api.Test
    void aChipWithTooFewStreamsIsACompileErrorNotACrash() {
        String json = ChipSpecs.toJson(TSP).replace("\"streams_per_direction\" : 32", "\"streams_per_direction\" : 8");
        ChipSpec small = ChipSpecs.parse("small.json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MatMulCompiler.compile(small,
                new MatMul(300, 700, 1300, DataType.I8)))
                .isInstanceOf(dev.lockstep.compiler.CompileException.class)
                .hasMessageContaining("has 8 streams per direction");
    }

    @org.junit.jupiter.api.Test
    void withEverySchedulerChoiceOffTheScheduleIsSlowerButStillExact() {
        MatMul problem = new MatMul(130, 500, 700, DataType.F16);
        CompiledKernel best = MatMulCompiler.compile(TSP, problem);
        CompiledKernel plain = MatMulCompiler.compile(TSP, problem, null, null,
                new dev.lockstep.compiler.ScheduleOptions(false, false, false));
        assertThat(plain.predictedCycles()).isGreaterThan(best.predictedCycles());
        assertThat(Simulator.run(TSP, plain.program(), SimOptions.timingOnly()).cycles())
                .isEqualTo(plain.predictedCycles());
    }

    /**
     * One schedule for three copies of W (a KV cache per sequence): each copy's program reads its own copy, takes
     * exactly the predicted cycles on the simulator, and differs from the others only in read addresses.
     */
    @org.junit.jupiter.api.Test
    void weightCopiesShareOneScheduleAndEachRunsExactly() {
        var copies = MatMulCompiler.compileCopies(TSP, new MatMul(4, 4096, 128, DataType.F16),
                dev.lockstep.compiler.ScheduleOptions.DEFAULT, dev.lockstep.compiler.SramMap.empty(TSP), 3);
        CompiledKernel single = MatMulCompiler.compile(TSP, new MatMul(4, 4096, 128, DataType.F16));
        assertThat(copies).hasSize(3);
        for (CompiledKernel k : copies) {
            assertThat(Simulator.run(TSP, k.program(), SimOptions.timingOnly()).cycles()).isEqualTo(k.predictedCycles());
            assertThat(k.predictedCycles()).isEqualTo(copies.get(0).predictedCycles());
            assertThat(k.program().instructionCount()).isEqualTo(copies.get(0).program().instructionCount());
        }
        assertThat(copies.get(1).program()).isNotEqualTo(copies.get(0).program());
        // the W tiles hold three copies: a copy is K = 4096 rows of one word per byte plane (2 for fp16); X and Y
        // are the single kernel's
        long w = 4096L * 2;
        assertThat(copies.get(0).sram().usedWords() - single.sram().usedWords()).isEqualTo(2 * w);
    }

    /** A GEMV split by columns over a node, with an all-gather: cycle-exact, the same at 1 and 2 threads. */
    @org.junit.jupiter.api.Test
    void aGemvSplitOverANodeIsCycleExact() throws Exception {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        CliTest.Result one = CliTest.run("compile", "--op", "gemv", "--shape", "4096x14336", "--system", "node-8",
                "--threads", "1", "--json");
        assertThat(one.exit()).as(one.err()).isZero();
        var j = mapper.readTree(one.out());
        assertThat(j.get("chips").asInt()).isEqualTo(8);
        assertThat(j.get("simulated_cycles")).isEqualTo(j.get("predicted_cycles"));
        assertThat(j.get("kernel_cycles").asLong() + j.get("all_gather_cycles").asLong())
                .isEqualTo(j.get("predicted_cycles").asLong());
        long single = MatMulCompiler.compile(TSP, new MatMul(1, 4096, 14336, DataType.F16)).predictedCycles();
        assertThat(j.get("kernel_cycles").asLong()).isLessThan(single / 7);
        CliTest.Result two = CliTest.run("compile", "--op", "gemv", "--shape", "4096x14336", "--system", "node-8",
                "--threads", "2", "--json");
        assertThat(mapper.readTree(two.out()).get("trace_hash")).isEqualTo(j.get("trace_hash"));
        assertThat(CliTest.run("compile", "--op", "rmsnorm", "--shape", "4096", "--system", "node-8").exit())
                .isEqualTo(1);
    }
}
