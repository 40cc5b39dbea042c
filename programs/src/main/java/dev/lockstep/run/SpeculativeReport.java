// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.run;

/**
 * What a speculative run measured. Every cycle figure comes from a simulated run; only the acceptance rate is
 * assumed.
 *
 * @param request      what was run
 * @param plain        the target decoding plainly on its chips (and its prefill, if asked for)
 * @param verify       the target with every sequence's step a verify step of {@code tokens + 1} rows, all through
 *                     the head: its figures are per step
 * @param draft        the draft decoding plainly on its chips
 * @param handoffCycles cycles to send the draft's tokens to the target, and again the target's verdict back: one hop
 *                      SRAM to SRAM each (a vector carries every token id of a step)
 * @param wallSeconds  wall-clock seconds for the three runs
 */
public record SpeculativeReport(SpeculativeRequest request, DecodeReport plain, DecodeReport verify,
                                DecodeReport draft, long handoffCycles, double wallSeconds) {
    /** Cycles the draft takes for one step's tokens, one after another. */
    public long draftCycles() {
        return request.tokens() * draft.cyclesPerToken();
    }

    /** Cycles of one step of a sequence: the draft's tokens, a hand-off, the verify step, a hand-off back. */
    public long stepCycles() {
        return draftCycles() + handoffCycles + verify.cyclesPerToken() + handoffCycles;
    }

    /** Tokens a step yields on average ({@link SpeculativeRequest#expectedTokensPerStep}). */
    public double expectedTokensPerStep() {
        return SpeculativeRequest.expectedTokensPerStep(request.tokens(), request.acceptance());
    }

    /** Tokens each sequence gets per second. */
    public double tokensPerSecondPerUser() {
        return expectedTokensPerStep() * plain.clockHz() / stepCycles();
    }

    /** Tokens per second over the sequences in flight. */
    public double tokensPerSecondTotal() {
        return tokensPerSecondPerUser() * request.target().batch();
    }

    /** How many times plain decoding's tokens/s per user on the target's chips. */
    public double speedUp() {
        return tokensPerSecondPerUser() / plain.tokensPerSecondPerUser();
    }
}
