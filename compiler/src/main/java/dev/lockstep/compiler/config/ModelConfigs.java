// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.io.LocatedJson;
import dev.lockstep.isa.io.Nearest;
import dev.lockstep.isa.io.SourceFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads Hugging Face {@code config.json} files of {@code MixtralForCausalLM}, {@code MistralForCausalLM} and
 * {@code LlamaForCausalLM}. Presets are the files shipped in {@code programs/models/} (on the class path as
 * {@code /dev/lockstep/models/NAME.json}). Errors name the file, line and column of the field.
 */
public final class ModelConfigs {
    /** Preset names, in the order {@code --help} lists them. */
    public static final List<String> PRESETS = List.of("mixtral-8x7b", "llama-2-70b", "llama-2-7b", "mistral-7b",
            "llama-3-8b");
    public static final List<String> ARCHITECTURES = List.of("MixtralForCausalLM", "MistralForCausalLM",
            "LlamaForCausalLM");

    private ModelConfigs() {
    }

    /** A preset name (case-insensitive), a config.json file, or a directory holding one. */
    public static ModelConfig presetOrFile(String nameOrPath) {
        String lower = nameOrPath.toLowerCase(Locale.ROOT);
        if (PRESETS.contains(lower)) {
            try (InputStream in = ModelConfigs.class.getResourceAsStream("/dev/lockstep/models/" + lower + ".json")) {
                if (in == null) {
                    throw new IllegalStateException("the model preset " + lower + " is missing from the class path");
                }
                return parse(lower + ".json", displayName(lower), in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Path p = Path.of(nameOrPath);
        if (Files.isDirectory(p)) {
            p = p.resolve("config.json");
        } else if (!nameOrPath.endsWith(".json") && !nameOrPath.contains("/")) {
            throw new InputException(nameOrPath, 1, 1, "no model preset named '" + nameOrPath + "'"
                    + Nearest.hint(lower, PRESETS) + "; give a preset (" + String.join(", ", PRESETS)
                    + "), a config.json or a checkpoint directory");
        }
        Path parent = p.toAbsolutePath().getParent();
        String name = parent == null || parent.getFileName() == null ? p.getFileName().toString()
                : p.getFileName().toString().equals("config.json") ? parent.getFileName().toString()
                : p.getFileName().toString().replaceFirst("\\.json$", "");
        return parse(p.toString(), name, SourceFiles.readBytes(p));
    }

    /** "mixtral-8x7b" as "Mixtral-8x7B", the way the model's publisher writes it. */
    static String displayName(String preset) {
        return switch (preset) {
            case "mixtral-8x7b" -> "Mixtral-8x7B";
            case "llama-2-70b" -> "Llama-2-70B";
            case "llama-2-7b" -> "Llama-2-7B";
            case "mistral-7b" -> "Mistral-7B";
            case "llama-3-8b" -> "Llama-3-8B";
            default -> preset;
        };
    }

    public static ModelConfig parse(String file, String name, byte[] json) {
        LocatedJson doc = LocatedJson.parse(file, json);
        ObjectNode root = doc.object(doc.root(), "a model configuration");
        String where = "the model configuration";
        JsonNode archNode = doc.member(root, "architectures", where);
        List<JsonNode> archs = doc.array(archNode, "architectures");
        if (archs.size() != 1) {
            throw doc.error(archNode, "architectures must name exactly one architecture, got " + archs.size());
        }
        String arch = doc.text(archs.get(0), "architectures[0]");
        if (!ARCHITECTURES.contains(arch)) {
            throw doc.error(archs.get(0), "unknown architecture '" + arch + "'" + Nearest.hint(arch, ARCHITECTURES)
                    + "; Lockstep reads " + String.join(", ", ARCHITECTURES));
        }
        if (root.has("hidden_act") && !doc.text(root.get("hidden_act"), "hidden_act").equals("silu")) {
            throw doc.error(root.get("hidden_act"), "hidden_act must be \"silu\" (the SwiGLU feed-forward of "
                    + arch + "), got " + root.get("hidden_act"));
        }
        int hidden = (int) doc.integer(doc.member(root, "hidden_size", where), "hidden_size", 1, 1 << 20);
        int inter = (int) doc.integer(doc.member(root, "intermediate_size", where), "intermediate_size", 1, 1 << 22);
        int layers = (int) doc.integer(doc.member(root, "num_hidden_layers", where), "num_hidden_layers", 1, 4096);
        JsonNode headsNode = doc.member(root, "num_attention_heads", where);
        int heads = (int) doc.integer(headsNode, "num_attention_heads", 1, 4096);
        if (hidden % heads != 0) {
            throw doc.error(headsNode, "num_attention_heads (" + heads + ") must divide hidden_size (" + hidden + ")");
        }
        int kv = heads;
        if (root.has("num_key_value_heads") && !root.get("num_key_value_heads").isNull()) {
            JsonNode kvNode = root.get("num_key_value_heads");
            kv = (int) doc.integer(kvNode, "num_key_value_heads", 1, heads);
            if (heads % kv != 0) {
                throw doc.error(kvNode, "num_key_value_heads (" + kv + ") must divide num_attention_heads ("
                        + heads + ")");
            }
        }
        int vocab = (int) doc.integer(doc.member(root, "vocab_size", where), "vocab_size", 2, 1 << 24);
        boolean moe = arch.equals("MixtralForCausalLM");
        int experts = 1;
        int perToken = 1;
        if (moe) {
            experts = (int) doc.integer(doc.member(root, "num_local_experts", where), "num_local_experts", 1, 1024);
            JsonNode k = doc.member(root, "num_experts_per_tok", where);
            perToken = (int) doc.integer(k, "num_experts_per_tok", 1, experts);
        }
        double theta = root.has("rope_theta") ? doc.positive(root.get("rope_theta"), "rope_theta") : 10000.0;
        int window = 0;
        if (root.has("sliding_window") && !root.get("sliding_window").isNull()) {
            window = (int) doc.integer(root.get("sliding_window"), "sliding_window", 1, Integer.MAX_VALUE);
        }
        boolean tied = root.has("tie_word_embeddings") && root.get("tie_word_embeddings").asBoolean(false);
        if (root.has("tie_word_embeddings") && !root.get("tie_word_embeddings").isBoolean()) {
            throw doc.error(root.get("tie_word_embeddings"), "tie_word_embeddings must be true or false");
        }
        double eps = root.has("rms_norm_eps") ? doc.positive(root.get("rms_norm_eps"), "rms_norm_eps") : 1e-5;
        int maxPositions = 0;
        if (root.has("max_position_embeddings") && !root.get("max_position_embeddings").isNull()) {
            maxPositions = (int) doc.integer(root.get("max_position_embeddings"), "max_position_embeddings", 1,
                    Integer.MAX_VALUE);
        }
        return new ModelConfig(name, arch, hidden, inter, layers, heads, kv, vocab, experts, perToken, theta, window,
                tied, eps, maxPositions);
    }
}
