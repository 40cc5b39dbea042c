// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.config.ModelConfig;
import java.util.List;

/**
 * A whole model's weights, each matrix [K x N] row-major so that y = x . W.
 *
 * @param config     the model's hyper-parameters
 * @param embedding  embed_tokens: [vocab x hidden] (row t is token t's embedding)
 * @param layers     the decoder layers
 * @param finalNorm  the final norm: hidden values
 * @param head       the LM head: [hidden x vocab] (lm_head transposed, or the embedding's transpose when tied)
 */
public record ModelWeights(ModelConfig config, double[] embedding, List<LayerWeights> layers, double[] finalNorm,
                           double[] head) {
    public ModelWeights {
        layers = List.copyOf(layers);
        if (layers.size() != config.layers()) {
            throw new IllegalArgumentException(layers.size() + " layers given; the config has " + config.layers());
        }
        layers.forEach(l -> l.check(config));
        long vd = (long) config.vocab() * config.hidden();
        if (embedding.length != vd || head.length != vd || finalNorm.length != config.hidden()) {
            throw new IllegalArgumentException("embedding and head need vocab x hidden values, the norm hidden");
        }
    }
}
