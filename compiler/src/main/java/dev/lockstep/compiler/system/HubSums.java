// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.isa.DataType;
import java.util.Set;
import java.util.TreeSet;

/**
 * The sum kernels of one hub of a {@link CablePipeline}: of its node's rows (every chip's, one piece) and of the two
 * nodes' sums (one piece), each for a whole piece and for the last, shorter one. Compiled with every staging slice
 * counted as full, so that they use no lane's queue or slice; placed as temporaries (they overlap each other's
 * words, never in time). Those of the schedule chosen are kept for later all-reduces on the hub
 * ({@link Collectives#keepBesideLanes}), their words taken there; the others are only tried.
 */
final class HubSums {
    private final int hub;
    private final int inputs;
    private final int[] sizes;
    private final DataType type;
    private final Set<Integer> staging;
    private final CompiledKernel[] node = new CompiledKernel[2];
    private final CompiledKernel[] cross = new CompiledKernel[2];

    /** The sums of a hub whose node has {@code inputs} chips, for pieces of {@code piece} of {@code vectors}. */
    HubSums(Collectives col, SystemBuild build, int hub, int inputs, EastLanes east, int vectors, DataType type,
            int piece) {
        this.hub = hub;
        this.inputs = inputs;
        this.type = type;
        staging = new TreeSet<>(Exchange.stagingPositions(build));
        staging.add(east.send().staging());
        staging.add(east.receive().staging());
        SramMap avoiding = build.chip(hub).sram();
        for (int p : staging) {
            avoiding = avoiding.raise(p, avoiding.ceiling());
        }
        int last = vectors - (vectors - 1) / piece * piece;
        sizes = new int[] {piece, last};
        for (int i = 0; i < (last == piece ? 1 : 2); i++) {
            if (inputs > 1) {
                node[i] = col.sumBesideLanes(hub, avoiding, inputs, sizes[i], type);
            }
            cross[i] = col.sumBesideLanes(hub, avoiding, 2, sizes[i], type);
        }
        if (last == piece) {
            node[1] = node[0];
            cross[1] = cross[0];
        }
    }

    int hub() {
        return hub;
    }

    /** The sum of the node's rows, for a whole piece or the last. */
    CompiledKernel nodeSum(boolean last) {
        return node[last ? 1 : 0];
    }

    /** The sum of the two nodes' sums, for a whole piece or the last. */
    CompiledKernel crossSum(boolean last) {
        return cross[last ? 1 : 0];
    }

    /** Keeps these kernels for later all-reduces on the hub and takes their words there. */
    void keep(Collectives col, SystemBuild build) {
        for (int i = 0; i < 2; i++) {
            if (node[i] != null) {
                col.keepBesideLanes(hub, inputs, sizes[i], type, node[i]);
                build.chip(hub).takeOutside(node[i].sram(), staging);
            }
            col.keepBesideLanes(hub, 2, sizes[i], type, cross[i]);
            build.chip(hub).takeOutside(cross[i].sram(), staging);
        }
    }
}
