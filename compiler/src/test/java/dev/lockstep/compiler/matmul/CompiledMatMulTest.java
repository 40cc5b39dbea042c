// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.testing.RandomData;
import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.sim.SimResult;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
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
            x[i] = RandomData.exactIn(r, dtype);
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = RandomData.exactIn(r, dtype);
        }
        MatMul problem = new MatMul(m, k, n, dtype);
        CompiledKernel kernel = MatMulCompiler.compile(TSP, problem, x, w);
        SimResult sim = Simulated.exactlyInBothModes(TSP, kernel);
        boolean[][] seen = new boolean[m][(n + 319) / 320];
        for (var region : kernel.program().chip(0).orElseThrow().regions()) {
            Matcher name = Pattern.compile("Y(\\d+)_(\\d+)").matcher(region.name());
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

    @Test
    void theFp16GemmOfThePublishedShapeReachesAtLeast90PercentOfMxmPeak() {
        CompiledKernel k = MatMulCompiler.compile(TSP, new MatMul(2304, 4096, 4096, DataType.F16));
        // 13 N tiles x 26 K pieces, each holding its array for an install (20) and 2,304 rows, over 2 units:
        // 13 x 26 x 2,324 / 2 = 392,756 cycles; the schedule's fill and drain add 371
        assertThat(k.lowerBoundCycles()).isEqualTo(392_756);
        assertThat(k.predictedCycles()).isEqualTo(393_127);
        assertThat(k.mxmUtilization()).isGreaterThanOrEqualTo(0.90);
        Simulated.exactlyTimingOnly(TSP, k);
    }

    @Test
    void theDecodeGemvIsWithin10PercentOfItsBound() {
        CompiledKernel k = MatMulCompiler.compile(TSP, new MatMul(1, 4096, 14336, DataType.F16));
        // 45 N tiles x 26 K tiles of fp16 pieces on 2 units, each holding its array for an install (20) and one
        // activation row: 45 x 26 x 21 / 2 = 12,285 cycles; the weights' loads (8 fp16 rows per cycle per MXM
        // slice: 45 x (25 x 20 + 12) / 2 = 11,520 cycles) fit under it
        assertThat(k.boundReason()).startsWith("MXM arrays");
        assertThat(k.lowerBoundCycles()).isEqualTo(12_285);
        assertThat(k.predictedCycles()).isEqualTo(12_633)
                .isLessThanOrEqualTo((long) (k.lowerBoundCycles() * 1.10));
        Simulated.exactlyTimingOnly(TSP, k);
    }

    @Test
    void aProductTooLargeForTheChipSaysHowManySlicesItNeeds() {
        assertThatThrownBy(() -> MatMulCompiler.compile(TSP, new MatMul(8000, 16384, 16384, DataType.F16)))
                .isInstanceOf(CompileException.class)
                .hasMessage("it needs about 422 free MEM slices in the west hemisphere for its tiles (W, X for each "
                        + "unit, Y), but tsp-v1 has 44 with room left; use more chips or a smaller problem");
    }

    @Test
    void aChipWithTooFewStreamsIsACompileErrorNotACrash() {
        String json = ChipSpecs.toJson(TSP).replace("\"streams_per_direction\" : 32", "\"streams_per_direction\" : 8")
                .replace("\"weight_streams\" : 16", "\"weight_streams\" : 4");
        ChipSpec small = ChipSpecs.parse("small.json", json.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> MatMulCompiler.compile(small, new MatMul(300, 700, 1300, DataType.I8)))
                .isInstanceOf(CompileException.class)
                .hasMessageContaining("has 8 streams per direction");
    }

    @Test
    void withEverySchedulerChoiceOffTheScheduleIsSlowerButStillExact() {
        MatMul problem = new MatMul(130, 500, 700, DataType.F16);
        CompiledKernel best = MatMulCompiler.compile(TSP, problem);
        CompiledKernel plain = MatMulCompiler.compile(TSP, problem, null, null,
                new ScheduleOptions(false, false, false));
        assertThat(plain.predictedCycles()).isGreaterThan(best.predictedCycles());
        Simulated.exactlyTimingOnly(TSP, plain);
    }

    /**
     * One schedule for three copies of W (a KV cache per sequence): each copy's program reads its own copy, takes
     * exactly the predicted cycles on the simulator, and differs from the others only in read addresses.
     */
    @Test
    void weightCopiesShareOneScheduleAndEachRunsExactly() {
        var copies = MatMulCompiler.compileCopies(TSP, new MatMul(4, 4096, 128, DataType.F16), ScheduleOptions.DEFAULT,
                SramMap.empty(TSP), 3);
        CompiledKernel single = MatMulCompiler.compile(TSP, new MatMul(4, 4096, 128, DataType.F16));
        assertThat(copies).hasSize(3);
        for (CompiledKernel k : copies) {
            Simulated.exactlyTimingOnly(TSP, k);
            assertThat(k.predictedCycles()).isEqualTo(copies.get(0).predictedCycles());
            assertThat(k.program().instructionCount()).isEqualTo(copies.get(0).program().instructionCount());
        }
        assertThat(copies.get(1).program()).isNotEqualTo(copies.get(0).program());
        // the W tiles hold three copies: a copy is K = 4096 rows, 8 side by side per word over 16 slices (512 words
        // in each), 4096 x 2 words in all, as when each row took a word per byte plane; X and Y are the single
        // kernel's
        long w = 4096L * 2;
        assertThat(copies.get(0).sram().usedWords() - single.sram().usedWords()).isEqualTo(2 * w);
    }
}
