// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lockstep sensitivity} on the tiny model: the same output on 1 and 2 threads, the chart, bad input. */
class SensitivityCliTest {
    private static final String[] TINY = {"sensitivity", "--model", "src/test/resources/models/tiny-mixtral.json",
            "--system", "rack-72", "--chips", "24", "--vary", "timing.mxm_install_cycles", "--vary",
            "latency_cycles.rack"};

    private static String[] args(String... more) {
        String[] a = new String[TINY.length + more.length];
        System.arraycopy(TINY, 0, a, 0, TINY.length);
        System.arraycopy(more, 0, a, TINY.length, more.length);
        return a;
    }

    @Test
    void theTableAndTheJsonAreTheSameOnOneAndTwoThreadsAndTheChartIsAPng(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("tornado.png");
        CliRun.Result one = CliRun.run(args("--threads", "1", "--json", "--chart", png.toString()));
        assertThat(one.exit()).as(one.err()).isZero();
        CliRun.Result two = CliRun.run(args("--threads", "2", "--json"));
        assertThat(two.exit()).as(two.err()).isZero();
        assertThat(two.out()).isEqualTo(one.out());
        JsonNode j = one.json();
        assertThat(j.get("rows")).hasSize(2);
        assertThat(j.get("runs").asInt()).isEqualTo(5);
        assertThat(j.get("rows").get(0).get("swing_tokens_per_second_per_user").asDouble())
                .isGreaterThanOrEqualTo(j.get("rows").get(1).get("swing_tokens_per_second_per_user").asDouble());
        // the rack's hop first since the embedding lookup (2,762 against the install's 2,341 tokens/s per user,
        // measured 2026-12-05; the install's swing was the larger before)
        JsonNode rack = j.get("rows").get(0);
        assertThat(rack.get("parameter").asText()).isEqualTo("latency_cycles.rack");
        assertThat(rack.get("halved").get("note").asText()).isEqualTo("217 / 2 rounded down is 108");
        assertThat(one.err().lines().filter(l -> l.matches("lockstep sensitivity: \\d/5 .*"))).hasSize(5);
        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');

        CliRun.Result table1 = CliRun.run(args("--threads", "1"));
        CliRun.Result table2 = CliRun.run(args("--threads", "2"));
        assertThat(table1.exit()).as(table1.err()).isZero();
        assertThat(table2.out()).isEqualTo(table1.out());
        assertThat(table1.out()).contains("baseline         25753.3 tokens/s per user (34947 cycles per token)")
                .contains("left out         chip clock_hz: published");
    }

    @Test
    void anUnknownOptionIsAUsageErrorLikeEveryCommands() {
        CliRun.Result r = CliRun.run("sensitivity", "--no-such-option");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("Unknown option: '--no-such-option'");
    }

    @Test
    void aChartInAMissingDirectoryIsRefusedBeforeAnyRun(@TempDir Path dir) {
        CliRun.Result r = CliRun.run(args("--chart", dir.resolve("no/such/dir/t.png").toString()));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).singleElement().asString().startsWith("error: --chart:1:1: the directory of ")
                .endsWith("does not exist; create it or give another path");
    }

    @Test
    void anUnknownParameterToVaryNamesTheNearest() {
        CliRun.Result r = CliRun.run("sensitivity", "--vary", "timing.mxm_instal_cycles");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().lines()).singleElement().asString().startsWith("error: --vary:1:1: --vary "
                + "timing.mxm_instal_cycles: not a parameter this command varies")
                .contains("timing.mxm_install_cycles");
    }
}
