// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

/** The published analysis's arithmetic, reproduced from its inputs (../shared/reference/tokenomics.md). */
class TcoTest {
    private final Reference ref = Reference.compute();

    @Test
    void anH100ServerIs8888AMonthOfCapitalAnd11474WithHosting() {
        assertThat(Tco.monthlyPayment(350_000, 0.18, 60)).isCloseTo(8_888, within(0.5));
        assertThat(ref.h100().capitalPerMonth()).isCloseTo(Reference.H100_CAPITAL_PER_MONTH, within(0.5));
        assertThat(ref.h100().hostingPerMonth()).isCloseTo(2_586, within(0.5));
        assertThat(ref.h100().total()).isCloseTo(Reference.H100_PER_MONTH, within(1.0));
    }

    @Test
    void the576ChipSystemIs72ServersFor252MillionAndWithin1PercentOf122400AMonth() {
        assertThat(ref.groq().servers()).isEqualTo(72);
        assertThat(ref.groq().capitalUsd()).isEqualTo(Reference.GROQ_CAPITAL);
        assertThat(ref.groq().kw()).isCloseTo(230, within(0.001));
        assertThat(ref.groq().total()).isCloseTo(Reference.GROQ_PER_MONTH, withinPercentage(1));
        // the annuity and the hosting as derived by hand: 63,991 + 230 x 258.6
        assertThat(ref.groq().capitalPerMonth()).isCloseTo(63_991.4, within(0.1));
        assertThat(ref.groq().hostingPerMonth()).isCloseTo(59_478, within(0.01));
    }

    @Test
    void breakingEvenAt27CentsNeedsAbout72xForGroqAndNearly20xForH100() {
        assertThat(Tco.breakEvenSpeedup(ref.groqUsdPerMillion(), 0.27)).isCloseTo(7.185, within(0.001));
        assertThat(Tco.breakEvenSpeedup(ref.h100UsdPerMillion(), 0.27)).isCloseTo(19.26, within(0.01));
    }

    @Test
    void thePublishedCostPerMillionImpliesAboutTwentyFourThousandTokensASecond() {
        // 123,469 $ / (1.94 $ per 10^6 tokens) / 2,629,800 s
        assertThat(ref.impliedTokensPerSecond()).isCloseTo(123_469.43 / 1.94 * 1e6 / 2_629_800, within(0.01));
        assertThat(ref.impliedTokensPerSecond()).isCloseTo(24_201, within(1.0));
    }

    @Test
    void aPaymentAtNoInterestIsThePriceOverTheMonths() {
        assertThat(Tco.monthlyPayment(1200, 0, 12)).isEqualTo(100);
    }

    @Test
    void dollarsPerMillionTokensAreAMonthsCostOverAMonthsTokensAtTheUtilisation() {
        // 1 M tokens/s for a month is 2.6298e12 tokens: $2,629,800 a month is $1 per million, $2 at half the time
        assertThat(Tco.usdPerMillionTokens(2_629_800, 1e6, 1)).isCloseTo(1, within(1e-12));
        assertThat(Tco.usdPerMillionTokens(2_629_800, 1e6, 0.5)).isCloseTo(2, within(1e-12));
    }

    @Test
    void powerBilledOnTopOfHostingIsKilowattsTimesHoursTimesPrice() {
        CostSpec c = new CostSpec("x", "x", "tsp-v1", 0, 8, 0, 60, 0, 0.10, 1, 1, java.util.List.of());
        Tco.Monthly m = Tco.monthly(c, 8, 2.0);
        assertThat(m.powerPerMonth()).isCloseTo(2.0 * 730.5 * 0.10, within(1e-9));
        assertThat(m.total()).isCloseTo(m.powerPerMonth(), within(1e-9));
        assertThat(Tco.servers(c, 9)).isEqualTo(2);
    }
}
