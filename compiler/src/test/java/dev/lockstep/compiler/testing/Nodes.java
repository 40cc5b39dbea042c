// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.testing;

import java.util.List;
import java.util.stream.IntStream;

/** Chips of a system's nodes by id, for tests that build segments by hand. */
public final class Nodes {
    private Nodes() {
    }

    /** The chips of node {@code node}, in id order, with {@code perNode} chips a node. */
    public static List<Integer> chips(int node, int perNode) {
        return IntStream.range(node * perNode, (node + 1) * perNode).boxed().toList();
    }
}
