// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.run;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.model.FunctionalModel;
import dev.lockstep.compiler.model.ModelWeights;
import dev.lockstep.compiler.model.MoeDispatch;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.SystemSimulator;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Greedy generation with a checkpoint's real weights, compiled over a pipeline of chips ({@link FunctionalModel})
 * and simulated in functional mode ({@link Verified}); the tokens and logits are what the simulated chips computed.
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
     */
    public record Request(ModelWeights weights, int[] prompt, int tokens, boolean keepLogits, SystemSpec system,
                          int threads, MoeDispatch dispatch) {
        /** A run that computes every expert ({@link MoeDispatch#ALL}). */
        public Request(ModelWeights weights, int[] prompt, int tokens, boolean keepLogits, SystemSpec system,
                       int threads) {
            this(weights, prompt, tokens, keepLogits, system, threads, MoeDispatch.ALL);
        }

        public Request {
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
     * @param built     the program's pieces (chips, cycles of products, vector steps and wiring)
     * @param generated the generated tokens
     * @param logits    the logits that chose each generated token, if asked for
     * @param sim       the simulation with data
     * @param wall      where the wall time went
     */
    public record Report(Request request, FunctionalModel.Built built, int[] generated, Optional<float[][]> logits,
                         SimResult sim, DecodeReport.WallTimes wall) {
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

    /**
     * Runs {@code request}; {@code progress} hears a line per phase.
     *
     * @throws RunRefused if the model's functional program does not compile (it does not fit, say)
     */
    public static Report run(Request request, Consumer<String> progress) {
        long wall0 = System.nanoTime();
        SystemBuild b = new SystemBuild(request.system());
        FunctionalModel.Built built;
        long c0 = System.nanoTime();
        try {
            built = FunctionalModel.build(b, request.weights(), request.prompt(), request.tokens(),
                    request.dispatch());
        } catch (CompileException e) {
            throw new RunRefused(request.weights().config().name() + " in functional mode: " + e.getMessage(), e);
        }
        Program program = b.toProgram();
        double compileSeconds = (System.nanoTime() - c0) / 1e9;
        progress.accept(String.format("compiled %d instructions for %d chips in %.1f s; simulating with data",
                program.instructionCount(), built.chips(), compileSeconds));
        long s0 = System.nanoTime();
        SimResult r = Verified.simulate(request.system(), program, SimOptions.functional(),
                new SystemSimulator.Parallelism(request.threads(), false), built.end(), "the functional run");
        double simSeconds = (System.nanoTime() - s0) / 1e9;
        int vocab = request.weights().config().vocab();
        int[] tokens = new int[request.tokens()];
        float[][] logits = request.keepLogits() ? new float[tokens.length][] : null;
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = built.token(r::region, i);
            if (logits != null) {
                logits[i] = built.logits(r::region, i, vocab);
            }
        }
        return new Report(request, built, tokens, Optional.ofNullable(logits), r, new DecodeReport.WallTimes(
                compileSeconds, simSeconds, (System.nanoTime() - wall0) / 1e9));
    }
}
