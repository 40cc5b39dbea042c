// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import static dev.lockstep.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimCliTest {
    @Test
    void jsonHasTheDocumentedFieldsAndNothingElseOnStdout() throws Exception {
        CliRun.Result r = run("sim", "asm/vector-add.lsa", "--json", "--dump", "sum");
        assertThat(r.exit()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("cycles").asLong()).isEqualTo(16);
        assertThat(j.get("instructions").asLong()).isEqualTo(7);
        assertThat(j.get("unit_utilization").fieldNames()).toIterable().containsExactly("mem", "vxm", "mxm", "sxm",
                "c2c");
        assertThat(j.get("trace_hash").asText()).matches("[0-9a-f]{16}");
        assertThat(j.get("dumps").get("sum").get(33).asDouble()).isEqualTo(0.75);
    }

    @Test
    void timingOnlyGivesTheSameCyclesAndHash() throws Exception {
        JsonNode f = new ObjectMapper().readTree(run("sim", "asm/gemv-tile.lsa", "--json").out());
        JsonNode t = new ObjectMapper().readTree(run("sim", "asm/gemv-tile.lsa", "--json", "--timing-only").out());
        assertThat(t.get("cycles")).isEqualTo(f.get("cycles"));
        assertThat(t.get("trace_hash")).isEqualTo(f.get("trace_hash"));
        assertThat(t.get("mode").asText()).isEqualTo("timing-only");
    }

    @Test
    void aBinaryProgramSimulatesLikeItsSource(@TempDir Path dir) throws Exception {
        Path lsb = dir.resolve("t.lsb");
        assertThat(run("asm", "asm/transpose.lsa", "-o", lsb.toString()).exit()).isZero();
        JsonNode fromText = new ObjectMapper().readTree(run("sim", "asm/transpose.lsa", "--json").out());
        JsonNode fromBinary = new ObjectMapper().readTree(run("sim", lsb.toString(), "--json").out());
        assertThat(fromBinary.get("trace_hash")).isEqualTo(fromText.get("trace_hash"));
    }

    @Test
    void aHazardIsOneErrorLineAtTheInstructionsSourceLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("h.lsa");
        Files.writeString(f, "; nothing arrives\n.queue vxm.3\n    @5 vmov.i8 e0, w7\n");
        CliRun.Result r = run("sim", f.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: " + f + ":3:5: hazard stream_empty: chip 0, cycle 5, queue vxm.3, "
                + "instruction 0 (vmov.i8 e0, w7): reads stream w7 at position 46 (vxm) at cycle 5, but no vector "
                + "is there (nothing was put on that stream to arrive then)\n");
    }

    @Test
    void theTraceIsAChromeTraceEventFile(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("t.json");
        CliRun.Result r = run("sim", "asm/vector-add.lsa", "--trace", trace.toString());
        assertThat(r.exit()).isZero();
        JsonNode t = new ObjectMapper().readTree(trace.toFile());
        JsonNode events = t.get("traceEvents");
        long slices = 0;
        for (JsonNode e : events) {
            if (e.get("ph").asText().equals("X")) {
                slices++;
                assertThat(e.get("ts").asLong()).isNotNegative();
                assertThat(e.get("dur").asLong()).isPositive();
            }
        }
        assertThat(slices).as("7 queue slices and 7 unit slices").isEqualTo(14);
        CliRun.Result windowed = run("sim", "asm/vector-add.lsa", "--trace", trace.toString(), "--trace-window",
                "0:5");
        assertThat(windowed.out()).contains("(4 instructions");
    }

    @Test
    void anEmptyOrMalformedTraceWindowIsOneErrorLine(@TempDir Path dir) {
        Path trace = dir.resolve("t.json");
        for (String window : new String[] {"9:2", "5:5", "-1:4", "3", "a:b"}) {
            CliRun.Result r = run("sim", "asm/vector-add.lsa", "--trace", trace.toString(), "--trace-window", window);
            assertThat(r.exit()).as(window).isEqualTo(1);
            assertThat(r.err()).as(window).startsWith("error: --trace-window:1:1: --trace-window").doesNotContain("\tat ");
            assertThat(r.err().strip().lines().count()).as(window).isEqualTo(1);
        }
        assertThat(trace).doesNotExist();
        // without --trace the window is checked all the same
        CliRun.Result bare = run("sim", "asm/vector-add.lsa", "--trace-window", "9:2");
        assertThat(bare.exit()).isEqualTo(1);
        assertThat(bare.err()).startsWith("error: --trace-window:1:1: --trace-window FROM:TO needs 0 <= FROM < TO");
        CliRun.Result runBare = run("run", "--trace-window", "9:2");
        assertThat(runBare.exit()).isEqualTo(1);
        assertThat(runBare.err()).startsWith("error: --trace-window:1:1: --trace-window FROM:TO needs 0 <= FROM < TO");
        CliRun.Result runWords = run("run", "--trace-window", "abc");
        assertThat(runWords.err()).as("named after the option that is wrong")
                .startsWith("error: --trace-window:1:1: --trace-window takes FROM:TO (cycles), got abc");
        CliRun.Result runChips = run("run", "--trace-chips", "5:2");
        assertThat(runChips.err()).startsWith("error: --trace-chips:1:1: --trace-chips must name 1 to 64 path");
        CliRun.Result events = run("sim", "asm/vector-add.lsa", "--trace-max-events", "0");
        assertThat(events.err()).startsWith("error: --trace-max-events:1:1: --trace-max-events must be at least 1");
    }

    @Test
    void dumpingInATimingOnlyRunIsRefused() {
        CliRun.Result r = run("sim", "asm/vector-add.lsa", "--timing-only", "--dump", "sum");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("--dump needs values");
    }
}
