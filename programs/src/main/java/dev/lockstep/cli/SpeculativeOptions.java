// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.ModelConfigs;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.run.DecodeRequest;
import dev.lockstep.run.SpeculativeRequest;
import dev.lockstep.run.SpeculativeRun;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code lockstep run}'s options for speculative decoding. */
final class SpeculativeOptions {
    @Option(names = "--speculate", paramLabel = "K", description = "Speculative decoding: a draft model (--draft) "
            + "on chips of its own proposes K tokens (1..16) a step, and the target verifies them, K + 1 rows through "
            + "its pipeline at once. Reports the step and the expected tokens/s beside plain decoding.")
    Integer speculate;

    @Option(names = "--draft", paramLabel = "PRESET|FILE", description = "With --speculate: the draft model (a preset "
            + "or a config.json, of the target's vocabulary), e.g. mistral-7b for mixtral-8x7b.")
    String draft;

    @Option(names = "--acceptance", paramLabel = "A", description = "With --speculate: the chance the target accepts "
            + "a draft token, given it accepted those before (an assumption, not simulated). Default: 0.7 (published "
            + "pairs range from about 0.5 to 0.9; docs/model.md).")
    Double acceptance;

    @Option(names = "--draft-chips", paramLabel = "M", description = "With --speculate: chips the draft takes, beside "
            + "the target's. Default: the fewest that hold the draft; the target takes the rest (or --chips).")
    Integer draftChips;

    /** The default per-token acceptance rate (docs/model.md, "Speculative decoding"). */
    static final double DEFAULT_ACCEPTANCE = 0.7;

    /**
     * The speculative request, if --speculate was given, its target being {@code target} with the chips the draft
     * leaves ({@code chipsGiven}: whether --chips set the target's).
     */
    Optional<SpeculativeRequest> request(DecodeRequest target, boolean chipsGiven) {
        if (speculate == null) {
            Optional<String> stray = draft != null ? Optional.of("--draft") : acceptance != null
                    ? Optional.of("--acceptance") : draftChips != null ? Optional.of("--draft-chips") : Optional.empty();
            stray.ifPresent(o -> {
                throw new InputException(o, 1, 1, o + " goes with --speculate K");
            });
            return Optional.empty();
        }
        OptionRange.check("--speculate", speculate, 1, SpeculativeRequest.MAX_TOKENS, "draft tokens a step");
        if (target.prefill().isPresent()) {
            throw new InputException("--prompt-tokens", 1, 1, "--prompt-tokens goes with plain decoding: a speculative "
                    + "run does not model the draft's prefill; leave out --prompt-tokens or --speculate");
        }
        if (draft == null) {
            throw new InputException("--speculate", 1, 1, "--speculate needs a draft model: add --draft PRESET|FILE "
                    + "(e.g. --draft mistral-7b)");
        }
        double a = acceptance == null ? DEFAULT_ACCEPTANCE : acceptance;
        if (!(a >= 0 && a <= 1)) {
            throw new InputException("--acceptance", 1, 1, "--acceptance must be a rate in [0, 1], got " + acceptance);
        }
        ModelConfig d = ModelConfigs.presetOrFile(draft);
        SpeculativeRequest.draftProblem(target.model(), d, target.context()).ifPresent(p -> {
            throw new InputException("--draft", 1, 1, p);
        });
        int system = target.system().chips();
        int m = draftChips != null ? OptionRange.check("--draft-chips", draftChips, 1, system - 1, "chips")
                : SpeculativeRun.fewestChips(d, target);
        int n = chipsGiven ? target.chips() : system - m;
        if (n < 1 || n + m > system) {
            throw new InputException(chipsGiven ? "--chips" : "--draft", 1, 1, "the target's " + n + " chips and the "
                    + "draft's " + m + " are more than the " + system + " of " + target.system().name() + ": give "
                    + "fewer (--chips, --draft-chips) or a larger --system");
        }
        try {
            return Optional.of(new SpeculativeRequest(target.withChips(n), d, m, speculate, a));
        } catch (IllegalArgumentException e) {
            throw new InputException("--draft", 1, 1, e.getMessage());
        }
    }
}
