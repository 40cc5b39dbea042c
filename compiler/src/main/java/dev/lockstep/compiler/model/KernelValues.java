// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.graph.Tensor;
import dev.lockstep.compiler.graph.TensorId;
import java.util.Optional;

/**
 * What a chip's kernels hold in a plan with data ({@link PlanData}): its layer's weights and norm gains, or the head's
 * (the final norm's gains and the LM head); a timing-only kernel holds zeros instead. Kernels compiled with values are
 * the chip's own: {@link KernelLibrary} keys them by {@link #chip}, where timing-only ones are shared by chips in the
 * same state.
 *
 * @param chip  the chip
 * @param layer its layer's weights (the whole layer), on a layer's chip
 * @param share which share of the layer's products the chip holds (the whole of each, on a layer of one chip)
 * @param head  the head's weights (the whole head: one chip), on the head's chip
 */
record KernelValues(int chip, Optional<LayerWeights> layer, Optional<LayerShare> share,
                    Optional<PlanData.Head> head) {
    KernelValues {
        if (layer.isPresent() == head.isPresent() || layer.isPresent() != share.isPresent()) {
            throw new IllegalArgumentException("chip " + chip + " holds a layer's weights (and its share of them) or "
                    + "the head's, one of them");
        }
    }

    /** Chip {@code chip} of layer {@code layer}, holding {@code share} of its products. */
    static KernelValues ofLayer(int chip, LayerWeights layer, LayerShare share) {
        return new KernelValues(chip, Optional.of(layer), Optional.of(share), Optional.empty());
    }

    /** Chip {@code chip} of the head. */
    static KernelValues ofHead(int chip, PlanData.Head head) {
        return new KernelValues(chip, Optional.empty(), Optional.empty(), Optional.of(head));
    }

    /** The gains of norm {@code norm}. */
    double[] gains(Tensor norm) {
        return switch (norm) {
            case ATTENTION_NORM -> layerWeights().attentionNorm();
            case FFN_NORM -> layerWeights().ffnNorm();
            case FINAL_NORM -> headWeights().finalNorm();
            default -> throw new IllegalArgumentException(norm + " is not a norm");
        };
    }

    /** Weight tensor {@code t}, [K x N] row-major: the chip's share of it ({@link LayerShare}). */
    double[] weights(TensorId t) {
        return switch (t.tensor()) {
            case QKV -> layerShare().qkv(layerWeights().qkv());
            case O -> layerShare().output(layerWeights().output());
            case ROUTER -> layerWeights().router();
            case GATE_UP -> layerShare().gateUp(layerWeights().gateUp()[t.expert()], t.expert());
            case DOWN -> layerShare().down(layerWeights().down()[t.expert()], t.expert());
            case LM_HEAD -> headWeights().lmHead();
            default -> throw new IllegalArgumentException(t + " is not a weight tensor of a layer or the head");
        };
    }

    /**
     * Every expert's copy of per-expert weight tensor {@code t}, the chip's share of each (experts chosen by data: one
     * schedule over all).
     */
    double[][] everyExpert(Tensor t) {
        double[][] all = switch (t) {
            case GATE_UP -> layerWeights().gateUp();
            case DOWN -> layerWeights().down();
            default -> throw new IllegalArgumentException(t + " is not a per-expert tensor");
        };
        double[][] out = new double[all.length][];
        for (int e = 0; e < all.length; e++) {
            out[e] = t == Tensor.GATE_UP ? layerShare().gateUp(all[e], e) : layerShare().down(all[e], e);
        }
        return out;
    }

    private LayerWeights layerWeights() {
        return layer.orElseThrow(() -> new IllegalStateException("chip " + chip + " holds no layer's weights"));
    }

    private LayerShare layerShare() {
        return share.orElseThrow(() -> new IllegalStateException("chip " + chip + " holds no layer's weights"));
    }

    private PlanData.Head headWeights() {
        return head.orElseThrow(() -> new IllegalStateException("chip " + chip + " holds no head's weights"));
    }
}
