// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every figure the project reports, pinned: the runs of {@code golden/runs.txt} (every preset's default run, the
 * what-if systems, the compile targets, the example programs, a prefill, a functional run) against
 * {@code golden/figures.json}, field by field, less the wall-clock fields. A change that moves a figure fails here
 * with the path of every field that moved; one meant to move figures regenerates the file
 * ({@code -Dlockstep.golden.update=true}, see runs.txt) and says so in its commit.
 */
class GoldenFiguresTest {
    private static final Path RUNS = Path.of("src/test/resources/golden/runs.txt");
    private static final Path GOLDEN = Path.of("src/test/resources/golden/figures.json");
    /** Fields that measure the machine, not the model. */
    private static final Set<String> WALL_CLOCK = Set.of("compile_seconds", "simulate_seconds", "wall_seconds",
            "seconds", "other_seconds", "threads", "instructions_per_second", "simulated_instructions_per_second",
            "simulated_chip_cycles_per_second");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final boolean UPDATE = Boolean.getBoolean("lockstep.golden.update");

    private static Path checkpoint;
    private static JsonNode golden;
    private static final ObjectNode seen = JSON.createObjectNode();

    /** One line of runs.txt. */
    record Run(String name, List<String> args) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Run> runs() throws IOException {
        List<Run> runs = new ArrayList<>();
        for (String line : Files.readAllLines(RUNS)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            runs.add(new Run(line.substring(0, colon).trim(),
                    Arrays.asList(line.substring(colon + 1).trim().split("\\s+"))));
        }
        return runs.stream();
    }

    @BeforeAll
    static void setUp() throws IOException {
        checkpoint = Files.createTempDirectory("golden-ckpt");
        StringWriter sink = new StringWriter();
        int exit = Main.execute(new String[] {"random-checkpoint", checkpoint.resolve("ckpt").toString()},
                new PrintWriter(sink), new PrintWriter(sink));
        assertThat(exit).as("random-checkpoint: %s", sink).isZero();
        golden = Files.exists(GOLDEN) ? JSON.readTree(GOLDEN.toFile()) : JSON.createObjectNode();
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (UPDATE) {
            Files.writeString(GOLDEN, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(seen) + "\n");
        }
        try (Stream<Path> files = Files.walk(checkpoint)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void everyGoldenRunIsListed() throws IOException {
        Set<String> names = new TreeSet<>();
        runs().forEach(r -> names.add(r.name()));
        Set<String> pinned = new TreeSet<>();
        golden.fieldNames().forEachRemaining(pinned::add);
        if (!UPDATE) {
            assertThat(pinned).as("runs in figures.json").isEqualTo(names);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void reportEqualsTheGoldenOne(Run run) throws IOException {
        List<String> args = new ArrayList<>();
        for (String a : run.args()) {
            args.add(a.replace("{ckpt}", checkpoint.resolve("ckpt").toString()));
        }
        args.add("--json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        ObjectNode figures = JSON.createObjectNode();
        figures.put("exit", exit);
        if (exit == 0) {
            JsonNode report = JSON.readTree(out.toString());
            strip(report);
            figures.set("report", report);
        } else {
            figures.put("error", err.toString().strip());
        }
        synchronized (seen) {
            seen.set(run.name(), figures);
        }
        if (UPDATE) {
            return;
        }
        JsonNode expected = golden.get(run.name());
        assertThat(expected).as("%s is pinned in figures.json (regenerate it, see runs.txt)", run.name()).isNotNull();
        List<String> moved = new ArrayList<>();
        diff("", expected, figures, moved);
        assertThat(moved).as("fields of %s that differ from golden/figures.json", run.name()).isEmpty();
    }

    private static void strip(JsonNode node) {
        if (node.isObject()) {
            ((ObjectNode) node).remove(WALL_CLOCK);
            node.forEach(GoldenFiguresTest::strip);
        } else if (node.isArray()) {
            node.forEach(GoldenFiguresTest::strip);
        }
    }

    /** Every path at which the two trees differ, with both values. */
    static void diff(String path, JsonNode expected, JsonNode actual, List<String> out) {
        if (expected.isObject() && actual.isObject()) {
            Set<String> keys = new TreeSet<>();
            expected.fieldNames().forEachRemaining(keys::add);
            actual.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                JsonNode e = expected.get(k);
                JsonNode a = actual.get(k);
                if (e == null || a == null) {
                    out.add(path + "/" + k + ": " + e + " -> " + a);
                } else {
                    diff(path + "/" + k, e, a, out);
                }
            }
        } else if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
            for (int i = 0; i < expected.size(); i++) {
                diff(path + "/" + i, expected.get(i), actual.get(i), out);
            }
        } else if (!expected.equals(actual)) {
            out.add(path + ": " + abbreviate(expected) + " -> " + abbreviate(actual));
        }
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    @Test
    void diffNamesEveryMovedField() {
        ObjectNode a = JSON.createObjectNode();
        a.put("cycles", 5).putObject("inner").put("hash", "ab");
        ObjectNode b = a.deepCopy();
        b.put("cycles", 6);
        ((ObjectNode) b.get("inner")).put("hash", "cd");
        b.put("extra", 1);
        List<String> moved = new ArrayList<>();
        diff("", a, b, moved);
        assertThat(moved).containsExactly("/cycles: 5 -> 6", "/extra: null -> 1", "/inner/hash: \"ab\" -> \"cd\"");
    }
}
