// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.cost.Reference;
import dev.lockstep.cost.Tco;
import java.io.PrintWriter;
import java.util.Locale;

/** The published analysis's arithmetic, redone ({@link Reference}), as text and JSON. */
final class TcoRenderer {
    private TcoRenderer() {
    }

    static void json(Reference r, double price, ObjectNode o) {
        o.put("source", "SemiAnalysis, 'Groq Inference Tokenomics: Speed, But At What Cost?' (February 2024), as "
                + "reported; estimates, not measurements");
        month(r.h100(), o.putObject("h100_server")).put("published_capital_usd_per_month",
                Reference.H100_CAPITAL_PER_MONTH).put("published_usd_per_month", Reference.H100_PER_MONTH);
        month(r.groq(), o.putObject("groq_576_chips")).put("published_capital_usd", Reference.GROQ_CAPITAL)
                .put("published_usd_per_month", r.groqPublishedUsd());
        o.put("price_usd_per_million_tokens", price);
        o.put("groq_break_even_speedup_at_published_cost", Tco.breakEvenSpeedup(r.groqUsdPerMillion(), price));
        o.put("h100_break_even_speedup_at_published_cost", Tco.breakEvenSpeedup(r.h100UsdPerMillion(), price));
        o.put("groq_tokens_per_second_implied_by_published_cost", r.impliedTokensPerSecond());
    }

    private static ObjectNode month(Tco.Monthly m, ObjectNode o) {
        o.put("servers", m.servers());
        o.put("capital_usd", m.capitalUsd());
        o.put("capital_usd_per_month", m.capitalPerMonth());
        o.put("kw", m.kw());
        o.put("hosting_usd_per_month", m.hostingPerMonth());
        o.put("usd_per_month", m.total());
        return o;
    }

    static void text(Reference r, double price, PrintWriter out) {
        out.println("The published analysis's arithmetic, redone from its inputs (SemiAnalysis, February 2024, as "
                + "reported; estimates, not measurements):");
        Tco.Monthly h = r.h100();
        out.printf(Locale.ROOT, "  HGX H100 server     $%,.0f at 18%% a year over 60 months: $%,.0f a month (published $%,.0f); "
                        + "with hosting of %.1f kW, $%,.0f (published $%,.0f, %+.2f%%)%n", h.capitalUsd(),
                h.capitalPerMonth(), Reference.H100_CAPITAL_PER_MONTH, h.kw(), h.total(), Reference.H100_PER_MONTH,
                100 * (h.total() / Reference.H100_PER_MONTH - 1));
        Tco.Monthly g = r.groq();
        out.printf(Locale.ROOT, "  Groq, 576 chips     %d servers, $%,.0f (published $%,.0f); $%,.0f a month with %.1f kW of "
                        + "hosting at the H100's rate (published $%,.0f, %+.2f%%)%n", g.servers(), g.capitalUsd(),
                Reference.GROQ_CAPITAL, g.total(), g.kw(), r.groqPublishedUsd(),
                100 * (g.total() / r.groqPublishedUsd() - 1));
        out.printf(Locale.ROOT, "  break even at $%.2f per million tokens: Groq at its published $%.2f needs %.1fx its "
                        + "throughput; 8 x H100 at $%.2f, %.1fx%n", price, r.groqUsdPerMillion(),
                Tco.breakEvenSpeedup(r.groqUsdPerMillion(), price), r.h100UsdPerMillion(),
                Tco.breakEvenSpeedup(r.h100UsdPerMillion(), price));
        out.printf(Locale.ROOT, "  the published $%.2f implies %,.0f tokens/s served by the 576 chips all month (an illustration: "
                        + "compare a run's tokens/s, e.g. lockstep tco --report run.json)%n", r.groqUsdPerMillion(),
                r.impliedTokensPerSecond());
    }
}
