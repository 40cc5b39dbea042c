// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.List;

/**
 * The three end-to-end hop figures of ISCA 2022 (docs/model.md, "Hops"), each built by the collectives as a
 * program for a system: one hop SRAM to SRAM, a vector routed 5 hops (forwarded by the chips on the way), and the
 * 3-hop all-reduce of one 320-byte int8 vector per chip across every node of a system. The caller simulates the
 * build; it must end at {@link Built#endCycle()}. Used by {@code HopsTest} and {@code lockstep validate}.
 */
public final class HopFigures {
    /** The hops of the published "at most 5 hops" figure. */
    public static final int FAR_HOPS = 5;

    private HopFigures() {
    }

    /**
     * A program built for a system, and the cycle the compiler says it ends at.
     *
     * @param build    every chip's program
     * @param endCycle the predicted end
     * @param to       the chip the vector lands on (the last chip of a route; -1 for the all-reduce)
     */
    public record Built(SystemBuild build, long endCycle, int to) {
    }

    /** One vector from chip 0 to chip 1 (linked in every preset), read from SRAM and written to SRAM. */
    public static Built oneHop(SystemSpec system) {
        SystemBuild b = new SystemBuild(system);
        return new Built(b, new Collectives(b).send(0, 1, 1, 0), 1);
    }

    /**
     * One vector from chip 0 to the first chip {@value #FAR_HOPS} hops away, forwarded by the 4 chips between.
     *
     * @throws IllegalArgumentException if no chip of the system is that far from chip 0
     */
    public static Built farHops(SystemSpec system) {
        Topology t = new Topology(system);
        int to = 1;
        while (to < system.chips() && t.hops(0, to) < FAR_HOPS) {
            to++;
        }
        if (to == system.chips()) {
            throw new IllegalArgumentException("no chip of " + system.name() + " is " + FAR_HOPS + " hops from chip 0");
        }
        SystemBuild b = new SystemBuild(system);
        return new Built(b, new Collectives(b).send(0, to, 1, 0), to);
    }

    /**
     * Every chip of every node ends with the sum of all chips' one int8 vector, in three hops, each landing for a
     * sum ({@link Collectives#allReduceAcrossNodes}).
     *
     * @throws IllegalArgumentException if two of the nodes do not share exactly one cable
     */
    public static Built allReduceAcrossAllNodes(SystemSpec system) {
        List<Integer> nodes = new ArrayList<>();
        for (int n = 0; n < system.nodes(); n++) {
            nodes.add(n);
        }
        SystemBuild b = new SystemBuild(system);
        return new Built(b, new Collectives(b).allReduceAcrossNodes(nodes, 1, DataType.I8, 0), -1);
    }
}
