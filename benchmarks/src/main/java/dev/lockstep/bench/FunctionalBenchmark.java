// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.bench;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.model.Generation;
import dev.lockstep.compiler.model.LayerWeights;
import dev.lockstep.compiler.model.ModelWeights;
import dev.lockstep.compiler.model.MoeDispatch;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.run.FunctionalRun;
import dev.lockstep.run.Verified;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.SystemSimulator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
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
 * Functional mode ({@code lockstep run --functional}), on two random models of hidden 320, 4 heads, 2 KV heads,
 * intermediate 320 and vocabulary 400 ({@code shape}): {@code mixtral-2} a Mixtral of 2 layers with 8 experts, top 2,
 * over 4 chips of node-8; {@code llama-10} a dense Llama of 10 layers over 12 chips of rack-72, and those forwarding
 * the choice back (what {@code lockstep random-checkpoint --layers 10 --experts 1} writes, run with {@code --system
 * rack-72}). Each is compiled through
 * its plan with data ({@link Generation}) for a 3-token prompt and 4 generated tokens ({@code compile}) and simulated
 * with data ({@code simulate}, 2 threads).
 *
 * <p>How to run: {@code mvn -B -DskipTests package && java -jar benchmarks/target/benchmarks.jar
 * FunctionalBenchmark -f 1 -wi 1 -i 3}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
public class FunctionalBenchmark {
    @Param({"mixtral-2", "llama-10"})
    public String shape;
    private static final int[] PROMPT = {1, 17, 300};
    private static final int TOKENS = 4;
    private SystemSpec system;
    private ModelWeights weights;
    private Program program;
    private long end;

    static double[] random(SplittableRandom r, long n, double scale) {
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble(-scale, scale);
        }
        return v;
    }

    @Setup(Level.Trial)
    public void setup() {
        boolean llama = shape.equals("llama-10");
        system = SystemSpecs.preset(llama ? "rack-72" : "node-8");
        ModelConfig m = llama
                ? new ModelConfig("bench-llama", "LlamaForCausalLM", 320, 320, 10, 4, 2, 400, 1, 1, 1e4, 0, false, 1e-5)
                : new ModelConfig("bench-mixtral", "MixtralForCausalLM", 320, 320, 2, 4, 2, 400, 8, 2, 1e4, 0, false,
                        1e-5);
        SplittableRandom r = new SplittableRandom(1);
        int d = m.hidden();
        double s = 2 / Math.sqrt(d);
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < m.layers(); l++) {
            double[][] gateUp = new double[m.experts()][];
            double[][] down = new double[m.experts()][];
            for (int e = 0; e < m.experts(); e++) {
                gateUp[e] = random(r, 2L * d * m.intermediate(), s);
                down[e] = random(r, (long) m.intermediate() * d, s);
            }
            double[] norm = new double[d];
            Arrays.fill(norm, 1);
            layers.add(new LayerWeights(norm, random(r, (long) d * (m.heads() + 2 * m.kvHeads()) * m.headDim(), s),
                    random(r, (long) d * d, s), norm, random(r, m.moe() ? (long) d * m.experts() : 0, s), gateUp,
                    down));
        }
        double[] norm = new double[d];
        Arrays.fill(norm, 1);
        weights = new ModelWeights(m, random(r, (long) m.vocab() * d, 1), layers, norm,
                random(r, (long) d * m.vocab(), s));
        program = compile();
    }

    @Benchmark
    public Program compile() {
        Generation.Built built = Generation.build(weights, system, PROMPT, TOKENS, MoeDispatch.ALL, 1, line -> { });
        end = built.end();
        return built.program();
    }

    @Benchmark
    public SimResult simulate() {
        return Verified.simulate(system, program, SimOptions.functional(), new SystemSimulator.Parallelism(2, false),
                end, "the functional run");
    }

    /** What lockstep run --functional does: compile, simulate with data, read the tokens back. */
    @Benchmark
    public FunctionalRun.Report run() {
        return FunctionalRun.run(new FunctionalRun.Request(weights, PROMPT, TOKENS, false, system, 2), line -> { });
    }
}
