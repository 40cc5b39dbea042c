// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.isa.system.Topology;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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

    /**
     * The tree as it grows: its flows, the chips reached (word landing cycles, exchanges from the source) and the
     * send lanes each uses.
     */
    private static final class Growing {
        final SystemBuild build;
        final PieceSchedule ps;
        final PieceSchedule.Pieces cut;
        final int words;
        final long t0;
        final Map<Integer, long[]> landed = new TreeMap<>();
        final Map<Integer, Integer> depth = new TreeMap<>();
        final Map<Integer, Integer> sends = new TreeMap<>();
        final RelayBroadcast.Latest latest;

        Growing(SystemBuild build, int words, long t0) {
            this.build = build;
            this.ps = new PieceSchedule(build, t0);
            this.cut = new PieceSchedule.Pieces(words, 1, 1);
            this.words = words;
            this.t0 = t0;
            this.latest = new RelayBroadcast.Latest(t0);
        }

        /** Relays the row from {@code from} (reached) to {@code to} over their link; false if it has no lane left. */
        boolean relay(int from, int to) {
            int lane = sends.getOrDefault(from, 0);
            if (lane >= Exchange.Lanes.LANES) {
                return false;
            }
            sends.put(from, lane + 1);
            Exchange.Lanes lanes = build.lanes();
            PieceSchedule.Flow f = ps.direct(from, to, lanes.send(lane), lanes.receive(0), words,
                    ps.startFor(landed.get(from), cut, t0), 0, 0);
            landed.put(to, RelayBroadcast.landedWords(ps, f, words));
            depth.put(to, depth.get(from) + 1);
            latest.see(ps, f, words, depth.get(to));
            return true;
        }

        /** {@code root} (reached) sends the row to every other chip of {@code seg}; false if it cannot. */
        boolean fanOut(int root, List<Integer> seg) {
            Topology t = build.topology();
            for (int chip : seg) {
                if (chip != root && (t.linkTo(root, chip) < 0 || !relay(root, chip))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The tree from {@code t0}, or null where some segment cannot be reached so; places nothing. */
    static RelayBroadcast.Tree plan(SystemBuild build, List<List<Integer>> segments, int words, long t0) {
        Topology t = build.topology();
        Growing b = new Growing(build, words, t0);
        int source = segments.get(0).get(0);
        long[] at = new long[words];
        Arrays.fill(at, t0);
        b.landed.put(source, at);
        b.depth.put(source, 0);
        if (!b.fanOut(source, segments.get(0))) {
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
                for (Map.Entry<Integer, long[]> e : b.landed.entrySet()) {
                    int from = e.getKey();
                    if (b.sends.getOrDefault(from, 0) >= Exchange.Lanes.LANES
                            || bestFrom >= 0 && e.getValue()[0] >= b.landed.get(bestFrom)[0]) {
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
            if (bestFrom < 0 || !b.relay(bestFrom, bestTo) || !b.fanOut(bestTo, segments.get(bestSeg))) {
                return null;
            }
            reached[bestSeg] = true;
        }
        return new RelayBroadcast.Tree(b.ps, b.latest.depth);
    }
}
