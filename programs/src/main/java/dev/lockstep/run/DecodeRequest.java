// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.run;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.model.MoeDispatch;
import dev.lockstep.isa.system.SystemSpec;
import java.util.Optional;

/**
 * A timing-only run of a model's decode step (and optionally a prompt's prefill) on the first {@code chips} chips of
 * a system.
 *
 * @param model   the model
 * @param system  the system
 * @param weights how weights are stored
 * @param batch   sequences in flight
 * @param context tokens of context each token attends over
 * @param chips   chips used, along the system's chip path
 * @param prefill a prompt to prefill first, if any
 * @param threads simulation threads (the results do not depend on it)
 * @param dedup    whether chips whose programs are identical up to time and links are simulated once
 * @param dispatch which experts' weights an MoE layer streams for a token (a dense model takes {@code ALL})
 * @param pipelines copies of the model side by side (data parallel), each on {@code chips / pipelines} of the chips
 *                  (rounded down to whole nodes) with {@code batch} sequences of its own
 */
public record DecodeRequest(ModelConfig model, SystemSpec system, Precision weights, int batch, int context,
                            int chips, Optional<PrefillRequest> prefill, int threads, boolean dedup,
                            MoeDispatch dispatch, int pipelines) {
    /** One pipeline. */
    public DecodeRequest(ModelConfig model, SystemSpec system, Precision weights, int batch, int context, int chips,
                         Optional<PrefillRequest> prefill, int threads, boolean dedup, MoeDispatch dispatch) {
        this(model, system, weights, batch, context, chips, prefill, threads, dedup, dispatch, 1);
    }

    /** A request that streams every expert's weights ({@link MoeDispatch#ALL}). */
    public DecodeRequest(ModelConfig model, SystemSpec system, Precision weights, int batch, int context, int chips,
                         Optional<PrefillRequest> prefill, int threads, boolean dedup) {
        this(model, system, weights, batch, context, chips, prefill, threads, dedup, MoeDispatch.ALL);
    }

    public DecodeRequest {
        prefill.ifPresent(p -> {
            if (p.promptTokens() > context || model.beyondMaxPositions(p.promptTokens())) {
                throw new IllegalArgumentException("a prompt of " + p.promptTokens() + " tokens does not fit a "
                        + "context of " + context + " tokens or " + model.name() + "'s max_position_embeddings ("
                        + model.maxPositions() + ", 0 where the config does not say)");
            }
        });
        if (model.beyondMaxPositions(context)) {
            throw new IllegalArgumentException("a context of " + context + " tokens is longer than " + model.name()
                    + "'s max_position_embeddings (" + model.maxPositions() + ")");
        }
        if (dispatch == MoeDispatch.CHOSEN && !model.moe()) {
            throw new IllegalArgumentException("chosen-expert dispatch applies to MoE models; " + model.name()
                    + " is dense");
        }
        if (batch < 1 || context < 1 || threads < 1) {
            throw new IllegalArgumentException("batch, context and threads must be at least 1, got " + batch + ", "
                    + context + ", " + threads);
        }
        if (chips < 1 || chips > system.chips()) {
            throw new IllegalArgumentException("chips must be 1.." + system.chips() + " for " + system.name()
                    + ", got " + chips);
        }
        if (pipelines < 1 || pipelines > chips) {
            throw new IllegalArgumentException("pipelines must be 1.." + chips + " (one chip each at least), got "
                    + pipelines);
        }
    }

    /**
     * A prompt of {@code promptTokens} tokens, prefilled in chunks of {@code chunkRows}; if {@code fewerIfNeeded}
     * (the rows were not asked for), in chunks of half as many rows, and so on down to 1, where a chunk of
     * {@code chunkRows} does not compile.
     */
    public record PrefillRequest(int promptTokens, int chunkRows, boolean fewerIfNeeded) {
        /** Rows of a chunk when none are asked for. */
        public static final int DEFAULT_CHUNK_ROWS = 4;

        public PrefillRequest {
            if (promptTokens < 1 || chunkRows < 1) {
                throw new IllegalArgumentException("a prompt has at least one token and a chunk at least one row, "
                        + "got " + promptTokens + " and " + chunkRows);
            }
        }

        /** Chunks of exactly {@code chunkRows}. */
        public PrefillRequest(int promptTokens, int chunkRows) {
            this(promptTokens, chunkRows, false);
        }

        /** Chunks of {@link #DEFAULT_CHUNK_ROWS} rows, or fewer where those do not compile. */
        public static PrefillRequest byDefault(int promptTokens) {
            return new PrefillRequest(promptTokens, DEFAULT_CHUNK_ROWS, true);
        }
    }

    /** This request on the first {@code n} chips of its system. */
    public DecodeRequest withChips(int n) {
        return new DecodeRequest(model, system, weights, batch, context, n, prefill, threads, dedup, dispatch,
                pipelines);
    }

    /**
     * Chips each pipeline takes: {@code chips / pipelines}, rounded down to whole nodes where a pipeline has a node
     * or more (so that each starts on a node of its own).
     */
    public int chipsPerPipeline() {
        return chipsPerPipeline(chips, pipelines, system.chipsPerNode());
    }

    /** {@link #chipsPerPipeline()} for {@code chips} chips, {@code pipelines} pipelines, nodes of {@code node}. */
    public static int chipsPerPipeline(int chips, int pipelines, int node) {
        int each = chips / pipelines;
        return pipelines == 1 || each < node ? each : each / node * node;
    }

    /** What the run is, for messages: "Mixtral-8x7B (fp16, batch 3, context 4096)", and the dispatch if chosen. */
    public String title() {
        return model.name() + " (" + weights.text() + ", batch " + batch + (pipelines > 1 ? " per pipeline" : "")
                + ", context " + context
                + (dispatch == MoeDispatch.CHOSEN ? ", chosen experts" : "") + ")";
    }
}
