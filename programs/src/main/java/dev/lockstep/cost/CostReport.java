// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cost;

import java.util.Optional;

/**
 * What a token costs on a served system: the month's cost at the description's published power per server and, where
 * the run's power was simulated, at that power; dollars per million tokens counted as the mix says; the speed-up
 * needed to break even at a price.
 *
 * @param cost            the cost description
 * @param mix             which tokens are counted
 * @param pricePerMillion the price compared with, dollars per million tokens
 * @param served          what the system serves
 * @param tokensPerSecond tokens counted per second while serving
 * @param atPublished     the month at the published power per server
 * @param atSimulated     the month at the simulated power, if known
 */
public record CostReport(CostSpec cost, RequestMix mix, double pricePerMillion, Served served,
                         double tokensPerSecond, Tco.Monthly atPublished, Optional<Tco.Monthly> atSimulated) {

    /**
     * Works it out; a mix with a prompt needs the run's time to first token ({@link RequestMix#tokensPerSecond}).
     *
     * @throws IllegalArgumentException if {@code cost} prices another chip than the run's
     */
    public static CostReport of(CostSpec cost, RequestMix mix, double pricePerMillion, Served served) {
        mismatch(cost, served.chip()).ifPresent(why -> {
            throw new IllegalArgumentException(why);
        });
        double tps = mix.tokensPerSecond(served.slots(), served.tokensPerSecondPerUser(),
                served.timeToFirstTokenSeconds());
        Tco.Monthly published = Tco.monthlyAtPublishedPower(cost, served.chips());
        Optional<Tco.Monthly> simulated = served.simulatedSystemKw().isPresent()
                ? Optional.of(Tco.monthly(cost, served.chips(), served.simulatedSystemKw().getAsDouble()))
                : Optional.empty();
        return new CostReport(cost, mix, pricePerMillion, served, tps, published, simulated);
    }

    /** Why {@code cost} cannot price a run of {@code chip} chips (it prices another chip's servers), if it cannot. */
    public static Optional<String> mismatch(CostSpec cost, String chip) {
        return cost.accelerator().equals(chip) ? Optional.empty() : Optional.of("the cost description " + cost.name()
                + " prices " + cost.accelerator() + " servers, and the run is of " + chip + " chips: give a cost "
                + "description whose accelerator is " + chip);
    }

    public double usdPerMillionAtPublished() {
        return Tco.usdPerMillionTokens(atPublished.total(), tokensPerSecond, cost.utilisation());
    }

    public Optional<Double> usdPerMillionAtSimulated() {
        return atSimulated.map(m -> Tco.usdPerMillionTokens(m.total(), tokensPerSecond, cost.utilisation()));
    }

    /** The speed-up at which the published-power cost meets the price. */
    public double breakEvenSpeedup() {
        return Tco.breakEvenSpeedup(usdPerMillionAtPublished(), pricePerMillion);
    }
}
