// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lockstep sweep}: rows as run gives them, failures kept, shards merged byte for byte, bad input refused. */
class SweepCliTest {
    private static final String GRID = "model=" + RunTest.TINY + " system=rack-72 chips=16,24 batch=1,3";
    private static final String FAILING = "model=" + RunTest.TINY + " system=node-8 context=1000000";

    @TempDir
    Path dir;

    @Test
    void aSweepWritesEveryPointsRowAsRunReportsItAndShardsMergeToTheSameBytes() throws Exception {
        Path whole = dir.resolve("whole");
        CliRun.Result r = CliRun.run("sweep", "--grid", GRID, "--grid", FAILING, "--out", whole.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("lockstep sweep: 5 points").contains("[####################] 5/5");
        List<String> csv = Files.readAllLines(whole.resolve("sweep.csv"));
        assertThat(csv).hasSize(6);
        assertThat(csv.get(0)).startsWith("index,settings,status,error,model");
        // the row of point 3 is what lockstep run reports for it
        JsonNode run = CliRun.run("run", "--model", RunTest.TINY, "--system", "rack-72", "--chips", "24", "--batch",
                "3", "--json").json();
        JsonNode row = new ObjectMapper().readTree(Files.readAllLines(whole.resolve("sweep.jsonl")).get(3));
        assertThat(row.get("settings").asText()).endsWith("chips=24 batch=3");
        assertThat(row.get("tokens_per_second_per_user")).isEqualTo(run.get("tokens_per_second_per_user"));
        assertThat(row.get("trace_hash")).isEqualTo(run.get("trace_hash"));
        assertThat(row.get("usd_per_million_tokens")).isEqualTo(run.get("cost")
                .get("usd_per_million_tokens_at_published_power"));
        assertThat(row.get("joules_per_token")).isEqualTo(run.get("power").get("joules_per_token"));
        // the failing point (a model that fits no number of chips) keeps run's error line; the sweep carried on
        assertThat(csv.get(5)).startsWith("4,").contains(",error,\"error: tiny-mixtral (fp16, batch 3, context "
                + "1000000): does not fit any number of chips");
        assertThat(Files.readString(whole.resolve("fits.csv"))).contains("tiny-mixtral,fp16,1,,2,");
        for (String png : List.of("frontier.png", "vs-chips.png", "vs-batch.png")) {
            assertThat(Files.readAllBytes(whole.resolve(png))).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        }
        Path shards = dir.resolve("shards");
        for (int i = 1; i <= 2; i++) {
            CliRun.Result s = CliRun.run("sweep", "--grid", GRID, "--grid", FAILING, "--shard", i + "/2", "--out",
                    shards.toString(), "--jobs", "1");
            assertThat(s.exit()).as(s.err()).isZero();
        }
        Path merged = dir.resolve("merged");
        CliRun.Result m = CliRun.run("sweep", "--merge", shards.toString(), "--out", merged.toString());
        assertThat(m.exit()).as(m.err()).isZero();
        for (String f : List.of("sweep.csv", "sweep.jsonl", "fits.csv", "frontier.png", "vs-chips.png",
                "vs-batch.png")) {
            assertThat(Files.readAllBytes(merged.resolve(f))).as(f).isEqualTo(Files.readAllBytes(whole.resolve(f)));
        }
        // a shard of another sweep, or a shard missing, is refused
        Path other = dir.resolve("other");
        CliRun.run("sweep", "--grid", FAILING, "--shard", "1/2", "--out", other.toString());
        expectError(CliRun.run("sweep", "--merge", shards.resolve("shard-1-of-2.jsonl").toString(),
                other.resolve("shard-1-of-2.jsonl").toString(), "--out", merged.toString()),
                "merge the shards of one sweep");
        expectError(CliRun.run("sweep", "--merge", shards.resolve("shard-1-of-2.jsonl").toString(),
                shards.resolve("shard-1-of-2.jsonl").toString(), "--out", merged.toString()), "shard 1 twice");
        expectError(CliRun.run("sweep", "--merge", shards.resolve("shard-1-of-2.jsonl").toString(), "--out",
                merged.toString()), "has 2 shards; missing: [2]");
    }

    @Test
    void badSweepInputIsOneErrorLine() {
        String out = dir.resolve("o").toString();
        expectError(CliRun.run("sweep", "--grid", GRID, "--shard", "3/2", "--out", out),
                "error: --shard:1:1: --shard must be I/N with 1 <= I <= N (shard I of N), got '3/2'");
        expectError(CliRun.run("sweep", "--grid", "", "--out", out), "the grid is empty");
        expectError(CliRun.run("sweep", "--grid", "batch=1..200 context=1..100", "--out", out),
                "more than 10000 points: give --yes");
        expectError(CliRun.run("sweep", "--merge", dir.toString(), "--out", out), "no shard files");
    }

    private static void expectError(CliRun.Result r, String part) {
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: ").contains(part);
        assertThat(r.err().strip().lines()).hasSize(1);
    }
}
