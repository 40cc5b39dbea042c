// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cost;

import java.util.Optional;

/**
 * Which tokens a cost per token counts: per request, a prompt and an output, the prompt's tokens counted or not.
 * With no prompt, the tokens counted are the generated ones, at the decode rate.
 *
 * @param promptTokens prompt tokens per request
 * @param outputTokens generated tokens per request
 * @param countPrompt  whether prompt tokens count as tokens served (the way per-token prices usually bill them)
 */
public record RequestMix(int promptTokens, int outputTokens, boolean countPrompt) {
    /** Generated tokens only: what the decode run measures. */
    public static final RequestMix GENERATED_ONLY = new RequestMix(0, 1, false);

    public RequestMix {
        if (promptTokens < 0 || outputTokens < 1) {
            throw new IllegalArgumentException("prompt " + promptTokens + ", output " + outputTokens);
        }
    }

    /**
     * Tokens counted per second over a system of {@code slots} sequences (batch x pipelines), each generating at
     * {@code perUser} tokens a second once its prompt is in, the prompt taking {@code timeToFirstToken} seconds in
     * its slot (a request is in its slot for time to first token + output / rate). A prompt with no measured time
     * to first token is refused: a prompt is not free.
     */
    public double tokensPerSecond(int slots, double perUser, Optional<Double> timeToFirstToken) {
        if (promptTokens > 0 && timeToFirstToken.isEmpty()) {
            throw new IllegalArgumentException("a mix with " + promptTokens + " prompt tokens needs the prefill's "
                    + "time to first token: run with --prompt-tokens " + promptTokens);
        }
        double seconds = (promptTokens > 0 ? timeToFirstToken.orElseThrow() : 0) + outputTokens / perUser;
        double counted = outputTokens + (countPrompt ? promptTokens : 0);
        return slots * counted / seconds;
    }

    /** As a line for a report. */
    public String describe() {
        return promptTokens == 0 ? "generated tokens only"
                : String.format("requests of %d prompt + %d generated tokens, %s counted", promptTokens, outputTokens,
                countPrompt ? "both" : "generated only");
    }
}
