// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.config.ModelConfig;

/**
 * The weights of one decoder layer, each matrix [K x N] row-major so that y = x . W (a Hugging Face Linear weight,
 * stored [out x in], transposed).
 *
 * @param attentionNorm  input_layernorm, hidden values
 * @param qkv            q_proj, k_proj and v_proj side by side: [hidden x (heads + 2 kvHeads) headDim], the columns of
 *                       q_proj first, then k_proj, then v_proj
 * @param output         o_proj: [heads headDim x hidden]
 * @param ffnNorm        post_attention_layernorm, hidden values
 * @param router         the MoE gate: [hidden x experts] (empty for a dense model)
 * @param gateUp         per expert, w1 (gate) and w3 (up) side by side: [hidden x 2 intermediate], gate first
 * @param down           per expert, w2 (down): [intermediate x hidden]
 */
public record LayerWeights(double[] attentionNorm, double[] qkv, double[] output, double[] ffnNorm, double[] router,
                           double[][] gateUp, double[][] down) {

    /** Checks every array against the model's shapes. */
    public void check(ModelConfig m) {
        int d = m.hidden();
        int hd = m.headDim();
        int i = m.intermediate();
        need("input_layernorm", attentionNorm.length, d);
        need("qkv", qkv.length, (long) d * (m.heads() + 2L * m.kvHeads()) * hd);
        need("o_proj", output.length, (long) m.heads() * hd * d);
        need("post_attention_layernorm", ffnNorm.length, d);
        need("router", router.length, m.moe() ? (long) d * m.experts() : 0);
        need("experts", gateUp.length, m.experts());
        need("experts", down.length, m.experts());
        for (int e = 0; e < m.experts(); e++) {
            need("expert " + e + " gate and up", gateUp[e].length, 2L * d * i);
            need("expert " + e + " down", down[e].length, (long) i * d);
        }
    }

    private static void need(String what, long got, long want) {
        if (got != want) {
            throw new IllegalArgumentException(what + ": " + got + " values, the model needs " + want);
        }
    }
}
