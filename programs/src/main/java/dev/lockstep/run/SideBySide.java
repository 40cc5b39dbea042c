// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.run;

import dev.lockstep.compiler.model.DecodeBuilder;
import dev.lockstep.compiler.model.DecodePlan;
import dev.lockstep.compiler.model.ModelCopy;
import dev.lockstep.compiler.model.StepShape;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.SystemSimulator;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Several copies of the model side by side (data parallel), each confined to its share of the chips ({@link
 * DecodeBuilder#buildCopy}), compiled and simulated one at a time, so that a run holds at most two copies' programs
 * at a time (the one being compiled and simulated, and the slowest so far, for the report), not every copy's. A copy
 * that is the first moved by whole racks ({@link ModelCopy#moved}) compiles to the first's programs on its own chips
 * and simulates the same: with deduplication on, its result is the first copy's moved to its chips ({@link
 * SimResult#movedTo}), neither compiled nor simulated again; {@code --no-dedup} compiles and simulates every copy (a
 * test checks that both agree).
 */
final class SideBySide {
    private SideBySide() {
    }

    /**
     * What the copies gave.
     *
     * @param slowest         the copy with the most cycles per token (the first such), with the most SRAM and the
     *                        largest chip program of any copy in its footprint (its kernel counts are its own)
     * @param sim             every copy's simulation, as one
     * @param compileSeconds  wall seconds compiling
     * @param simulateSeconds wall seconds simulating
     */
    record Outcome(DecodeBuilder.Result slowest, SimResult sim, double compileSeconds, double simulateSeconds) {
    }

    /**
     * Compiles and simulates {@code copies} of {@code plan} ({@link ModelCopy#sideBySide}), each sequence's step
     * {@code step}; {@code compiledFirst} sees copy 0's compiled step before it is simulated (for a trace of its
     * chips).
     *
     * @throws dev.lockstep.compiler.CompileException if a copy's kernels do not compile
     * @throws Verified.ScheduleMismatch               if a copy's simulation ends elsewhere than predicted
     */
    static Outcome run(DecodeRequest request, DecodePlan plan, List<ModelCopy> copies, StepShape step,
                       SystemSimulator.Parallelism parallelism, Consumer<String> progress,
                       Consumer<DecodeBuilder.Result> compiledFirst) {
        SystemSpec sys = request.system();
        DecodeBuilder.Result slowest = null;
        SimResult firstSim = null;
        SimResult all = null;
        boolean reuseFirst = parallelism.deduplicate() && copies.stream().anyMatch(ModelCopy::moved);
        long maxSram = 0;
        long maxProgram = 0;
        double compileSeconds = 0;
        double simulateSeconds = 0;
        for (ModelCopy copy : copies) {
            int p = copy.index();
            SimResult part;
            if (copy.moved() && reuseFirst) {
                progress.accept("pipeline " + p + " of " + copies.size() + " is pipeline 0 moved by " + copy.shift()
                        + " chips (whole racks, wired alike): its programs and simulation are pipeline 0's");
                part = firstSim.movedTo(c -> c + copy.shift());
            } else {
                progress.accept("compiling pipeline " + p + " of " + copies.size());
                long c0 = System.nanoTime();
                DecodeBuilder.Result built = DecodeBuilder.buildCopy(plan, sys, p == 0 ? progress : line -> { },
                        step, copy);
                compileSeconds += (System.nanoTime() - c0) / 1e9;
                if (p == 0) {
                    compiledFirst.accept(built);
                }
                progress.accept(String.format("pipeline %d: %d instructions for %d chips; simulating", p,
                        built.program().instructionCount(), built.program().chips().size()));
                long s0 = System.nanoTime();
                part = Verified.simulate(sys, built.program(), SimOptions.timingOnly(), parallelism,
                        built.predictedEnd(), "pipeline " + p + "'s decode step");
                simulateSeconds += (System.nanoTime() - s0) / 1e9;
                maxSram = Math.max(maxSram, built.footprint().maxSramBytes());
                maxProgram = Math.max(maxProgram, built.footprint().maxProgramBytes());
                if (p == 0 && reuseFirst) {
                    // without its program (SimResult#movedTo keeps none), so that copy 0's is not held to the end
                    firstSim = part.movedTo(c -> c);
                }
                if (slowest == null || built.cyclesPerToken() > slowest.cyclesPerToken()) {
                    slowest = built;
                }
            }
            all = all == null ? part : SimResult.union(all, part);
        }
        DecodeBuilder.Footprint f = slowest.footprint();
        DecodeBuilder.Result out = new DecodeBuilder.Result(slowest.program(), slowest.plan(), slowest.path(),
                slowest.timeline(), slowest.breakdown(), new DecodeBuilder.Footprint(f.kernelsCompiled(), maxSram,
                maxProgram, f.splitVProducts()));
        return new Outcome(out, all, compileSeconds, simulateSeconds);
    }

    /**
     * Every copy's prefill of a prompt, each confined to its share as its decode step is: a copy that is the first moved
     * takes the first's (with deduplication on), the others are compiled and simulated each, starting from the chunk
     * size the first ended with. The report is the slowest copy's (the latest first token; the first such): its
     * timing, cycles, instructions, trace hash and program; the simulator's work (instructions and chip-cycles
     * simulated in full) and the wall seconds are summed over the copies prefilled, so that their rates stay right;
     * the chunk sizes refused are every copy's.
     */
    static DecodeReport.PrefillReport prefill(DecodeRequest request, DecodePlan plan, List<ModelCopy> copies,
                                              DecodeRequest.PrefillRequest p, SystemSimulator.Parallelism parallelism,
                                              Consumer<String> progress) {
        DecodeReport.PrefillReport slowest = null;
        DecodeRequest.PrefillRequest asked = p;
        double compileSeconds = 0;
        double simulateSeconds = 0;
        long instructionsRun = 0;
        long chipCyclesRun = 0;
        TreeMap<Integer, DecodeReport.ChunkRefused> refused = new TreeMap<>(Comparator.reverseOrder());
        for (ModelCopy copy : copies) {
            if (copy.moved() && parallelism.deduplicate()) {
                continue;
            }
            progress.accept("prefill of pipeline " + copy.index() + " of " + copies.size());
            DecodeRequest.PrefillRequest q = asked;
            DecodeReport.PrefillReport r;
            try {
                r = DecodeRun.prefill(request, q, parallelism, progress, rows -> DecodeBuilder.prefill(plan,
                        request.system(), copy, q.promptTokens(), rows, progress));
            } catch (RunRefused e) {
                throw new RunRefused("pipeline " + copy.index() + " of " + copies.size() + ": " + e.getMessage(), e);
            }
            // the next copies start where this one ended (they are alike in shape)
            asked = new DecodeRequest.PrefillRequest(p.promptTokens(), r.timing().chunkRows(), p.fewerIfNeeded());
            compileSeconds += r.compileSeconds();
            simulateSeconds += r.simulateSeconds();
            instructionsRun += r.sim().instructionsRun();
            chipCyclesRun += r.sim().chipCyclesRun();
            r.refused().forEach(c -> refused.putIfAbsent(c.rows(), c));
            if (slowest == null || r.timing().firstTokenCycle() > slowest.timing().firstTokenCycle()) {
                slowest = r;
            }
        }
        DecodeReport.Simulated s = slowest.sim();
        return new DecodeReport.PrefillReport(slowest.timing(), new DecodeReport.Simulated(s.cycles(),
                s.instructions(), instructionsRun, chipCyclesRun, s.traceHash()), slowest.storedInstructions(),
                compileSeconds, simulateSeconds, List.copyOf(refused.values()));
    }
}
