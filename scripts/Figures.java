// SPDX-License-Identifier: Apache-2.0

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The measured tables of the docs, from the reports that scripts/figures wrote (one JSON per run of
 * programs/src/test/resources/golden/runs.txt, and the default run as text): docs/figures.md whole, and in README.md
 * and docs/model.md the blocks between {@code <!-- figures:NAME -->} and {@code <!-- /figures -->}.
 *
 * <p>Run by scripts/figures: {@code java -cp programs/target/lockstep.jar scripts/Figures.java DIR README.md
 * docs/model.md docs/figures.md}.
 */
public class Figures {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One run: its name, its arguments, its report (null if it exited non-zero) and its stderr. */
    record Run(String name, String args, JsonNode report, String err) {
        double d(String field) {
            return report.get(field).asDouble();
        }

        long l(String field) {
            return report.get(field).asLong();
        }

        String s(String field) {
            return report.get(field).asText();
        }

        /** The error line a refused run printed (its progress lines left out). */
        String error() {
            return err.lines().filter(l -> l.startsWith("error: ")).reduce((a, b) -> b).orElse(err.strip())
                    .replace("error: ", "");
        }
    }

    public static void main(String[] a) throws IOException {
        Path dir = Path.of(a[0]);
        Map<String, Run> runs = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("programs/src/test/resources/golden/runs.txt")));
        lines.addAll(Files.readAllLines(Path.of("programs/src/test/resources/golden/figures-only.txt")));
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String name = line.substring(0, line.indexOf(':')).trim();
            String args = line.substring(line.indexOf(':') + 1).trim();
            Path json = dir.resolve(name + ".json");
            String text = Files.exists(json) ? Files.readString(json) : "";
            String err = Files.exists(dir.resolve(name + ".err")) ? Files.readString(dir.resolve(name + ".err")) : "";
            runs.put(name, new Run(name, args, text.isBlank() ? null : JSON.readTree(text), err));
        }
        String defaultRun = Files.readString(dir.resolve("run-default.txt")).stripTrailing();
        Map<String, String> blocks = new LinkedHashMap<>();
        blocks.put("default-run", "```\n" + defaultRun + "\n```");
        blocks.put("what-if", whatIf(runs));
        blocks.put("presets", presets(runs));
        blocks.put("moe-dispatch", moeDispatch(runs));
        blocks.put("long-context", longContext(runs));
        blocks.put("speculation", speculation(runs));
        blocks.put("pipelines", pipelines(runs));
        blocks.put("kernels", kernels(runs));
        blocks.put("cost", cost(runs, dir));
        blocks.put("sweep", sweep(dir.resolve("sweep")));
        replaceBlocks(Path.of(a[1]), blocks);
        replaceBlocks(Path.of(a[2]), blocks);
        Files.writeString(Path.of(a[3]), figuresPage(runs, defaultRun));
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    private static String whatIf(Map<String, Run> runs) {
        StringBuilder t = new StringBuilder("| system | change | tokens/s per user | bound |\n|---|---|---|---|\n");
        String[][] rows = {
            {"run-mixtral-8x7b", "`tsp-576`", "none"},
            {"run-mixtral-8x7b-fast-links", "`programs/systems/tsp-576-fast-links.json`", "links at 28 GB/s instead of 14"},
            {"run-mixtral-8x7b-2x-mxm", "`programs/systems/tsp-576-2x-mxm.json`", "4 MXM planes per slice instead of 2, the same 16 weight streams per hemisphere"}};
        for (String[] r : rows) {
            Run run = runs.get(r[0]);
            t.append("| ").append(r[1]).append(" | ").append(r[2]).append(" | ");
            if (run == null || run.report() == null) {
                t.append("not run: see docs/figures.md | |\n");
                continue;
            }
            t.append(f1(run.d("tokens_per_second_per_user"))).append(" | ")
                    .append(f1(run.d("bound_tokens_per_second_per_user"))).append(" |\n");
        }
        return t.toString().stripTrailing();
    }

    private static String presets(Map<String, Run> runs) {
        StringBuilder t = new StringBuilder("| command | model | chips (fewest) | tokens/s per user | total | bound | "
                + "wall s |\n|---|---|---|---|---|---|---|\n");
        for (Run r : runs.values()) {
            if (!r.name().startsWith("run-") || r.name().contains("tiny") || r.name().contains("functional")
                    || r.name().contains("chosen") || r.name().contains("258") || r.name().contains("-ctx")
                    || r.name().contains("speculate") || r.name().contains("-dp-")) {
                continue;
            }
            String cmd = "`lockstep " + r.args().replace("systems/", "programs/systems/") + "`";
            if (r.report() == null) {
                t.append("| ").append(cmd).append(" | refused: ").append(r.error())
                        .append(" | | | | | |\n");
                continue;
            }
            t.append("| ").append(cmd).append(" | ").append(r.s("model")).append(", ").append(r.s("weights"))
                    .append(" | ").append(r.l("chips")).append(" (").append(r.l("chips_minimum")).append(") | ")
                    .append(f1(r.d("tokens_per_second_per_user"))).append(" | ")
                    .append(f1(r.d("tokens_per_second_total"))).append(" | ")
                    .append(f1(r.d("bound_tokens_per_second_per_user"))).append(" | ")
                    .append(f1(r.d("wall_seconds"))).append(" |\n");
        }
        return t.toString().stripTrailing();
    }

    /** Mixtral on 576 chips and on its fewest, fp16 and int8, with every expert streamed and with the chosen. */
    private static String moeDispatch(Map<String, Run> runs) {
        StringBuilder t = new StringBuilder("| weights | chips (fewest) | dispatch | tokens/s per user | bound | "
                + "time of a token: compute / links | SRAM per chip, MB |\n|---|---|---|---|---|---|---|\n");
        String[] names = {"run-mixtral-8x7b", "run-mixtral-8x7b-chosen", "run-mixtral-8x7b-484",
            "run-mixtral-8x7b-484-chosen", "run-mixtral-8x7b-int8", "run-mixtral-8x7b-int8-chosen",
            "run-mixtral-8x7b-int8-258", "run-mixtral-8x7b-int8-258-chosen"};
        for (String name : names) {
            Run r = runs.get(name);
            String dispatch = name.endsWith("chosen") ? "chosen" : "all";
            if (r == null || r.report() == null) {
                t.append("| | | ").append(dispatch).append(" | not run: see docs/figures.md | | | |\n");
                continue;
            }
            JsonNode b = r.report().get("time_breakdown");
            t.append("| ").append(r.s("weights")).append(" | ").append(r.l("chips")).append(" (")
                    .append(r.l("chips_minimum")).append(") | ").append(dispatch).append(" | ")
                    .append(f1(r.d("tokens_per_second_per_user"))).append(" | ")
                    .append(f1(r.d("bound_tokens_per_second_per_user"))).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f %% / %.1f %%", 100 * b.get("compute").asDouble(),
                            100 * b.get("links").asDouble())).append(" | ")
                    .append(f1(r.d("sram_bytes_per_chip_max") / 1e6)).append(" |\n");
        }
        return t.toString().stripTrailing();
    }

    /** Mixtral at contexts of 4,096 to 32,768 tokens, each with a prompt as long, on 576 and 1,152 chips. */
    private static String longContext(Map<String, Run> runs) {
        StringBuilder t = new StringBuilder("| context and prompt, tokens | chips needed (by bytes) | system | "
                + "tokens/s per user | total | prefill chunk, rows | time to first token | wall s |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (String system : new String[] {"tsp-576", "tsp-1152"}) {
            for (int context : new int[] {4096, 8192, 16384, 32768}) {
                Run r = runs.get("run-mixtral-ctx" + context + "-" + system);
                t.append("| ").append(n(context)).append(" | ");
                if (r == null) {
                    t.append("| `").append(system).append("` | not run: see docs/figures.md | | | | |\n");
                    continue;
                }
                if (r.report() == null) {
                    t.append("| `").append(system).append("` | refused: ").append(r.error()).append(" | | | | |\n");
                    continue;
                }
                JsonNode p = r.report().get("prefill");
                t.append(n(r.l("chips_minimum"))).append(" | `").append(system).append("`, ").append(n(r.l("chips")))
                        .append(" used | ").append(f1(r.d("tokens_per_second_per_user"))).append(" | ")
                        .append(f1(r.d("tokens_per_second_total"))).append(" | ").append(p.get("chunk_rows").asInt())
                        .append(refused(p)).append(" | ")
                        .append(f1(1e3 * r.d("time_to_first_token_s"))).append(" ms | ")
                        .append(f1(r.d("wall_seconds"))).append(" |\n");
            }
        }
        return t.toString().stripTrailing();
    }

    /**
     * Mixtral int8 on tsp-576 with a draft beside it, K = 1 to 8 draft tokens a step: the step, the expected tokens/s
     * per user at three acceptance rates (the runs' figures are the same at any rate but for that), the verify step's
     * time shares.
     */
    private static String speculation(Map<String, Run> runs) {
        StringBuilder t = new StringBuilder("| draft (chips) | K | draft cycles | verify cycles (K + 1 rows) | step "
                + "cycles | tokens/s per user at A = 0.5 / 0.7 / 0.9 | plain decoding (target chips) | verify step: "
                + "compute / links |\n|---|---|---|---|---|---|---|---|\n");
        for (String draft : new String[] {"mistral-7b", "4-layers"}) {
            for (int k = 1; k <= 8; k++) {
                Run r = runs.get("run-mixtral-int8-speculate" + k + "-" + draft);
                if (r == null || r.report() == null) {
                    t.append("| ").append(draft).append(" | ").append(k).append(" | not run: see docs/figures.md | | "
                            + "| | | |\n");
                    continue;
                }
                JsonNode s = r.report().get("speculative");
                JsonNode v = s.get("verify");
                long step = s.get("step_cycles").asLong();
                double clock = r.d("clock_hz");
                StringBuilder rates = new StringBuilder();
                for (double a : new double[] {0.5, 0.7, 0.9}) {
                    double e = dev.lockstep.run.SpeculativeRequest.expectedTokensPerStep(k, a);
                    rates.append(rates.length() == 0 ? "" : " / ").append(f1(e * clock / step));
                }
                t.append("| ").append(s.get("draft").get("model").asText()).append(" (")
                        .append(s.get("draft").get("chips").asInt()).append(") | ").append(k).append(" | ")
                        .append(n(s.get("draft").get("cycles_per_step").asLong())).append(" | ")
                        .append(n(v.get("cycles_per_step").asLong())).append(" | ").append(n(step)).append(" | ")
                        .append(rates).append(" | ").append(f1(r.d("tokens_per_second_per_user"))).append(" (")
                        .append(r.l("chips")).append(") | ")
                        .append(String.format(Locale.ROOT, "%.1f %% / %.1f %%",
                                100 * v.get("time_breakdown").get("compute").asDouble(),
                                100 * v.get("time_breakdown").get("links").asDouble())).append(" |\n");
            }
        }
        return t.toString().stripTrailing();
    }

    /**
     * Mixtral fp16 with one, two, eight and eighteen pipelines side by side, at 3 and 8 sequences each and the most
     * that fit.
     */
    private static String pipelines(Map<String, Run> runs) {
        StringBuilder t = new StringBuilder("| command | chips | pipelines x chips | sequences each (in all) | "
                + "tokens/s per user | total | wall s |\n|---|---|---|---|---|---|---|\n");
        String[] names = {"run-mixtral-8x7b", "run-mixtral-dp-576-b8", "run-mixtral-dp-576-max",
            "run-mixtral-dp-1152-b3", "run-mixtral-dp-1152-b8", "run-mixtral-dp-1152-max", "run-mixtral-dp-4608-b3",
            "run-mixtral-dp-4608-b8", "run-mixtral-dp-4608-max", "run-mixtral-dp-10368-b3",
            "run-mixtral-dp-10368-max"};
        for (String name : names) {
            Run r = runs.get(name);
            if (r == null) {
                t.append("| ").append(name).append(" | not run | | | | | |\n");
                continue;
            }
            String cmd = "`lockstep " + r.args() + "`";
            if (r.report() == null) {
                t.append("| ").append(cmd).append(" | refused: ").append(r.error()).append(" | | | | | |\n");
                continue;
            }
            int pipes = r.report().has("pipelines") ? r.report().get("pipelines").asInt() : 1;
            long each = r.report().has("chips_per_pipeline") ? r.l("chips_per_pipeline") : r.l("chips");
            long batch = r.l("batch");
            t.append("| ").append(cmd).append(" | ").append(n(r.l("chips"))).append(" | ").append(pipes).append(" x ")
                    .append(each).append(" | ").append(batch).append(" (").append(batch * pipes).append(") | ")
                    .append(f1(r.d("tokens_per_second_per_user"))).append(" | ")
                    .append(f1(r.d("tokens_per_second_total"))).append(" | ").append(f1(r.d("wall_seconds")))
                    .append(" |\n");
        }
        return t.toString().stripTrailing();
    }

    /** The published analysis's questions, answered from the runs (docs/cost.md says what each figure rests on). */
    private static String cost(Map<String, Run> runs, Path dir) throws IOException {
        Run def = runs.get("run-mixtral-8x7b");
        Run b8 = runs.get("run-mixtral-dp-576-b8");
        Run dp = runs.get("run-mixtral-dp-1152-b8");
        JsonNode tco = runs.get("tco").report();
        Path mixFile = dir.resolve("tco-mix550.json");
        JsonNode mix = Files.exists(mixFile) ? JSON.readTree(Files.readString(mixFile)).get("cost") : null;
        JsonNode c = def.report().get("cost");
        JsonNode p = def.report().get("power");
        StringBuilder t = new StringBuilder("| question | Lockstep | published | command |\n|---|---|---|---|\n");
        t.append(String.format(Locale.ROOT, "| monthly cost of the 576 chips (72 servers, $2.52 M) | $%,.0f | "
                + "$122,400 | `lockstep tco` |%n", tco.get("groq_576_chips").get("usd_per_month").asDouble()));
        t.append(String.format(Locale.ROOT, "| $ per million tokens, Mixtral on 576 chips at batch 3, generated "
                + "tokens only | $%.2f ($%.2f at the simulated power) | $1.94 (tokens counted not stated) | "
                + "`lockstep run` |%n", c.get("usd_per_million_tokens_at_published_power").asDouble(),
                c.get("usd_per_million_tokens_at_simulated_power").asDouble()));
        t.append(String.format(Locale.ROOT, "| speed-up needed to break even at $0.27 | %.1fx | more than 7.2x "
                + "(from $1.94) | `lockstep run` |%n", c.get("break_even_speedup").asDouble()));
        if (mix != null) {
            t.append(String.format(Locale.ROOT, "| the same, requests of 550 prompt + 200 generated tokens, both "
                    + "counted (%.0f tokens/s) | $%.2f, %.1fx | | `lockstep run --prompt-tokens 550 --json > r.json` "
                    + "then `lockstep tco --report r.json --prompt 550 --output 200` |%n",
                    mix.get("tokens_per_second_counted").asDouble(),
                    mix.get("usd_per_million_tokens_at_published_power").asDouble(),
                    mix.get("break_even_speedup").asDouble()));
        }
        if (b8 != null && b8.report() != null) {
            t.append(String.format(Locale.ROOT, "| batch 8 on the same chips | $%.2f (%.1f tokens/s per user) | | "
                    + "`lockstep run --batch 8` |%n", b8.report().get("cost").get("usd_per_million_tokens_at_published_power")
                    .asDouble(), b8.d("tokens_per_second_per_user")));
        }
        if (dp != null && dp.report() != null) {
            t.append(String.format(Locale.ROOT, "| 2 pipelines x batch 8 on 1,152 chips | $%.2f (%.1f tokens/s per "
                    + "user) | | `lockstep run --system tsp-1152 "
                    + "--pipelines 2 --batch 8` |%n", dp.report().get("cost")
                    .get("usd_per_million_tokens_at_published_power").asDouble(), dp.d("tokens_per_second_per_user")));
        }
        t.append(String.format(Locale.ROOT, "| power per chip, average (busiest chip) | %.1f W (%.1f W), %.1f W of it "
                + "static (fitted to the 215 W TDP) | about 185 W average | `lockstep run` |%n",
                p.get("watts_per_chip_average").asDouble(), p.get("watts_per_chip_peak").asDouble(),
                p.get("watts_per_chip_static").asDouble()));
        t.append(String.format(Locale.ROOT, "| system power with hosts | %.1f kW | about 230 kW | `lockstep run` |%n",
                p.get("system_kw").asDouble()));
        t.append(String.format(Locale.ROOT, "| energy per generated token | %.1f J | not published | `lockstep run` |",
                p.get("joules_per_token").asDouble()));
        return t.toString();
    }

    /** The README's sweep grid (scripts/figures ran it into DIR): a row per point, and the fits. */
    private static String sweep(Path dir) throws IOException {
        List<String> csv = Files.readAllLines(dir.resolve("sweep.csv"));
        List<String> head = List.of(csv.get(0).split(","));
        StringBuilder t = new StringBuilder("| model | weights | chips (bought) | batch | tokens/s per user | total | "
                + "W per chip | J per token | $ per million tokens |\n|---|---|---|---|---|---|---|---|---|\n");
        for (String line : csv.subList(1, csv.size())) {
            List<String> v = splitCsv(line);
            Function<String, String> at = k -> v.get(head.indexOf(k));
            if (at.apply("status").equals("error")) {
                t.append("| ").append(at.apply("settings")).append(" | refused: ")
                        .append(at.apply("error").replace("error: ", "")).append(" | | | | | | | |\n");
                continue;
            }
            t.append(String.format(Locale.ROOT, "| %s | %s | %s (%s) | %s | %.1f | %.1f | %.1f | %.1f | %.2f |%n",
                    at.apply("model"), at.apply("weights"), at.apply("chips"), at.apply("chips_bought"),
                    at.apply("batch"), Double.parseDouble(at.apply("tokens_per_second_per_user")),
                    Double.parseDouble(at.apply("tokens_per_second_total")),
                    Double.parseDouble(at.apply("watts_per_chip_average")),
                    Double.parseDouble(at.apply("joules_per_token")),
                    Double.parseDouble(at.apply("usd_per_million_tokens"))));
        }
        t.append("\nCost per token against chips bought, fitted as chips^k (fits.csv):\n\n| model | weights | batch "
                + "| points | k | R squared |\n|---|---|---|---|---|---|\n");
        List<String> fits = Files.readAllLines(dir.resolve("fits.csv"));
        for (String line : fits.subList(1, fits.size())) {
            String[] v = line.split(",");
            t.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2f | %.3f |%n", v[0], v[1], v[2], v[4],
                    Double.parseDouble(v[5]), Double.parseDouble(v[6])));
        }
        return t.toString().stripTrailing();
    }

    /** A CSV line's fields (quoted fields may hold commas). */
    private static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (ch == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /** " (4 and 2 did not compile)" for a prefill whose larger chunks did not, else "". */
    private static String refused(JsonNode prefill) {
        if (!prefill.has("chunk_rows_refused")) {
            return "";
        }
        List<String> rows = new ArrayList<>();
        prefill.get("chunk_rows_refused").forEach(c -> rows.add(c.get("rows").asText()));
        return " (" + String.join(" and ", rows) + " did not compile)";
    }

    private static String kernels(Map<String, Run> runs) {
        StringBuilder t = new StringBuilder("| command | predicted = simulated cycles | lower bound | efficiency | "
                + "MXM utilisation | compile s |\n|---|---|---|---|---|---|\n");
        for (Run r : runs.values()) {
            if (!r.name().startsWith("compile-") || r.report() == null) {
                continue;
            }
            JsonNode rep = r.report();
            long cycles = rep.get("predicted_cycles").asLong();
            long bound = rep.get("lower_bound_cycles").asLong();
            t.append("| `lockstep ").append(r.args()).append("` | ").append(n(cycles)).append(" | ").append(n(bound))
                    .append(" | ").append(String.format(Locale.ROOT, "%.1f %%", 100.0 * bound / cycles)).append(" | ")
                    .append(rep.has("mxm_utilization") ? String.format(Locale.ROOT, "%.1f %%",
                            100 * rep.get("mxm_utilization").asDouble()) : "-").append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", rep.get("compile_seconds").asDouble())).append(" |\n");
        }
        return t.toString().stripTrailing();
    }

    private static String figuresPage(Map<String, Run> runs, String defaultRun) {
        StringBuilder p = new StringBuilder();
        p.append("# Measured figures\n\n");
        p.append("Generated by `scripts/figures` on ").append(LocalDate.now(ZoneOffset.UTC)).append(" (")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append("); do not edit by hand. Each row is one run of ")
                .append("`programs/src/test/resources/golden/runs.txt` with `--json`; `GoldenFiguresTest` pins the same ")
                .append("runs' figures (less wall times) so that a change that moves one fails until it is meant to.\n\n");
        p.append("## `./lockstep run`\n\n```\n").append(defaultRun).append("\n```\n\n");
        p.append("## Model runs\n\n").append(presets(runs)).append("\n\n");
        p.append("| run | cycles per token | bound cycles | first token cycles | simulated cycles | trace hash |\n")
                .append("|---|---|---|---|---|---|\n");
        for (Run r : runs.values()) {
            // timing-only runs (a functional run's report has its cycles per token, no bound)
            if (r.name().startsWith("run-") && r.report() != null && r.report().has("bound_cycles_per_token")) {
                p.append("| ").append(r.name()).append(" | ").append(n(r.l("cycles_per_token"))).append(" | ")
                        .append(n(r.l("bound_cycles_per_token"))).append(" | ").append(n(r.l("first_token_cycles")))
                        .append(" | ").append(n(r.l("simulated_cycles"))).append(" | `").append(r.s("trace_hash"))
                        .append("` |\n");
            }
        }
        p.append("\n## Kernels\n\n").append(kernels(runs)).append("\n\n");
        p.append("## Example programs and functional runs\n\n| command | cycles | instructions | trace hash |\n")
                .append("|---|---|---|---|\n");
        for (Run r : runs.values()) {
            if (r.report() == null || !(r.name().startsWith("sim-") || r.name().contains("functional"))) {
                continue;
            }
            JsonNode rep = r.report();
            long cycles = rep.has("cycles") ? rep.get("cycles").asLong() : rep.get("simulated_cycles").asLong();
            long instructions = rep.has("instructions") ? rep.get("instructions").asLong()
                    : rep.get("simulated_instructions").asLong();
            String args = r.args().replaceAll("--checkpoint \\S+", "--checkpoint CKPT");
            p.append("| `lockstep ").append(args).append("` | ").append(n(cycles)).append(" | ").append(n(instructions))
                    .append(" | `").append(rep.get("trace_hash").asText()).append("` |\n");
        }
        List<String> refused = new ArrayList<>();
        for (Run r : runs.values()) {
            if (r.report() == null) {
                refused.add("- `lockstep " + r.args() + "`: " + r.error());
            }
        }
        if (!refused.isEmpty()) {
            p.append("\n## Refused as expected\n\n").append(String.join("\n", refused)).append("\n");
        }
        return p.toString();
    }

    /** Rewrites every {@code <!-- figures:NAME -->} ... {@code <!-- /figures -->} block of a file. */
    private static void replaceBlocks(Path file, Map<String, String> blocks) throws IOException {
        String text = Files.readString(file);
        for (Map.Entry<String, String> b : blocks.entrySet()) {
            String open = "<!-- figures:" + b.getKey() + " -->";
            int from = text.indexOf(open);
            while (from >= 0) {
                int to = text.indexOf("<!-- /figures -->", from);
                if (to < 0) {
                    throw new IllegalStateException(file + ": " + open + " has no <!-- /figures -->");
                }
                text = text.substring(0, from + open.length()) + "\n" + b.getValue() + "\n" + text.substring(to);
                from = text.indexOf(open, from + open.length());
            }
        }
        Files.writeString(file, text);
    }
}
