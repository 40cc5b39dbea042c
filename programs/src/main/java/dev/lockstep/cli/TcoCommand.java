// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.cost.CostReport;
import dev.lockstep.cost.GpuReference;
import dev.lockstep.cost.Reference;
import dev.lockstep.cost.RequestMix;
import dev.lockstep.cost.Served;
import dev.lockstep.isa.io.InputException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep tco}: the published analysis's arithmetic redone ({@link Reference}), and with {@code --report} the
 * cost of a run's JSON report ({@link CostReport}), beside the published GPU rows.
 */
@Command(name = "tco", mixinStandardHelpOptions = true,
        description = "Cost of ownership. Without --report: the published analysis's arithmetic redone from its inputs "
                + "(an H100 server's month, the 576-chip Groq system's month, break-even speed-ups) beside the "
                + "published GPU rows. With --report FILE (the JSON of `lockstep run --json`): that run's monthly "
                + "cost, $ per million tokens counted as --prompt/--output say, and the speed-up needed to break even "
                + "at --price.")
final class TcoCommand implements Callable<Integer> {
    @Option(names = "--report", paramLabel = "FILE", description = "A run's JSON report (lockstep run --json).")
    Path report;

    @Option(names = "--prompt", paramLabel = "P", defaultValue = "0", description = "Prompt tokens per request, "
            + "counted as served (the report must come from a run with --prompt-tokens P, for the time they take). "
            + "Default: 0, generated tokens only.")
    int prompt;

    @Option(names = "--output", paramLabel = "O", defaultValue = "1", description = "Generated tokens per request "
            + "(with --prompt). Default: ${DEFAULT-VALUE}.")
    int output;

    @Option(names = "--json", description = "Print only a JSON object on stdout.")
    boolean json;

    @Mixin
    CostOptions costOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        double price = costOptions.price();
        OptionRange.check("--prompt", prompt, 0, 1 << 20, "tokens");
        OptionRange.check("--output", output, 1, 1 << 20, "tokens");
        GpuReference.Table gpus = GpuReference.table();
        ObjectNode o = Outputs.json();
        if (report == null) {
            if (prompt != 0 || spec.commandLine().getParseResult().hasMatchedOption("--output")) {
                throw new InputException("--prompt", 1, 1, "--prompt and --output count the tokens of a run: give "
                        + "--report FILE");
            }
            for (String opt : new String[] {"--cost", "--utilisation"}) {
                if (spec.commandLine().getParseResult().hasMatchedOption(opt)) {
                    throw new InputException(opt, 1, 1, opt + " prices a run: give --report FILE (without it, tco "
                            + "redoes the published arithmetic from the presets groq-2024 and h100-hgx-2024)");
                }
            }
            Reference ref = Reference.compute();
            if (json) {
                TcoRenderer.json(ref, price, o);
                CostRenderer.json(gpus, o.putArray("published_rows"));
            } else {
                TcoRenderer.text(ref, price, out);
                CostRenderer.text(gpus, price, out);
            }
        } else {
            costOptions.spec();
            if (prompt == 0 && spec.commandLine().getParseResult().hasMatchedOption("--output")) {
                throw new InputException("--output", 1, 1, "--output counts a request's generated tokens beside its "
                        + "--prompt tokens: give --prompt P too (without it, generated tokens are counted at the "
                        + "decode rate)");
            }
            Served served = RunReportFile.read(report);
            RequestMix mix = prompt == 0 ? RequestMix.GENERATED_ONLY : new RequestMix(prompt, output, true);
            if (prompt > 0 && served.promptTokens() != prompt) {
                throw new InputException(report.toString(), 1, 1, "--prompt " + prompt + " needs the time to first "
                        + "token of a " + prompt + "-token prompt, and this report " + (served.promptTokens() == 0
                        ? "has no prefill" : "simulated " + served.promptTokens()) + ": run lockstep run "
                        + "--prompt-tokens " + prompt + " --json");
            }
            CostReport c = costOptions.report(mix, served).orElseThrow(() -> new InputException("--cost", 1, 1,
                    "the default cost description " + CostOptions.DEFAULT + " prices tsp-v1 servers, and the run is of "
                            + served.chip() + " chips: give --cost FILE, a description of its servers (docs/cost.md)"));
            if (json) {
                o.put("run", served.what());
                CostRenderer.json(c, o.putObject("cost"));
                CostRenderer.json(gpus, o.putArray("published_rows"));
            } else {
                out.printf("run              %s%n", served.what());
                CostRenderer.text(c, out);
                CostRenderer.text(gpus, price, out);
            }
        }
        if (json) {
            out.print(Outputs.text(o));
        }
        out.flush();
        return 0;
    }
}
