// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small random model written as a Hugging Face checkpoint (config.json and model.safetensors) in the standard
 * tensor names and [out x in] layout: a Mixtral with {@code experts} experts (top 2), or a Llama with one. Hidden
 * size 320 unless given, 4 heads, 2 KV heads, intermediate size equal to the hidden size, vocabulary 400. The tensors are stored in F32, F16 or
 * BF16 by turns, and the values kept here are the stored ones (rounded to the tensor's type), for references to
 * compute with. Weights are uniform in +-2/sqrt(fan-in) (the router's and LM head's +-4/sqrt(fan-in)), norms in
 * 0.5..1.5: activations of order 1.
 */
final class RandomCheckpoint {
    /** The hidden size unless another is given. */
    static final int DEFAULT_HIDDEN = 320;
    final int hidden;
    final int heads = 4;
    final int kvHeads = 2;
    final int inter;
    final int layers;
    final int experts;
    final int topK = 2;
    final int vocab = 400;
    final double theta = 10000;
    final double eps = 1e-5;
    /** Every tensor by name, as stored. */
    final Map<String, double[]> tensors = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Map<String, String> types = new LinkedHashMap<>();
    private final SplittableRandom random;
    private int made;

    RandomCheckpoint(long seed) {
        this(seed, 2, 8);
    }

    RandomCheckpoint(long seed, int layers, int experts) {
        this(seed, layers, experts, DEFAULT_HIDDEN);
    }

    /** @param hidden the hidden size, a multiple of 8 (4 heads of an even size) */
    RandomCheckpoint(long seed, int layers, int experts, int hidden) {
        if (layers < 1 || experts < 1) {
            throw new IllegalArgumentException("at least one layer and one expert");
        }
        if (hidden < 8 || hidden % 8 != 0) {
            throw new IllegalArgumentException("a hidden size that is a positive multiple of 8, got " + hidden);
        }
        this.hidden = hidden;
        this.inter = hidden;
        this.layers = layers;
        this.experts = experts;
        random = new SplittableRandom(seed);
        int hd = hidden / heads;
        add("model.embed_tokens.weight", 1, vocab, hidden);
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            norm(p + "input_layernorm.weight");
            add(p + "self_attn.q_proj.weight", 2 / Math.sqrt(hidden), heads * hd, hidden);
            add(p + "self_attn.k_proj.weight", 2 / Math.sqrt(hidden), kvHeads * hd, hidden);
            add(p + "self_attn.v_proj.weight", 2 / Math.sqrt(hidden), kvHeads * hd, hidden);
            add(p + "self_attn.o_proj.weight", 2 / Math.sqrt(hidden), hidden, heads * hd);
            norm(p + "post_attention_layernorm.weight");
            if (experts > 1) {
                add(p + "block_sparse_moe.gate.weight", 4 / Math.sqrt(hidden), experts, hidden);
            }
            for (int e = 0; e < experts; e++) {
                add(gateName(l, e), 2 / Math.sqrt(hidden), inter, hidden);
                add(downName(l, e), 2 / Math.sqrt(inter), hidden, inter);
                add(upName(l, e), 2 / Math.sqrt(hidden), inter, hidden);
            }
        }
        norm("model.norm.weight");
        add("lm_head.weight", 4 / Math.sqrt(hidden), vocab, hidden);
    }

    /** Mixtral's names for a MoE model (w1, w2, w3 per expert); Llama's for a dense one (one expert). */
    String gateName(int l, int e) {
        return experts > 1 ? "model.layers." + l + ".block_sparse_moe.experts." + e + ".w1.weight"
                : "model.layers." + l + ".mlp.gate_proj.weight";
    }

    String upName(int l, int e) {
        return experts > 1 ? "model.layers." + l + ".block_sparse_moe.experts." + e + ".w3.weight"
                : "model.layers." + l + ".mlp.up_proj.weight";
    }

    String downName(int l, int e) {
        return experts > 1 ? "model.layers." + l + ".block_sparse_moe.experts." + e + ".w2.weight"
                : "model.layers." + l + ".mlp.down_proj.weight";
    }

    private void norm(String name) {
        add(name, 0.5, hidden);
        double[] v = tensors.get(name);
        for (int i = 0; i < v.length; i++) {
            v[i] = round(types.get(name), v[i] + 1);
        }
    }

    private void add(String name, double scale, long... shape) {
        String type = new String[] {"F32", "F16", "BF16"}[made++ % 3];
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = round(type, random.nextDouble(-scale, scale));
        }
        tensors.put(name, v);
        shapes.put(name, shape);
        types.put(name, type);
    }

    private static double round(String type, double v) {
        return switch (type) {
            case "F16" -> dev.lockstep.isa.Fp16.toFloat(dev.lockstep.isa.Fp16.fromDouble(v));
            case "BF16" -> Float.intBitsToFloat(bf16((float) v) << 16);
            default -> (float) v;
        };
    }

    /** float to bf16 bits, round to nearest even. */
    private static int bf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        return ((bits + 0x7FFF + ((bits >> 16) & 1)) >>> 16) & 0xFFFF;
    }

    String config() {
        return "{\n  \"architectures\": [\"" + (experts > 1 ? "MixtralForCausalLM" : "LlamaForCausalLM")
                + "\"],\n  \"hidden_act\": \"silu\",\n  \"hidden_size\": "
                + hidden + ",\n  \"intermediate_size\": " + inter + ",\n  \"num_attention_heads\": " + heads
                + ",\n  \"num_hidden_layers\": " + layers + ",\n  \"num_key_value_heads\": " + kvHeads
                + ",\n  \"num_local_experts\": " + experts + ",\n  \"num_experts_per_tok\": " + topK
                + ",\n  \"rms_norm_eps\": " + eps + ",\n  \"rope_theta\": " + theta
                + ",\n  \"sliding_window\": null,\n  \"tie_word_embeddings\": false,\n  \"vocab_size\": " + vocab
                + "\n}\n";
    }

    /** Writes config.json and model.safetensors into {@code dir}. */
    void write(Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), config());
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (String name : tensors.keySet()) {
            long bytes = (long) tensors.get(name).length * (types.get(name).equals("F32") ? 4 : 2);
            StringBuilder shape = new StringBuilder();
            for (long s : shapes.get(name)) {
                shape.append(shape.length() == 0 ? "" : ",").append(s);
            }
            header.append(",\"").append(name).append("\":{\"dtype\":\"").append(types.get(name))
                    .append("\",\"shape\":[").append(shape).append("],\"data_offsets\":[").append(offset).append(",")
                    .append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append("}");
        while ((header.length() + 8) % 8 != 0) {
            header.append(' ');
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate((int) (8 + h.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (String name : tensors.keySet()) {
            for (double v : tensors.get(name)) {
                switch (types.get(name)) {
                    case "F16" -> b.putShort(dev.lockstep.isa.Fp16.fromDouble(v));
                    case "BF16" -> b.putShort((short) bf16((float) v));
                    default -> b.putFloat((float) v);
                }
            }
        }
        Files.write(dir.resolve("model.safetensors"), b.array());
    }
}
