// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.config.Precision;
import java.util.List;
import java.util.Locale;

/**
 * The weights a plan's own kernels are compiled with for a run with data: the timing-only lowering
 * ({@link TimingLowering}) with values, so that the run with data places the very kernels, instructions and SRAM of
 * the timing-only run, and only what SRAM holds differs (the weights, the norms' gains, the token's rows). So far a
 * plan with data has one layer on one chip, fp16 weights and one sequence: rows that cross chips (the layer's input,
 * the sums of exchanges) are not carried by its exchanges yet, so the one row that comes into the layer over a link,
 * its input, is given with each token and read as constants by the two kernels that take it (the token's own); the
 * embedding and the head compute on zeros.
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
        if (plan.model().layers() != 1 || plan.chipsPerLayer() != 1) {
            throw new IllegalArgumentException("a plan with data has one layer on one chip so far (rows that cross "
                    + "chips are not carried by its exchanges yet); this one has " + plan.model().layers()
                    + " layers on " + plan.chipsPerLayer() + " chips each");
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
