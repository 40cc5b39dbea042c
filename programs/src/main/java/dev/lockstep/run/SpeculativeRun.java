// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.run;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.model.DecodePlan;
import dev.lockstep.compiler.model.PlanSearch;
import dev.lockstep.compiler.model.MoeDispatch;
import dev.lockstep.compiler.model.StepShape;
import dev.lockstep.compiler.system.HopFigures;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Speculative decoding, timing-only: three runs compiled and simulated as {@code lockstep run} does
 * ({@link DecodeRun}), and the step they make. The target decodes plainly on its chips (the figure speculation is
 * compared with, and the prefill if one was asked for); the target again, each sequence's step a verify step of the
 * draft's K tokens and the token before them (K + 1 rows through every layer and the head, as a prefill chunk
 * through the layers, each row's logits choosing a token); the draft decoding plainly on chips of its own. A step of
 * a sequence is the draft's K tokens one after another, a hop to the target, the verify step, a hop back
 * ({@link SpeculativeReport#stepCycles}). Which draft tokens the target accepts is data: the run takes a per-token
 * acceptance rate instead, and rejected tokens leave cache rows that the next step overwrites, as on the chip (no
 * cost modelled for it).
 * <p>Each pipeline is timed with the run's sequences in flight, as if it kept all of them busy; a sequence is in
 * one or the other at a time, so each is less loaded than timed and the step is an upper bound.
 */
public final class SpeculativeRun {
    private SpeculativeRun() {
    }

    /**
     * The fewest chips of {@code target}'s system on which {@code draft} compiles for {@code target}'s workload (its
     * weights, sequences, context), leaving one for the target at least.
     *
     * @throws RunRefused if there are none
     */
    public static int fewestChips(ModelConfig draft, DecodeRequest target) {
        try {
            return PlanSearch.fewestThatPack(draft, target.weights(), target.batch(), target.context(),
                    target.system(), target.system().chips() - 1).orElseThrow(() -> new RunRefused("the draft "
                    + draft.name() + " does not compile on fewer than " + target.system().chips() + " chips of "
                    + target.system().name() + ": give a smaller draft or a larger --system", null));
        } catch (DecodePlan.NoPlanFits | DecodePlan.TooFewChips e) {
            throw new RunRefused("the draft " + draft.name() + ": " + e.getMessage(), e);
        } catch (CompileException.NoChipPath e) {
            throw new RunRefused("the draft " + draft.name() + " on " + target.system().name() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code request}; {@code progress} hears a line per phase.
     *
     * @throws RunRefused if the target or the draft does not fit its chips, or a kernel does not compile
     */
    public static SpeculativeReport run(SpeculativeRequest request, Consumer<String> progress) {
        long wall0 = System.nanoTime();
        DecodeRequest t = request.target();
        progress.accept("speculative: the target decoding plainly on " + t.chips() + " chips");
        DecodeReport plain;
        try {
            plain = DecodeRun.run(t, progress);
        } catch (RunRefused e) {
            throw new RunRefused(e.getMessage() + " (the draft takes " + request.draftChips() + " of "
                    + t.system().name() + "'s " + t.system().chips() + " chips)", e);
        }
        int rows = request.tokens() + 1;
        progress.accept("speculative: the target verifying " + request.tokens() + " draft tokens a step (" + rows
                + " rows)");
        DecodeRequest verifying = new DecodeRequest(t.model(), t.system(), t.weights(), t.batch(), t.context(),
                t.chips(), Optional.empty(), t.threads(), t.dedup(), t.dispatch());
        DecodeReport verify;
        try {
            verify = DecodeRun.run(verifying, progress, built -> { }, StepShape.verify(rows));
        } catch (RunRefused e) {
            throw new RunRefused("the verify step of " + rows + " rows: " + e.getMessage() + "; fewer draft tokens "
                    + "(--speculate) make it smaller", e);
        }
        progress.accept("speculative: the draft " + request.draft().name() + " decoding on " + request.draftChips()
                + " chips");
        DecodeRequest drafting = new DecodeRequest(request.draft(), t.system(), t.weights(), t.batch(), t.context(),
                request.draftChips(), Optional.empty(), t.threads(), t.dedup(), MoeDispatch.ALL);
        // on the system's first chips, as a run of its own: on the chip they are chips beside the target's, wired as
        // any others along the chip path
        DecodeReport draft = DecodeRun.run(drafting, progress);
        long hop = HopFigures.oneHop(t.system()).endCycle();
        return new SpeculativeReport(request, plain, verify, draft, hop, (System.nanoTime() - wall0) / 1e9);
    }
}
