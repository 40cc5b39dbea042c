// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.bench;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.ModelConfigs;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.model.DecodeBuilder;
import dev.lockstep.compiler.model.DecodePlan;
import dev.lockstep.compiler.model.PlanSearch;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.run.Verified;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.SystemSimulator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Simulating a compiled multi-chip decode pipeline (timing-only, deduplicated), as {@code lockstep run} does: on
 * node-8 a small Mixtral-shaped model (2 layers, 4 experts), on rack-72 a larger one (16 layers, 8 experts, hidden
 * 2048), on tsp-576 Mixtral-8x7B; each with 1 and 2 threads. The program is compiled once per trial; each
 * operation simulates every chip. Secondary results: instructions of the chips simulated in full, and the
 * simulated cycles.
 *
 * <p>How to run: {@code mvn -B -DskipTests package && java -jar benchmarks/target/benchmarks.jar SystemBenchmark
 * -f 1 -wi 1 -i 3}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx8g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class SystemBenchmark {
    @Param({"node-8", "rack-72", "tsp-576"})
    String system;

    @Param({"1", "2"})
    int threads;

    private SystemSpec spec;
    private DecodeBuilder.Result built;

    /** Simulation work as secondary results. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Work {
        public long instructionsInFull;
        public long simulatedCycles;

        @Setup(Level.Iteration)
        public void reset() {
            instructionsInFull = 0;
            simulatedCycles = 0;
        }
    }

    /** The model each system runs in this benchmark. */
    static ModelConfig model(String system) {
        return switch (system) {
            case "node-8" -> new ModelConfig("bench-moe-small", "MixtralForCausalLM", 640, 1280, 2, 4, 2, 1000, 4, 2,
                    1e6, 0, false, 1e-5);
            case "rack-72" -> new ModelConfig("bench-moe-medium", "MixtralForCausalLM", 2048, 5632, 16, 16, 8, 32000,
                    8, 2, 1e6, 0, false, 1e-5);
            default -> ModelConfigs.presetOrFile("mixtral-8x7b");
        };
    }

    @Setup(Level.Trial)
    public void setup() {
        spec = SystemSpecs.preset(system);
        // the plan lockstep run would choose (with its fallback when layers on whole nodes do not pack)
        DecodePlan plan = PlanSearch.forChips(model(system), Precision.FP16, 3, system.equals("tsp-576") ? 4096
                : 1024, spec, spec.chips()).plan();
        built = DecodeBuilder.build(plan, spec, line -> { });
    }

    @Benchmark
    public SimResult simulate(Work work) {
        SimResult r = Verified.simulate(spec, built.program(), SimOptions.timingOnly(),
                new SystemSimulator.Parallelism(threads, true), built.predictedEnd(), "the decode step");
        work.instructionsInFull += r.instructionsRun();
        work.simulatedCycles += r.cycles();
        return r;
    }
}
