// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.bench;

import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.model.DecodeBuilder;
import dev.lockstep.compiler.model.DecodePlan;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.run.Verified;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.SystemSimulator;
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
 * A prefill through one Mixtral-8x7B layer (the partition of {@link DecodeCompileBenchmark}) in chunks of 4
 * tokens, for prompts of several lengths: how compile and simulate time grow with the prompt. Chunk 0 is compiled,
 * the others are its repeats (stored once per queue), so compiling is close to flat in the prompt; the simulation
 * skips each chip's repeated periods once its state repeats, so it is close to flat too.
 *
 * <p>How to run: {@code mvn -B -DskipTests package && java -jar benchmarks/target/benchmarks.jar
 * PrefillBenchmark -f 1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class PrefillBenchmark {
    /** Prompt tokens. */
    @Param({"32", "128", "512", "2048"})
    int promptTokens;

    private SystemSpec system;
    private DecodePlan plan;

    @Setup(Level.Trial)
    public void setup() {
        system = SystemSpecs.preset("tsp-576");
        plan = DecodeCompileBenchmark.oneMixtralLayer(Precision.FP16, system);
    }

    @Benchmark
    public DecodeBuilder.Prefill compile() {
        return DecodeBuilder.prefill(plan, system, promptTokens, 4, line -> { });
    }

    @Benchmark
    public SimResult compileAndSimulate() {
        DecodeBuilder.Prefill p = DecodeBuilder.prefill(plan, system, promptTokens, 4, line -> { });
        return Verified.simulate(system, p.program(), SimOptions.timingOnly(), new SystemSimulator.Parallelism(1, true),
                p.timing().predictedEndCycle(), "a one-layer prefill");
    }
}
