// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.isa.io.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * What a sweep writes, as named files of bytes: the CSV and JSON lines of its rows, its fits and plots (the same
 * whether it ran whole or in shards merged), and a shard's own file; and the merge of shard files.
 */
public final class SweepFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A file to write: its name in the output directory and its bytes. */
    public record Output(String name, byte[] bytes) {
    }

    /** A shard file's name. */
    public static String shardName(int i, int n) {
        return "shard-" + i + "-of-" + n + ".jsonl";
    }

    private SweepFiles() {
    }

    /** The whole sweep's files, from its rows in point order. */
    public static List<Output> outputs(List<Row> rows) {
        StringBuilder csv = new StringBuilder(String.join(",", Row.COLUMNS)).append('\n');
        StringBuilder jsonl = new StringBuilder();
        for (Row r : rows) {
            csv.append(r.csv()).append('\n');
            jsonl.append(line(r.json())).append('\n');
        }
        StringBuilder fits = new StringBuilder("model,weights,batch,other_settings,points,cost_exponent_in_chips,"
                + "r_squared\n");
        for (SweepFits.Fit f : SweepFits.fit(rows)) {
            fits.append(String.format(Locale.ROOT, "%s,%s,%d,%s,%d,%s,%s%n", f.model(), f.weights(), f.batch(),
                    f.others(), f.points(), f.exponent(), f.rSquared()));
        }
        List<Output> out = new ArrayList<>(List.of(new Output("sweep.csv", bytes(csv)),
                new Output("sweep.jsonl", bytes(jsonl)), new Output("fits.csv", bytes(fits))));
        if (rows.stream().anyMatch(r -> r.figures().isPresent())) {
            // (a sweep none of whose points was priced draws its frontier empty)
            out.add(new Output("frontier.png", SweepPlots.frontier(rows, "tokens/s per user against cost: every "
                    + "point of the sweep")));
            out.add(new Output("vs-chips.png", SweepPlots.against(rows, "against chips bought", "chips bought",
                    Row.Figures::chipsBought, f -> f.model() + ", " + f.weights() + ", batch " + f.batch())));
            out.add(new Output("vs-batch.png", SweepPlots.against(rows, "against batch", "sequences in flight "
                    + "(batch)", Row.Figures::batch, f -> f.model() + ", " + f.weights() + ", " + f.chipsBought()
                    + " chips")));
        }
        return out;
    }

    /** Shard {@code i} of {@code n}'s file: a header line naming the sweep, then its rows. */
    public static Output shard(Grid.Sweep sweep, int i, int n, List<Row> rows) {
        ObjectNode header = JSON.createObjectNode();
        header.put("sweep", sweep.id());
        header.put("points", sweep.points().size());
        header.put("shard", i);
        header.put("shards", n);
        StringBuilder sb = new StringBuilder(line(header)).append('\n');
        for (Row r : rows) {
            sb.append(line(r.json())).append('\n');
        }
        return new Output(shardName(i, n), bytes(sb));
    }

    /** A shard file read back: its name (for errors) and its text. */
    public record ShardFile(String name, String text) {
    }

    /**
     * The rows of a sweep's shard files, in point order: every shard of one sweep, each once, every point once.
     *
     * @throws InputException naming the file and line of what does not fit
     */
    public static List<Row> merge(List<ShardFile> files) {
        if (files.isEmpty()) {
            throw new InputException("--merge", 1, 1, "no shard files (" + shardName(1, 2) + " and the like) found");
        }
        String id = null;
        int points = -1;
        int shards = -1;
        TreeMap<Integer, String> shardSeen = new TreeMap<>();
        TreeMap<Integer, Row> rows = new TreeMap<>();
        for (ShardFile f : files) {
            String[] lines = f.text().split("\n");
            JsonNode h = parse(f.name(), 1, lines[0]);
            if (!h.has("sweep") || !h.has("shard") || !h.has("shards") || !h.has("points")) {
                throw new InputException(f.name(), 1, 1, "not a shard file of lockstep sweep (its first line names "
                        + "the sweep, the shard and the points)");
            }
            if (id == null) {
                id = h.get("sweep").asText();
                points = h.get("points").asInt();
                shards = h.get("shards").asInt();
            } else if (!id.equals(h.get("sweep").asText()) || shards != h.get("shards").asInt()) {
                throw new InputException(f.name(), 1, 1, "this shard is of sweep " + h.get("sweep").asText() + " in "
                        + h.get("shards").asInt() + " shards, and " + shardSeen.firstEntry().getValue() + " of sweep "
                        + id + " in " + shards + ": merge the shards of one sweep");
            }
            int i = h.get("shard").asInt();
            if (shards < 1 || i < 1 || i > shards || points < 1) {
                throw new InputException(f.name(), 1, 1, "shard " + i + " of " + shards + " of " + points + " points "
                        + "is not a shard: a sweep's shards are 1..N of N");
            }
            String before = shardSeen.put(i, f.name());
            if (before != null) {
                throw new InputException(f.name(), 1, 1, "shard " + i + " twice (also " + before + ")");
            }
            for (int k = 1; k < lines.length; k++) {
                if (lines[k].isBlank()) {
                    continue;
                }
                JsonNode o = parse(f.name(), k + 1, lines[k]);
                int index = rowIndex(f.name(), k + 1, o, i, shards, points);
                Row row;
                try {
                    row = Row.fromJson(point(index, o.get("settings").asText()), o);
                } catch (RuntimeException e) {
                    throw new InputException(f.name(), k + 1, 1, "not a row of lockstep sweep (a field is missing or "
                            + "of the wrong kind: " + e.getMessage() + ")");
                }
                if (rows.put(index, row) != null) {
                    throw new InputException(f.name(), k + 1, 1, "point " + index + " twice");
                }
            }
        }
        if (shardSeen.size() != shards) {
            List<Integer> missing = new ArrayList<>();
            for (int i = 1; i <= shards; i++) {
                if (!shardSeen.containsKey(i)) {
                    missing.add(i);
                }
            }
            throw new InputException("--merge", 1, 1, "sweep " + id + " has " + shards + " shards; missing: "
                    + missing);
        }
        if (rows.size() != points) {
            throw new InputException("--merge", 1, 1, "sweep " + id + " has " + points + " points and the shards "
                    + "hold " + rows.size());
        }
        return new ArrayList<>(rows.values());
    }

    /** A row's index, checked: a whole number below the points, of this shard's (every n-th from the i-th). */
    private static int rowIndex(String file, int line, JsonNode o, int shard, int shards, int points) {
        JsonNode index = o.get("index");
        if (index == null || !index.canConvertToInt() || !o.has("settings") || !o.has("status")) {
            throw new InputException(file, line, 1, "not a row of lockstep sweep (it needs index, settings and "
                    + "status)");
        }
        int i = index.asInt();
        if (i < 0 || i >= points || i % shards != shard - 1) {
            throw new InputException(file, line, 1, "point " + i + " is not one of shard " + shard + " of " + shards
                    + " of a sweep of " + points + " points");
        }
        return i;
    }

    private static Grid.Point point(int index, String label) {
        List<Grid.Setting> settings = new ArrayList<>();
        for (String word : label.split(" ")) {
            int eq = word.indexOf('=');
            settings.add(new Grid.Setting(word.substring(0, eq), word.substring(eq + 1)));
        }
        return new Grid.Point(index, settings);
    }

    private static JsonNode parse(String file, int line, String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new InputException(file, line, 1, "not a JSON line: " + e.getMessage().lines().findFirst()
                    .orElse(""));
        }
    }

    private static String line(JsonNode o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(CharSequence s) {
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }
}
