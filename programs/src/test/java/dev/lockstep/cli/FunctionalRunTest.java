// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
     * Logit differences allowed, as a share of the largest |logit| of the step: the reasoning of
     * {@link FunctionalLayerTest#TOLERANCE}, through two layers and the head.
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
    static List<double[]> reference(TinyCheckpoint c, int[] prompt, int tokens, List<Integer> generated) {
        int d = c.hidden;
        List<ReferenceLayer> layers = new ArrayList<>();
        for (int l = 0; l < c.layers; l++) {
            String p = "model.layers." + l + ".";
            double[][] gateUp = new double[c.experts][];
            double[][] down = new double[c.experts][];
            for (int e = 0; e < c.experts; e++) {
                String x = p + "block_sparse_moe.experts." + e + ".";
                gateUp[e] = stackedTransposed(d, c.tensors.get(x + "w1.weight"), c.tensors.get(x + "w3.weight"));
                down[e] = transpose(c.tensors.get(x + "w2.weight"), d, c.inter);
            }
            layers.add(new ReferenceLayer(d, c.heads, c.kvHeads, c.inter, c.experts, c.topK, c.theta, c.eps,
                    c.tensors.get(p + "input_layernorm.weight"),
                    stackedTransposed(d, c.tensors.get(p + "self_attn.q_proj.weight"),
                            c.tensors.get(p + "self_attn.k_proj.weight"), c.tensors.get(p + "self_attn.v_proj.weight")),
                    transpose(c.tensors.get(p + "self_attn.o_proj.weight"), d, d),
                    c.tensors.get(p + "post_attention_layernorm.weight"),
                    transpose(c.tensors.get(p + "block_sparse_moe.gate.weight"), c.experts, d), gateUp, down));
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

    static float[][] readNpy(Path file, int rows, int cols) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.get(0) & 0xFF).isEqualTo(0x93);
        int headerLength = b.getShort(8) & 0xFFFF;
        String header = new String(Files.readAllBytes(file), 10, headerLength, java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(header).contains("'descr': '<f4'").contains("'shape': (" + rows + ", " + cols + ")");
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
        TinyCheckpoint c = new TinyCheckpoint(3);
        c.write(dir);
        Path npy = dir.resolve("logits.npy");
        int tokens = 4;
        CliTest.Result r = CliTest.run("run", "--functional", "--checkpoint", dir.toString(), "--prompt", "1,17,300",
                "--tokens", String.valueOf(tokens), "--logits-out", npy.toString(), "--system", "node-8", "--threads",
                "2", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        List<Integer> chip = new ArrayList<>();
        j.get("generated_tokens").forEach(t -> chip.add(t.asInt()));
        List<Integer> want = new ArrayList<>();
        List<double[]> logits = reference(c, new int[] {1, 17, 300}, tokens, want);
        assertThat(chip).as("greedy tokens").isEqualTo(want);
        assertThat(new java.util.HashSet<>(want)).as("the tokens are not all one").hasSizeGreaterThan(1);
        assertThat(j.get("chips").asInt()).isEqualTo(4);
        float[][] got = readNpy(npy, tokens, c.vocab);
        for (int i = 0; i < tokens; i++) {
            double scale = 0;
            for (double v : logits.get(i)) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int v = 0; v < c.vocab; v++) {
                assertThat(Math.abs(got[i][v] - logits.get(i)[v]) / scale).as("step %d, logit %d", i, v)
                        .isLessThan(TOLERANCE);
            }
        }
    }

    @Test
    void aBrokenCheckpointGetsOneLocatedLine(@TempDir Path dir) throws Exception {
        TinyCheckpoint c = new TinyCheckpoint(4);
        c.write(dir);
        Path tensors = dir.resolve("model.safetensors");
        byte[] whole = Files.readAllBytes(tensors);
        Files.write(tensors, java.util.Arrays.copyOf(whole, whole.length - 100));
        CliTest.Result cut = CliTest.run("run", "--functional", "--checkpoint", dir.toString(), "--prompt", "1",
                "--system", "node-8");
        assertThat(cut.exit()).isEqualTo(1);
        assertThat(cut.err()).startsWith("error: " + tensors + ":1:1: tensor ").contains("data_offsets")
                .doesNotContain("\tat ");
        assertThat(cut.err().lines().count()).isEqualTo(1);
        Files.write(tensors, new byte[] {1, 2, 3});
        CliTest.Result tiny = CliTest.run("run", "--functional", "--checkpoint", dir.toString(), "--prompt", "1",
                "--system", "node-8");
        assertThat(tiny.exit()).isEqualTo(1);
        assertThat(tiny.err()).startsWith("error: " + tensors + ":1:1: a safetensors file starts with an 8-byte");
        CliTest.Result noPrompt = CliTest.run("run", "--functional", "--checkpoint", dir.toString());
        assertThat(noPrompt.exit()).isEqualTo(1);
        assertThat(noPrompt.err()).startsWith("error: --prompt:1:1: --functional needs --prompt");
    }
}
