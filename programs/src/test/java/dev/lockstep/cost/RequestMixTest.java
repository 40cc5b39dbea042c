// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which tokens are counted, and how a prompt's time enters the rate. */
class RequestMixTest {
    @Test
    void generatedTokensOnlyAreEverySlotsDecodeRate() {
        assertThat(RequestMix.GENERATED_ONLY.tokensPerSecond(3, 100, Optional.empty())).isCloseTo(300, within(1e-9));
    }

    @Test
    void aRequestHoldsItsSlotForItsPrefillAndItsOutputAndCountsBothWhenAsked() {
        // 200 generated at 100/s is 2 s, after a 0.5 s prefill: 2.5 s a request, 750 tokens counted, 3 slots
        RequestMix both = new RequestMix(550, 200, true);
        assertThat(both.tokensPerSecond(3, 100, Optional.of(0.5))).isCloseTo(3 * 750 / 2.5, within(1e-9));
        RequestMix generated = new RequestMix(550, 200, false);
        assertThat(generated.tokensPerSecond(3, 100, Optional.of(0.5))).isCloseTo(3 * 200 / 2.5, within(1e-9));
    }

    @Test
    void aPromptWithoutAMeasuredPrefillIsRefused() {
        assertThatThrownBy(() -> new RequestMix(550, 200, true).tokensPerSecond(3, 100, Optional.empty()))
                .hasMessageContaining("--prompt-tokens 550");
    }
}
