// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.io.Overridden;
import dev.lockstep.isa.io.Nearest;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.run.DecodeRequest;
import dev.lockstep.sensitivity.Knob;
import dev.lockstep.sensitivity.Knobs;
import dev.lockstep.sensitivity.SensitivityReport;
import dev.lockstep.sensitivity.SensitivityRequest;
import dev.lockstep.sensitivity.SensitivityRun;
import dev.lockstep.sensitivity.TornadoChart;
import dev.lockstep.sensitivity.Variants;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep sensitivity}: parses the run's options, calls {@link SensitivityRun} and renders its report
 * ({@link SensitivityRenderer}, {@link TornadoChart}).
 */
@Command(name = "sensitivity", mixinStandardHelpOptions = true,
        description = "Rerun the decode of 'lockstep run' with every unpublished timing parameter halved and doubled "
                + "(the chip's timing.* and the cables' latencies; published ones such as the clock and the measured "
                + "link latency are left out) and report tokens/s per user against the baseline, largest swing "
                + "first. Runs up to --threads variations at once; progress on stderr.")
final class SensitivityCommand implements Callable<Integer> {
    static final String NAME = "sensitivity";

    @Mixin
    DecodeOptions decode;

    @Option(names = "--threads", paramLabel = "N", description = "Variations run at once (default: the cores); each "
            + "needs the heap of one run. The results do not depend on it.")
    Integer threads;

    @Option(names = "--json", description = "Print only a JSON object on stdout.")
    boolean json;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Also write a tornado chart (PNG).")
    Path chart;

    @Option(names = "--vary", paramLabel = "NAME", description = "Vary only this parameter (its dotted key, e.g. "
            + "timing.mxm_install_cycles, latency_cycles.rack); repeatable. Default: all of them.")
    List<String> vary = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int t = OptionRange.threads(threads);
        List<Knob> knobs = knobs();
        Optional<Path> chartFile = Optional.ofNullable(chart).map(SensitivityCommand::checkWritable);
        Overridden<SystemSpec> sys = decode.system();
        if (decode.pipelines != 1) {
            throw new InputException("--pipelines", 1, 1, "sensitivity varies one copy of the model: leave out "
                    + "--pipelines");
        }
        DecodeRequest base = decode.request(sys.spec(), Optional.empty(), 1, true);
        Variants variants = Variants.of(decode.system, decode.params.system(), decode.params.chip());
        SensitivityReport report = SensitivityRun.run(new SensitivityRequest(base, variants, knobs, t), line -> {
            err.println("lockstep sensitivity: " + line);
            err.flush();
        });
        chartFile.ifPresent(f -> Outputs.write(f, TornadoChart.png(report)));
        err.println(String.format("lockstep sensitivity: %d runs in %.1f s", report.runs(), report.wallSeconds()));
        err.flush();
        if (json) {
            out.print(Outputs.text(SensitivityRenderer.json(report, sys.changes())));
        } else {
            SensitivityRenderer.text(report, sys.changes(), out);
        }
        out.flush();
        return 0;
    }

    /** --vary's parameters in the list's order, or all. */
    private List<Knob> knobs() {
        for (String name : vary) {
            if (Knobs.byName(name).isEmpty()) {
                List<String> names = Knobs.VARIED.stream().map(Knob::name).toList();
                throw new InputException("--vary", 1, 1, "--vary " + name + ": not a parameter this command varies"
                        + Nearest.hint(name, names) + "; one of " + String.join(", ", names));
            }
        }
        return Knobs.VARIED.stream().filter(k -> vary.isEmpty() || vary.contains(k.name())).toList();
    }

    /** Refuses, before any run, a chart whose directory does not exist or that names a directory. */
    private static Path checkWritable(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) {
            throw new InputException("--chart", 1, 1, file + " is a directory; give a file name, e.g. "
                    + file.resolve("sensitivity.png"));
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new InputException("--chart", 1, 1, "the directory of " + file + " does not exist; create it or "
                    + "give another path");
        }
        return file;
    }
}
