// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.run;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.model.DecodeBuilder;
import dev.lockstep.compiler.model.DecodePlan;
import dev.lockstep.compiler.model.ModelCopy;
import dev.lockstep.compiler.model.PlanSearch;
import dev.lockstep.compiler.model.StepShape;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.SystemSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A timing-only run, as {@code lockstep run} does it: the plan ({@link PlanSearch}), the prefill if asked for,
 * every chip's decode program compiled ({@link DecodeBuilder}) and simulated ({@link Verified}), and the report.
 * Benchmarks call this too, so that they measure what {@code run} does.
 */
public final class DecodeRun {
    private DecodeRun() {
    }

    /**
     * Runs {@code request}; {@code progress} hears a line per phase (for stderr).
     *
     * @throws RunRefused if the model does not fit the chips, or its kernels or prefill do not compile
     */
    public static DecodeReport run(DecodeRequest request, Consumer<String> progress) {
        return run(request, progress, built -> { });
    }

    /**
     * Runs {@code request}; {@code compiled} sees the compiled decode step before it is simulated (a timeline of
     * some chips can then be written even when the simulation fails).
     *
     * @throws RunRefused if the model does not fit the chips, or its kernels or prefill do not compile
     */
    public static DecodeReport run(DecodeRequest request, Consumer<String> progress,
                                   Consumer<DecodeBuilder.Result> compiled) {
        return run(request, progress, compiled, StepShape.DECODE, System.nanoTime());
    }

    /**
     * As {@link #run(DecodeRequest, Consumer, Consumer)}, the report's wall time counted from {@code startedNanos}
     * (a {@link System#nanoTime()} taken before the request was made: a search for its batch, say, is then part of
     * the run's time).
     */
    public static DecodeReport run(DecodeRequest request, Consumer<String> progress,
                                   Consumer<DecodeBuilder.Result> compiled, long startedNanos) {
        return run(request, progress, compiled, StepShape.DECODE, startedNanos);
    }

    /**
     * As {@link #run(DecodeRequest, Consumer, Consumer)}, each sequence's step being {@code step}: a speculative
     * verify step of several rows ({@link SpeculativeRun}); the report's figures are then per step.
     */
    static DecodeReport run(DecodeRequest request, Consumer<String> progress, Consumer<DecodeBuilder.Result> compiled,
                            StepShape step) {
        return run(request, progress, compiled, step, System.nanoTime());
    }

    private static DecodeReport run(DecodeRequest request, Consumer<String> progress,
                                    Consumer<DecodeBuilder.Result> compiled, StepShape step, long wall0) {
        SystemSpec sys = request.system();
        PlanSearch.Found found = plan(request);
        found.fallback().ifPresent(progress);
        DecodePlan plan = found.plan();
        progress.accept(String.format("%s on %d chips of %s: %d for the embedding table, %d layers x %d chips "
                        + "(attention on %d), %d for the LM head", request.model().name(), plan.chips(), sys.name(),
                plan.embeddingChips(), request.model().layers(), plan.chipsPerLayer(), plan.attentionChips(),
                plan.headChips()));
        SystemSimulator.Parallelism parallelism = new SystemSimulator.Parallelism(request.threads(), request.dedup());
        if (request.pipelines() > 1) {
            List<ModelCopy> copies;
            try {
                copies = ModelCopy.sideBySide(sys, request.pipelines(), request.chipsPerPipeline());
            } catch (CompileException e) {
                throw doesNotPack(request, plan, e);
            }
            // each copy's prefill first, so that its program is garbage before the decode's is built
            Optional<DecodeReport.PrefillReport> prefill = request.prefill().map(p -> SideBySide.prefill(request,
                    plan, copies, p, parallelism, progress));
            SideBySide.Outcome o;
            try {
                o = SideBySide.run(request, plan, copies, step, parallelism, progress, compiled);
            } catch (CompileException e) {
                throw doesNotPack(request, plan, e);
            }
            return new DecodeReport(request, found, o.slowest(), o.sim(), prefill, new DecodeReport.WallTimes(
                    o.compileSeconds(), o.simulateSeconds(), (System.nanoTime() - wall0) / 1e9));
        }
        // the prefill first, so that its program is garbage before the decode's is built
        Optional<DecodeReport.PrefillReport> prefill = request.prefill().map(p -> prefill(request, p, parallelism,
                progress, rows -> DecodeBuilder.prefill(plan, sys, p.promptTokens(), rows, progress)));
        long c0 = System.nanoTime();
        DecodeBuilder.Result built;
        try {
            built = DecodeBuilder.build(plan, sys, progress, step);
        } catch (CompileException e) {
            throw doesNotPack(request, plan, e);
        }
        double compileSeconds = (System.nanoTime() - c0) / 1e9;
        Program program = built.program();
        progress.accept(String.format("compiled %d instructions for %d chips (%d distinct kernels) in %.1f s; "
                        + "simulating", program.instructionCount(), program.chips().size(),
                built.footprint().kernelsCompiled(), compileSeconds));
        compiled.accept(built);
        long s0 = System.nanoTime();
        SimResult r = Verified.simulate(sys, program, SimOptions.timingOnly(), parallelism, built.predictedEnd(),
                "the decode step");
        double simSeconds = (System.nanoTime() - s0) / 1e9;
        return new DecodeReport(request, found, built, r, prefill, new DecodeReport.WallTimes(compileSeconds,
                simSeconds, (System.nanoTime() - wall0) / 1e9));
    }

    /**
     * The refusal of a plan that fits by bytes but whose kernels do not compile, or of a system that gives no chip
     * path to lay it along.
     */
    private static RunRefused doesNotPack(DecodeRequest request, DecodePlan plan, CompileException e) {
        if (e instanceof CompileException.NoChipPath) {
            return new RunRefused(request.title() + " on " + request.system().name() + ": " + e.getMessage(), e);
        }
        return new RunRefused(request.title() + " on " + plan.chips() + " chips: the plan fits by bytes but a kernel "
                + "does not compile: " + e.getMessage() + " (the KV caches of many sequences are many small products, "
                + "each wanting slices of their own; try fewer sequences, a shorter context or more chips)", e);
    }

    /** The most pipelines whose share of the request's chips (whole nodes) holds {@code fewest} chips; 0 if none. */
    private static int mostPipelines(DecodeRequest request, int fewest) {
        for (int p = request.chips() / Math.max(1, fewest); p > 0; p--) {
            if (DecodeRequest.chipsPerPipeline(request.chips(), p, request.system().chipsPerNode()) >= fewest) {
                return p;
            }
        }
        return 0;
    }

    private static PlanSearch.Found plan(DecodeRequest request) {
        SystemSpec sys = request.system();
        try {
            return PlanSearch.forChips(request.model(), request.weights(), request.batch(), request.context(), sys,
                    request.chipsPerPipeline(), request.dispatch());
        } catch (DecodePlan.TooFewChips e) {
            throw new RunRefused(request.title() + " needs at least " + e.minimal().chips() + " chips of "
                    + sys.chip().name() + (request.pipelines() > 1 ? " per pipeline; got " + request.chipsPerPipeline()
                    + " (" + request.chips() + " chips for " + request.pipelines() + " pipelines: give fewer "
                    + "pipelines, at most " + mostPipelines(request, e.minimal().chips()) + ")" : "; got "
                    + request.chips()), null);
        } catch (CompileException e) {
            // the chip path or the packing check (a system whose wiring no pipeline can follow)
            throw new RunRefused(request.title() + " on " + sys.name() + ": " + e.getMessage(), e);
        } catch (DecodePlan.NoPlanFits e) {
            // no number of chips holds it (e.g. one KV head's caches are larger than a chip)
            throw new RunRefused(request.title() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Bytes per instruction of a prefill stored in full ({@code --no-dedup}): 16 in the expanded program, and as
     * much again for the compiled program it is made from and the simulation (a margin, not measured).
     */
    private static final long FULL_BYTES_PER_INSTRUCTION = 32;

    /** A prefill compiled in chunks of the rows given. */
    @FunctionalInterface
    interface PrefillCompiler {
        DecodeBuilder.Prefill compile(int chunkRows);
    }

    /**
     * Compiles and simulates a prefill ({@code compiler}), in chunks of the rows asked for, or fewer where those do
     * not compile and the request allows it.
     */
    static DecodeReport.PrefillReport prefill(DecodeRequest request, DecodeRequest.PrefillRequest p,
                                              SystemSimulator.Parallelism parallelism, Consumer<String> progress,
                                              PrefillCompiler compiler) {
        long p0 = System.nanoTime();
        DecodeBuilder.Prefill built = null;
        List<DecodeReport.ChunkRefused> refused = new ArrayList<>();
        for (int rows = p.chunkRows(); built == null; rows /= 2) {
            try {
                built = compiler.compile(rows);
            } catch (CompileException.ChunkSize e) {
                if (!p.fewerIfNeeded() || rows == 1) {
                    throw new RunRefused(request.model().name() + ": a prompt of " + p.promptTokens() + " tokens in "
                            + "chunks of " + rows + (refused.isEmpty() ? "" : " (nor of " + refused.stream()
                            .map(c -> String.valueOf(c.rows())).collect(Collectors.joining(", ")) + ")") + ": "
                            + e.getMessage(), e);
                }
                refused.add(new DecodeReport.ChunkRefused(rows, e.getMessage()));
                progress.accept("prefill: " + e.getMessage() + "; trying chunks of " + rows / 2);
            } catch (CompileException.NoChipPath e) {
                throw new RunRefused(request.title() + " on " + request.system().name() + ": " + e.getMessage(), e);
            } catch (CompileException e) {
                // not the chunk's size: the weights and caches do not pack, or the prefill is too large to hold
                throw new RunRefused(request.model().name() + ": a prompt of " + p.promptTokens() + " tokens in "
                        + "chunks of " + rows + ": " + e.getMessage(), e);
            }
        }
        double compileSeconds = (System.nanoTime() - p0) / 1e9;
        progress.accept("prefill compiled (" + built.program().instructionCount() + " instructions, "
                + built.program().storedCount() + " stored); simulating");
        // without deduplication the full path: every instruction stored, every chip run
        long full = built.program().instructionCount() * FULL_BYTES_PER_INSTRUCTION;
        if (!parallelism.deduplicate() && full > Runtime.getRuntime().maxMemory()) {
            throw new RunRefused(request.model().name() + ": --no-dedup stores every instruction of the prefill ("
                    + built.program().instructionCount() + ", about " + full / (1 << 20) + " MiB; this JVM may use "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB): leave out --no-dedup, give fewer "
                    + "tokens, or more heap (LOCKSTEP_JAVA_OPTS=-Xmx...)", null);
        }
        Program program = parallelism.deduplicate() ? built.program() : built.program().expanded();
        long s0 = System.nanoTime();
        SimResult r = Verified.simulate(request.system(), program, SimOptions.timingOnly(), parallelism,
                built.timing().predictedEndCycle(), "the prefill");
        return new DecodeReport.PrefillReport(built.timing(), DecodeReport.Simulated.of(r), program.storedCount(),
                compileSeconds, (System.nanoTime() - s0) / 1e9, List.copyOf(refused));
    }
}
