// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.config.Precision;
import java.util.List;
import java.util.Locale;

/**
 * The weights a plan's own kernels are compiled with for a run with data: the timing-only lowering
 * ({@link TimingLowering}) with values, so that the run with data places the very kernels, instructions and SRAM of
 * the timing-only run, and only what SRAM holds differs (the weights, the norms' gains, the token's rows). So far a
 * plan with data has one chip per layer (any number of layers), its own embedding chips, fp16 weights and one
 * sequence: a decode step's row is carried into each stage over a link (from the table's chip, each token's given
 * input; from each layer's chip, its output), but the rows of broadcasts and reductions among a stage's chips are
 * not carried yet. The embedding and the head compute on zeros: the table's row of a token is its given input,
 * placed where the table's lookup would leave it.
 *
 * @param layers each layer's weights
 */
public record PlanData(List<LayerWeights> layers) {
    public PlanData {
        layers = List.copyOf(layers);
    }

    /** Checks that {@code plan} is one a run with data can lower so far; the message says what is not. */
    void check(DecodePlan plan) {
        if (layers.size() != plan.model().layers()) {
            throw new IllegalArgumentException(layers.size() + " layers' weights given; the model has "
                    + plan.model().layers());
        }
        layers.forEach(l -> l.check(plan.model()));
        if (plan.chipsPerLayer() != 1) {
            throw new IllegalArgumentException("a plan with data has one chip per layer so far (the rows of "
                    + "broadcasts and reductions among a layer's chips are not carried yet); this one has "
                    + plan.chipsPerLayer());
        }
        if (plan.embeddingChips() == 0) {
            throw new IllegalArgumentException("a plan with data has an embedding table of its own so far (a token's "
                    + "input is placed on its chips); this one's is tied to the LM head");
        }
        if (plan.batch() != 1) {
            throw new IllegalArgumentException("a plan with data runs one sequence so far; this one has "
                    + plan.batch());
        }
        if (plan.weights() != Precision.FP16) {
            throw new IllegalArgumentException("a plan with data takes fp16 weights so far; got "
                    + plan.weights().name().toLowerCase(Locale.ROOT));
        }
    }
}
