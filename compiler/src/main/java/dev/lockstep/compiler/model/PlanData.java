// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.config.Precision;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The weights a plan's own kernels are compiled with for a run with data: the timing-only lowering
 * ({@link TimingLowering}) with values, so that the run with data places the very kernels, instructions and SRAM of
 * the timing-only run, and only what SRAM holds differs (the weights, the norms' gains, the token's rows). So far a
 * plan with data has one chip per layer (any number of layers), its own embedding chips, fp16 weights and one
 * sequence: a decode step's row is carried into each stage over a link (from the table's chip, each token's given
 * input; from each layer's chip, its output), but the rows of broadcasts and reductions among a stage's chips are
 * not carried yet. The table's row of a token is its given input, placed on the table's chip in a row of the token's
 * position, where the first layer's send reads it; the embedding computes nothing, and the head computes with its
 * weights where given (on one chip), else on zeros.
 *
 * @param layers each layer's weights
 * @param head   the head's weights, if it computes with them
 */
public record PlanData(List<LayerWeights> layers, Optional<Head> head) {
    public PlanData {
        layers = List.copyOf(layers);
        Objects.requireNonNull(head);
    }

    /** Each layer's weights; the head computes on zeros. */
    public PlanData(List<LayerWeights> layers) {
        this(layers, Optional.empty());
    }

    /**
     * The head's weights: the final norm's gains and the LM head, [hidden x vocab] row-major (y = x . W).
     *
     * @param finalNorm the final norm's gains, hidden values
     * @param lmHead    the LM head, hidden x vocab values
     */
    public record Head(double[] finalNorm, double[] lmHead) {
        public Head {
            finalNorm = finalNorm.clone();
            lmHead = lmHead.clone();
        }
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
        head.ifPresent(h -> {
            if (h.finalNorm().length != plan.model().hidden()
                    || h.lmHead().length != (long) plan.model().hidden() * plan.model().vocab()) {
                throw new IllegalArgumentException("the head's weights need hidden gains and hidden x vocab values");
            }
            if (plan.headChips() != 1) {
                throw new IllegalArgumentException("a plan with data computes the head on one chip so far (the normed "
                        + "row's broadcast to the head's chips is not carried yet); this one has " + plan.headChips());
            }
        });
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
