// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.system;

import dev.lockstep.isa.chip.ChipSpec;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A system of identical chips: racks of nodes of chips. Within a node every chip has one local link to each other
 * chip (links 0 .. chipsPerNode-2); each chip also has {@code globalLinksPerChip} global links (the next link
 * ids), which join the nodes of a rack to each other and the racks to each other dragonfly-style (see
 * {@link Topology}). Links above those are unconnected. A link carries one vector per
 * {@code chip.links().vectorCycles} cycles in each direction (the chip's SerDes rate, the same for every kind);
 * a vector reaches the far chip {@code latencyCycles(kind)} cycles after it is serialised.
 *
 * @param latencyCycles per link kind, cycles from serialisation to arrival (unpublished; docs/model.md)
 */
public record SystemSpec(String name, ChipSpec chip, int racks, int nodesPerRack, int chipsPerNode,
                         int globalLinksPerChip, Map<LinkKind, Long> latencyCycles) {
    public SystemSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(chip);
        if (racks < 1 || nodesPerRack < 1 || chipsPerNode < 1 || globalLinksPerChip < 0) {
            throw new IllegalArgumentException("racks, nodes per rack and chips per node must be positive");
        }
        if (chipsPerNode - 1 + globalLinksPerChip > chip.links().count()) {
            throw new IllegalArgumentException("a chip needs " + (chipsPerNode - 1) + " local and "
                    + globalLinksPerChip + " global links but " + chip.name() + " has " + chip.links().count());
        }
        int ports = chipsPerNode * globalLinksPerChip;
        if (nodesPerRack > 1 && ports < nodesPerRack - 1) {
            throw new IllegalArgumentException("a rack of " + nodesPerRack + " nodes needs " + (nodesPerRack - 1)
                    + " global links per node to join its nodes, but a node has " + ports);
        }
        int left = ports - (nodesPerRack > 1 ? nodesPerRack - 1 : 0);
        if (racks > 1 && (long) left * nodesPerRack < racks - 1) {
            throw new IllegalArgumentException(racks + " racks need " + (racks - 1) + " global links per rack to "
                    + "the other racks, but a rack has " + (long) left * nodesPerRack + " left after joining its nodes ("
                    + left + " per node)");
        }
        EnumMap<LinkKind, Long> copy = new EnumMap<>(LinkKind.class);
        for (LinkKind k : LinkKind.values()) {
            Long v = latencyCycles.get(k);
            if (v == null || v < 1) {
                throw new IllegalArgumentException("latency of " + k.key() + " links must be at least 1 cycle");
            }
            copy.put(k, v);
        }
        latencyCycles = java.util.Collections.unmodifiableMap(copy);
    }

    public int chips() {
        return racks * nodesPerRack * chipsPerNode;
    }

    public int nodes() {
        return racks * nodesPerRack;
    }

    public long latencyCycles(LinkKind kind) {
        return latencyCycles.get(kind);
    }

    /** The smallest latency of any link kind that the topology uses (the simulator's lookahead). */
    public long minLatencyCycles() {
        return latencyCycles.values().stream().mapToLong(Long::longValue).min().orElseThrow();
    }

    /** Cycles one vector occupies a link (the chip's rate). */
    public long vectorCycles() {
        return chip.links().vectorCycles(chip.vectorBytes(), chip.clockHz());
    }

    @Override
    public String toString() {
        return name + " (" + racks + " racks x " + nodesPerRack + " nodes x " + chipsPerNode + " chips of "
                + chip.name() + ")";
    }
}
