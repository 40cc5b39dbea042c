// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.ModelConfigs;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.model.MoeDispatch;
import dev.lockstep.compiler.model.PlanSearch;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.io.Overridden;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.run.DecodeRequest;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What a decode run is of (run, sensitivity): the model, the system and its what-if parameters, the workload. */
final class DecodeOptions {
    @Option(names = "--model", paramLabel = "PRESET|FILE", defaultValue = "mixtral-8x7b",
            description = "A model preset (mixtral-8x7b, llama-2-70b, llama-2-7b, mistral-7b, llama-3-8b), a "
                    + "Hugging Face config.json or a directory holding one. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--system", paramLabel = "PRESET|FILE", defaultValue = "tsp-576",
            description = "The system: node-8, rack-72, tsp-256, tsp-576, tsp-1152 (16 racks), tsp-10440 (145 racks, "
                    + "the largest published) or a JSON file. Default: ${DEFAULT-VALUE}.")
    String system;

    @Option(names = "--chips", paramLabel = "N", description = "Use the first N chips of the system (along its "
            + "chip path). Default: all.")
    Integer chips;

    @Option(names = "--batch", paramLabel = "B|max", defaultValue = "3",
            description = "Sequences in flight (in each pipeline), 1..64, or max: the most whose KV caches fit beside "
                    + "the weights. Default: ${DEFAULT-VALUE}.")
    String batch;

    @Option(names = "--pipelines", paramLabel = "P", defaultValue = "1", description = "Copies of the model side by "
            + "side (data parallel), each on an equal share of the chips (whole nodes) with --batch sequences of its "
            + "own, its routes kept within its share. Default: ${DEFAULT-VALUE}.")
    int pipelines;

    @Option(names = "--context", paramLabel = "C", defaultValue = "4096",
            description = "Context length in tokens: the KV cache each token attends over. Default: ${DEFAULT-VALUE}.")
    int context;

    @Option(names = "--weights", paramLabel = "fp16|int8", defaultValue = "fp16",
            description = "Weight storage precision. Default: ${DEFAULT-VALUE}.")
    String weights;

    @Option(names = "--moe-dispatch", paramLabel = "all|chosen", defaultValue = "all",
            description = "Which experts' weights an MoE layer streams for a token: all (every expert's, the router "
                    + "keeping top-k results) or chosen (only the experts the router chose, read at addresses its "
                    + "result sets; docs/model.md, \"Experts chosen by data\"). Default: ${DEFAULT-VALUE} (chosen "
                    + "rests on an instruction pair the reference chip does not publish).")
    String moeDispatch;

    @Mixin
    ParamOptions params;

    /** The system with --system-param and --chip-param applied. */
    Overridden<SystemSpec> system() {
        return params.applyTo(system);
    }

    /** The options as a request on {@code sys}, each checked against its range. */
    DecodeRequest request(SystemSpec sys, Optional<DecodeRequest.PrefillRequest> prefill, int threads, boolean dedup) {
        OptionRange.check("--context", context, 1, 1 << 20, "tokens");
        Precision precision;
        try {
            precision = Precision.parse(weights);
        } catch (IllegalArgumentException e) {
            throw new InputException("--weights", 1, 1, e.getMessage());
        }
        ModelConfig m = ModelConfigs.presetOrFile(model);
        int n = OptionRange.check("--chips", chips == null ? sys.chips() : chips, 1, sys.chips(),
                "chips of " + sys.name());
        OptionRange.check("--pipelines", pipelines, 1, n, "pipelines (a chip each at least)");
        int maxPositions = m.maxPositions();
        prefill.ifPresent(p -> {
            if (m.beyondMaxPositions(p.promptTokens())) {
                throw new InputException("--prompt-tokens", 1, 1, "a prompt of " + p.promptTokens() + " tokens is "
                        + "longer than " + m.name() + "'s max_position_embeddings (" + maxPositions + "): give at most "
                        + Math.min(maxPositions, context));
            }
            if (p.promptTokens() > context) {
                throw new InputException("--prompt-tokens", 1, 1, "a prompt of " + p.promptTokens() + " tokens "
                        + "does not fit a context of " + context + " (--context); give a longer context or a shorter "
                        + "prompt");
            }
        });
        if (m.beyondMaxPositions(context)) {
            throw new InputException("--context", 1, 1, "a context of " + context + " tokens is longer than "
                    + m.name() + "'s max_position_embeddings (" + maxPositions + "): give --context " + maxPositions
                    + " or less");
        }
        MoeDispatch dispatch = MoeDispatch.fromText(moeDispatch).orElseThrow(() -> new InputException(
                "--moe-dispatch", 1, 1, "'" + moeDispatch + "' is not a dispatch: write all or chosen"));
        if (dispatch == MoeDispatch.CHOSEN && !m.moe()) {
            throw new InputException("--moe-dispatch", 1, 1, "chosen applies to MoE models, and " + m.name()
                    + " is dense (no experts): leave --moe-dispatch at all");
        }
        int b = batch(m, precision, sys, DecodeRequest.chipsPerPipeline(n, pipelines, sys.chipsPerNode()), dispatch);
        return new DecodeRequest(m, sys, precision, b, context, n, prefill, threads, dedup, dispatch, pipelines);
    }

    /** The most --batch takes. */
    private static final int MOST_SEQUENCES = 64;

    /** --batch: a number, or max (the largest that packs on {@code chips} chips). */
    private int batch(ModelConfig m, Precision w, SystemSpec sys, int chipsEach, MoeDispatch dispatch) {
        if (!batch.equals("max")) {
            int b;
            try {
                b = Integer.parseInt(batch);
            } catch (NumberFormatException e) {
                throw new InputException("--batch", 1, 1, "--batch must be a number of sequences (1.." + MOST_SEQUENCES
                        + ") or max, got '" + batch + "'");
            }
            return OptionRange.check("--batch", b, 1, MOST_SEQUENCES, "sequences in flight");
        }
        try {
            return PlanSearch.largestBatch(m, w, context, sys, chipsEach, dispatch, MOST_SEQUENCES).orElseThrow(() ->
                    new InputException("--batch", 1, 1, "not even one sequence of " + m.name() + " fits " + chipsEach
                            + " chips at a context of " + context + ": give more chips or a shorter context"));
        } catch (CompileException.NoChipPath e) {
            throw new InputException("--system", 1, 1, e.getMessage());
        }
    }
}
