// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cost;

/**
 * The arithmetic of the cost of ownership, as the published analysis does it (../shared/reference/tokenomics.md):
 * each server's price paid off as a level monthly payment (an annuity), hosting per kW, power per kWh, and the
 * dollars per million tokens a month of that buys.
 */
public final class Tco {
    /** Seconds in an average month (a year of 365.25 days over 12). */
    public static final double SECONDS_PER_MONTH = 365.25 * 86_400 / 12;
    /** Hours in an average month. */
    public static final double HOURS_PER_MONTH = SECONDS_PER_MONTH / 3600;

    private Tco() {
    }

    /**
     * The level monthly payment that pays off {@code price} over {@code months} at a yearly rate
     * ({@code price x r / (1 - (1 + r)^-months)}, r the monthly rate; {@code price / months} at a rate of 0).
     */
    public static double monthlyPayment(double price, double ratePerYear, int months) {
        if (months < 1) {
            throw new IllegalArgumentException("months " + months);
        }
        double r = ratePerYear / 12;
        return r == 0 ? price / months : price * r / (1 - Math.pow(1 + r, -months));
    }

    /**
     * A month of owning and running servers.
     *
     * @param servers         servers bought
     * @param capitalUsd      what they cost
     * @param capitalPerMonth the monthly payment on that
     * @param kw              the power they draw, hosts included
     * @param hostingPerMonth colocation for that power
     * @param powerPerMonth   electricity billed on top of hosting
     */
    public record Monthly(int servers, double capitalUsd, double capitalPerMonth, double kw, double hostingPerMonth,
                          double powerPerMonth) {
        public double total() {
            return capitalPerMonth + hostingPerMonth + powerPerMonth;
        }
    }

    /** Servers holding {@code accelerators}: whole servers, rounded up. */
    public static int servers(CostSpec cost, int accelerators) {
        return (accelerators + cost.acceleratorsPerServer() - 1) / cost.acceleratorsPerServer();
    }

    /** A month of the servers holding {@code accelerators}, drawing {@code kw} in all. */
    public static Monthly monthly(CostSpec cost, int accelerators, double kw) {
        int servers = servers(cost, accelerators);
        double capital = servers * cost.serverPriceUsd();
        return new Monthly(servers, capital, monthlyPayment(capital, cost.costOfCapitalPerYear(),
                cost.lifeMonths()), kw, kw * cost.hostingUsdPerKwMonth(), kw * HOURS_PER_MONTH * cost.powerUsdPerKwh());
    }

    /** A month of those servers at the description's published power per server. */
    public static Monthly monthlyAtPublishedPower(CostSpec cost, int accelerators) {
        return monthly(cost, accelerators, servers(cost, accelerators) * cost.serverKw());
    }

    /** Dollars per million tokens for a month's cost and the tokens per second served while serving. */
    public static double usdPerMillionTokens(double monthlyUsd, double tokensPerSecond, double utilisation) {
        return monthlyUsd / (tokensPerSecond * utilisation * SECONDS_PER_MONTH / 1e6);
    }

    /** How many times its throughput a deployment needs for its cost per million tokens to meet a price. */
    public static double breakEvenSpeedup(double usdPerMillion, double pricePerMillion) {
        return usdPerMillion / pricePerMillion;
    }
}
