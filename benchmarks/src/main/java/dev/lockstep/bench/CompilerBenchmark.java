// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.bench;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.matmul.MatMulCompiler;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compiling (tiling, allocating, list-scheduling and emitting) a matmul for tsp-v1: the decode GEMV of the compiler
 * issue and the published GEMM shape, with and without one scheduler choice (what it buys in simulated cycles:
 * docs/model.md, "What the scheduler's choices buy", from {@code lockstep compile --no-weight-overlap}).
 *
 * <p>How to run: {@code mvn -B -DskipTests package && java -jar benchmarks/target/benchmarks.jar CompilerBenchmark
 * -f 1 -wi 3 -i 5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CompilerBenchmark {
    @Param({"1x4096x14336", "2304x4096x4096"})
    String shape;

    /** The scheduler choice compared: LW overlapping the previous piece's activations, or not. */
    @Param({"true", "false"})
    boolean overlapWeightLoads;

    private ChipSpec chip;
    private MatMul problem;

    @Setup(Level.Trial)
    public void setup() {
        chip = ChipSpecs.tspV1();
        int[] d = MatMul.parseShape(shape).orElseThrow();
        problem = new MatMul(d[0], d[1], d[2], DataType.F16);
    }

    @Benchmark
    public CompiledKernel compile() {
        return MatMulCompiler.compile(chip, problem, null, null,
                new ScheduleOptions(overlapWeightLoads, true, true));
    }
}
