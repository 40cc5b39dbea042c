// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.compiler.testing.ReferenceLayer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lockstep run --functional} end to end: a tiny random Mixtral (2 layers, 8 experts, top 2, vocabulary 400)
 * written as a safetensors checkpoint by the test, generated greedily on 4 chips of node-8 (embedding, two layers,
 * head; every row between them over a link), against a plain-Java forward pass of the same stored weights
 * ({@link ReferenceLayer} per layer): the same tokens, and logits within {@link #TOLERANCE}.
 */
class FunctionalRunTest {
    /**
     * Logit differences allowed, as a share of the largest |logit| of the step: the reasoning of the compiler's
     * {@code dev.lockstep.compiler.testing.ReferenceLayer.TOLERANCE}, through two layers and the head.
     */
    static final double TOLERANCE = 2e-3;

    static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }

    /** [a; b; ...] stacked by rows ([out x in] each), transposed: [in x sum out]. */
    static double[] stackedTransposed(int in, double[]... parts) {
        int rows = 0;
        for (double[] p : parts) {
            rows += p.length / in;
        }
        double[] all = new double[rows * in];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return transpose(all, rows, in);
    }

    /** The reference's logits for each step of the prompt and of the generated tokens (greedy). */
    static List<double[]> reference(RandomCheckpoint c, int[] prompt, int tokens, List<Integer> generated) {
        int d = c.hidden;
        List<ReferenceLayer> layers = new ArrayList<>();
        for (int l = 0; l < c.layers; l++) {
            String p = "model.layers." + l + ".";
            double[][] gateUp = new double[c.experts][];
            double[][] down = new double[c.experts][];
            for (int e = 0; e < c.experts; e++) {
                gateUp[e] = stackedTransposed(d, c.tensors.get(c.gateName(l, e)), c.tensors.get(c.upName(l, e)));
                down[e] = transpose(c.tensors.get(c.downName(l, e)), d, c.inter);
            }
            layers.add(new ReferenceLayer(d, c.heads, c.kvHeads, c.inter, c.experts, c.topK, c.theta, c.eps,
                    c.tensors.get(p + "input_layernorm.weight"),
                    stackedTransposed(d, c.tensors.get(p + "self_attn.q_proj.weight"),
                            c.tensors.get(p + "self_attn.k_proj.weight"), c.tensors.get(p + "self_attn.v_proj.weight")),
                    transpose(c.tensors.get(p + "self_attn.o_proj.weight"), d, d),
                    c.tensors.get(p + "post_attention_layernorm.weight"),
                    c.experts > 1 ? transpose(c.tensors.get(p + "block_sparse_moe.gate.weight"), c.experts, d)
                            : new double[0], gateUp, down));
        }
        double[] head = transpose(c.tensors.get("lm_head.weight"), c.vocab, d);
        double[] embedding = c.tensors.get("model.embed_tokens.weight");
        List<double[]> logits = new ArrayList<>();
        int token = prompt[0];
        for (int s = 0; s < prompt.length + tokens - 1; s++) {
            if (s < prompt.length) {
                token = prompt[s];
            }
            double[] x = new double[d];
            for (int i = 0; i < d; i++) {
                x[i] = ReferenceLayer.fp16(embedding[token * d + i]);
            }
            for (ReferenceLayer layer : layers) {
                x = layer.step(x);
            }
            double[] out = ReferenceLayer.product(layers.get(0).rmsNorm(x, c.tensors.get("model.norm.weight")),
                    head, c.vocab);
            if (s >= prompt.length - 1) {
                logits.add(out);
                int best = 0;
                for (int v = 1; v < c.vocab; v++) {
                    if (out[v] > out[best]) {
                        best = v;
                    }
                }
                generated.add(best);
                token = best;
            }
        }
        return logits;
    }

    /** Every step's logits within {@link #TOLERANCE} of the reference's, as a share of the step's largest. */
    private static void assertLogitsNear(float[][] got, List<double[]> want) {
        for (int i = 0; i < want.size(); i++) {
            double scale = 0;
            for (double v : want.get(i)) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int v = 0; v < want.get(i).length; v++) {
                assertThat(Math.abs(got[i][v] - want.get(i)[v]) / scale).as("step %d, logit %d", i, v)
                        .isLessThan(TOLERANCE);
            }
        }
    }

    /**
     * The tiny Mixtral checkpoint of seed 3 run on node-8 with {@code options}, 4 tokens after 1,17,300: the
     * reference's greedy tokens and every step's logits within {@link #TOLERANCE}; the run's JSON report.
     */
    private static JsonNode matchesTheReference(Path dir, String... options) throws Exception {
        RandomCheckpoint c = new RandomCheckpoint(3);
        c.write(dir);
        Path npy = dir.resolve("logits.npy");
        int tokens = 4;
        List<String> args = new ArrayList<>(List.of("run", "--functional", "--checkpoint", dir.toString(), "--prompt",
                "1,17,300", "--tokens", String.valueOf(tokens), "--logits-out", npy.toString(), "--system", "node-8",
                "--json"));
        args.addAll(List.of(options));
        CliRun.Result r = CliRun.run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        List<Integer> chip = new ArrayList<>();
        j.get("generated_tokens").forEach(t -> chip.add(t.asInt()));
        List<Integer> want = new ArrayList<>();
        List<double[]> logits = reference(c, new int[] {1, 17, 300}, tokens, want);
        assertThat(chip).as("greedy tokens").isEqualTo(want);
        assertLogitsNear(readNpy(npy, tokens, c.vocab), logits);
        return j;
    }

    static float[][] readNpy(Path file, int rows, int cols) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(Arrays.copyOf(bytes, 8)).as("magic and version 1.0")
                .isEqualTo(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        int headerLength = b.getShort(8) & 0xFFFF;
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols
                + "), }").endsWith("\n");
        assertThat((10 + headerLength) % 64).isZero();
        float[][] out = new float[rows][cols];
        b.position(10 + headerLength);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r][c] = b.getFloat();
            }
        }
        assertThat(b.remaining()).isZero();
        return out;
    }

    @Test
    void aTinyMixtralGeneratesTheReferenceTokensWithItsLogits(@TempDir Path dir) throws Exception {
        RandomCheckpoint c = new RandomCheckpoint(3);
        c.write(dir);
        Path npy = dir.resolve("logits.npy");
        int tokens = 4;
        CliRun.Result r = CliRun.run("run", "--functional", "--checkpoint", dir.toString(), "--prompt", "1,17,300",
                "--tokens", String.valueOf(tokens), "--logits-out", npy.toString(), "--system", "node-8", "--threads",
                "2", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature
                .FAIL_ON_TRAILING_TOKENS).readTree(r.out());
        List<Integer> chip = new ArrayList<>();
        j.get("generated_tokens").forEach(t -> chip.add(t.asInt()));
        List<Integer> want = new ArrayList<>();
        List<double[]> logits = reference(c, new int[] {1, 17, 300}, tokens, want);
        assertThat(chip).as("greedy tokens").isEqualTo(want);
        assertThat(new HashSet<>(want)).as("the tokens are not all one").hasSizeGreaterThan(1);
        assertThat(j.get("chips").asInt()).isEqualTo(4);
        // each token's choice: later than the one before, before the run's end; the mean gap is the per-token figure
        List<Long> chosen = new ArrayList<>();
        j.get("chosen_cycles").forEach(n -> chosen.add(n.asLong()));
        assertThat(chosen).hasSize(tokens).isSorted().doesNotHaveDuplicates();
        assertThat(chosen.get(tokens - 1)).isLessThan(j.get("simulated_cycles").asLong());
        assertThat(j.get("cycles_per_token").asDouble())
                .isEqualTo((double) (chosen.get(tokens - 1) - chosen.get(0)) / (tokens - 1));
        assertThat(j.get("tokens_per_second_per_user").asDouble())
                .isEqualTo(j.get("clock_hz").asDouble() / j.get("cycles_per_token").asDouble());
        CliRun.Result one = CliRun.run("run", "--functional", "--checkpoint", dir.toString(), "--prompt", "1,17,300",
                "--tokens", String.valueOf(tokens), "--system", "node-8", "--threads", "1", "--json");
        assertThat(new ObjectMapper().readTree(one.out()).get("trace_hash")).as("1 and 2 threads")
                .isEqualTo(j.get("trace_hash"));
        assertLogitsNear(readNpy(npy, tokens, c.vocab), logits);
    }

    /**
     * The same checkpoint with the experts chosen by data (--moe-dispatch chosen): the same greedy tokens as the
     * plain-Java reference, its logits within the same tolerance, though each token's expert products now read only
     * the 2 chosen of 8 at addresses the router's index sets and sum them in the order of the router's choice.
     */
    @Test
    void withTheExpertsChosenByDataATinyMixtralStillGeneratesTheReferenceTokens(@TempDir Path dir) throws Exception {
        JsonNode j = matchesTheReference(dir, "--moe-dispatch", "chosen");
        assertThat(j.get("moe_dispatch").asText()).isEqualTo("chosen");
    }

    /**
     * Each layer over three chips of the node (attention over two of them: the KV heads split), the normed rows
     * crossing among them in fp16, the partial sums carried to a root and added there: the reference's tokens and
     * every step's logits, within the same tolerance as a chip per layer.
     */
    @Test
    void layersOverThreeChipsGenerateTheReferenceTokensWithTheirLogits(@TempDir Path dir) throws Exception {
        JsonNode j = matchesTheReference(dir, "--chips-per-layer", "3");
        assertThat(j.get("chips").asInt()).isEqualTo(8);
        assertThat(j.get("chips_per_layer").asInt()).isEqualTo(3);
        assertThat(j.get("attention_chips_per_layer").asInt()).isEqualTo(2);
        CliRun.Result text = CliRun.run("run", "--functional", "--checkpoint", dir.toString(), "--prompt", "1,17,300",
                "--tokens", "1", "--system", "node-8", "--chips-per-layer", "3");
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("layers           3 chips each, attention on 2");
    }

    /**
     * Nine layers: eleven stages, more than a node holds, laid along the chip path of tsp-576 across two nodes; the
     * token goes back from the head to the embedding by a shortest route, forwarded by the chips on its way.
     */
    @Test
    void aDeeperModelCrossesNodesAndStillMatches(@TempDir Path dir) throws Exception {
        RandomCheckpoint c = new RandomCheckpoint(8, 9, 2);
        c.write(dir);
        int tokens = 2;
        CliRun.Result r = CliRun.run("run", "--functional", "--checkpoint", dir.toString(), "--prompt", "5,6",
                "--tokens", String.valueOf(tokens), "--system", "tsp-576", "--threads", "2", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("chips").asInt()).isGreaterThanOrEqualTo(11);
        List<Integer> chip = new ArrayList<>();
        j.get("generated_tokens").forEach(t -> chip.add(t.asInt()));
        List<Integer> want = new ArrayList<>();
        reference(c, new int[] {5, 6}, tokens, want);
        assertThat(chip).isEqualTo(want);
    }

    /** A wider model (hidden 512: 4 heads of 128, products of two column tiles) generates the reference's tokens. */
    @Test
    void aWiderLlamaGeneratesTheReferenceTokens(@TempDir Path dir) throws Exception {
        RandomCheckpoint c = new RandomCheckpoint(13, 2, 1, 512);
        c.write(dir);
        CliRun.Result r = CliRun.run("run", "--functional", "--checkpoint", dir.toString(), "--prompt", "3,4",
                "--tokens", "2", "--system", "node-8", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        List<Integer> chip = new ArrayList<>();
        new ObjectMapper().readTree(r.out()).get("generated_tokens").forEach(t -> chip.add(t.asInt()));
        List<Integer> want = new ArrayList<>();
        reference(c, new int[] {3, 4}, 2, want);
        assertThat(chip).hasSize(2).isEqualTo(want);
        assertThat(Files.readString(dir.resolve("config.json"))).contains("\"hidden_size\": 512");
    }

    /** A dense Llama checkpoint (mlp.gate_proj, up_proj, down_proj; no router), as the loader reads it. */
    @Test
    void aTinyLlamaGeneratesTheReferenceTokens(@TempDir Path dir) throws Exception {
        RandomCheckpoint c = new RandomCheckpoint(12, 2, 1);
        c.write(dir);
        CliRun.Result r = CliRun.run("run", "--functional", "--checkpoint", dir.toString(), "--prompt", "7,8,9",
                "--tokens", "3", "--system", "node-8", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        List<Integer> chip = new ArrayList<>();
        new ObjectMapper().readTree(r.out()).get("generated_tokens").forEach(t -> chip.add(t.asInt()));
        List<Integer> want = new ArrayList<>();
        reference(c, new int[] {7, 8, 9}, 3, want);
        assertThat(chip).isEqualTo(want);
    }

    /** The command that writes a checkpoint to try functional mode on: the same seed writes the same bytes. */
    @Test
    void randomCheckpointWritesTheSameBytesForTheSameSeed(@TempDir Path dir) throws Exception {
        CliRun.Result a = CliRun.run("random-checkpoint", dir.resolve("a").toString(), "--seed", "5");
        CliRun.Result b = CliRun.run("random-checkpoint", dir.resolve("b").toString(), "--seed", "5");
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(b.exit()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("a/model.safetensors")))
                .isEqualTo(Files.readAllBytes(dir.resolve("b/model.safetensors")));
        assertThat(Files.readString(dir.resolve("a/config.json"))).contains("MixtralForCausalLM");
        CliRun.Result dense = CliRun.run("random-checkpoint", dir.resolve("c").toString(), "--experts", "1");
        assertThat(dense.exit()).isZero();
        assertThat(Files.readString(dir.resolve("c/config.json"))).contains("LlamaForCausalLM");
        CliRun.Result bad = CliRun.run("random-checkpoint", dir.resolve("d").toString(), "--layers", "0");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).startsWith("error: --layers:1:1: --layers must be 1..16");
        CliRun.Result narrow = CliRun.run("random-checkpoint", dir.resolve("e").toString(), "--hidden", "100");
        assertThat(narrow.exit()).isEqualTo(1);
        assertThat(narrow.err()).isEqualTo("error: --hidden:1:1: --hidden must be a multiple of 8 in 64..1024 (4 heads "
                + "of an even size), got 100" + System.lineSeparator());
    }

    /**
     * More positions than the plan's chips hold the kernels of (each position's kernels keep constants of their own):
     * one line at --tokens saying how many tokens fit after this prompt, or at --prompt if the prompt alone does not.
     */
    @Test
    void moreTokensThanTheChipsHoldGetOneLineSayingHowManyFit(@TempDir Path dir) throws Exception {
        RandomCheckpoint c = new RandomCheckpoint(4);
        c.write(dir);
        CliRun.Result r = CliRun.run("run", "--functional", "--checkpoint", dir.toString(), "--prompt", "1,17,300",
                "--tokens", "4000", "--system", "node-8");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().lines().filter(l -> !l.startsWith("lockstep run: ")).toList()).containsExactly(
                "error: --tokens:1:1: the prompt and 4000 tokens span 4002 positions; " + dir.getFileName()
                + "'s chips hold the kernels of 233 (each position's keep constants of their own): give at most 231 "
                + "tokens (a shorter run holds more positions: its caches and masks are shorter)");
        assertThat(r.err()).as("no stack trace").doesNotContain("\tat ");
        CliRun.Result most = CliRun.run("run", "--functional", "--checkpoint", dir.toString(), "--prompt", "1,17,300",
                "--tokens", "231", "--system", "node-8", "--threads", "2", "--json");
        assertThat(most.exit()).as(most.err()).isZero();
        assertThat(most.json().get("generated_tokens").size()).isEqualTo(231);
    }

    @Test
    void aBrokenCheckpointGetsOneLocatedLine(@TempDir Path dir) throws Exception {
        RandomCheckpoint c = new RandomCheckpoint(4);
        c.write(dir);
        Path tensors = dir.resolve("model.safetensors");
        byte[] whole = Files.readAllBytes(tensors);
        Files.write(tensors, Arrays.copyOf(whole, whole.length - 100));
        CliRun.Result cut = CliRun.run("run", "--functional", "--checkpoint", dir.toString(), "--prompt", "1",
                "--system", "node-8");
        assertThat(cut.exit()).isEqualTo(1);
        assertThat(cut.err()).startsWith("error: " + tensors + ":1:1: tensor ").contains("data_offsets")
                .doesNotContain("\tat ");
        assertThat(cut.err().lines().count()).isEqualTo(1);
        Files.write(tensors, new byte[] {1, 2, 3});
        CliRun.Result tiny = CliRun.run("run", "--functional", "--checkpoint", dir.toString(), "--prompt", "1",
                "--system", "node-8");
        assertThat(tiny.exit()).isEqualTo(1);
        assertThat(tiny.err()).startsWith("error: " + tensors + ":1:1: a safetensors file starts with an 8-byte");
        CliRun.Result noPrompt = CliRun.run("run", "--functional", "--checkpoint", dir.toString());
        assertThat(noPrompt.exit()).isEqualTo(1);
        assertThat(noPrompt.err()).startsWith("error: --prompt:1:1: --functional needs --prompt");
    }

    @Test
    void badFunctionalOptionsGetOneLocatedLine(@TempDir Path dir) throws Exception {
        RandomCheckpoint c = new RandomCheckpoint(4);
        c.write(dir);
        String d = dir.toString();
        String[][] cases = {
            {"error: --prompt:1:5: --prompt takes token ids", "--functional", "--checkpoint", d, "--prompt", "1,2,"},
            {"error: --prompt:1:3: --prompt takes token ids", "--functional", "--checkpoint", d, "--prompt", "1,,2"},
            {"error: --prompt:1:4: prompt token 400 is outside the vocabulary 0..399", "--functional", "--checkpoint",
                d, "--prompt", "12,400", "--system", "node-8"},
            {"error: --tokens:1:1: --tokens must be 1..4096", "--functional", "--checkpoint", d, "--prompt", "1",
                "--tokens", "0"},
            {"error: --model:1:1: --model does not go with --functional", "--functional", "--checkpoint", d,
                "--prompt", "1", "--model", "mistral-7b"},
            {"error: --moe-dispatch:1:1: 'any' is not a dispatch: write all or chosen", "--functional",
                "--checkpoint", d, "--prompt", "1", "--moe-dispatch", "any", "--system", "node-8"},
            {"error: --tokens:1:1: --checkpoint, --prompt, --tokens, --chips-per-layer and --logits-out go with "
                + "--functional", "--tokens", "3"},
            {"error: --chips-per-layer:1:1: --checkpoint, --prompt, --tokens, --chips-per-layer and --logits-out go "
                + "with --functional", "--chips-per-layer", "2"},
            {"error: --chips-per-layer:1:1: --chips-per-layer must be 1..8 (a layer's chips lie in one node of node-8, "
                + "at most 8), got 9",
                "--functional", "--checkpoint", d, "--prompt", "1", "--system", "node-8", "--chips-per-layer", "9"},
            {"error: --logits-out:1:1: --logits-out needs a file in an existing directory", "--functional",
                "--checkpoint", d, "--prompt", "1", "--logits-out", d},
        };
        for (String[] k : cases) {
            String[] args = new String[k.length];
            args[0] = "run";
            System.arraycopy(k, 1, args, 1, k.length - 1);
            CliRun.Result r = CliRun.run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(r.err()).as(String.join(" ", args)).startsWith(k[0]);
            assertThat(r.err().lines().count()).isEqualTo(1);
        }
        // a plan the checkpoint's model cannot take: after the progress line, one line saying why
        CliRun.Result wide = CliRun.run("run", "--functional", "--checkpoint", d, "--prompt", "1", "--system", "node-8",
                "--chips-per-layer", "4");
        assertThat(wide.exit()).isEqualTo(1);
        assertThat(wide.err().lines().toList()).hasSize(2).last().asString().endsWith("in functional mode: a "
                + "generation with data lays " + dir.getFileName() + " on 10 chips (the table, 2 layers of 4, the "
                + "head); node-8 has 8").startsWith("error: ");
        // a config key that changes the model in a way functional mode does not compute
        Files.writeString(dir.resolve("config.json"), c.config().replace("\"sliding_window\": null",
                "\"sliding_window\": null, \"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0}"));
        CliRun.Result scaling = CliRun.run("run", "--functional", "--checkpoint", d, "--prompt", "1",
                "--system", "node-8");
        assertThat(scaling.exit()).isEqualTo(1);
        assertThat(scaling.err()).startsWith("error: " + dir.resolve("config.json") + ":1:1: rope_scaling is ");
        // a weight outside fp16's range
        c.tensors.get("model.norm.weight")[3] = 1e6;
        c.write(dir);
        CliRun.Result range = CliRun.run("run", "--functional", "--checkpoint", d, "--prompt", "1",
                "--system", "node-8");
        assertThat(range.exit()).isEqualTo(1);
        assertThat(range.err()).startsWith("error: " + dir.resolve("model.safetensors") + ":1:1: tensor "
                + "model.norm.weight holds ").contains("at index 3").contains("65504");
        c.tensors.get("model.norm.weight")[3] = 1;
        c.write(dir);
        // a sliding window shorter than the run: refused against config.json
        Files.writeString(dir.resolve("config.json"), c.config().replace("\"sliding_window\": null",
                "\"sliding_window\": 2"));
        CliRun.Result window = CliRun.run("run", "--functional", "--checkpoint", d, "--prompt", "1,2",
                "--tokens", "2", "--system", "node-8");
        assertThat(window.exit()).isEqualTo(1);
        assertThat(window.err()).startsWith("error: " + dir.resolve("config.json") + ":1:1: the prompt and generated "
                + "tokens span 3 positions, more than sliding_window 2");
        // a model made for fewer positions than the run spans: refused at --prompt, naming the config
        Files.writeString(dir.resolve("config.json"), c.config().replace("\"sliding_window\": null",
                "\"sliding_window\": null, \"max_position_embeddings\": 2"));
        CliRun.Result longer = CliRun.run("run", "--functional", "--checkpoint", d, "--prompt", "1,2",
                "--tokens", "2", "--system", "node-8");
        assertThat(longer.exit()).isEqualTo(1);
        assertThat(longer.err().strip()).isEqualTo("error: --prompt:1:1: the prompt and generated tokens span 3 "
                + "positions, more than max_position_embeddings 2 in " + dir.resolve("config.json")
                + "; give fewer tokens");
    }
}
