// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.isa.io.InputException;
import org.junit.jupiter.api.Test;

/** Cost descriptions: the presets read, and each kind of bad value refused at its place in the file. */
class CostSpecsTest {
    private static final String GOOD = """
            {
              "name": "mine",
              "accelerator": "tsp-v1",
              "server_price_usd": 35000,
              "accelerators_per_server": 8,
              "cost_of_capital_per_year": 0.18,
              "life_months": 60,
              "hosting_usd_per_kw_month": 258.6,
              "server_kw": 3.2,
              "utilisation": 0.5
            }
            """;

    @Test
    void thePresetsReadAndSayWhereTheirFiguresComeFrom() {
        for (String name : CostSpecs.PRESETS) {
            CostSpec c = CostSpecs.preset(name);
            assertThat(c.name()).isEqualTo(name);
            assertThat(c.sources()).isNotEmpty();
        }
        CostSpec mine = CostSpecs.parse("mine.json", GOOD.getBytes());
        assertThat(mine.utilisation()).isEqualTo(0.5);
        assertThat(mine.powerUsdPerKwh()).isZero();
    }

    @Test
    void aNegativePriceIsRefusedAtItsValue() {
        assertThat(error(GOOD.replace("35000", "-1")))
                .isEqualTo("error: c.json:4:23: server_price_usd must be a price in dollars, 0 or more, got -1");
    }

    @Test
    void aLifeOfNoMonthsIsRefused() {
        assertThat(error(GOOD.replace("\"life_months\": 60", "\"life_months\": 0"))).isEqualTo("error: c.json:7:18: "
                + "life_months (the months over which the price is paid off) must be in 1..1200, got 0");
    }

    @Test
    void aUtilisationOutsideZeroToOneIsRefused() {
        for (String u : new String[] {"0", "1.5", "-0.2"}) {
            assertThat(error(GOOD.replace("0.5", u))).isEqualTo("error: c.json:10:18: utilisation must be a share "
                    + "of the month in (0, 1] (1 for always serving), got " + u);
        }
    }

    @Test
    void anUnknownKeyIsRefusedWithTheNearestKnownOne() {
        assertThat(error(GOOD.replace("server_kw", "server_kW"))).startsWith("error: c.json:9:3: unknown key "
                + "'server_kW' in the cost description (did you mean 'server_kw'?)");
    }

    private static String error(String json) {
        try {
            CostSpecs.parse("c.json", json.getBytes());
        } catch (InputException e) {
            return e.toErrorLine();
        }
        throw new AssertionError("accepted: " + json);
    }
}
