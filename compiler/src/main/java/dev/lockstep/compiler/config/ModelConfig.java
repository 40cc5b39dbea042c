// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.config;


/**
 * The hyper-parameters of a decoder-only transformer that a decode step needs. A dense model has one expert that
 * every token uses.
 *
 * @param name             a display name (the preset name or the file's directory)
 * @param architecture     the Hugging Face architecture, e.g. {@code MixtralForCausalLM}
 * @param hidden           hidden_size
 * @param intermediate     intermediate_size (per expert)
 * @param layers           num_hidden_layers
 * @param heads            num_attention_heads
 * @param kvHeads          num_key_value_heads (heads for grouped-query attention)
 * @param vocab            vocab_size
 * @param experts          num_local_experts (1 for a dense model)
 * @param expertsPerToken  num_experts_per_tok (1 for a dense model)
 * @param ropeTheta        rope_theta
 * @param slidingWindow    sliding_window, or 0 for none
 * @param tiedEmbeddings   tie_word_embeddings
 * @param rmsNormEps       rms_norm_eps
 * @param maxPositions     max_position_embeddings, the longest context the model was made for, or 0 where the
 *                         config does not say
 */
public record ModelConfig(String name, String architecture, int hidden, int intermediate, int layers, int heads,
                          int kvHeads, int vocab, int experts, int expertsPerToken, double ropeTheta,
                          int slidingWindow, boolean tiedEmbeddings, double rmsNormEps, int maxPositions) {

    /** A model whose config does not give max_position_embeddings. */
    public ModelConfig(String name, String architecture, int hidden, int intermediate, int layers, int heads,
                       int kvHeads, int vocab, int experts, int expertsPerToken, double ropeTheta, int slidingWindow,
                       boolean tiedEmbeddings, double rmsNormEps) {
        this(name, architecture, hidden, intermediate, layers, heads, kvHeads, vocab, experts, expertsPerToken,
                ropeTheta, slidingWindow, tiedEmbeddings, rmsNormEps, 0);
    }

    /**
     * This model with its embedding table apart from its LM head: itself if they are apart already; for a tied model,
     * its twin whose table holds the same values as its head's (a run with data looks tokens up in a table of rows).
     */
    public ModelConfig untied() {
        return !tiedEmbeddings ? this : new ModelConfig(name, architecture, hidden, intermediate, layers, heads,
                kvHeads, vocab, experts, expertsPerToken, ropeTheta, slidingWindow, false, rmsNormEps, maxPositions);
    }

    /** Whether a context of {@code tokens} positions is longer than the model was made for (when it says). */
    public boolean beyondMaxPositions(long tokens) {
        return maxPositions > 0 && tokens > maxPositions;
    }

    public int headDim() {
        return hidden / heads;
    }

    public boolean moe() {
        return experts > 1;
    }

    /** Tokens of context the KV cache holds for a context of {@code context} tokens (the sliding window caps it). */
    public int cachedTokens(int context) {
        return slidingWindow > 0 ? Math.min(context, slidingWindow) : context;
    }
}
