// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.graph;

/**
 * The weight tensors and caches of a decoder-only transformer, as the compiler names them. A tensor that exists once
 * per expert is told apart by {@link TensorId#expert()}.
 */
public enum Tensor {
    /** input_layernorm: hidden values. */
    ATTENTION_NORM,
    /** q_proj, k_proj and v_proj side by side: [hidden x (heads + 2 kvHeads) headDim]. */
    QKV,
    /** A sequence's K cache of one KV head: [headDim x cached tokens]. */
    K_CACHE,
    /** A sequence's V cache of one KV head: [cached tokens x headDim]. */
    V_CACHE,
    /** o_proj: [heads headDim x hidden]. */
    O,
    /** post_attention_layernorm: hidden values. */
    FFN_NORM,
    /** The MoE gate: [hidden x experts]. */
    ROUTER,
    /** An expert's w1 (gate) and w3 (up) side by side: [hidden x 2 intermediate]. */
    GATE_UP,
    /** An expert's w2 (down): [intermediate x hidden]. */
    DOWN,
    /** The final norm: hidden values. */
    FINAL_NORM,
    /** lm_head: [hidden x vocab] (the embedding table when tied). */
    LM_HEAD
}
