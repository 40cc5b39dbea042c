// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.List;

/**
 * An order of all the chips of a system in which each chip is linked to the next: the nodes in snake order (the
 * nodes of rack 0 up, of rack 1 down, ...: consecutive nodes of a rack share a cable, and the last node of a rack
 * has a cable to the same node of the next rack), and within a node the chip holding the cable from the previous
 * node first, the chip holding the cable to the next node last, the others in between by id. Pipelines are laid
 * along it, so that consecutive stages are neighbours.
 */
public final class ChipPath {
    private final List<Integer> order;
    private final int[] index;
    private final int chipsPerNode;

    public ChipPath(Topology topology) {
        SystemSpec s = topology.system();
        this.chipsPerNode = s.chipsPerNode();
        List<Integer> nodes = new ArrayList<>();
        for (int r = 0; r < s.racks(); r++) {
            for (int i = 0; i < s.nodesPerRack(); i++) {
                nodes.add(r * s.nodesPerRack() + (r % 2 == 0 ? i : s.nodesPerRack() - 1 - i));
            }
        }
        order = new ArrayList<>();
        int entry = -1;
        for (int n = 0; n < nodes.size(); n++) {
            int node = nodes.get(n);
            int exit = -1;
            int nextEntry = -1;
            if (n + 1 < nodes.size()) {
                int[] cable = cable(topology, node, nodes.get(n + 1), entry);
                exit = cable[0];
                nextEntry = cable[1];
            }
            List<Integer> chips = new ArrayList<>();
            if (entry >= 0) {
                chips.add(entry);
            }
            for (int c = node * chipsPerNode; c < (node + 1) * chipsPerNode; c++) {
                if (c != entry && c != exit) {
                    chips.add(c);
                }
            }
            if (exit >= 0 && exit != entry) {
                chips.add(exit);
            }
            order.addAll(chips);
            entry = nextEntry;
        }
        index = new int[s.chips()];
        for (int i = 0; i < order.size(); i++) {
            index[order.get(i)] = i;
        }
    }

    /** A cable from {@code node} to {@code next}: {exit chip, entry chip of next}, the exit not being {@code entry}. */
    private int[] cable(Topology t, int node, int next, int entry) {
        for (int c = node * chipsPerNode; c < (node + 1) * chipsPerNode; c++) {
            if (c == entry && chipsPerNode > 1) {
                continue;
            }
            for (int l = 0; l < t.linksPerChip(); l++) {
                int f = t.farChip(c, l);
                if (f >= 0 && f / chipsPerNode == next) {
                    return new int[] {c, f};
                }
            }
        }
        throw new IllegalArgumentException(t.system().name() + " has no cable from node " + node + " to node " + next
                + " that leaves from a chip other than the node's entry; Lockstep lays pipelines along such a path");
    }

    /** The chips in path order. */
    public List<Integer> order() {
        return order;
    }

    public int chip(int position) {
        return order.get(position);
    }

    /** Where a chip is on the path. */
    public int position(int chip) {
        return index[chip];
    }

    /**
     * The chips at path positions [from, to), cut into segments that lie within one node (all linked to each
     * other); each segment's last chip is linked to the next segment's first.
     */
    public List<List<Integer>> segments(int from, int to) {
        List<List<Integer>> out = new ArrayList<>();
        List<Integer> cur = new ArrayList<>();
        for (int p = from; p < to; p++) {
            int c = order.get(p);
            if (!cur.isEmpty() && cur.get(0) / chipsPerNode != c / chipsPerNode) {
                out.add(cur);
                cur = new ArrayList<>();
            }
            cur.add(c);
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }
}
