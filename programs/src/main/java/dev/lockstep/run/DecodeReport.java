// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.run;

import dev.lockstep.compiler.model.DecodeBuilder;
import dev.lockstep.compiler.model.DecodePlan;
import dev.lockstep.compiler.model.MoeDispatch;
import dev.lockstep.compiler.model.PlanSearch;
import dev.lockstep.sim.SimResult;
import java.util.List;
import java.util.Optional;

/**
 * What a decode run found: the plan, the compiled schedule and its simulation (which ended where the compiler said),
 * the prefill's if one was asked for, and where the wall time went. Figures are derived here, once, for every
 * renderer.
 *
 * @param request the run asked for
 * @param planSearch the plan it used, and the fewest chips that hold the model
 * @param built   the compiled schedule (every chip's program, the compiler's timeline and accounting); with several
 *                pipelines, the slowest one's (its program that copy's chips only, its footprint the largest of any
 *                copy's)
 * @param sim     the simulation of {@code built}; with several pipelines, of every copy, as one
 * @param prefill the prefill's report, if the request had a prompt
 * @param wall    where the wall-clock time went
 */
public record DecodeReport(DecodeRequest request, PlanSearch.Found planSearch, DecodeBuilder.Result built, SimResult sim,
                           Optional<PrefillReport> prefill, WallTimes wall) {

    /**
     * A prefill's figures and simulation (its program is not kept: it is garbage before the decode is built). With
     * several pipelines, the slowest copy's timing, simulated cycles, instructions, trace hash and stored
     * instructions; the simulator's work and the wall seconds summed over the copies prefilled, and the chunk sizes
     * refused by any ({@code SideBySide#prefill}).
     *
     * @param timing             when its chunks ran, as compiled
     * @param sim                what its simulation measured (not the simulation: its program is garbage before
     *                           the decode's is built)
     * @param storedInstructions instructions its program stored (each queue's repeats once)
     * @param compileSeconds     wall seconds to compile it
     * @param simulateSeconds    wall seconds to simulate it
     * @param refused            larger chunks tried first that did not compile (none where the rows were asked for)
     */
    public record PrefillReport(DecodeBuilder.PrefillTiming timing, Simulated sim, long storedInstructions,
                                double compileSeconds, double simulateSeconds, List<ChunkRefused> refused) {
        /** Wall seconds to compile and simulate it. */
        public double seconds() {
            return compileSeconds + simulateSeconds;
        }
    }

    /** A chunk of {@code rows} rows that did not compile, and why (the compiler's message). */
    public record ChunkRefused(int rows, String why) {
    }

    /**
     * What a simulation measured, without the program it ran.
     *
     * @param cycles          the simulated end
     * @param instructions    instructions issued on all chips
     * @param instructionsRun instructions simulated in full (the other chips' results reused)
     * @param chipCyclesRun   cycles of the chips simulated in full that the simulation went through event by event
     * @param traceHash       the program's trace hash
     */
    public record Simulated(long cycles, long instructions, long instructionsRun, long chipCyclesRun,
                            long traceHash) {
        static Simulated of(SimResult r) {
            return new Simulated(r.cycles(), r.instructions(), r.instructionsRun(), r.chipCyclesRun(),
                    r.traceHash());
        }
    }

    /**
     * Wall-clock seconds (a measure of the machine, not of the model).
     *
     * @param compileSeconds  compiling the decode step
     * @param simulateSeconds simulating it
     * @param wallSeconds     the whole run, prefill included
     */
    public record WallTimes(double compileSeconds, double simulateSeconds, double wallSeconds) {
    }

    /**
     * The wall time the report does not break out: choosing the plan and the rest between the parts (the whole
     * run less the prefill's compile and simulate, and the decode's).
     */
    public double otherWallSeconds() {
        return wall.wallSeconds() - wall.compileSeconds() - wall.simulateSeconds()
                - prefill.map(PrefillReport::seconds).orElse(0.0);
    }

    /**
     * The shares of the first token's time.
     *
     * @param compute compute stages and reduction sums
     * @param onChip  moving data on chips to and from link staging
     * @param links   on links
     * @param waiting for nothing the token needs
     */
    public record TimeShares(double compute, double onChip, double links, double waiting) {
        /** The shares of {@code cycles} that {@code b} gives: links without their on-chip moves, the rest waiting. */
        static TimeShares of(DecodeBuilder.Breakdown b, double cycles) {
            return new TimeShares(b.computeCycles() / cycles, b.onChipCycles() / cycles,
                    (b.linkCycles() - b.onChipCycles()) / cycles, 1 - (b.computeCycles() + b.linkCycles()) / cycles);
        }
    }

    public DecodePlan decodePlan() {
        return planSearch.plan();
    }

    public double clockHz() {
        return request.system().chip().clockHz();
    }

    /**
     * Cycles between two tokens of one sequence (docs/model.md); with several pipelines, of the slowest (pipelines on
     * different stretches of the system may cross different links).
     */
    public long cyclesPerToken() {
        return built.cyclesPerToken();
    }

    /** Chips used by every pipeline together. */
    public int chipsUsed() {
        return request.pipelines() * decodePlan().chips();
    }

    public double tokensPerSecondPerUser() {
        return clockHz() / cyclesPerToken();
    }

    /** Over every pipeline's sequences, each at the slowest pipeline's rate. */
    public double tokensPerSecondTotal() {
        return tokensPerSecondPerUser() * request.batch() * request.pipelines();
    }

    public double boundTokensPerSecondPerUser() {
        return clockHz() / built.breakdown().boundCycles();
    }

    public TimeShares timeShares() {
        return TimeShares.of(built.breakdown(), built.timeline().firstTokenCycles());
    }

    /** The time to the first generated token of the prefill, in seconds. */
    public Optional<Double> timeToFirstTokenSeconds() {
        return prefill.map(p -> p.timing().firstTokenCycle() / clockHz());
    }

    /** The most experts whose columns one layer chip holds (with chosen-expert dispatch: every expert's). */
    public int expertsPerChip() {
        return request.dispatch() == MoeDispatch.CHOSEN ? request.model().experts()
                : DecodeBuilder.expertsPerChip(decodePlan());
    }

    /** The experts whose weights are streamed and computed for every token: all, or the router's top-k. */
    public int expertsComputedPerToken() {
        return request.dispatch() == MoeDispatch.CHOSEN ? request.model().expertsPerToken()
                : request.model().experts();
    }

    /** The share of the expert work computed for a token whose result the router's weights discard. */
    public double expertWorkDiscarded() {
        return 1 - (double) request.model().expertsPerToken() / expertsComputedPerToken();
    }

    /** Simulated instructions per wall second, over the chips simulated in full. */
    public double simulatedInstructionsPerSecond() {
        return wall.simulateSeconds() > 0 ? sim.instructionsRun() / wall.simulateSeconds() : 0;
    }

    /**
     * Simulated chip-cycles per wall second: the cycles of the chips simulated in full, each from its first issue
     * to its end, over the decode's simulate time (a rate that instructions doing more per issue do not inflate).
     */
    public double simulatedChipCyclesPerSecond() {
        return wall.simulateSeconds() > 0 ? sim.chipCyclesRun() / wall.simulateSeconds() : 0;
    }
}
