// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.cost.CostReport;
import dev.lockstep.cost.CostSpec;
import dev.lockstep.cost.CostSpecs;
import dev.lockstep.cost.RequestMix;
import dev.lockstep.cost.Served;
import dev.lockstep.isa.io.InputException;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The cost options of {@code run} and {@code tco}: which cost description, which price, what utilisation. */
final class CostOptions {
    /** The description used when --cost is not given: the published analysis's Groq server. */
    static final String DEFAULT = "groq-2024";

    @Option(names = "--cost", paramLabel = "PRESET|FILE", description = "The cost description: a preset (groq-2024, "
            + "h100-hgx-2024) or a JSON file (docs/cost.md); it must price the run's chip. Default: groq-2024 for a "
            + "tsp-v1 run; a run of another chip is not priced unless given one.")
    String cost;

    @Option(names = "--price", paramLabel = "USD", defaultValue = "0.27", description = "A price per million tokens "
            + "to break even at. Default: ${DEFAULT-VALUE} (Groq's API price for Mixtral in the published analysis).")
    double price;

    @Option(names = "--utilisation", paramLabel = "U", description = "The share of the month the system serves, in "
            + "(0, 1]. Default: the cost description's.")
    Double utilisation;

    /** The cost description (--cost or the default) with --utilisation applied. */
    CostSpec spec() {
        CostSpec c = CostSpecs.presetOrFile(cost == null ? DEFAULT : cost);
        if (utilisation != null) {
            if (!(utilisation > 0 && utilisation <= 1)) {
                throw new InputException("--utilisation", 1, 1, "--utilisation must be a share of the month in "
                        + "(0, 1], got " + utilisation);
            }
            c = c.withUtilisation(utilisation);
        }
        return c;
    }

    /**
     * Checks the options against a run of {@code chip} chips before it runs: a --cost of another chip's servers is
     * refused (the default is simply not used for another chip).
     */
    void check(String chip) {
        CostSpec c = spec();
        price();
        if (cost != null) {
            CostReport.mismatch(c, chip).ifPresent(why -> {
                throw new InputException("--cost", 1, 1, why);
            });
        }
    }

    /** The cost of {@code served}, if a description prices its chip (the one given must). */
    Optional<CostReport> report(RequestMix mix, Served served) {
        check(served.chip());
        CostSpec c = spec();
        return CostReport.mismatch(c, served.chip()).isPresent() ? Optional.empty()
                : Optional.of(CostReport.of(c, mix, price(), served));
    }

    /** --price, checked. */
    double price() {
        if (!(price > 0) || Double.isInfinite(price)) {
            throw new InputException("--price", 1, 1, "--price must be a positive number of dollars per million "
                    + "tokens, got " + price);
        }
        return price;
    }
}
