// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cost;

/**
 * The published analysis's arithmetic, redone from its inputs (../shared/reference/tokenomics.md): an HGX H100
 * server's month, the 576-chip Groq system's month (hosting from the report's 230 kW at the H100's rate per kW), the
 * break-even speed-ups at a price, and what the report's $1.94 per million tokens for Groq implies.
 *
 * @param h100                an HGX H100 server's month
 * @param groq                the 576-chip Groq system's month at the report's power
 * @param groqPublishedUsd    the report's monthly figure for Groq
 * @param groqUsdPerMillion   the report's $ per million tokens for Groq
 * @param h100UsdPerMillion   the report's $ per million tokens for 8 x H100, latency-optimised
 * @param impliedTokensPerSecond the tokens per second the Groq system must serve for its month to cost
 *                            {@code groqUsdPerMillion} (at the description's utilisation)
 */
public record Reference(Tco.Monthly h100, Tco.Monthly groq, double groqPublishedUsd, double groqUsdPerMillion,
                        double h100UsdPerMillion, double impliedTokensPerSecond) {
    /** The report's figures that are checked, not inputs. */
    public static final double H100_CAPITAL_PER_MONTH = 8_888;
    public static final double H100_PER_MONTH = 11_474;
    public static final double GROQ_PER_MONTH = 122_400;
    public static final double GROQ_CAPITAL = 2.52e6;
    public static final double GROQ_USD_PER_MILLION = 1.94;
    public static final double H100_USD_PER_MILLION = 5.20;
    /** Groq's Mixtral system in the report. */
    public static final int GROQ_CHIPS = 576;

    public static Reference compute() {
        CostSpec h100 = CostSpecs.preset("h100-hgx-2024");
        CostSpec groq = CostSpecs.preset("groq-2024");
        Tco.Monthly g = Tco.monthlyAtPublishedPower(groq, GROQ_CHIPS);
        double implied = g.total() / (GROQ_USD_PER_MILLION * groq.utilisation() * Tco.SECONDS_PER_MONTH / 1e6);
        return new Reference(Tco.monthlyAtPublishedPower(h100, h100.acceleratorsPerServer()), g, GROQ_PER_MONTH,
                GROQ_USD_PER_MILLION, H100_USD_PER_MILLION, implied);
    }
}
