// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.cost.CostSpecs;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.io.SourceFiles;
import dev.lockstep.sweep.Grid;
import dev.lockstep.sweep.Row;
import dev.lockstep.sweep.SweepFiles;
import dev.lockstep.sweep.SweepRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep sweep}: parses the grids ({@link Grid}), runs each point as {@code lockstep run --json} would
 * ({@link SweepRun}) and writes the files ({@link SweepFiles}); or merges shards.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Run `lockstep run` over a grid of configurations, several at once, and write sweep.csv, "
                + "sweep.jsonl, fits.csv and PNG plots (tokens/s per user against $ per million tokens with the "
                + "frontier; tokens/s per user and joules per token against chips and against batch) into --out. A "
                + "point that fails (a model that does not fit) keeps its error in its row. --shard I/N runs one "
                + "slice (an array job's task); --merge joins the slices into the same files. docs/sweep.md.")
final class SweepCommand implements Callable<Integer> {
    @Option(names = "--grid", paramLabel = "SPEC", description = "A grid: KEY=V1,V2,... words, e.g. \"model="
            + "mixtral-8x7b chips=484,576 batch=1,3,8 weights=fp16,int8\"; keys: model, system, chips, batch, weights, "
            + "context, prompt, moe-dispatch, pipelines, chip.NAME, system.NAME; whole numbers also as A..B or "
            + "A..B:STEP. Repeatable: the sweep is every grid's points, in order.")
    List<String> grids = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "The directory to write into "
            + "(made if missing).")
    Path out;

    @Option(names = "--jobs", paramLabel = "J", description = "Points run at once (default: 2, or 1 on one core).")
    Integer jobs;

    @Option(names = "--threads", paramLabel = "N", description = "Simulation threads per point (default: the cores "
            + "over the jobs). Results do not depend on it.")
    Integer threads;

    @Option(names = "--shard", paramLabel = "I/N", description = "Run only shard I of N (1 <= I <= N): points I, "
            + "I + N, ...; writes shard-I-of-N.jsonl for --merge.")
    String shard;

    @Option(names = "--merge", paramLabel = "DIR|FILE", arity = "1..*", description = "Merge shard files (or the "
            + "shard-*.jsonl files of directories) into the whole sweep's files in --out.")
    List<Path> merge = new ArrayList<>();

    @Option(names = "--yes", description = "Run a sweep of more than 10,000 points.")
    boolean yes;

    @Option(names = "--cost", paramLabel = "PRESET|FILE", description = "Passed to every run (default: run's).")
    String cost;

    @Option(names = "--price", paramLabel = "USD", description = "Passed to every run (default: run's).")
    Double price;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        if (!merge.isEmpty()) {
            if (!grids.isEmpty() || shard != null) {
                throw new InputException("--merge", 1, 1, "--merge joins shards already run: leave out --grid and "
                        + "--shard");
            }
            write(SweepFiles.outputs(SweepFiles.merge(shardFiles())), stdout);
            return 0;
        }
        Grid.Sweep sweep = Grid.parse(grids, common(), yes);
        Shard slice = shard == null ? new Shard(1, 1) : Shard.parse(shard);
        int cores = Runtime.getRuntime().availableProcessors();
        int j = OptionRange.check("--jobs", jobs == null ? Math.min(2, cores) : jobs, 1, 64, "points at once");
        int t = OptionRange.check("--threads", threads == null ? Math.max(1, cores / j) : threads, 1, 1024,
                "threads");
        List<Grid.Point> points = sweep.shard(slice.i(), slice.n());
        err.printf("lockstep sweep: %d points (sweep %s)%s, %d at once%n", points.size(), sweep.id(),
                shard == null ? "" : ", shard " + slice.i() + " of " + slice.n() + " of " + sweep.points().size(), j);
        err.flush();
        List<Row> rows = SweepRun.run(points, j, p -> runPoint(p, sweep.common(), t), line -> {
            err.println("lockstep sweep: " + line);
            err.flush();
        });
        if (shard == null) {
            write(SweepFiles.outputs(rows), stdout);
        } else {
            write(List.of(SweepFiles.shard(sweep, slice.i(), slice.n(), rows)), stdout);
        }
        return 0;
    }

    /** --cost and --price for every run, checked once here (a bad one would fail every point alike). */
    private List<String> common() {
        List<String> args = new ArrayList<>();
        if (cost != null) {
            CostSpecs.presetOrFile(cost);
            args.addAll(List.of("--cost", cost));
        }
        if (price != null) {
            if (!(price > 0) || Double.isInfinite(price)) {
                throw new InputException("--price", 1, 1, "--price must be a positive number of dollars per million "
                        + "tokens, got " + price);
            }
            args.addAll(List.of("--price", Double.toString(price)));
        }
        return args;
    }

    /**
     * One point, as {@code lockstep run ARGS --json} in this process: every option checked and every figure made
     * exactly as {@code run} does (its option checks live in the command line, {@code DecodeOptions}), its JSON
     * read back into a row.
     */
    private static Row runPoint(Grid.Point p, List<String> common, int t) {
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(p.runArgs());
        args.addAll(common);
        args.addAll(List.of("--json", "--threads", String.valueOf(t)));
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int exit = Main.execute(args.toArray(String[]::new), new PrintWriter(o, true), new PrintWriter(e, true));
        if (exit != 0) {
            // run's one error line (exit 1), or the last it printed (a usage or internal error)
            List<String> lines = e.toString().lines().filter(l -> !l.startsWith("lockstep run:")).toList();
            String error = lines.stream().filter(l -> l.startsWith("error:")).findFirst()
                    .orElse(lines.isEmpty() ? "exit " + exit : lines.get(lines.size() - 1));
            return Row.failed(p, error);
        }
        try {
            return Row.ran(p, new ObjectMapper().readTree(o.toString()));
        } catch (IOException ex) {
            throw new IllegalStateException("run's JSON did not parse", ex);
        }
    }

    /** Shard {@code i} of {@code n}. */
    record Shard(int i, int n) {
        static Shard parse(String text) {
            String[] parts = text.split("/");
            try {
                if (parts.length == 2) {
                    int i = Integer.parseInt(parts[0]);
                    int n = Integer.parseInt(parts[1]);
                    if (n >= 1 && i >= 1 && i <= n) {
                        return new Shard(i, n);
                    }
                }
            } catch (NumberFormatException ignored) {
                // the error below says what is right
            }
            throw new InputException("--shard", 1, 1, "--shard must be I/N with 1 <= I <= N (shard I of N), got '"
                    + text + "'");
        }
    }

    private List<SweepFiles.ShardFile> shardFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path m : merge) {
            if (Files.isDirectory(m)) {
                try (Stream<Path> s = Files.list(m)) {
                    s.filter(f -> f.getFileName().toString().matches("shard-\\d+-of-\\d+\\.jsonl")).sorted()
                            .forEach(files::add);
                }
            } else {
                files.add(m);
            }
        }
        List<SweepFiles.ShardFile> out = new ArrayList<>();
        for (Path f : files) {
            out.add(new SweepFiles.ShardFile(f.toString(), new String(SourceFiles.readBytes(f),
                    StandardCharsets.UTF_8)));
        }
        return out;
    }

    private void write(List<SweepFiles.Output> files, PrintWriter stdout) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new OutputException(out + ": cannot make the directory: " + e.getMessage(), e);
        }
        for (SweepFiles.Output f : files) {
            Outputs.write(out.resolve(f.name()), f.bytes());
            stdout.println(out.resolve(f.name()));
        }
        stdout.flush();
    }
}
