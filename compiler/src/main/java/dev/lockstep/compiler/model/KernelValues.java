// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.graph.Tensor;
import dev.lockstep.compiler.graph.TensorId;

/**
 * What a chip's kernels hold in a plan with data ({@link PlanData}): its layer's weights and norm gains (a timing-only
 * kernel holds zeros instead). Kernels compiled with values are the chip's
 * own: {@link KernelLibrary} keys them by {@link #chip}, where timing-only ones are shared by chips in the same state.
 *
 * @param chip  the chip
 * @param layer its layer's weights (the whole layer: one chip per layer)
 */
record KernelValues(int chip, LayerWeights layer) {

    /** The gains of norm {@code norm}. */
    double[] gains(Tensor norm) {
        return switch (norm) {
            case ATTENTION_NORM -> layer.attentionNorm();
            case FFN_NORM -> layer.ffnNorm();
            default -> throw new IllegalArgumentException(norm + " is not a norm of a layer");
        };
    }

    /** Weight tensor {@code t}, [K x N] row-major, whole. */
    double[] weights(TensorId t) {
        return switch (t.tensor()) {
            case QKV -> layer.qkv();
            case O -> layer.output();
            case ROUTER -> layer.router();
            case GATE_UP -> layer.gateUp()[t.expert()];
            case DOWN -> layer.down()[t.expert()];
            default -> throw new IllegalArgumentException(t + " is not a weight tensor of a layer");
        };
    }

    /** Every expert's copy of per-expert weight tensor {@code t} (experts chosen by data: one schedule over all). */
    double[][] everyExpert(Tensor t) {
        return switch (t) {
            case GATE_UP -> layer.gateUp();
            case DOWN -> layer.down();
            default -> throw new IllegalArgumentException(t + " is not a per-expert tensor");
        };
    }
}
