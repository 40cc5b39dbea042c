// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.compiler.model.DecodeBuilder;
import dev.lockstep.compiler.model.DecodePlan;
import dev.lockstep.compiler.model.ModelConfig;
import dev.lockstep.compiler.model.ModelConfigs;
import dev.lockstep.compiler.model.Precision;
import dev.lockstep.isa.Unit;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.SystemSimulator;
import dev.lockstep.sim.TraceHash;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep run}: the main job. Plans a model's decode step over a system, compiles every chip's program,
 * simulates all of them (timing-only, identical programs once) and reports tokens per second.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Compile a model's decode step for every chip of a system, simulate it cycle by cycle "
                + "(timing-only) and report tokens/s per user and in total. Default: Mixtral-8x7B, fp16 weights, "
                + "tsp-576, 3 sequences in flight, context 4096.")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "PRESET|FILE", defaultValue = "mixtral-8x7b",
            description = "A model preset (mixtral-8x7b, llama-2-70b, llama-2-7b, mistral-7b, llama-3-8b), a "
                    + "Hugging Face config.json or a directory holding one. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--system", paramLabel = "PRESET|FILE", defaultValue = "tsp-576",
            description = "The system: node-8, rack-72, tsp-576 or a JSON file. Default: ${DEFAULT-VALUE}.")
    String system;

    @Option(names = "--chips", paramLabel = "N", description = "Use the first N chips of the system (along its "
            + "chip path). Default: all.")
    Integer chips;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "3",
            description = "Sequences in flight. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--context", paramLabel = "C", defaultValue = "4096",
            description = "Context length in tokens: the KV cache each token attends over. Default: ${DEFAULT-VALUE}.")
    int context;

    @Option(names = "--weights", paramLabel = "fp16|int8", defaultValue = "fp16",
            description = "Weight storage precision. Default: ${DEFAULT-VALUE}.")
    String weights;

    @Option(names = "--threads", paramLabel = "N", description = "Simulation threads (default: the cores). The "
            + "results do not depend on it.")
    Integer threads;

    @Option(names = "--json", description = "Print only a JSON object on stdout.")
    boolean json;

    @Option(names = "--no-dedup", description = "Simulate every chip in full, also where another chip runs the "
            + "identical program (slower; the results are the same, which this option lets you check).")
    boolean noDedup;

    @Option(names = "--prompt-tokens", paramLabel = "P", description = "Also simulate the prefill of a P-token "
            + "prompt (in chunks through the pipeline) and report the time to first token.")
    Integer promptTokens;

    @Option(names = "--prefill-chunk", paramLabel = "R", defaultValue = "4", description = "Prompt tokens per "
            + "prefill chunk: its products multiply R rows at once; 1 runs the prompt token by token. Default: "
            + "${DEFAULT-VALUE}.")
    int prefillChunk;

    @Option(names = "--functional", description = "Generate tokens greedily with a checkpoint's real weights "
            + "(--checkpoint, --prompt, --tokens), simulating every chip with data.")
    boolean functional;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "With --functional: a Hugging Face checkpoint "
            + "directory (config.json and model.safetensors; F16, BF16 or F32 tensors).")
    java.nio.file.Path checkpoint;

    @Option(names = "--prompt", paramLabel = "IDS", description = "With --functional: the prompt's token ids, e.g. "
            + "1,17,300.")
    String prompt;

    @Option(names = "--tokens", paramLabel = "N", description = "With --functional: tokens to generate. Default: 1.")
    Integer tokens;

    @Option(names = "--logits-out", paramLabel = "FILE.npy", description = "With --functional: write the logits of "
            + "every generated token as a float32 .npy of shape [N, vocab].")
    java.nio.file.Path logitsOut;

    @Option(names = "--trace", paramLabel = "FILE.json", description = "Write a Chrome trace-event timeline of the "
            + "chips of --trace-chips (open it in ui.perfetto.dev).")
    java.nio.file.Path trace;

    @Option(names = "--trace-chips", paramLabel = "FROM:TO", defaultValue = "layer0",
            description = "Path positions [FROM, TO) of the chips to trace, or layer0 (the first layer's chips). "
                    + "Default: ${DEFAULT-VALUE}.")
    String traceChips;

    @Option(names = "--trace-window", paramLabel = "FROM:TO", defaultValue = "0:2000000",
            description = "Cycles [FROM, TO) kept in the trace. Default: ${DEFAULT-VALUE}.")
    String traceWindow;

    @Spec
    CommandSpec spec;

    /** The timeline of some chips: they run again on their own, with a listener (exact: see SystemSimulator). */
    private void writeTrace(SystemSpec sys, DecodePlan plan, DecodeBuilder.Result built, PrintWriter err) {
        int from;
        int to;
        long wFrom;
        long wTo;
        try {
            String[] c = traceChips.equals("layer0") ? new String[] {String.valueOf(plan.layerStart(0)),
                    String.valueOf(plan.layerStart(0) + plan.chipsPerLayer())} : traceChips.split(":");
            from = Integer.parseInt(c[0]);
            to = Integer.parseInt(c[1]);
            String[] w = traceWindow.split(":");
            wFrom = Long.parseLong(w[0]);
            wTo = Long.parseLong(w[1]);
        } catch (RuntimeException e) {
            throw new InputException("--trace-chips", 1, 1, "--trace-chips takes FROM:TO (path positions) or layer0, "
                    + "and --trace-window FROM:TO (cycles); got " + traceChips + " and " + traceWindow);
        }
        if (from < 0 || to > plan.chips() || from >= to || to - from > 64) {
            throw new InputException("--trace-chips", 1, 1, "--trace-chips must name 1 to 64 path positions within "
                    + "0.." + plan.chips() + ", got " + traceChips);
        }
        java.util.List<Integer> ids = new java.util.ArrayList<>();
        for (int p = from; p < to; p++) {
            ids.add(built.path().chip(p));
        }
        ChromeTrace chrome = new ChromeTrace(sys.chip(), built.program(), wFrom, wTo, 5_000_000);
        SystemSimulator.trace(sys, built.program(), ids, chrome);
        chrome.write(trace);
        err.printf("lockstep run: wrote %s: chips %s, cycles %d..%d, %d instructions%s%n", trace, ids, wFrom, wTo,
                chrome.kept(), chrome.dropped() > 0 ? " (" + chrome.dropped() + " beyond the limit dropped)" : "");
        err.flush();
    }

    /** --threads, or the cores. */
    private int threads() {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1 || t > 1024) {
            throw new InputException("--threads", 1, 1, "--threads must be 1..1024, got " + t);
        }
        return t;
    }

    @Override
    public Integer call() {
        long wall0 = System.nanoTime();
        var parsed = spec.commandLine().getParseResult();
        if (functional) {
            // the model, its size and the schedule come from the checkpoint: the timing-only run's options do not
            // apply, and are refused rather than ignored
            for (String o : new String[] {"--model", "--chips", "--batch", "--context", "--weights",
                    "--prompt-tokens", "--prefill-chunk", "--no-dedup", "--trace", "--trace-chips", "--trace-window"}) {
                if (parsed.hasMatchedOption(o)) {
                    throw new InputException(o, 1, 1, o + " does not go with --functional, which takes the model from "
                            + "--checkpoint and runs the prompt and tokens one after another; drop " + o);
                }
            }
            int t = threads();
            SystemSpec sys = SystemSpecs.presetOrFile(system);
            return FunctionalRun.run(new FunctionalRun.Options(checkpoint, prompt, tokens == null ? 1 : tokens,
                    logitsOut, sys, t, json), spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        if (checkpoint != null || prompt != null || logitsOut != null || tokens != null) {
            throw new InputException(checkpoint != null ? "--checkpoint" : prompt != null ? "--prompt"
                    : logitsOut != null ? "--logits-out" : "--tokens", 1, 1, "--checkpoint, --prompt, --tokens and "
                    + "--logits-out go with --functional");
        }
        if (promptTokens != null && (promptTokens < 1 || promptTokens > 32768)) {
            throw new InputException("--prompt-tokens", 1, 1, "--prompt-tokens must be 1..32768, got " + promptTokens);
        }
        if (promptTokens != null && promptTokens > context) {
            throw new InputException("--prompt-tokens", 1, 1, "a prompt of " + promptTokens + " tokens does not fit "
                    + "a context of " + context + " (--context); give a longer context or a shorter prompt");
        }
        if (prefillChunk < 1 || prefillChunk > 256) {
            throw new InputException("--prefill-chunk", 1, 1, "--prefill-chunk must be 1..256 rows, got "
                    + prefillChunk);
        }
        if (batch < 1 || batch > 64) {
            throw new InputException("--batch", 1, 1, "--batch must be 1..64 sequences in flight, got " + batch);
        }
        if (context < 1 || context > 1 << 20) {
            throw new InputException("--context", 1, 1, "--context must be 1..1048576 tokens, got " + context);
        }
        Precision precision;
        try {
            precision = Precision.parse(weights);
        } catch (IllegalArgumentException e) {
            throw new InputException("--weights", 1, 1, e.getMessage());
        }
        ModelConfig m = ModelConfigs.presetOrFile(model);
        SystemSpec sys = SystemSpecs.presetOrFile(system);
        int n = chips == null ? sys.chips() : chips;
        if (n < 1 || n > sys.chips()) {
            throw new InputException("--chips", 1, 1, "--chips must be 1.." + sys.chips() + " for " + sys.name()
                    + ", got " + n);
        }
        PrintWriter err = spec.commandLine().getErr();
        DecodePlan plan;
        try {
            plan = DecodePlan.forChips(m, precision, batch, context, sys.chip(), n, sys.chipsPerNode());
        } catch (DecodePlan.TooFewChips e) {
            throw new OutputException(m.name() + " (" + precision.text() + ", batch " + batch + ", context "
                    + context + ") needs at least " + e.minimal().chips() + " chips of " + sys.chip().name()
                    + "; got " + n, null);
        } catch (IllegalArgumentException e) {
            // no number of chips holds it (e.g. one KV head's caches are larger than a chip)
            throw new OutputException(m.name() + " (" + precision.text() + ", batch " + batch + ", context "
                    + context + "): " + e.getMessage(), e);
        }
        DecodePlan unaligned = DecodePlan.forChips(m, precision, batch, context, sys.chip(), n, sys.chipsPerNode(),
                false);
        if (unaligned.chipsPerLayer() != plan.chipsPerLayer()) {
            // layers on whole nodes hold more on each chip; if that does not pack, spread them over more chips
            try {
                DecodeBuilder.checkPacking(plan, sys);
            } catch (dev.lockstep.compiler.CompileException e) {
                err.printf("lockstep run: with %d chips per layer (whole nodes) %s; trying %d chips per layer%n",
                        plan.chipsPerLayer(), e.getMessage(), unaligned.chipsPerLayer());
                plan = unaligned;
            }
        }
        DecodePlan minimal = DecodePlan.minimal(m, precision, batch, context, sys.chip());
        err.printf("lockstep run: %s on %d chips of %s: %d for the embedding table, %d layers x %d chips (attention "
                        + "on %d), %d for the LM head%n", m.name(), plan.chips(), sys.name(), plan.embeddingChips(),
                m.layers(), plan.chipsPerLayer(), plan.attentionChips(), plan.headChips());
        err.flush();
        int t = threads();
        // the prefill first, so that its program is garbage before the decode's is built
        DecodeBuilder.Prefill prefill = null;
        SimResult pr = null;
        double prefillSeconds = 0;
        if (promptTokens != null) {
            long p0 = System.nanoTime();
            try {
                prefill = DecodeBuilder.prefill(plan, sys, promptTokens, prefillChunk, line -> {
                    err.println("lockstep run: " + line);
                    err.flush();
                });
            } catch (dev.lockstep.compiler.CompileException e) {
                throw new OutputException(m.name() + ": --prompt-tokens " + promptTokens + " --prefill-chunk "
                        + prefillChunk + ": " + e.getMessage(), e);
            }
            err.printf("lockstep run: prefill compiled (%d instructions); simulating%n",
                    prefill.program().instructionCount());
            err.flush();
            pr = SystemSimulator.run(sys, prefill.program(), SimOptions.timingOnly(),
                    new SystemSimulator.Parallelism(t, !noDedup));
            if (pr.cycles() != prefill.predictedEndCycle()) {
                throw new IllegalStateException("the prefill simulation took " + pr.cycles() + " cycles where the "
                        + "compiler predicted " + prefill.predictedEndCycle() + ": a compiler or simulator bug");
            }
            prefillSeconds = (System.nanoTime() - p0) / 1e9;
        }
        long c0 = System.nanoTime();
        DecodeBuilder.Result built;
        try {
            built = DecodeBuilder.build(plan, sys, line -> {
                err.println("lockstep run: " + line);
                err.flush();
            });
        } catch (dev.lockstep.compiler.CompileException e) {
            throw new OutputException(m.name() + " (" + precision.text() + ", batch " + batch + ", context " + context
                    + ") on " + plan.chips() + " chips: the plan fits by bytes but a kernel does not compile: "
                    + e.getMessage() + " (the KV caches of many sequences are many small products, each wanting "
                    + "slices of its own; try fewer sequences, a shorter context or more chips)", e);
        }
        double compileSeconds = (System.nanoTime() - c0) / 1e9;
        err.printf("lockstep run: compiled %d instructions for %d chips (%d distinct kernels) in %.1f s; "
                + "simulating%n", built.program().instructionCount(), built.program().chips().size(),
                built.footprint().kernelsCompiled(), compileSeconds);
        err.flush();
        long s0 = System.nanoTime();
        SimResult r = SystemSimulator.run(sys, built.program(), SimOptions.timingOnly(),
                new SystemSimulator.Parallelism(t, !noDedup));
        double simSeconds = (System.nanoTime() - s0) / 1e9;
        if (trace != null) {
            writeTrace(sys, plan, built, err);
        }
        if (r.cycles() != built.predictedEnd()) {
            throw new IllegalStateException("the simulation took " + r.cycles() + " cycles where the compiler "
                    + "predicted " + built.predictedEnd() + ": a compiler or simulator bug");
        }
        // from the compiler's schedule, which the simulation reproduced to its last cycle (checked above)
        long cyclesPerToken = built.cyclesPerToken();
        double clock = sys.chip().clockHz();
        double perUser = clock / cyclesPerToken;
        double wall = (System.nanoTime() - wall0) / 1e9;
        ObjectNode o = Outputs.json();
        o.put("model", m.name());
        o.put("system", sys.name());
        o.put("chips", plan.chips());
        o.put("chips_minimum", minimal.chips());
        o.put("batch", batch);
        o.put("context_tokens", context);
        o.put("weights", precision.text());
        o.put("clock_hz", sys.chip().clockHz());
        o.put("cycles_per_token", cyclesPerToken);
        o.put("tokens_per_second_per_user", perUser);
        o.put("tokens_per_second_total", perUser * batch);
        if (prefill != null) {
            o.put("time_to_first_token_s", prefill.firstTokenCycle() / clock);
            ObjectNode pj = o.putObject("prefill");
            pj.put("prompt_tokens", prefill.promptTokens());
            pj.put("chunk_rows", prefill.chunkRows());
            pj.put("chunks", (prefill.promptTokens() + prefill.chunkRows() - 1) / prefill.chunkRows());
            pj.put("interval_cycles", prefill.intervalCycles());
            pj.put("chunk_latency_cycles", prefill.firstLatencyCycles());
            pj.put("longest_chunk_latency_cycles", prefill.longestLatencyCycles());
            pj.put("exact", prefill.exact());
            pj.put("first_token_cycles", prefill.firstTokenCycle());
            pj.put("simulated_cycles", pr.cycles());
            pj.put("simulated_instructions", pr.instructions());
            pj.put("instructions_simulated_in_full", pr.instructionsRun());
            pj.put("seconds", prefillSeconds);
            pj.put("trace_hash", TraceHash.hex(pr.traceHash()));
        }
        o.put("bound_tokens_per_second_per_user", clock / built.breakdown().boundCycles());
        o.put("bound_cycles_per_token", built.breakdown().boundCycles());
        o.put("first_token_cycles", built.timeline().firstTokenCycles());
        o.put("stagger_cycles", built.timeline().staggerCycles());
        o.put("longest_token_cycles", built.timeline().longestTokenCycles());
        o.put("steady_state_exact", built.steadyStateExact());
        o.put("sram_bytes_per_chip_max", built.footprint().maxSramBytes());
        o.put("program_bytes_per_chip_max", built.footprint().maxProgramBytes());
        o.put("sram_bytes_per_chip", DecodePlan.capacity(sys.chip()));
        ObjectNode u = o.putObject("unit_utilization");
        for (Map.Entry<Unit, Double> e : r.unitUtilization().entrySet()) {
            if (e.getKey() != Unit.ICU) {
                u.put(e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
            }
        }
        ObjectNode b = o.putObject("time_breakdown");
        double first = built.timeline().firstTokenCycles();
        b.put("compute", built.breakdown().computeCycles() / first);
        b.put("on_chip_data_movement", built.breakdown().onChipCycles() / first);
        b.put("links", (built.breakdown().linkCycles() - built.breakdown().onChipCycles()) / first);
        b.put("waiting", 1 - (built.breakdown().computeCycles() + built.breakdown().linkCycles()) / first);
        if (m.moe()) {
            // every expert's slot is reserved and computed; the router's weights (zero for experts not chosen)
            // scale the results, so the schedule holds for any choice of experts
            ObjectNode moe = o.putObject("moe");
            moe.put("experts", m.experts());
            moe.put("experts_per_token", m.expertsPerToken());
            moe.put("experts_computed_per_token", m.experts());
            moe.put("expert_work_discarded", 1 - (double) m.expertsPerToken() / m.experts());
            moe.put("experts_per_chip_max", DecodeBuilder.expertsPerChip(plan));
        }
        // V products over half the cached tokens each, where the whole one did not pack into one half of a chip
        o.put("v_products_split", built.footprint().splitVProducts());
        ObjectNode p = o.putObject("partition");
        p.put("embedding_chips", plan.embeddingChips());
        p.put("chips_per_layer", plan.chipsPerLayer());
        p.put("attention_chips_per_layer", plan.attentionChips());
        p.put("head_chips", plan.headChips());
        p.put("idle_chips", sys.chips() - plan.chips());
        o.put("simulated_cycles", r.cycles());
        o.put("simulated_instructions", r.instructions());
        o.put("chips_simulated_in_full", r.chipsRun());
        o.put("instructions_simulated_in_full", r.instructionsRun());
        // which chips ran in full, and for each the chips that took its result (identical up to time and links)
        ObjectNode groups = o.putObject("deduplication");
        java.util.TreeMap<Integer, java.util.List<Integer>> byRep = new java.util.TreeMap<>();
        for (int c : r.chipIds()) {
            byRep.computeIfAbsent(r.simulatedAs(c), x -> new java.util.ArrayList<>()).add(c);
        }
        byRep.forEach((rep, members) -> {
            var a = groups.putArray(String.valueOf(rep));
            members.forEach(a::add);
        });
        o.put("compile_seconds", compileSeconds);
        o.put("simulate_seconds", simSeconds);
        o.put("wall_seconds", wall);
        o.put("simulated_instructions_per_second", simSeconds > 0 ? r.instructionsRun() / simSeconds : 0);
        o.put("threads", t);
        o.put("trace_hash", TraceHash.hex(r.traceHash()));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.print(Outputs.text(o));
        } else {
            out.printf("model            %s, %s weights, batch %d, context %d%n", m.name(), precision.text(), batch,
                    context);
            out.printf("system           %s: %d chips used (fewest that hold it: %d)%n", sys.name(), plan.chips(),
                    minimal.chips());
            out.printf("partition        embedding %d chips, %d layers x %d chips (attention on %d), LM head %d%n",
                    plan.embeddingChips(), m.layers(), plan.chipsPerLayer(), plan.attentionChips(), plan.headChips());
            out.printf("per user         %.1f tokens/s (%d cycles per token at %.0f MHz)%n", perUser, cyclesPerToken,
                    clock / 1e6);
            out.printf("total            %.1f tokens/s%n", perUser * batch);
            if (!built.steadyStateExact()) {
                out.printf("note             tokens collide on some chips (longest token %d cycles, first %d): the "
                        + "figures above use the slowest%n", built.timeline().longestTokenCycles(), built.timeline().firstTokenCycles());
            }
            if (prefill != null) {
                out.printf("first token      %.1f ms after a %d-token prompt (prefill in chunks of %d tokens: one "
                        + "enters every %d cycles, each takes %d to leave the last layer)%s%n",
                        1e3 * prefill.firstTokenCycle() / clock, prefill.promptTokens(), prefill.chunkRows(),
                        prefill.intervalCycles(), prefill.firstLatencyCycles(), prefill.exact() ? ""
                                : "; some chunks waited, the longest took " + prefill.longestLatencyCycles());
            }
            out.printf("bound            %.1f tokens/s per user (kernel lower bounds + link latencies on the "
                    + "critical path)%n", clock / built.breakdown().boundCycles());
            out.printf("time of a token  compute %.1f%%, on-chip moves %.1f%%, links %.1f%%, waiting %.1f%%%n",
                    100 * b.get("compute").asDouble(), 100 * b.get("on_chip_data_movement").asDouble(),
                    100 * b.get("links").asDouble(), 100 * b.get("waiting").asDouble());
            if (m.moe()) {
                int perChip = DecodeBuilder.expertsPerChip(plan);
                out.printf("experts          all %d computed for every token, %d used: %.0f%% of expert work "
                        + "discarded; %s%n", m.experts(), m.expertsPerToken(),
                        100 - 100.0 * m.expertsPerToken() / m.experts(), perChip == 1
                                ? "no latency cost (each chip works for one expert; experts run side by side)"
                                : "chips hold columns of up to " + perChip + " experts and compute them in turn, "
                                + "so skipping unchosen experts would shorten a token");
            }
            if (built.footprint().splitVProducts() > 0) {
                out.printf("note             %d V-cache products split in two halves of the cached tokens (the "
                        + "whole did not pack into one half of its chip)%n", built.footprint().splitVProducts());
            }
            out.printf("sram per chip    %.1f MB of %.1f MB at most%n", built.footprint().maxSramBytes() / 1e6,
                    DecodePlan.capacity(sys.chip()) / 1e6);
            out.printf("utilisation      %s%n", String.join("  ", r.unitUtilization().entrySet().stream()
                    .filter(e -> e.getKey() != Unit.ICU).map(e -> String.format("%s %.1f%%",
                            e.getKey().name().toLowerCase(Locale.ROOT), 100 * e.getValue())).toList()));
            out.printf("simulated        %d cycles, %d instructions on %d chips (%d chip programs run in full, "
                    + "the rest identical)%n", r.cycles(), r.instructions(), r.chipIds().size(), r.chipsRun());
            out.printf("wall time        %.1f s (compile %.1f s, simulate %.1f s at %.2f M instructions/s, %d "
                    + "threads)%n", wall, compileSeconds, simSeconds, r.instructionsRun() / simSeconds / 1e6, t);
            out.printf("trace hash       %s%n", TraceHash.hex(r.traceHash()));
        }
        out.flush();
        return 0;
    }
}
