// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.run;

import dev.lockstep.compiler.config.ModelConfig;
import java.util.Optional;

/**
 * A timing-only run of speculative decoding: a draft model on chips of its own proposes {@code tokens} tokens one
 * after another; the target verifies them and the token before them, {@code tokens + 1} rows through its pipeline at
 * once, every row through the head.
 *
 * @param target     the target's run, on its chips (the first {@code target.chips()} of the system); with a prompt,
 *                   its prefill too
 * @param draft      the draft model (the same vocabulary as the target's)
 * @param draftChips chips the draft takes (beside the target's)
 * @param tokens     draft tokens proposed per step, 1 to {@value #MAX_TOKENS}
 * @param acceptance the chance that the target accepts a draft token, given it accepted those before (an assumption
 *                   of the run, not simulated: which tokens are accepted is data)
 */
public record SpeculativeRequest(DecodeRequest target, ModelConfig draft, int draftChips, int tokens,
                                 double acceptance) {
    /** The most draft tokens a step proposes. */
    public static final int MAX_TOKENS = 16;

    public SpeculativeRequest {
        if (tokens < 1 || tokens > MAX_TOKENS) {
            throw new IllegalArgumentException("a step proposes 1.." + MAX_TOKENS + " draft tokens, got " + tokens);
        }
        if (!(acceptance >= 0 && acceptance <= 1)) {
            throw new IllegalArgumentException("an acceptance rate is in [0, 1], got " + acceptance);
        }
        draftProblem(target.model(), draft, target.context()).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        if (draftChips < 1 || target.chips() + draftChips > target.system().chips()) {
            throw new IllegalArgumentException("the target takes " + target.chips() + " chips and the draft "
                    + draftChips + ", more than the " + target.system().chips() + " of " + target.system().name());
        }
    }

    /** Why {@code draft} cannot draft for {@code target} at a context of {@code context} tokens, if it cannot. */
    public static Optional<String> draftProblem(ModelConfig target, ModelConfig draft, int context) {
        if (draft.vocab() != target.vocab()) {
            return Optional.of("the draft " + draft.name() + " has a vocabulary of " + draft.vocab() + " tokens and "
                    + "the target " + target.name() + " one of " + target.vocab() + ": a draft proposes the target's "
                    + "tokens, so give a draft of the same vocabulary");
        }
        if (draft.beyondMaxPositions(context)) {
            return Optional.of("the draft " + draft.name() + " takes at most " + draft.maxPositions() + " positions "
                    + "(max_position_embeddings), fewer than the context of " + context + ": give a shorter --context "
                    + "or another draft");
        }
        return Optional.empty();
    }

    /**
     * Tokens a step yields on average: the draft tokens accepted before the first rejected one, plus the target's
     * own token after them (its correction, or a bonus token when all are accepted): 1 + A + A^2 + ... + A^K =
     * (1 - A^(K+1)) / (1 - A), K + 1 when A = 1.
     */
    public static double expectedTokensPerStep(int tokens, double acceptance) {
        // the sum itself (K is at most 16): the closed form loses digits as A nears 1
        double sum = 0;
        double term = 1;
        for (int i = 0; i <= tokens; i++) {
            sum += term;
            term *= acceptance;
        }
        return sum;
    }
}
