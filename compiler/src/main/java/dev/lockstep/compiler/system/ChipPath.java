// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An order of chips in which each chip is linked to the next. The system's path takes all its chips: the nodes in
 * snake order (the nodes of rack 0 up, of rack 1 down, ...: consecutive nodes of a rack share a cable, and the last
 * node of a rack has a cable to the same node of the next rack), or where racks are wired rack to rack, each rack's
 * nodes from the one reached from the previous rack to the one reaching the next; and within a node the chip holding
 * the cable from the previous node first, the chip holding the cable to the next node last, the others in between by
 * id. Pipelines are laid along it, so that consecutive stages are neighbours. A part of it ({@link #share}) or a part
 * moved to chips wired alike ({@link #movedBy}) is the path of one copy of a model among several.
 */
public final class ChipPath {
    private final List<Integer> order;
    private final int[] index;
    private final int chipsPerNode;

    public ChipPath(Topology topology) {
        SystemSpec s = topology.system();
        this.chipsPerNode = s.chipsPerNode();
        List<Integer> nodes = snake(s);
        if (!linked(topology, nodes)) {
            nodes = rackToRack(topology);
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

    /** The nodes of rack 0 up, of rack 1 down, and so on. */
    private static List<Integer> snake(SystemSpec s) {
        List<Integer> nodes = new ArrayList<>();
        for (int r = 0; r < s.racks(); r++) {
            for (int i = 0; i < s.nodesPerRack(); i++) {
                nodes.add(r * s.nodesPerRack() + (r % 2 == 0 ? i : s.nodesPerRack() - 1 - i));
            }
        }
        return nodes;
    }

    /**
     * Whether each node of {@code nodes} has a cable to the next leaving from another chip than the one the node was
     * entered on (as the constructor then takes them).
     */
    private boolean linked(Topology t, List<Integer> nodes) {
        int entry = -1;
        for (int n = 0; n + 1 < nodes.size(); n++) {
            int[] c = nodeCable(t, nodes.get(n), nodes.get(n + 1), entry);
            if (c == null) {
                return false;
            }
            entry = c[1];
        }
        return true;
    }

    /**
     * The racks in order, where racks are wired rack to rack (a rack reaches the next from one of its nodes, see
     * {@link Topology}): each rack's nodes from the one the cable from the previous rack reaches to one with a cable to
     * the next rack, in an order (searched, nodes by id first, the exit node kept for last) in which every node is left
     * from a chip other than the one it was entered on.
     *
     * @throws CompileException if the search finds no such order for a rack within its budget
     */
    private List<Integer> rackToRack(Topology t) {
        SystemSpec s = t.system();
        List<Integer> nodes = new ArrayList<>();
        int entryNode = -1;
        int entryChip = -1;
        for (int r = 0; r < s.racks(); r++) {
            List<Integer> rack = rackOrder(t, r, entryNode, entryChip);
            if (rack == null) {
                throw new CompileException.NoChipPath(s.name() + " has no path through the nodes of rack " + r
                        + (r + 1 < s.racks() ? " to rack " + (r + 1) : "") + " that leaves every node from a chip "
                        + "other than its entry (searched " + SEARCH_STEPS + " steps); Lockstep lays pipelines along "
                        + "such a path: give each node more global links or racks that reach each other from more "
                        + "nodes");
            }
            nodes.addAll(rack.subList(0, s.nodesPerRack()));
            entryNode = rack.size() > s.nodesPerRack() ? rack.get(s.nodesPerRack()) : -1;
            entryChip = entryNode < 0 ? -1 : chipEntering(t, rack, s.nodesPerRack(), entryChip);
        }
        return nodes;
    }

    /** Steps of the search for one rack's order before it gives up. */
    private static final int SEARCH_STEPS = 1_000_000;

    /**
     * Rack {@code r}'s nodes in path order, from {@code entryNode} (entered on {@code entryChip}; -1 for the first
     * rack: any node) to a node with a cable to the next rack, followed by the next rack's node it reaches (none for
     * the last rack); null if none is found.
     */
    private List<Integer> rackOrder(Topology t, int r, int entryNode, int entryChip) {
        int n = t.system().nodesPerRack();
        boolean last = r + 1 == t.system().racks();
        int[] budget = {SEARCH_STEPS};
        for (int exit = r * n; exit < (r + 1) * n; exit++) {
            if (!last && !reachesRack(t, exit, r + 1)) {
                continue;
            }
            for (int start = r * n; start < (r + 1) * n; start++) {
                if (entryNode >= 0 && start != entryNode || start == exit && n > 1) {
                    continue;
                }
                List<Integer> path = new ArrayList<>(List.of(start));
                if (extend(t, r, path, entryNode >= 0 ? entryChip : -1, last ? -1 : exit, budget)) {
                    return path;
                }
                if (budget[0] <= 0) {
                    return null;
                }
            }
            if (last) {
                break;
            }
        }
        return null;
    }

    /** Whether some chip of {@code node} has a cable to a node of rack {@code rack}. */
    private boolean reachesRack(Topology t, int node, int rack) {
        int n = t.system().nodesPerRack();
        for (int next = rack * n; next < (rack + 1) * n; next++) {
            if (nodeCable(t, node, next, -1) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Extends {@code path} (its last node entered on {@code entryChip}) through the rest of rack {@code r}, ending at
     * {@code exit} (-1: anywhere, the last rack) and then the next rack's node it reaches; {@code budget} counts the
     * steps left.
     */
    private boolean extend(Topology t, int r, List<Integer> path, int entryChip, int exit, int[] budget) {
        if (--budget[0] < 0) {
            return false;
        }
        int n = t.system().nodesPerRack();
        int node = path.get(path.size() - 1);
        if (path.size() == n) {
            if (exit < 0) {
                return true;
            }
            for (int next = (r + 1) * n; next < (r + 2) * n; next++) {
                if (nodeCable(t, node, next, entryChip) != null) {
                    path.add(next);
                    return true;
                }
            }
            return false;
        }
        for (int next = r * n; next < (r + 1) * n; next++) {
            if (path.contains(next) || next == exit && path.size() < n - 1) {
                continue;
            }
            int[] c = nodeCable(t, node, next, entryChip);
            if (c != null) {
                path.add(next);
                if (extend(t, r, path, c[1], exit, budget)) {
                    return true;
                }
                path.remove(path.size() - 1);
            }
        }
        return false;
    }

    /** The chip on which node {@code path[i]} is entered from {@code path[0]} entered on {@code entryChip}. */
    private int chipEntering(Topology t, List<Integer> path, int i, int entryChip) {
        int chip = entryChip;
        for (int k = 0; k < i; k++) {
            chip = nodeCable(t, path.get(k), path.get(k + 1), chip)[1];
        }
        return chip;
    }

    private ChipPath(List<Integer> order, int chips, int chipsPerNode) {
        this.order = List.copyOf(order);
        this.chipsPerNode = chipsPerNode;
        this.index = new int[chips];
        Arrays.fill(index, -1);
        for (int i = 0; i < this.order.size(); i++) {
            index[this.order.get(i)] = i;
        }
    }

    /** Positions {@code first} to {@code first + count - 1} of this path, as a path of their own. */
    public ChipPath share(int first, int count) {
        if (first < 0 || count < 1 || first + count > order.size()) {
            throw new IllegalArgumentException("a path of " + order.size() + " chips has no positions " + first
                    + " to " + (first + count - 1));
        }
        return new ChipPath(order.subList(first, first + count), index.length, chipsPerNode);
    }

    /**
     * This path with every chip moved by {@code delta} chips, a multiple of a node's (chip c becoming c + delta): a
     * path where the chips moved to are wired among themselves as these are ({@link Topology#wiredAlike}, for the
     * caller to check).
     */
    public ChipPath movedBy(int delta) {
        if (delta % chipsPerNode != 0) {
            throw new IllegalArgumentException("a path moves by whole nodes, not " + delta + " chips");
        }
        List<Integer> moved = new ArrayList<>();
        for (int c : order) {
            if (c + delta < 0 || c + delta >= index.length) {
                throw new IllegalArgumentException("chip " + c + " moved by " + delta + " is not in the system");
            }
            moved.add(c + delta);
        }
        return new ChipPath(moved, index.length, chipsPerNode);
    }

    /** A cable from {@code node} to {@code next}, as {@link #cable}; null if there is none. */
    private int[] nodeCable(Topology t, int node, int next, int entry) {
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
        return null;
    }

    /** A cable from {@code node} to {@code next}: {exit chip, entry chip of next}, the exit not being {@code entry}. */
    private int[] cable(Topology t, int node, int next, int entry) {
        int[] c = nodeCable(t, node, next, entry);
        if (c == null) {
            throw new CompileException.NoChipPath(t.system().name() + " has no cable from node " + node + " to node "
                    + next + " that leaves from a chip other than the node's entry; Lockstep lays pipelines along such "
                    + "a path");
        }
        return c;
    }

    /** The chips in path order. */
    public List<Integer> order() {
        return order;
    }

    public int chip(int position) {
        return order.get(position);
    }

    /** Where a chip is on the path (-1 if it is not). */
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
