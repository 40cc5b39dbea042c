// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.testing;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.model.LayerWeights;
import java.util.SplittableRandom;

/** Small model configurations and seeded random weights for them, for tests that run real layers on chips. */
public final class TestModels {
    private TestModels() {
    }

    /**
     * A one-layer Mixtral-shaped model named "tiny" (vocabulary 64, RoPE theta 10000, RMSNorm epsilon 1e-5, no
     * sliding window, untied embeddings); with one expert it is a dense layer.
     */
    public static ModelConfig tiny(int hidden, int heads, int kvHeads, int intermediate, int experts,
                                   int expertsPerToken) {
        return tiny(hidden, heads, kvHeads, intermediate, experts, expertsPerToken, 1);
    }

    /** {@link #tiny(int, int, int, int, int, int)} with {@code layers} layers. */
    public static ModelConfig tiny(int hidden, int heads, int kvHeads, int intermediate, int experts,
                                   int expertsPerToken, int layers) {
        return new ModelConfig("tiny", "MixtralForCausalLM", hidden, intermediate, layers, heads, kvHeads, 64,
                experts, expertsPerToken, 10000.0, 0, false, 1e-5);
    }

    /**
     * Random weights for one layer of {@code m}, from {@code seed}: every matrix uniform in +-2 / sqrt(its input
     * size), so that activations keep their scale through the layer; the norms' gains uniform in [0.5, 2.5).
     */
    public static LayerWeights weights(ModelConfig m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int d = m.hidden();
        int hd = m.headDim();
        double[][] gateUp = new double[m.experts()][];
        double[][] down = new double[m.experts()][];
        for (int e = 0; e < m.experts(); e++) {
            gateUp[e] = RandomData.uniform(r, 2 * d * m.intermediate(), 2 / Math.sqrt(d));
            down[e] = RandomData.uniform(r, m.intermediate() * d, 2 / Math.sqrt(m.intermediate()));
        }
        double[] norm1 = RandomData.uniform(r, d, 1);
        double[] norm2 = RandomData.uniform(r, d, 1);
        for (int i = 0; i < d; i++) {
            norm1[i] += 1.5;
            norm2[i] += 1.5;
        }
        return new LayerWeights(norm1, RandomData.uniform(r, d * (m.heads() + 2 * m.kvHeads()) * hd, 2 / Math.sqrt(d)),
                RandomData.uniform(r, m.heads() * hd * d, 2 / Math.sqrt(d)), norm2,
                m.moe() ? RandomData.uniform(r, d * m.experts(), 2 / Math.sqrt(d)) : new double[0], gateUp, down);
    }
}
