// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.system.LinkKind;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The all-reduce of {@link Collectives#allReduceAcrossNodes}: three exchanges, each one hop, each followed by sums.
 * A vector of every chip reaches every other chip over a local link, a cable between nodes and a local link, and
 * lands (in SRAM, where the VXM reads it) after each, because each is summed there. Two nodes go in pieces instead
 * ({@link CablePipeline}), where the chips allow it.
 */
final class AcrossNodes {
    private AcrossNodes() {
    }

    static long allReduce(Collectives col, SystemBuild build, List<Integer> nodes, int vectors, DataType type,
                          long notBefore) {
        Topology topology = build.topology();
        int cpn = build.system().chipsPerNode();
        int words = vectors * type.bytes();
        List<Integer> chips = new ArrayList<>();
        for (int n : nodes) {
            if (n < 0 || n >= build.system().nodes()) {
                throw new IllegalArgumentException("node " + n + " is not in " + build.system().name());
            }
            for (int c = 0; c < cpn; c++) {
                chips.add(n * cpn + c);
            }
        }
        if (chips.size() < 2) {
            return notBefore;
        }
        List<Exchange.Flow> global = new ArrayList<>();
        Map<Integer, Integer> arriving = new TreeMap<>();
        for (int c : chips) {
            for (int l = 0; l < topology.linksPerChip(); l++) {
                int f = topology.farChip(c, l);
                if (f >= 0 && topology.kind(c, l) != LinkKind.LOCAL && nodes.contains(f / cpn)) {
                    global.add(new Exchange.Flow(c, f, words));
                    arriving.merge(f, 1, Integer::sum);
                }
            }
        }
        checkCables(global, nodes, cpn);
        if (nodes.size() == 2) {
            Optional<Long> piped = CablePipeline.allReduce(col, build, nodes.get(0), nodes.get(1), vectors, type,
                    notBefore);
            if (piped.isPresent()) {
                return piped.get();
            }
        }
        // hop 1: within each node, every chip to every other; each adds the node's rows
        List<Exchange.Flow> local = new ArrayList<>();
        for (int c : chips) {
            for (int d = c / cpn * cpn; d < (c / cpn + 1) * cpn; d++) {
                if (d != c) {
                    local.add(new Exchange.Flow(c, d, words));
                }
            }
        }
        long t = local.isEmpty() ? notBefore : Exchange.runChunked(build, local, notBefore);
        long summed = t;
        for (int c : chips) {
            summed = Math.max(summed, cpn < 2 ? t : col.placeSum(c, cpn, vectors, type, t));
        }
        // hop 2: each node's sum over the cables to the other nodes; each chip adds what arrives
        t = global.isEmpty() ? summed : Exchange.runChunked(build, global, summed);
        summed = t;
        for (Map.Entry<Integer, Integer> e : arriving.entrySet()) {
            if (e.getValue() > 1) {
                summed = Math.max(summed, col.placeSum(e.getKey(), e.getValue(), vectors, type, t));
            }
        }
        // hop 3: within each node, every chip that holds a partial sum sends it to every other; each adds them
        local.clear();
        Map<Integer, Integer> inputs = new TreeMap<>();
        for (int c : chips) {
            inputs.put(c, 1 + (arriving.containsKey(c) ? 1 : 0));
        }
        for (int c : arriving.keySet()) {
            for (int d = c / cpn * cpn; d < (c / cpn + 1) * cpn; d++) {
                if (d != c) {
                    local.add(new Exchange.Flow(c, d, words));
                    inputs.merge(d, 1, Integer::sum);
                }
            }
        }
        t = local.isEmpty() ? summed : Exchange.runChunked(build, local, summed);
        long end = t;
        for (Map.Entry<Integer, Integer> e : inputs.entrySet()) {
            if (e.getValue() > 1) {
                end = Math.max(end, col.placeSum(e.getKey(), e.getValue(), vectors, type, t));
            }
        }
        return end;
    }

    /** Every two of the nodes must share exactly one cable, or some node sum would be missed or counted twice. */
    private static void checkCables(List<Exchange.Flow> global, List<Integer> nodes, int cpn) {
        Map<Long, Integer> cables = new TreeMap<>();
        for (Exchange.Flow f : global) {
            cables.merge(pair(f.from() / cpn, f.to() / cpn), 1, Integer::sum);
        }
        for (int a : nodes) {
            for (int b : nodes) {
                int n = cables.getOrDefault(pair(a, b), 0);
                if (a != b && n != 1) {
                    throw new IllegalArgumentException("nodes " + a + " and " + b + " share " + n + " cables; an "
                            + "all-reduce across nodes needs exactly one between every two (the nodes of one rack)");
                }
            }
        }
    }

    private static long pair(int a, int b) {
        return (long) a << 32 | b;
    }
}
