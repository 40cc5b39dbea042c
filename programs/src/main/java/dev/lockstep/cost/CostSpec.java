// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cost;

import java.util.List;

/**
 * What owning and running servers costs: a cost description ({@link CostSpecs} reads it from JSON; presets carry
 * their sources).
 *
 * @param name                  the description's name
 * @param what                  one line saying what it describes
 * @param accelerator           the chip it prices (a chip description's name, e.g. tsp-v1), so that a run is priced by
 *                              its own servers
 * @param serverPriceUsd        the price of one server with everything around its accelerators
 * @param acceleratorsPerServer chips (or GPUs) in one server
 * @param costOfCapitalPerYear  the yearly rate at which the price is paid off, as a fraction (0.18 for 18 %)
 * @param lifeMonths            the months over which it is paid off (a level monthly payment)
 * @param hostingUsdPerKwMonth  colocation per kW of server power per month (may include power, see below)
 * @param powerUsdPerKwh        electricity billed on top of hosting, per kWh (0 where hosting includes it)
 * @param serverKw              a server's power when no simulated power is used (a published figure)
 * @param utilisation           the share of the month the servers serve tokens, in (0, 1]
 * @param sources               where each figure comes from
 */
public record CostSpec(String name, String what, String accelerator, double serverPriceUsd, int acceleratorsPerServer,
                       double costOfCapitalPerYear, int lifeMonths, double hostingUsdPerKwMonth,
                       double powerUsdPerKwh, double serverKw, double utilisation, List<String> sources) {
    public CostSpec {
        sources = List.copyOf(sources);
        if (!(serverPriceUsd >= 0) || acceleratorsPerServer < 1 || !(costOfCapitalPerYear >= 0) || lifeMonths < 1
                || !(hostingUsdPerKwMonth >= 0) || !(powerUsdPerKwh >= 0) || !(serverKw >= 0)
                || !(utilisation > 0 && utilisation <= 1)) {
            throw new IllegalArgumentException("a cost description out of range: " + name);
        }
    }

    /** The same description at another utilisation. */
    public CostSpec withUtilisation(double u) {
        return new CostSpec(name, what, accelerator, serverPriceUsd, acceleratorsPerServer, costOfCapitalPerYear,
                lifeMonths,
                hostingUsdPerKwMonth, powerUsdPerKwh, serverKw, u, sources);
    }
}
