// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.ModelConfigs;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.isa.system.SystemSpecs;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The expected tokens of a speculative step, and the requests refused. */
class SpeculativeRequestTest {
    @Test
    void aStepYieldsTheAcceptedDraftTokensAndOneOfTheTargets() {
        // nothing accepted: the target's own token; everything: K + 1; A = 1/2, K = 3: 1 + 1/2 + 1/4 + 1/8
        assertThat(SpeculativeRequest.expectedTokensPerStep(4, 0)).isEqualTo(1);
        assertThat(SpeculativeRequest.expectedTokensPerStep(4, 1)).isEqualTo(5);
        assertThat(SpeculativeRequest.expectedTokensPerStep(3, 0.5)).isEqualTo(1.875);
        assertThat(SpeculativeRequest.expectedTokensPerStep(1, 0.7)).isCloseTo(1.7, within(1e-12));
    }

    @Test
    void theSumIsTheStandardClosedForm() {
        // E = sum over i = 0..K of P(the first i draft tokens are accepted) = (1 - A^(K+1)) / (1 - A), away from A = 1
        // where the closed form loses digits
        qt().forAll(integers().between(1, SpeculativeRequest.MAX_TOKENS), doubles().between(0, 0.999)).checkAssert(
                (k, a) -> {
                    double closed = (1 - Math.pow(a, k + 1)) / (1 - a);
                    assertThat(SpeculativeRequest.expectedTokensPerStep(k, a)).isCloseTo(closed, within(1e-9 * closed));
                });
    }

    @Test
    void badRequestsAreRefusedSayingWhatWouldBeRight() {
        ModelConfig tiny = ModelConfigs.presetOrFile("src/test/resources/models/tiny-mixtral.json");
        ModelConfig draft = ModelConfigs.presetOrFile("src/test/resources/models/tiny-draft.json");
        DecodeRequest target = new DecodeRequest(tiny, SystemSpecs.preset("rack-72"), Precision.FP16, 3, 4096, 24,
                Optional.empty(), 1, true);
        assertThatThrownBy(() -> new SpeculativeRequest(target, draft, 4, 0, 0.7))
                .hasMessageContaining("1..16 draft tokens");
        assertThatThrownBy(() -> new SpeculativeRequest(target, draft, 4, 17, 0.7))
                .hasMessageContaining("1..16 draft tokens");
        assertThatThrownBy(() -> new SpeculativeRequest(target, draft, 4, 4, 1.01)).hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> new SpeculativeRequest(target, draft, 4, 4, Double.NaN)).hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> new SpeculativeRequest(target, ModelConfigs.presetOrFile("llama-3-8b"), 4, 4, 0.7))
                .hasMessageContaining("give a draft of the same vocabulary");
        assertThatThrownBy(() -> new SpeculativeRequest(target, draft, 49, 4, 0.7))
                .hasMessageContaining("more than the 72 of rack-72");
    }
}
