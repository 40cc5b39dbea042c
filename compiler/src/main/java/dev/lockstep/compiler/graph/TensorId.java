// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.graph;

/**
 * One tensor of a layer: which, and for a per-expert tensor, whose.
 *
 * @param tensor which tensor
 * @param expert the expert (0 for a tensor that exists once per layer)
 */
public record TensorId(Tensor tensor, int expert) {
    public TensorId {
        if (expert < 0) {
            throw new IllegalArgumentException("expert must be >= 0, got " + expert);
        }
    }
}
