// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.cost.CostReport;
import dev.lockstep.cost.EnergyModel;
import dev.lockstep.cost.Power;
import dev.lockstep.cost.RequestMix;
import dev.lockstep.cost.Served;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.io.Overridden;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.run.DecodeReport;
import dev.lockstep.run.DecodeRequest;
import dev.lockstep.run.DecodeRun;
import dev.lockstep.run.SpeculativeReport;
import dev.lockstep.run.SpeculativeRequest;
import dev.lockstep.run.SpeculativeRun;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep run}: the main job. Parses the options into a request, runs it ({@link DecodeRun}, or
 * {@link FunctionalCommand} with {@code --functional}) and renders the report ({@link DecodeReportRenderer}).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Compile a model's decode step for every chip of a system, simulate it cycle by cycle "
                + "(timing-only) and report tokens/s per user and in total. Default: Mixtral-8x7B, fp16 weights, "
                + "tsp-576, 3 sequences in flight, context 4096.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    DecodeOptions decode;

    @Option(names = "--threads", paramLabel = "N", description = "Simulation threads (default: the cores). The "
            + "results do not depend on it.")
    Integer threads;

    @Option(names = "--json", description = "Print only a JSON object on stdout.")
    boolean json;

    @Option(names = "--no-dedup", description = "Simulate every chip in full, also where another chip runs the "
            + "identical program, every chunk of a prefill, and every copy of --pipelines (slower; the results are the "
            + "same, which this option lets you check).")
    boolean noDedup;

    @Option(names = "--prompt-tokens", paramLabel = "P", description = "Also simulate the prefill of a P-token "
            + "prompt (in chunks through the pipeline) and report the time to first token.")
    Integer promptTokens;

    @Option(names = "--prefill-chunk", paramLabel = "R", description = "Prompt tokens per prefill chunk: its "
            + "products multiply R rows at once; 1 runs the prompt token by token. Default: 4, or 2 or 1 where a "
            + "chunk of 4 does not compile (long contexts; the report says so).")
    Integer prefillChunk;

    @Option(names = "--functional", description = "Generate tokens greedily with a checkpoint's real weights "
            + "(--checkpoint, --prompt, --tokens), simulating every chip with data.")
    boolean functional;

    @Mixin
    FunctionalOptions functionalOptions;

    @Mixin
    TraceOptions traceOptions;

    @Mixin
    SpeculativeOptions speculativeOptions;

    @Mixin
    CostOptions costOptions;

    @Spec
    CommandSpec spec;

    /** --threads, or the cores. */
    private int threads() {
        return OptionRange.threads(threads);
    }

    @Override
    public Integer call() {
        // the wall time counts from here: --batch max searches for its batch while the request is made
        long started = System.nanoTime();
        var parsed = spec.commandLine().getParseResult();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (functional) {
            FunctionalCommand.refuseTimingOptions(parsed);
            int t = threads();
            FunctionalOptions f = functionalOptions;
            Overridden<SystemSpec> sys = decode.system();
            return FunctionalCommand.run(new FunctionalCommand.Options(f.checkpoint, f.prompt, f.tokens == null ? 1
                    : f.tokens, f.logitsOut, sys.spec(), sys.changes(), t, json, decode.moeDispatch,
                    f.chipsPerLayer == null ? 1 : f.chipsPerLayer), out, err);
        }
        functionalOptions.anyGiven().ifPresent(o -> {
            throw new InputException(o, 1, 1, "--checkpoint, --prompt, --tokens, --chips-per-layer and --logits-out "
                    + "go with --functional");
        });
        Overridden<SystemSpec> sys = decode.system();
        if (speculativeOptions.speculate != null && decode.pipelines > 1) {
            throw new InputException("--pipelines", 1, 1, "--speculate runs one target and one draft: leave out "
                    + "--pipelines or --speculate");
        }
        if (speculativeOptions.speculate != null) {
            for (String o : new String[] {"--cost", "--price", "--utilisation"}) {
                if (parsed.hasMatchedOption(o)) {
                    throw new InputException(o, 1, 1, o + " prices plain decoding; a speculative run reports no "
                            + "power or cost of its own (lockstep tco --report prices its JSON): drop " + o + " or "
                            + "--speculate");
                }
            }
        }
        if (speculativeOptions.speculate != null && decode.batch.equals("max")) {
            throw new InputException("--batch", 1, 1, "--batch max sizes one model on all the chips, and --speculate "
                    + "shares them with a draft: give --batch a number");
        }
        if (speculativeOptions.speculate == null) {
            // bad cost options fail before the run (and before --batch max searches), not after it
            costOptions.check(sys.spec().chip().name());
        }
        // the trace's options checked before any search for a batch or plan
        Optional<RunTrace> traceRequest = traceOptions.parse();
        DecodeRequest request = request(sys.spec());
        Consumer<String> progress = line -> {
            err.println("lockstep run: " + line);
            err.flush();
        };
        if (speculativeOptions.speculate != null && traceRequest.isPresent()) {
            throw new InputException("--trace", 1, 1, "--trace goes with plain decoding, not --speculate");
        }
        Optional<SpeculativeRequest> speculative = speculativeOptions.request(request, decode.chips != null);
        if (speculative.isPresent()) {
            SpeculativeReport s = SpeculativeRun.run(speculative.get(), progress);
            if (json) {
                ObjectNode o = DecodeReportRenderer.json(s.plain(), sys.changes());
                SpeculativeRenderer.json(s, o);
                out.print(Outputs.text(o));
            } else {
                DecodeReportRenderer.text(s.plain(), sys.changes(), out);
                SpeculativeRenderer.text(s, out);
            }
            out.flush();
            return 0;
        }
        DecodeReport report = DecodeRun.run(request, progress,
                built -> traceRequest.ifPresent(t -> t.write(request.system(), built, err)), started);
        Power power = Served.power(report, EnergyModel.preset());
        Optional<CostReport> costReport = costOptions.report(RequestMix.GENERATED_ONLY, Served.of(report, power));
        if (json) {
            ObjectNode o = DecodeReportRenderer.json(report, sys.changes());
            CostRenderer.json(power, o.putObject("power"));
            costReport.ifPresent(c -> CostRenderer.json(c, o.putObject("cost")));
            out.print(Outputs.text(o));
        } else {
            DecodeReportRenderer.text(report, sys.changes(), out);
            CostRenderer.text(power, out);
            costReport.ifPresentOrElse(c -> CostRenderer.text(c, out), () -> out.printf("cost             not priced: "
                    + "no cost description prices %s servers (give --cost FILE, docs/cost.md)%n",
                    request.system().chip().name()));
        }
        out.flush();
        return 0;
    }

    /** The options as a request on {@code sys}, each checked against its range. */
    private DecodeRequest request(SystemSpec sys) {
        if (promptTokens != null) {
            // against the model's maximum and --context once the model is read (DecodeOptions.request)
            OptionRange.check("--prompt-tokens", promptTokens, 1, 32768, "tokens");
        }
        if (prefillChunk != null) {
            OptionRange.check("--prefill-chunk", prefillChunk, 1, 256, "rows");
        }
        return decode.request(sys, Optional.ofNullable(promptTokens).map(p -> prefillChunk == null
                ? DecodeRequest.PrefillRequest.byDefault(p) : new DecodeRequest.PrefillRequest(p, prefillChunk)),
                threads(), !noDedup);
    }
}
