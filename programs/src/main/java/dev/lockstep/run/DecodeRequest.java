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
 */
public record DecodeRequest(ModelConfig model, SystemSpec system, Precision weights, int batch, int context,
                            int chips, Optional<PrefillRequest> prefill, int threads, boolean dedup,
                            MoeDispatch dispatch) {
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
        return new DecodeRequest(model, system, weights, batch, context, n, prefill, threads, dedup, dispatch);
    }

    /** What the run is, for messages: "Mixtral-8x7B (fp16, batch 3, context 4096)", and the dispatch if chosen. */
    public String title() {
        return model.name() + " (" + weights.text() + ", batch " + batch + ", context " + context
                + (dispatch == MoeDispatch.CHOSEN ? ", chosen experts" : "") + ")";
    }
}
