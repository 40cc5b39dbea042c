// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.ModelConfigs;
import dev.lockstep.compiler.graph.DecoderModel;
import dev.lockstep.isa.io.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face checkpoint directory: {@code config.json} and one {@code model.safetensors} with the standard
 * tensor names of Llama, Mistral and Mixtral ({@code model.embed_tokens.weight},
 * {@code model.layers.N.self_attn.q_proj.weight}, {@code ...block_sparse_moe.experts.E.w1.weight} or
 * {@code ...mlp.gate_proj.weight}, {@code model.norm.weight}, {@code lm_head.weight} unless tied). Linear weights,
 * stored [out x in], are transposed into this project's [K x N].
 */
public final class Checkpoint {
    /** The most parameters functional mode reads: it holds them all in memory as doubles. */
    public static final long MAX_PARAMETERS = 200_000_000L;

    private Checkpoint() {
    }

    public static ModelWeights load(Path dir) {
        Path config = dir.resolve("config.json");
        Path tensors = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(config)) {
            throw new InputException(dir.toString(), 1, 1, "a checkpoint directory holds config.json and "
                    + "model.safetensors; there is no " + config);
        }
        if (!Files.isRegularFile(tensors)) {
            throw new InputException(dir.toString(), 1, 1, "a checkpoint directory holds config.json and "
                    + "model.safetensors (one file; sharded checkpoints are not read); there is no " + tensors);
        }
        ModelConfig m;
        try {
            m = ModelConfigs.parse(config.toString(), dir.getFileName() == null ? "model" : dir.getFileName()
                    .toString(), Files.readAllBytes(config));
        } catch (IOException e) {
            throw new InputException(config.toString(), 1, 1, "cannot read: " + e.getMessage());
        }
        long parameters = DecoderModel.of(m).parameters();
        if (parameters > MAX_PARAMETERS) {
            throw new InputException(config.toString(), 1, 1, m.name() + " has " + parameters + " parameters; "
                    + "functional mode reads at most " + MAX_PARAMETERS + " (timing-only mode takes any size: drop "
                    + "--functional)");
        }
        refuseUnmodelled(config);
        Safetensors st = Safetensors.open(tensors);
        int d = m.hidden();
        int hd = m.headDim();
        int v = m.vocab();
        double[] embedding = fp16(st, "model.embed_tokens.weight", v, d);
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < m.layers(); l++) {
            String p = "model.layers." + l + ".";
            double[] q = fp16(st, p + "self_attn.q_proj.weight", (long) m.heads() * hd, d);
            double[] k = fp16(st, p + "self_attn.k_proj.weight", (long) m.kvHeads() * hd, d);
            double[] vv = fp16(st, p + "self_attn.v_proj.weight", (long) m.kvHeads() * hd, d);
            double[] qkv = sideBySide(d, List.of(q, k, vv));
            double[] o = transpose(fp16(st, p + "self_attn.o_proj.weight", d, (long) m.heads() * hd), d,
                    m.heads() * hd);
            double[][] gateUp = new double[m.experts()][];
            double[][] down = new double[m.experts()][];
            double[] router = new double[0];
            int i = m.intermediate();
            if (m.moe()) {
                router = transpose(fp16(st, p + "block_sparse_moe.gate.weight", m.experts(), d), m.experts(), d);
                for (int e = 0; e < m.experts(); e++) {
                    String x = p + "block_sparse_moe.experts." + e + ".";
                    gateUp[e] = sideBySide(d, List.of(fp16(st, x + "w1.weight", i, d), fp16(st, x + "w3.weight", i, d)));
                    down[e] = transpose(fp16(st, x + "w2.weight", d, i), d, i);
                }
            } else {
                gateUp[0] = sideBySide(d, List.of(fp16(st, p + "mlp.gate_proj.weight", i, d),
                        fp16(st, p + "mlp.up_proj.weight", i, d)));
                down[0] = transpose(fp16(st, p + "mlp.down_proj.weight", d, i), d, i);
            }
            layers.add(new LayerWeights(fp16(st, p + "input_layernorm.weight", d), qkv, o,
                    fp16(st, p + "post_attention_layernorm.weight", d), router, gateUp, down));
        }
        double[] norm = fp16(st, "model.norm.weight", d);
        double[] head = m.tiedEmbeddings() ? transpose(embedding, v, d)
                : transpose(fp16(st, "lm_head.weight", v, d), v, d);
        return new ModelWeights(m, embedding, layers, norm, head);
    }

    /** The tensor's values, each within fp16's range (the chip stores weights in fp16). */
    private static double[] fp16(Safetensors st, String name, long... shape) {
        double[] v = st.read(name, shape);
        for (int i = 0; i < v.length; i++) {
            if (!(Math.abs(v[i]) <= 65504)) {
                throw new InputException(st.file(), 1, 1, "tensor " + name + " holds " + v[i] + " at index " + i
                        + "; the chip stores weights in fp16, whose finite values lie within +-65504");
            }
        }
        return v;
    }

    /**
     * Refuses config.json keys that change the model in ways functional mode does not compute (rather than give
     * silently wrong logits): rope_scaling, biases in attention or the MLP, a head_dim other than
     * hidden_size / num_attention_heads.
     */
    private static void refuseUnmodelled(Path config) {
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(config.toFile());
        } catch (IOException e) {
            throw new InputException(config.toString(), 1, 1, "cannot read: " + e.getMessage());
        }
        for (String key : new String[] {"rope_scaling", "attention_bias", "mlp_bias"}) {
            com.fasterxml.jackson.databind.JsonNode v = root.get(key);
            if (v != null && !v.isNull() && !(v.isBoolean() && !v.asBoolean())) {
                throw new InputException(config.toString(), 1, 1, key + " is " + v + "; functional mode computes "
                        + "the model without it (remove it, or set it to null or false)");
            }
        }
        com.fasterxml.jackson.databind.JsonNode hd = root.get("head_dim");
        if (hd != null && !hd.isNull() && root.has("hidden_size") && root.has("num_attention_heads")
                && hd.asInt() * root.get("num_attention_heads").asInt() != root.get("hidden_size").asInt()) {
            throw new InputException(config.toString(), 1, 1, "head_dim " + hd + " is not hidden_size / "
                    + "num_attention_heads, which functional mode assumes");
        }
    }

    /** A [rows x cols] row-major matrix transposed ([cols x rows]). */
    static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    /** Linear weights [out_i x in] stacked by output ([sum out_i x in]), transposed: [in x sum out_i]. */
    static double[] sideBySide(int in, List<double[]> weights) {
        int out = weights.stream().mapToInt(w -> w.length / in).sum();
        double[] t = new double[in * out];
        int col = 0;
        for (double[] w : weights) {
            int n = w.length / in;
            for (int r = 0; r < n; r++) {
                for (int k = 0; k < in; k++) {
                    t[k * out + col + r] = w[r * in + k];
                }
            }
            col += n;
        }
        return t;
    }
}
