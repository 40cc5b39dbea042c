// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.graph.LayerStep.Payload;
import org.junit.jupiter.api.Test;

/**
 * What a row costs on a link: a vector crosses as one word per byte plane. A 4,096-value hidden row is 13 vectors
 * of 320 lanes: 52 words in f32 (the residual stream, partial sums), 26 in fp16 (a normed row on its way to
 * products), 30 with the routing weights (one f32 vector) beside it.
 */
class LinkWordsTest {
    private static final int MIXTRAL_HIDDEN_VECTORS = (4096 + 319) / 320;

    @Test
    void aNormedRowCrossesInHalfTheWordsOfAnF32Row() {
        assertThat(MIXTRAL_HIDDEN_VECTORS).isEqualTo(13);
        assertThat(ExchangeSteps.linkWords(Payload.HIDDEN_ROW, MIXTRAL_HIDDEN_VECTORS)).isEqualTo(52);
        assertThat(ExchangeSteps.linkWords(Payload.NORMED_ROW, MIXTRAL_HIDDEN_VECTORS)).isEqualTo(26);
        assertThat(ExchangeSteps.linkWords(Payload.NORMED_ROW_AND_ROUTE, MIXTRAL_HIDDEN_VECTORS)).isEqualTo(26 + 4);
        assertThat(ExchangeSteps.linkWords(Payload.TOKEN_ID, MIXTRAL_HIDDEN_VECTORS)).isEqualTo(4);
    }
}
