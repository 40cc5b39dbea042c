// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.cost.CostReport;
import dev.lockstep.cost.EnergyFit;
import dev.lockstep.cost.GpuReference;
import dev.lockstep.cost.Power;
import dev.lockstep.cost.Tco;
import dev.lockstep.sim.Activity;
import java.io.PrintWriter;
import java.util.Locale;

/** Power and cost as JSON objects and as text lines (for {@code run} and {@code tco}). */
final class CostRenderer {
    private CostRenderer() {
    }

    static void json(Power p, ObjectNode o) {
        o.put("estimate", "from counted work and published per-operation energies; static and host power fitted "
                + "(docs/cost.md)");
        o.put("chips_powered", p.chipsPowered());
        o.put("watts_per_chip_average", p.averageWPerChip());
        o.put("watts_per_chip_peak", p.peakWPerChip());
        o.put("peak_chip", p.peakChip());
        o.put("watts_per_chip_static", p.staticWPerChip());
        o.put("published_average_watts_per_chip", EnergyFit.AVERAGE_W);
        o.put("chips_kw", p.chipsKw());
        o.put("hosts_kw", p.hostsKw());
        o.put("system_kw", p.systemKw());
        o.put("joules_per_token", p.joulesPerToken());
        ObjectNode shares = o.putObject("dynamic_energy_shares");
        for (Activity a : Activity.values()) {
            shares.put(a.name().toLowerCase(Locale.ROOT), p.dynamicShares().get(a));
        }
    }

    static void text(Power p, PrintWriter out) {
        out.printf(Locale.ROOT, "power            %.1f W per chip on average (%.1f W static; the busiest chip %.1f W; published "
                        + "average %.0f W), %.1f kW with hosts: %.2f J per token (an estimate: docs/cost.md)%n",
                p.averageWPerChip(), p.staticWPerChip(), p.peakWPerChip(), EnergyFit.AVERAGE_W, p.systemKw(),
                p.joulesPerToken());
    }

    static void json(CostReport c, ObjectNode o) {
        o.put("cost", c.cost().name());
        o.put("tokens_counted", c.mix().describe());
        o.put("tokens_per_second_counted", c.tokensPerSecond());
        o.put("utilisation", c.cost().utilisation());
        o.put("chips_bought", c.served().chips());
        o.put("servers", c.atPublished().servers());
        o.put("capital_usd", c.atPublished().capitalUsd());
        o.put("capital_usd_per_month", c.atPublished().capitalPerMonth());
        o.put("published_kw", c.atPublished().kw());
        o.put("usd_per_month_at_published_power", c.atPublished().total());
        o.put("usd_per_million_tokens_at_published_power", c.usdPerMillionAtPublished());
        c.atSimulated().ifPresent(m -> {
            o.put("simulated_kw", m.kw());
            o.put("usd_per_month_at_simulated_power", m.total());
            o.put("usd_per_million_tokens_at_simulated_power", c.usdPerMillionAtSimulated().orElseThrow());
        });
        o.put("price_usd_per_million_tokens", c.pricePerMillion());
        o.put("break_even_speedup", c.breakEvenSpeedup());
    }

    static void text(CostReport c, PrintWriter out) {
        Tco.Monthly m = c.atPublished();
        out.printf(Locale.ROOT, "cost             %s: %d servers, $%,.0f; $%,.0f a month (capital $%,.0f, hosting %.1f kW $%,.0f%s)"
                        + "%s%n", c.cost().name(), m.servers(), m.capitalUsd(), m.total(), m.capitalPerMonth(), m.kw(),
                m.hostingPerMonth() + m.powerPerMonth(), m.powerPerMonth() > 0 ? " with power" : "",
                c.atSimulated().map(s -> String.format(Locale.ROOT, "; $%,.0f at the simulated %.1f kW", s.total(),
                        s.kw())).orElse(""));
        out.printf(Locale.ROOT, "per token        $%.2f per million tokens%s, %s at %.1f tokens/s, %.0f%% utilisation; $%.2f "
                        + "needs %.1fx the throughput%n", c.usdPerMillionAtPublished(), c.usdPerMillionAtSimulated()
                        .map(s -> String.format(Locale.ROOT, " ($%.2f at simulated power)", s)).orElse(""),
                c.mix().describe(), c.tokensPerSecond(), 100 * c.cost().utilisation(), c.pricePerMillion(),
                c.breakEvenSpeedup());
    }

    /** The published GPU rows, as JSON. */
    static ArrayNode json(GpuReference.Table t, ArrayNode a) {
        for (GpuReference.Row r : t.rows()) {
            ObjectNode o = a.addObject();
            o.put("deployment", r.deployment());
            r.tokensPerSecondPerUser().ifPresent(v -> o.put("tokens_per_second_per_user", v));
            r.usdPerMillionTokens().ifPresent(v -> o.put("usd_per_million_tokens", v));
            o.put("source", t.source());
        }
        return a;
    }

    static void text(GpuReference.Table t, double price, PrintWriter out) {
        out.printf(Locale.ROOT, "published rows (%s; estimates, not simulated):%n", t.source());
        for (GpuReference.Row r : t.rows()) {
            out.printf(Locale.ROOT, "  %-52s %14s %16s %s%n", r.deployment(), r.tokensPerSecondPerUser().isPresent()
                            ? String.format(Locale.ROOT, "%.0f tok/s/user", r.tokensPerSecondPerUser().getAsDouble())
                            : "-", r.usdPerMillionTokens().isPresent() ? String.format(Locale.ROOT, "$%.2f per M",
                            r.usdPerMillionTokens().getAsDouble()) : "-",
                    r.usdPerMillionTokens().isPresent() ? String.format(Locale.ROOT, "(%.1fx to $%.2f)",
                            r.usdPerMillionTokens().getAsDouble() / price, price) : "");
        }
    }
}
