// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.model.ModelWeights;
import dev.lockstep.compiler.testing.TestModels;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A functional run's request, checked where it is made: a library caller gets a plain refusal, not a crash later. */
class FunctionalRunRequestTest {
    private static final ModelConfig M = TestModels.tiny(320, 4, 2, 320, 1, 1);
    private static final ModelWeights W = new ModelWeights(M, new double[M.vocab() * M.hidden()],
            List.of(TestModels.weights(M, 1)), new double[M.hidden()], new double[M.hidden() * M.vocab()]);
    private static final SystemSpec NODE = SystemSpecs.presetOrFile("node-8");

    @Test
    void promptTokensOutsideTheVocabularyAreRefused() {
        assertThatThrownBy(() -> new FunctionalRun.Request(W, new int[] {1, 64}, 1, false, NODE, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prompt token 64 is outside the vocabulary 0..63");
    }

    @Test
    void anEmptyPromptOrNoTokensAreRefused() {
        assertThatThrownBy(() -> new FunctionalRun.Request(W, new int[0], 1, false, NODE, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a prompt");
        assertThatThrownBy(() -> new FunctionalRun.Request(W, new int[] {1}, 0, false, NODE, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one token");
    }

    @Test
    void thePromptIsCopiedInAndOut() {
        int[] prompt = {1, 2, 3};
        FunctionalRun.Request r = new FunctionalRun.Request(W, prompt, 1, false, NODE, 1);
        prompt[0] = 9;
        assertThat(r.prompt()).containsExactly(1, 2, 3);
        r.prompt()[1] = 9;
        assertThat(r.prompt()).containsExactly(1, 2, 3);
    }
}
