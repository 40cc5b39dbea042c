// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.bench;

import dev.lockstep.compiler.config.ModelConfig;
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
 * Compiling one Mixtral-8x7B layer (attention block on 8 chips, MoE block on 16: every GEMV, cache product, norm,
 * routing, exchange and collective placed at its cycle, for 3 sequences), with its embedding and LM head stages,
 * on the first chips of tsp-576; {@code compileAndSimulate} also simulates every chip (timing-only,
 * deduplicated), as {@code lockstep run} does for 32 such layers.
 *
 * <p>How to run: {@code mvn -B -DskipTests package && java -jar benchmarks/target/benchmarks.jar
 * DecodeCompileBenchmark -f 1 -wi 2 -i 5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
public class DecodeCompileBenchmark {
    /** Weights: fp16 or int8 (int8 adds a scaling kernel after every matrix product). */
    @Param({"FP16", "INT8"})
    Precision weights;

    private SystemSpec system;
    private DecodePlan plan;

    @Setup(Level.Trial)
    public void setup() {
        system = SystemSpecs.preset("tsp-576");
        plan = oneMixtralLayer(weights, system);
    }

    /**
     * One Mixtral-8x7B layer with the partition lockstep run uses for Mixtral on tsp-576: 8 table chips, 16 per layer
     * (attention on 8), 56 for the head; 3 sequences, context 4096.
     */
    static DecodePlan oneMixtralLayer(Precision weights, SystemSpec system) {
        ModelConfig oneLayer = new ModelConfig("mixtral-8x7b-1-layer", "MixtralForCausalLM", 4096, 14336, 1, 32, 8,
                32000, 8, 2, 1e6, 0, false, 1e-5);
        return new DecodePlan(oneLayer, weights, 3, 4096, 8, 16, 8, 56, DecodePlan.weightCapacity(system.chip()));
    }

    @Benchmark
    public DecodeBuilder.Result compile() {
        return DecodeBuilder.build(plan, system, line -> { });
    }

    @Benchmark
    public SimResult compileAndSimulate() {
        DecodeBuilder.Result r = DecodeBuilder.build(plan, system, line -> { });
        return Verified.simulate(system, r.program(), SimOptions.timingOnly(), new SystemSimulator.Parallelism(1, true),
                r.predictedEnd(), "one layer's decode step");
    }
}
