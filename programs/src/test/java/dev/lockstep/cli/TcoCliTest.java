// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockstep.cost.Tco;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lockstep tco} and the cost and power a run reports; bad cost input as one error line. */
class TcoCliTest {
    @TempDir
    Path dir;

    @Test
    void theReferenceArithmeticIsPrintedWithThePublishedFiguresBesideIt() throws Exception {
        CliRun.Result r = CliRun.run("tco");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("$8,888 a month (published $8,888)").contains("$11,474 (published $11,474")
                .contains("72 servers, $2,520,000").contains("(published $122,400, +0.87%)")
                .contains("needs 7.2x its throughput; 8 x H100 at $5.20, 19.3x").contains("8 x A100");
        JsonNode j = CliRun.run("tco", "--json").json();
        assertThat(j.get("groq_576_chips").get("usd_per_month").asDouble()).isCloseTo(122_400, within(1_224.0));
        assertThat(j.get("published_rows")).hasSize(5);
    }

    @Test
    void aRunReportsItsPowerAndCostAndTcoReadsTheSameFromItsJson() throws Exception {
        CliRun.Result run = CliRun.run("run", "--model", RunTest.TINY, "--system", "rack-72", "--chips", "24",
                "--json");
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode j = run.json();
        JsonNode power = j.get("power");
        JsonNode cost = j.get("cost");
        // the 24 chips follow rack-72's wiring over 4 of its 8-chip nodes: 4 servers bought and powered
        assertThat(j.get("chips").asInt()).isEqualTo(24);
        assertThat(cost.get("chips_bought").asInt()).isEqualTo(32);
        assertThat(cost.get("servers").asInt()).isEqualTo(4);
        assertThat(power.get("hosts_kw").asDouble()).isCloseTo(4 * 1474.44 / 1e3, within(1e-9));
        assertThat(power.get("chips_kw").asDouble()).isCloseTo(32 * power.get("watts_per_chip_average").asDouble()
                / 1e3, within(1e-9));
        assertThat(power.get("watts_per_chip_static").asDouble()).isEqualTo(149.21);
        // the counted work: the chips' power less their static power, over the powered chips
        assertThat(power.get("watts_per_chip_average").asDouble() - 149.21).isCloseTo((power.get("chips_kw")
                .asDouble() * 1e3 - 32 * 149.21) / 32, within(1e-9)).isPositive();
        assertThat(power.get("joules_per_token").asDouble()).isCloseTo(power.get("system_kw").asDouble() * 1e3
                / j.get("tokens_per_second_total").asDouble(), within(1e-9));
        double tps = j.get("tokens_per_second_total").asDouble();
        assertThat(cost.get("tokens_per_second_counted").asDouble()).isEqualTo(tps);
        assertThat(cost.get("usd_per_million_tokens_at_published_power").asDouble()).isCloseTo(
                cost.get("usd_per_month_at_published_power").asDouble() / (tps * Tco.SECONDS_PER_MONTH / 1e6),
                within(1e-9));
        Path report = dir.resolve("run.json");
        Files.writeString(report, run.out());
        JsonNode t = CliRun.run("tco", "--report", report.toString(), "--json").json();
        assertThat(t.get("cost").get("usd_per_million_tokens_at_simulated_power"))
                .isEqualTo(cost.get("usd_per_million_tokens_at_simulated_power"));
        assertThat(t.get("cost").get("break_even_speedup")).isEqualTo(cost.get("break_even_speedup"));
        CliRun.Result half = CliRun.run("tco", "--report", report.toString(), "--utilisation", "0.5", "--json");
        assertThat(half.json().get("cost").get("usd_per_million_tokens_at_published_power").asDouble())
                .isCloseTo(2 * cost.get("usd_per_million_tokens_at_published_power").asDouble(), within(1e-9));
    }

    @Test
    void aSpeculativeRunIsPricedAtItsExpectedSpeedWithTheDraftsChipsBought() throws Exception {
        CliRun.Result run = CliRun.run("run", "--model", RunTest.TINY, "--system", "rack-72", "--chips", "24",
                "--speculate", "3", "--draft", "src/test/resources/models/tiny-draft.json", "--json");
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode j = run.json();
        JsonNode spec = j.get("speculative");
        int draftChips = spec.get("draft").get("chips").asInt();
        // the draft's chips are in use: not counted idle
        assertThat(j.get("partition").get("idle_chips").asInt()).isEqualTo(72 - j.get("chips").asInt() - draftChips);
        Path report = dir.resolve("speculative.json");
        Files.writeString(report, run.out());
        JsonNode t = CliRun.run("tco", "--report", report.toString(), "--json").json();
        JsonNode cost = t.get("cost");
        assertThat(t.get("run").asText()).contains("speculating 3 tokens a step");
        assertThat(cost.get("tokens_per_second_counted").asDouble()).isCloseTo(
                spec.get("tokens_per_second_per_user").asDouble() * j.get("batch").asInt(), within(1e-9));
        // no power is simulated for a speculative run; the servers bought are the nodes the target uses (24 chips of
        // rack-72 touch 4) and whole nodes for the draft's chips
        assertThat(j.has("power")).isFalse();
        assertThat(spec.get("chips_bought").asInt()).isEqualTo(32 + (draftChips + 7) / 8 * 8);
        assertThat(cost.get("chips_bought")).isEqualTo(spec.get("chips_bought"));
        assertThat(cost.get("servers").asInt()).isEqualTo(spec.get("chips_bought").asInt() / 8);
        assertThat(cost.has("simulated_kw")).isFalse();
    }

    @Test
    void badCostInputIsOneErrorLineAndExit1() throws Exception {
        expectError(CliRun.run("tco", "--price", "-1"), "error: --price:1:1: --price must be a positive number");
        expectError(CliRun.run("tco", "--report", "x.json", "--utilisation", "1.5"),
                "error: --utilisation:1:1: --utilisation must be a share of the month in (0, 1], got 1.5");
        expectError(CliRun.run("tco", "--report", "x.json", "--cost", "groq"),
                "error: groq:1:1: no cost preset named 'groq'; give a preset (groq-2024, h100-hgx-2024) or a .json "
                        + "file");
        expectError(CliRun.run("tco", "--prompt", "550"), "error: --prompt:1:1: --prompt and --output count the "
                + "tokens of a run: give --report FILE");
        expectError(CliRun.run("tco", "--cost", "groq-2024"), "error: --cost:1:1: --cost prices a run: give --report");
        expectError(CliRun.run("tco", "--report", "x.json", "--output", "200"), "error: --output:1:1: --output "
                + "counts a request's generated tokens beside its --prompt tokens");
        expectError(CliRun.run("run", "--functional", "--price", "1"), "error: --price:1:1: --price does not go "
                + "with --functional");
        expectError(CliRun.run("run", "--model", RunTest.TINY, "--speculate", "2", "--draft",
                "src/test/resources/models/tiny-draft.json", "--cost", "groq-2024"), "error: --cost:1:1: --cost "
                + "prices plain decoding");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\n  \"model\": \"m\"\n}\n");
        expectError(CliRun.run("tco", "--report", bad.toString()), "error: " + bad + ":1:1: a run report (lockstep "
                + "run --json) lacks required key 'system'");
        expectError(CliRun.run("run", "--model", RunTest.TINY, "--cost", "h100-hgx-2024"), "error: --cost:1:1: the "
                + "cost description h100-hgx-2024 prices h100 servers, and the run is of tsp-v1 chips");
    }

    private static void expectError(CliRun.Result r, String start) {
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).startsWith(start);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.out()).isEmpty();
    }
}
