// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.isa.system.Topology;
import java.util.List;
import java.util.Map;

/**
 * The other way of {@link RelayBroadcast}: a tree over the cables between the segments' nodes, where the chain goes
 * segment after segment. The source sends the row to every other chip of its segment; then, as long as a segment has
 * not been reached, the chip reached soonest that has a send lane free and a link into such a segment relays the row
 * over it to the chip at its other end (that segment's root), and the root sends it to every other chip of its
 * segment; every chip relays each word as soon as it has landed. Where a rack's nodes are cabled to each other
 * (rack-72's and tsp-576's racks), a segment fed from a peer of the source is three landing hops from the source
 * however many segments there are (the source's peer, the cable, the root's peer; two where the source feeds it
 * itself), where the chain takes a
 * forwarded route per segment; a segment cabled only to chips whose lanes are taken (a full node's root spends all 7
 * on its node) is fed from a segment reached before, two hops deeper. A broadcast along the 7 nodes of Mixtral's LM
 * head on tsp-576 takes about half the chain's time ({@code RelayBroadcastTest}). Along two nodes the chain is
 * sooner (its one route forwarded, 439 cycles, against a landing, 650).
 */
final class RelayTree {
    private RelayTree() {
    }

    /** The tree from {@code t0}, or null where some segment cannot be reached so; places nothing. */
    static RelayBroadcast.Tree plan(SystemBuild build, List<List<Integer>> segments, int words, long t0) {
        Topology t = build.topology();
        RelayPlan plan = new RelayPlan(build, words, t0, segments.get(0).get(0));
        if (!plan.fanOut(segments.get(0).get(0), segments.get(0))) {
            return null;
        }
        boolean[] reached = new boolean[segments.size()];
        reached[0] = true;
        for (int round = 1; round < segments.size(); round++) {
            // the feeder reached soonest (then the lowest segment, chip), among those with a lane and a link
            int bestFrom = -1;
            int bestTo = -1;
            int bestSeg = -1;
            for (int s = 1; s < segments.size(); s++) {
                if (reached[s]) {
                    continue;
                }
                for (Map.Entry<Integer, long[]> e : plan.landed().entrySet()) {
                    int from = e.getKey();
                    if (!plan.canSend(from)
                            || bestFrom >= 0 && e.getValue()[0] >= plan.landed().get(bestFrom)[0]) {
                        continue;
                    }
                    for (int to : segments.get(s)) {
                        if (t.linkTo(from, to) >= 0) {
                            bestFrom = from;
                            bestTo = to;
                            bestSeg = s;
                            break;
                        }
                    }
                }
            }
            if (bestFrom < 0 || !plan.relay(bestFrom, bestTo, 0) || !plan.fanOut(bestTo, segments.get(bestSeg))) {
                return null;
            }
            reached[bestSeg] = true;
        }
        return plan.tree();
    }
}
