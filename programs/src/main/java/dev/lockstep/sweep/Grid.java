// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sweep;

import dev.lockstep.isa.io.InputException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep's points: the union, in order, of grids, each the product of its keys' values. A grid is written
 * {@code "model=mixtral-8x7b chips=484,576 batch=1..8:1 weights=fp16,int8"}: keys are {@link #KEYS}, or
 * {@code chip.NAME} and {@code system.NAME} for a chip or system parameter; values are lists, and whole numbers may
 * be ranges {@code A..B} or {@code A..B:STEP}. The product varies the last key fastest.
 */
public final class Grid {
    /** The keys a grid may vary, each one of {@code lockstep run}'s options. */
    public static final Map<String, String> KEYS = Collections.unmodifiableMap(keys());
    /** The most points a sweep runs without being told it may run more. */
    public static final int MOST_WITHOUT_YES = 10_000;
    /** The most points a sweep runs at all (split a larger one into several sweeps). */
    public static final int MOST = 1_000_000;

    private Grid() {
    }

    private static Map<String, String> keys() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("model", "--model");
        k.put("system", "--system");
        k.put("chips", "--chips");
        k.put("batch", "--batch");
        k.put("weights", "--weights");
        k.put("context", "--context");
        k.put("prompt", "--prompt-tokens");
        k.put("moe-dispatch", "--moe-dispatch");
        k.put("pipelines", "--pipelines");
        return k;
    }

    /** The points of {@code grids}, every run with no options besides. */
    public static Sweep parse(List<String> grids, boolean yes) {
        return parse(grids, List.of(), yes);
    }

    /**
     * The points of {@code grids} (each as given on the command line, for errors), checked against their size; every
     * point's run also takes {@code common} (options such as --cost, part of the sweep's identity).
     */
    public static Sweep parse(List<String> grids, List<String> common, boolean yes) {
        if (grids.isEmpty()) {
            throw new InputException("--grid", 1, 1, "no --grid given: write e.g. --grid \"model=mixtral-8x7b "
                    + "chips=484,576 batch=1,3,8\"");
        }
        List<Point> points = new ArrayList<>();
        for (String g : grids) {
            List<List<Setting>> axes = new ArrayList<>();
            List<String> seen = new ArrayList<>();
            for (String word : g.trim().split("\\s+")) {
                if (word.isEmpty()) {
                    continue;
                }
                int eq = word.indexOf('=');
                if (eq <= 0 || eq == word.length() - 1) {
                    throw bad(g, "'" + word + "' is not KEY=VALUES");
                }
                String key = word.substring(0, eq);
                if (!KEYS.containsKey(key) && !key.matches("(chip|system)\\.[a-z0-9_.]+")) {
                    throw bad(g, "unknown key '" + key + "': use " + String.join(", ", KEYS.keySet())
                            + ", chip.NAME or system.NAME");
                }
                if (seen.contains(key)) {
                    throw bad(g, "key '" + key + "' twice");
                }
                seen.add(key);
                List<Setting> values = new ArrayList<>();
                for (String v : values(g, key, word.substring(eq + 1))) {
                    values.add(new Setting(key, v));
                }
                axes.add(values);
            }
            if (axes.isEmpty()) {
                throw bad(g, "the grid is empty: write KEY=V1,V2 words");
            }
            long size = 1;
            for (List<Setting> a : axes) {
                size *= a.size();
                if (size + points.size() > MOST_WITHOUT_YES && !yes) {
                    throw new InputException("--grid", 1, 1, "the sweep has more than " + MOST_WITHOUT_YES
                            + " points: give --yes to run it all, or fewer values");
                }
                if (size + points.size() > MOST) {
                    throw new InputException("--grid", 1, 1, "the sweep has more than " + MOST + " points: split it "
                            + "into several sweeps");
                }
            }
            product(axes, 0, new ArrayList<>(), points);
        }
        if (points.isEmpty()) {
            throw new InputException("--grid", 1, 1, "the grid is empty");
        }
        return new Sweep(points, common, id(points, common));
    }

    private static void product(List<List<Setting>> axes, int i, List<Setting> prefix, List<Point> out) {
        if (i == axes.size()) {
            out.add(new Point(out.size(), prefix));
            return;
        }
        for (Setting s : axes.get(i)) {
            List<Setting> next = new ArrayList<>(prefix);
            next.add(s);
            product(axes, i + 1, next, out);
        }
    }

    private static List<String> values(String grid, String key, String text) {
        List<String> out = new ArrayList<>();
        for (String v : text.split(",", -1)) {
            if (v.isEmpty()) {
                throw bad(grid, key + " has an empty value");
            }
            if (v.matches("-?\\d+\\.\\.-?\\d+(:\\d+)?")) {
                String[] ends = v.split("\\.\\.|:");
                long from;
                long to;
                long step;
                try {
                    from = Integer.parseInt(ends[0]);
                    to = Integer.parseInt(ends[1]);
                    step = ends.length > 2 ? Integer.parseInt(ends[2]) : 1;
                } catch (NumberFormatException e) {
                    throw bad(grid, key + "=" + v + ": a range's ends and step must be whole numbers of at most 9 "
                            + "digits");
                }
                if (step < 1 || to < from) {
                    throw bad(grid, key + "=" + v + ": a range A..B:STEP needs A <= B and STEP >= 1");
                }
                if ((to - from) / step + 1 > MOST_WITHOUT_YES) {
                    throw bad(grid, key + "=" + v + " has more than " + MOST_WITHOUT_YES + " values");
                }
                for (long x = from; x <= to; x += step) {
                    out.add(Long.toString(x));
                }
            } else {
                out.add(v);
            }
        }
        return out;
    }

    private static InputException bad(String grid, String what) {
        return new InputException("--grid", 1, 1, "\"" + grid + "\": " + what);
    }

    /**
     * The sweep's identity: a hash of every point's settings, in order, and the options every run takes (shards of
     * one sweep share it).
     */
    private static String id(List<Point> points, List<String> common) {
        StringBuilder sb = new StringBuilder(String.join(" ", common)).append('\n');
        for (Point p : points) {
            sb.append(p.label()).append('\n');
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One setting of a point: a grid key and its value. */
    public record Setting(String key, String value) {
    }

    /** One configuration: its index in the sweep and its settings. */
    public record Point(int index, List<Setting> settings) {
        public Point {
            settings = List.copyOf(settings);
        }

        /** The {@code lockstep run} options that set it. */
        public List<String> runArgs() {
            List<String> args = new ArrayList<>();
            for (Setting s : settings) {
                if (s.key().startsWith("chip.")) {
                    args.add("--chip-param");
                    args.add(s.key().substring(5) + "=" + s.value());
                } else if (s.key().startsWith("system.")) {
                    args.add("--system-param");
                    args.add(s.key().substring(7) + "=" + s.value());
                } else {
                    args.add(KEYS.get(s.key()));
                    args.add(s.value());
                }
            }
            return args;
        }

        /** Its settings as {@code key=value} words. */
        public String label() {
            StringBuilder sb = new StringBuilder();
            for (Setting s : settings) {
                sb.append(sb.length() == 0 ? "" : " ").append(s.key()).append('=').append(s.value());
            }
            return sb.toString();
        }

        /** The value of {@code key}, or null where the point leaves it at run's default. */
        public String get(String key) {
            for (Setting s : settings) {
                if (s.key().equals(key)) {
                    return s.value();
                }
            }
            return null;
        }
    }

    /** A sweep: its points, the options every point's run takes besides its own, and its identity. */
    public record Sweep(List<Point> points, List<String> common, String id) {
        public Sweep {
            points = List.copyOf(points);
            common = List.copyOf(common);
        }

        /** The points of shard {@code i} of {@code n} (1-based): every n-th from the i-th. */
        public List<Point> shard(int i, int n) {
            List<Point> out = new ArrayList<>();
            for (Point p : points) {
                if (p.index() % n == i - 1) {
                    out.add(p);
                }
            }
            return out;
        }
    }
}
