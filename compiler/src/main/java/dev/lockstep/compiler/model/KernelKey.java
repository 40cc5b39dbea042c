// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.graph.Tensor;
import dev.lockstep.compiler.graph.TensorId;
import java.util.List;
import java.util.Optional;

/**
 * Which kernel of a chip a step means: one compiled kernel per key and chip, compiled on first use (weights and
 * caches before any token) and placed again for every token after.
 */
sealed interface KernelKey {
    /** The product over weight tensor {@code tensor} (an expert's, for a per-expert tensor). */
    record Weights(TensorId tensor) implements KernelKey {
    }

    /**
     * The product over every expert's slice of weight tensor {@code tensor} that reads the expert the router chose
     * for slot {@code slot} ({@link MoeDispatch#CHOSEN}).
     */
    record ChosenWeights(Tensor tensor, int slot) implements KernelKey {
    }

    /** The product over sequence {@code seq}'s cache {@code cache} of KV head {@code kvHead}. */
    record Cache(CacheKind cache, int seq, int kvHead) implements KernelKey {
    }

    /** The wiring of the product {@code product}: its rows of X written into its X tiles. */
    record Wiring(KernelKey product) implements KernelKey {
    }

    /** The append of a token's K and V at {@code position} to KV head {@code kvHead}'s caches. */
    record Append(int kvHead, int position) implements KernelKey {
    }

    /**
     * Kernel {@code kernel} for a token at {@code position}: RoPE's angles and the softmax's mask depend on it; the
     * norms are their position's own too, so that in a plan with data each token's rows after them (a layer's output
     * among them) lie in places of their own, where they can be read after the run.
     */
    record At(KernelKey kernel, int position) implements KernelKey {
    }

    /** The RMSNorm with {@code weight}, its row left in fp16 if {@code f16}. */
    record Norm(Tensor weight, boolean f16) implements KernelKey {
    }

    /**
     * Kernel {@code kernel} reading, by position, the rows {@code rows} gives in place (empty: a placeholder row): a
     * kernel of its own per set of rows read.
     */
    record Reading(KernelKey kernel, List<Optional<Row>> rows) implements KernelKey {
    }

    /** A vector kernel of kind {@code kind} over {@code size} values (0 where one size per chip is all there is). */
    record Vector(VectorStepKind kind, int size) implements KernelKey {
    }

    /** The vector kernels of a token besides norms. */
    enum VectorStepKind {
        ROPE,
        SOFTMAX,
        /** The sum of the two halves of a split V product. */
        V_SUM,
        RESIDUAL,
        /** A reduction's sum on its root of its own row and those that landed (the size: how many rows). */
        ROW_SUM,
        /** A residual and the norm after it, as one kernel (size 1: its row left in fp16). */
        RESIDUAL_NORM,
        ROUTE,
        /** The router's top-k naming the chosen experts (index and weights per slot). */
        ROUTE_CHOSEN,
        SWIGLU,
        /** A chip's experts' rows scaled by their routing weights and added (the size: how many). */
        GATED_SUM,
        /** With the experts chosen by data, a slot's row scaled and added to those before it (the size: which slot). */
        SCALED_SUM,
        ARGMAX,
        /** A token's row of the embedding table, read where its index says. */
        LOOKUP,
        /** int8 products' per-column scaling of their results. */
        SCALE
    }
}
