// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.bench;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.program.Program;
import dev.lockstep.sim.Mode;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.Simulator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Simulating one tsp-v1 chip: every MEM slice issues one read per cycle for {@code cycles} cycles (88 instruction
 * issues and 88 stream vectors per cycle), in timing-only and functional mode. The secondary results count
 * simulated instruction issues and simulated cycles per second.
 *
 * <p>How to run: {@code mvn -B -DskipTests package && java -jar benchmarks/target/benchmarks.jar
 * SimulatorBenchmark -f 3 -wi 6 -i 5}. Read {@code issues} and {@code cycles} (ops/s) for the simulation rates.
 * Six warmup iterations: on the project's 2-core machine some forks took five of two seconds each before the JIT
 * settled (timing-only, one fork: 42, 43, 44, 66, 97, 104 ops/s, then 106 to 112), and three forks, because a fork
 * may settle on slower compiled code than another.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(3)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
public class SimulatorBenchmark {
    @Param({"TIMING_ONLY", "FUNCTIONAL"})
    Mode mode;

    @Param({"2000"})
    int cycles;

    private ChipSpec chip;
    private Program program;

    /** Simulation rates as secondary results. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Rates {
        public long issues;
        public long cycles;

        @Setup(Level.Iteration)
        public void reset() {
            issues = 0;
            cycles = 0;
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        chip = ChipSpecs.tspV1();
        program = BenchPrograms.memReads(chip, cycles);
    }

    @Benchmark
    public SimResult simulate(Rates rates) {
        SimResult r = Simulator.run(chip, program, new SimOptions(mode, null));
        rates.issues += r.instructions();
        rates.cycles += r.cycles();
        return r;
    }
}
