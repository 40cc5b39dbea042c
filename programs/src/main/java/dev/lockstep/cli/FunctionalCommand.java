// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.compiler.model.Checkpoint;
import dev.lockstep.compiler.model.Generation;
import dev.lockstep.compiler.model.ModelWeights;
import dev.lockstep.compiler.model.MoeDispatch;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.io.ParamChange;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.run.DecodeReport;
import dev.lockstep.run.FunctionalRun;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.TraceHash;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/**
 * {@code lockstep run --functional}: checks the options (checkpoint, prompt, tokens, logits file), runs
 * {@link FunctionalRun} and renders its report (text or JSON), writing the logits as .npy if asked.
 */
final class FunctionalCommand {
    private FunctionalCommand() {
    }

    /** The run's options, as {@code lockstep run} parsed them. */
    record Options(Path checkpoint, String prompt, int tokens, Path logitsOut, SystemSpec system,
                   List<ParamChange> changes, int threads, boolean json, String moeDispatch, int chipsPerLayer) {
    }

    /** The most positions (prompt and generated tokens) a functional run takes: its program grows with them. */
    static final int MAX_POSITIONS = 4096;

    /** The most logits (tokens x vocabulary) a run keeps for --logits-out: 4 bytes each, in one array. */
    static final long MAX_LOGITS = 200_000_000L;

    /**
     * The model, its size and the schedule come from the checkpoint: the timing-only run's options do not apply, and
     * are refused rather than ignored.
     */
    static void refuseTimingOptions(CommandLine.ParseResult parsed) {
        for (String o : new String[] {"--model", "--chips", "--batch", "--context", "--weights", "--prompt-tokens",
                "--prefill-chunk", "--no-dedup", "--trace", "--trace-chips", "--trace-window", "--speculate", "--draft",
                "--acceptance", "--draft-chips", "--pipelines", "--cost", "--price", "--utilisation"}) {
            if (parsed.hasMatchedOption(o)) {
                throw new InputException(o, 1, 1, o + " does not go with --functional, which takes the model from "
                        + "--checkpoint and runs the prompt and tokens one after another; drop " + o);
            }
        }
    }

    /** Token ids separated by commas; each id's column is where it starts. */
    record Prompt(int[] ids, int[] columns) {
    }

    static Prompt parsePrompt(String text) {
        if (text == null || text.isBlank()) {
            throw new InputException("--prompt", 1, 1, "--functional needs --prompt: token ids separated by commas, "
                    + "e.g. --prompt 1,17,300");
        }
        String[] parts = text.split(",", -1);
        int[] out = new int[parts.length];
        int[] columns = new int[parts.length];
        int column = 1;
        for (int i = 0; i < parts.length; i++) {
            columns[i] = column;
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new InputException("--prompt", 1, column, "--prompt takes token ids separated by commas; '"
                        + parts[i] + "' is not one");
            }
            column += parts[i].length() + 1;
        }
        return new Prompt(out, columns);
    }

    /** What functional mode cannot run, said against the file that asks for it. */
    private static void checkRunnable(ModelWeights w, Path checkpoint, SystemSpec system, int positions) {
        var m = w.config();
        String config = checkpoint.resolve("config.json").toString();
        if (m.headDim() * m.heads() != m.hidden() || m.headDim() % 2 != 0 || m.heads() % m.kvHeads() != 0) {
            throw new InputException(config, 1, 1, "functional mode needs hidden_size = num_attention_heads x an even "
                    + "head dimension and num_attention_heads a multiple of num_key_value_heads; got hidden_size "
                    + m.hidden() + ", " + m.heads() + " heads, " + m.kvHeads() + " KV heads");
        }
        if (m.beyondMaxPositions(positions)) {
            throw new InputException("--prompt", 1, 1, "the prompt and generated tokens span " + positions
                    + " positions, more than max_position_embeddings " + m.maxPositions() + " in " + config
                    + "; give fewer tokens");
        }
        if (m.slidingWindow() > 0 && positions > m.slidingWindow()) {
            throw new InputException(config, 1, 1, "the prompt and generated tokens span " + positions
                    + " positions, more than sliding_window " + m.slidingWindow() + ", which functional mode does "
                    + "not apply; give fewer tokens");
        }
        if (m.headDim() > 320 || m.experts() > 320) {
            throw new InputException(config, 1, 1, "functional mode holds a head (" + m.headDim() + " values) and "
                    + "the routing weights (" + m.experts() + " experts) in one vector of 320 lanes each");
        }
        if (system.chip().vectorBytes() != dev.lockstep.compiler.dataflow.VectorStep.LANES_PER_VECTOR) {
            throw new InputException(system.name(), 1, 1, "functional mode lays rows out for 320-lane vectors; "
                    + system.chip().name() + " has " + system.chip().vectorBytes());
        }
    }

    static int run(Options o, PrintWriter out, PrintWriter err) {
        long wall0 = System.nanoTime();
        if (o.checkpoint() == null) {
            throw new InputException("--checkpoint", 1, 1, "--functional needs --checkpoint DIR: a directory with "
                    + "config.json and model.safetensors");
        }
        Prompt parsed = parsePrompt(o.prompt());
        int[] prompt = parsed.ids();
        if (o.tokens() < 1 || o.tokens() > MAX_POSITIONS) {
            throw new InputException("--tokens", 1, 1, "--tokens must be 1.." + MAX_POSITIONS + " tokens to generate, "
                    + "got " + o.tokens());
        }
        if (prompt.length + o.tokens() - 1 > MAX_POSITIONS) {
            throw new InputException("--prompt", 1, 1, "the prompt (" + prompt.length + " tokens) and the tokens to "
                    + "generate span more than " + MAX_POSITIONS + " positions; give fewer");
        }
        int most = Math.min(o.system().chipsPerNode(), Generation.MOST_CHIPS_PER_LAYER);
        if (o.chipsPerLayer() < 1 || o.chipsPerLayer() > most) {
            throw new InputException("--chips-per-layer", 1, 1, "--chips-per-layer must be 1.." + most + " (a layer's "
                    + "chips lie in one node of " + o.system().name() + ", at most " + Generation.MOST_CHIPS_PER_LAYER
                    + "), got " + o.chipsPerLayer());
        }
        if (o.logitsOut() != null) {
            Path parent = o.logitsOut().toAbsolutePath().getParent();
            if (Files.isDirectory(o.logitsOut()) || parent == null
                    || !Files.isDirectory(parent)) {
                throw new InputException("--logits-out", 1, 1, "--logits-out needs a file in an existing directory, "
                        + "got " + o.logitsOut());
            }
        }
        ModelWeights w = Checkpoint.load(o.checkpoint());
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= w.config().vocab()) {
                throw new InputException("--prompt", 1, parsed.columns()[i], "prompt token " + prompt[i] + " is "
                        + "outside the vocabulary 0.." + (w.config().vocab() - 1));
            }
        }
        if (o.logitsOut() != null && (long) o.tokens() * w.config().vocab() > MAX_LOGITS) {
            throw new InputException("--logits-out", 1, 1, o.tokens() + " tokens x a vocabulary of "
                    + w.config().vocab() + " logits is more than the " + MAX_LOGITS + " --logits-out writes; give "
                    + "fewer tokens");
        }
        checkRunnable(w, o.checkpoint(), o.system(), prompt.length + o.tokens() - 1);
        MoeDispatch dispatch = MoeDispatch.fromText(o.moeDispatch()).orElseThrow(() -> new InputException(
                "--moe-dispatch", 1, 1, "'" + o.moeDispatch() + "' is not a dispatch: write all or chosen"));
        if (dispatch == MoeDispatch.CHOSEN && !w.config().moe()) {
            throw new InputException("--moe-dispatch", 1, 1, "chosen applies to MoE models, and the checkpoint in "
                    + o.checkpoint() + " is dense (no experts): leave --moe-dispatch at all");
        }
        err.printf("lockstep run: %s from %s: %d layers, functional, %d prompt tokens, %d to generate%n",
                w.config().name(), o.checkpoint(), w.config().layers(), prompt.length, o.tokens());
        err.flush();
        FunctionalRun.Report rep;
        try {
            rep = FunctionalRun.run(new FunctionalRun.Request(w, prompt, o.tokens(), o.logitsOut() != null,
                    o.system(), o.threads(), dispatch, o.chipsPerLayer()), line -> {
                        err.println("lockstep run: " + line);
                        err.flush();
                    });
        } catch (FunctionalRun.TooManyPositions e) {
            throw e.mostTokens() > 0
                    ? new InputException("--tokens", 1, 1, "the prompt and " + o.tokens() + " tokens span "
                    + (prompt.length + o.tokens() - 1) + " positions; " + w.config().name() + "'s chips hold the "
                    + "kernels of " + e.fit() + " (each position's keep constants of their own): give at most "
                    + e.mostTokens() + " tokens (a shorter run holds more positions: its caches and masks are "
                    + "shorter)", e)
                    : new InputException("--prompt", 1, 1, "the prompt's " + prompt.length + " tokens span more "
                    + "positions than " + w.config().name() + "'s chips hold the kernels of (" + e.fit() + ", each "
                    + "position's keep constants of their own): give a shorter prompt", e);
        }
        int vocab = w.config().vocab();
        int[] tokens = rep.generated();
        if (o.logitsOut() != null) {
            Outputs.write(o.logitsOut(), Npy.float32(rep.logits().orElseThrow(), vocab));
        }
        SimResult r = rep.sim();
        DecodeReport.TimeShares shares = rep.timeShares();
        double clock = o.system().chip().clockHz();
        ObjectNode j = Outputs.json();
        j.put("model", w.config().name());
        j.put("system", o.system().name());
        ParamEcho.json(j, o.changes());
        j.put("mode", "functional");
        j.put("chips", rep.chipsUsed());
        j.put("chips_per_layer", rep.built().plan().chipsPerLayer());
        j.put("attention_chips_per_layer", rep.built().plan().attentionChips());
        j.put("clock_hz", clock);
        ArrayNode p = j.putArray("prompt");
        for (int t : prompt) {
            p.add(t);
        }
        ArrayNode g = j.putArray("generated_tokens");
        for (int t : tokens) {
            g.add(t);
        }
        if (o.logitsOut() != null) {
            j.put("logits_out", o.logitsOut().toString());
        }
        ArrayNode chosen = j.putArray("chosen_cycles");
        rep.built().chosenCycles().forEach(chosen::add);
        long first = rep.built().chosenCycles().get(0);
        j.put("first_token_seconds", first / clock);
        rep.built().cyclesPerToken().ifPresent(c -> {
            j.put("cycles_per_token", c);
            j.put("tokens_per_second_per_user", clock / c);
        });
        DecodeReportRenderer.timeBreakdown(j.putObject("time_breakdown"), shares);
        j.put("simulated_cycles", r.cycles());
        j.put("simulated_seconds", r.cycles() / clock);
        j.put("simulated_instructions", r.instructions());
        j.put("compile_seconds", rep.wall().compileSeconds());
        j.put("simulate_seconds", rep.wall().simulateSeconds());
        j.put("wall_seconds", (System.nanoTime() - wall0) / 1e9);
        j.put("threads", o.threads());
        if (w.config().moe()) {
            j.put("moe_dispatch", dispatch.text());
        }
        j.put("trace_hash", TraceHash.hex(r.traceHash()));
        if (o.json()) {
            out.print(Outputs.text(j));
        } else {
            out.printf("model            %s (%s), functional, %d chips of %s%n", w.config().name(), o.checkpoint(),
                    rep.chipsUsed(), o.system().name());
            ParamEcho.text(out, 17, o.changes());
            if (rep.built().plan().chipsPerLayer() > 1) {
                out.printf("layers           %d chips each, attention on %d (normed rows cross among them in fp16)%n",
                        rep.built().plan().chipsPerLayer(), rep.built().plan().attentionChips());
            }
            out.printf("prompt           %s%n", p);
            out.printf("generated        %s%n", g);
            if (w.config().moe()) {
                out.printf("experts          %s%n", dispatch == MoeDispatch.CHOSEN ? w.config().expertsPerToken()
                        + " of " + w.config().experts() + " computed for a token, those the router chose"
                        : "all " + w.config().experts() + " computed for a token, " + w.config().expertsPerToken()
                        + " used");
            }
            if (o.logitsOut() != null) {
                out.printf("logits           %s (%d x %d float32)%n", o.logitsOut(), tokens.length, vocab);
            }
            out.printf("first token      chosen at cycle %d (%.3f ms: the prompt's %d positions one after another)%n",
                    first, 1e3 * first / clock, prompt.length);
            rep.built().cyclesPerToken().ifPresent(c -> out.printf("per token        %.1f cycles, %.1f tokens/s "
                    + "(one sequence, each token through every chip before the next enters)%n", c, clock / c));
            out.printf("time of the run  compute %.1f%%, on-chip moves %.1f%%, links %.1f%%, waiting %.1f%%%n",
                    100 * shares.compute(), 100 * shares.onChip(), 100 * shares.links(), 100 * shares.waiting());
            out.printf("simulated        %d cycles (%.3f ms at %.0f MHz), %d instructions%n", r.cycles(),
                    1e3 * r.cycles() / clock, clock / 1e6, r.instructions());
            out.printf("wall time        %.1f s (compile %.1f s, simulate %.1f s)%n",
                    j.get("wall_seconds").asDouble(), rep.wall().compileSeconds(), rep.wall().simulateSeconds());
            out.printf("trace hash       %s%n", TraceHash.hex(r.traceHash()));
        }
        out.flush();
        return 0;
    }
}
