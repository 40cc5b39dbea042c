// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.graph.Tensor;
import dev.lockstep.compiler.graph.TensorId;
import java.util.Optional;

/**
 * What a chip's kernels hold in a plan with data ({@link PlanData}): its layer's weights and norm gains, and, for a
 * token, the row that came over a link into the layer (its input), which the kernels that read it take as constants
 * until exchanges carry rows. A timing-only kernel holds zeros instead. Kernels compiled with values are the chip's
 * own: {@link KernelLibrary} keys them by {@link #chip}, where timing-only ones are shared by chips in the same state.
 *
 * @param chip  the chip
 * @param layer its layer's weights (the whole layer: one chip per layer)
 * @param input the layer's input row for the token being placed; empty while weights are compiled, before any token
 */
record KernelValues(int chip, LayerWeights layer, Optional<double[]> input) {

    /** The same values for a token whose layer input is {@code x}. */
    KernelValues withInput(double[] x) {
        return new KernelValues(chip, layer, Optional.of(x));
    }

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

    /** The layer's input row of {@code n} values, for the kernels that read it as constants. */
    double[] input(int n) {
        double[] x = input.orElseThrow(() -> new IllegalStateException("no token's input is given to chip " + chip));
        if (x.length != n) {
            throw new IllegalArgumentException("the layer's input holds " + x.length + " values; the kernel reads "
                    + n);
        }
        return x;
    }
}
