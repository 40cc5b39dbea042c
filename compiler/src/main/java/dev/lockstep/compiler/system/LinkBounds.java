// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.system.Topology;
import java.util.Arrays;
import java.util.List;

/**
 * Lower bounds of transfers and collectives, for judging how near a schedule comes: the hop latencies on their paths
 * plus their words over the link bandwidth they can use, words counted as a fluid (a fraction of a frame allowed).
 * A hop costs what {@link MultiPath} gives one word on lanes 0 of both ends (the on-chip moves to and from the
 * staging slices nearest the SXM, the send and receive ends, one frame, the link, the forwards on the way: 650 cycles
 * over one link of tsp-576, docs/model.md "Hops"); a word more on one link costs one frame (V).
 */
public final class LinkBounds {
    private LinkBounds() {
    }

    /**
     * A transfer of {@code words} words from {@code from} to {@code to}: the least T by which the paths that
     * {@link MultiPath#paths} finds between them (at most a chip's {@link Exchange.Lanes#LANES} lanes) can have
     * delivered them, each path carrying (T - its first word's arrival) / V + 1 words once its first has
     * arrived. With one path this is that path's time for all the words.
     */
    public static long transfer(SystemBuild build, int from, int to, int words) {
        if (from == to || words < 1) {
            return 0;
        }
        List<List<Topology.Hop>> paths = MultiPath.paths(build.topology(), from, to, Exchange.Lanes.LANES);
        long[] first = new long[paths.size()];
        for (int p = 0; p < paths.size(); p++) {
            first[p] = MultiPath.endOf(build, paths.get(p), 0, 1);
        }
        return fluid(first, words, build.lanes().vectorCycles);
    }

    /**
     * The least T at which paths whose first words land at {@code first} (any order) deliver {@code words}: with
     * the k earliest paths carrying, k + (k T - their first arrivals) / V words.
     */
    static long fluid(long[] first, double words, long v) {
        long[] base = first.clone();
        Arrays.sort(base);
        double sum = 0;
        for (int k = 1; k <= base.length; k++) {
            sum += base[k - 1];
            double t = ((words - k) * v + sum) / k;
            if (k == base.length || t <= base[k]) {
                return (long) Math.ceil(Math.max(t, base[k - 1]));
            }
        }
        throw new IllegalArgumentException("no path");
    }

    /**
     * An all-reduce of {@code vectors} vectors of {@code type} among {@code members}, every two of them linked
     * (the chips of a node), each landing what it receives where a sum adds it: the lesser of the two ways such an
     * all-reduce can go.
     * <ul>
     *   <li>One exchange: every member receives every other's whole row, the rows spread over its N - 1 links
     *       (the row's words on each), then adds N rows.</li>
     *   <li>Two or more: at least a reduce-scatter and an all-gather, each member receiving (N - 1) / N of the row
     *       in each, spread over its links, and adding N rows of 1 / N of the row in between.</li>
     * </ul>
     * A sum's part is its kernel's lower bound ({@link Collectives#sumForTest}); a hop and a frame as above.
     */
    public static long allReduceInNode(SystemBuild build, Collectives col, List<Integer> members, int vectors,
                                       DataType type) {
        int n = members.size();
        if (n < 2) {
            return 0;
        }
        int chip = members.get(0);
        for (int a : members) {
            for (int b : members) {
                if (a != b && build.topology().linkTo(a, b) < 0) {
                    throw new IllegalArgumentException("chips " + a + " and " + b + " share no link");
                }
            }
        }
        long hop = MultiPath.endOf(build, build.topology().route(chip, members.get(1)), 0, 1);
        long v = build.lanes().vectorCycles;
        double words = (double) vectors * type.bytes();
        long oneExchange = (long) Math.ceil(hop + (words - 1) * v)
                + col.sumForTest(chip, n, vectors, type).lowerBoundCycles();
        double segment = words / n;
        long twoExchanges = (long) Math.ceil(2 * (hop + Math.max(0, segment - 1) * v))
                + col.sumForTest(chip, n, (vectors + n - 1) / n, type).lowerBoundCycles();
        return Math.min(oneExchange, twoExchanges);
    }

    /**
     * An all-reduce of {@code vectors} vectors of {@code type} over the chips of two nodes joined by cables: a row
     * of one node reaches the other node's chips only after it has been added to the rest of its node (else the
     * cables would carry every chip's row) and crossed a cable, so over three hops that land (one to where the node
     * adds, the cable, one from where the far node adds); and each way the cables carry the whole row, spread over
     * them. The sums: one node's reduction at its cheapest (N inputs of 1 / N of the row).
     */
    public static long allReduceOfTwoNodes(SystemBuild build, Collectives col, int nodeA, int nodeB, int vectors,
                                           DataType type) {
        Topology t = build.topology();
        int cpn = build.system().chipsPerNode();
        int cables = 0;
        Topology.Hop cable = null;
        for (int c = nodeA * cpn; c < (nodeA + 1) * cpn; c++) {
            for (int l = 0; l < t.linksPerChip(); l++) {
                if (t.farChip(c, l) >= 0 && t.farChip(c, l) / cpn == nodeB) {
                    cables++;
                    cable = cable == null ? new Topology.Hop(c, l) : cable;
                }
            }
        }
        if (cable == null || nodeA == nodeB) {
            throw new IllegalArgumentException("nodes " + nodeA + " and " + nodeB + " share no cable");
        }
        int chip = nodeA * cpn;
        long local = MultiPath.endOf(build, t.route(chip, chip + 1), 0, 1);
        long across = MultiPath.endOf(build, List.of(cable), 0, 1);
        double words = (double) vectors * type.bytes() / cables;
        return (long) Math.ceil(2 * local + across + Math.max(0, words - 1) * build.lanes().vectorCycles)
                + col.sumForTest(chip, cpn, (vectors + cpn - 1) / cpn, type).lowerBoundCycles();
    }
}
