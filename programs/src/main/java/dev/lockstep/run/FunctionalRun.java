// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.run;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.model.Generation;
import dev.lockstep.compiler.model.ModelWeights;
import dev.lockstep.compiler.model.MoeDispatch;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.SystemSimulator;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Greedy generation with a checkpoint's real weights, compiled through the plan that timing-only runs lower
 * ({@link Generation}: the table, each layer and the head on a chip each) and simulated in functional mode
 * ({@link Verified}); the tokens and logits are what the simulated chips computed, each token's logits read at its
 * choice (the next token's head overwrites them).
 */
public final class FunctionalRun {
    private FunctionalRun() {
    }

    /**
     * A functional run.
     *
     * @param weights    the model's weights
     * @param prompt     the prompt's token ids
     * @param tokens     tokens to generate
     * @param keepLogits whether the report keeps every generated token's logits
     * @param system     the system
     * @param threads    simulation threads (the results do not depend on it)
     * @param dispatch   which experts an MoE layer computes for a token (a dense model takes {@code ALL})
     * @param chipsPerLayer chips each layer takes, all in one node ({@link Generation#plan})
     */
    public record Request(ModelWeights weights, int[] prompt, int tokens, boolean keepLogits, SystemSpec system,
                          int threads, MoeDispatch dispatch, int chipsPerLayer) {
        /** A run that computes every expert ({@link MoeDispatch#ALL}), each layer on one chip. */
        public Request(ModelWeights weights, int[] prompt, int tokens, boolean keepLogits, SystemSpec system,
                       int threads) {
            this(weights, prompt, tokens, keepLogits, system, threads, MoeDispatch.ALL, 1);
        }

        public Request {
            if (chipsPerLayer < 1) {
                throw new IllegalArgumentException("a layer takes at least one chip; got " + chipsPerLayer);
            }
            if (dispatch == MoeDispatch.CHOSEN && !weights.config().moe()) {
                throw new IllegalArgumentException("chosen-expert dispatch applies to MoE models");
            }
            if (prompt.length < 1 || tokens < 1 || threads < 1) {
                throw new IllegalArgumentException("a functional run needs a prompt, at least one token to generate "
                        + "and one thread; got " + prompt.length + ", " + tokens + " and " + threads);
            }
            for (int t : prompt) {
                if (t < 0 || t >= weights.config().vocab()) {
                    throw new IllegalArgumentException("prompt token " + t + " is outside the vocabulary 0.."
                            + (weights.config().vocab() - 1));
                }
            }
            prompt = prompt.clone();
        }

        @Override
        public int[] prompt() {
            return prompt.clone();
        }
    }

    /**
     * What a functional run computed.
     *
     * @param request   the run asked for
     * @param built     what the generation compiled to (its plan, program and predicted end)
     * @param generated the generated tokens
     * @param logits    the logits that chose each generated token, if asked for
     * @param sim       the simulation with data
     * @param wall      where the wall time went
     */
    public record Report(Request request, Generation.Built built, int[] generated, Optional<float[][]> logits,
                         SimResult sim, DecodeReport.WallTimes wall) {
        /** Chips with work: the plan's, and those that forward the choice back to the table's chip. */
        public int chipsUsed() {
            return built.program().chips().size();
        }

        /**
         * The shares of the whole run's cycles (every position placed, one after another) taken on its critical path
         * by compute, on-chip moves and links, and waiting.
         */
        public DecodeReport.TimeShares timeShares() {
            return DecodeReport.TimeShares.of(built.time(), built.end());
        }

        @Override
        public int[] generated() {
            return generated.clone();
        }

        /** The logits of each generated token (a copy). */
        @Override
        public Optional<float[][]> logits() {
            return logits.map(l -> {
                float[][] copy = new float[l.length][];
                for (int i = 0; i < l.length; i++) {
                    copy[i] = l[i].clone();
                }
                return copy;
            });
        }
    }

    /** A run over more positions than the plan's chips hold the kernels of. */
    public static final class TooManyPositions extends RuntimeException {
        private final int prompt;
        private final int fit;

        TooManyPositions(int prompt, CompileException.TooManyPositions cause) {
            super(cause.getMessage(), cause);
            this.prompt = prompt;
            this.fit = cause.fit();
        }

        /** Positions that fit. */
        public int fit() {
            return fit;
        }

        /** The most tokens a run with this prompt can generate (0: the prompt alone is too long). */
        public int mostTokens() {
            return Math.max(0, fit - prompt + 1);
        }
    }

    /**
     * Runs {@code request}; {@code progress} hears a line per phase.
     *
     * @throws RunRefused        if the model's functional program does not compile (it does not fit, say)
     * @throws TooManyPositions  if the prompt and the tokens span more positions than its chips hold the kernels of
     */
    public static Report run(Request request, Consumer<String> progress) {
        long wall0 = System.nanoTime();
        Generation.Built built;
        long c0 = System.nanoTime();
        try {
            built = Generation.build(request.weights(), request.system(), request.prompt(), request.tokens(),
                    request.dispatch(), request.chipsPerLayer(), progress);
        } catch (CompileException.TooManyPositions e) {
            throw new TooManyPositions(request.prompt().length, e);
        } catch (CompileException e) {
            throw new RunRefused(request.weights().config().name() + " in functional mode: " + e.getMessage(), e);
        }
        Program program = built.program();
        double compileSeconds = (System.nanoTime() - c0) / 1e9;
        progress.accept(String.format("compiled %d instructions for %d chips in %.1f s; simulating with data",
                program.instructionCount(), program.chips().size(), compileSeconds));
        long s0 = System.nanoTime();
        SimOptions options = request.keepLogits() ? SimOptions.functional().watching(built.allWatches())
                : SimOptions.functional();
        SimResult r = Verified.simulate(request.system(), program, options,
                new SystemSimulator.Parallelism(request.threads(), false), built.end(), "the functional run");
        double simSeconds = (System.nanoTime() - s0) / 1e9;
        int[] tokens = new int[request.tokens()];
        float[][] logits = request.keepLogits() ? new float[tokens.length][] : null;
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = built.token(r::region, i);
            if (logits != null) {
                logits[i] = built.logits(r::watched, i);
            }
        }
        return new Report(request, built, tokens, Optional.ofNullable(logits), r, new DecodeReport.WallTimes(
                compileSeconds, simSeconds, (System.nanoTime() - wall0) / 1e9));
    }
}
