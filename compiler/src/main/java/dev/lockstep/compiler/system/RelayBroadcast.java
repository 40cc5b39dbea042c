// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link AlongSegments#broadcast} relayed word by word: a chip that passes the row on sends each word as soon as it
 * has landed, so the row's serialisation is paid about once along the whole way, where a broadcast of whole rows
 * pays it at every landing. Two ways are planned and the one that ends sooner from the cycle its chips are free is
 * taken (this one, of equals): the tree over the nodes' cables ({@link RelayTree}), and the chain along the segments,
 * here. In the chain, in segment s (root r: the source, or the chip the row came to from the segment before):
 * <ul>
 *   <li>if a segment follows, r sends the row on send lane 0 to the next segment's first chip (the next root), over
 *       s's last chip and its cable, forwarded by that chip without landing (a hop forwarded costs the forward, a
 *       frame and the link, 439 cycles on tsp-v1, where a landing and a new send cost a whole hop, 650); a one-chip
 *       segment's way is the cable itself;</li>
 *   <li>r sends the row to every other chip of s over their links, each on its own send lane, except to s's last
 *       chip where that chip forwards the row: that one gets it from s's second chip, relayed, on receive lane 1
 *       (the forward takes receive lane 0's SXM queue); in a segment of two chips followed by another, the row
 *       lands on the last chip, which relays it over the cable;</li>
 *   <li>every other chip receives the row on receive lane 0.</li>
 * </ul>
 * A relaying chip reads word i from its send staging no sooner than word i has landed in its receive staging. The
 * copy between the two is not modelled: every timing-only transfer that sends on a row a chip received reads it from
 * the send staging. The exchanges counted are those on the way to the chip where the row lands last (a way forwarded
 * counts one), as for the broadcast of whole rows.
 *
 * <p>Not relayed (empty, nothing placed): one segment (the broadcast within a node is one exchange already), a row of
 * more than a staging buffer, or where neither way can go: the chain where a segment has more chips than a chip has
 * send lanes plus one or its links are not there, the tree where a segment cannot be reached over a link from a chip
 * reached before with a send lane free, and either where its flows would take a queue or link side of a chip twice
 * ({@link PieceSchedule#conflictFree}).
 */
final class RelayBroadcast {
    private RelayBroadcast() {
    }

    /** The row's flows from {@code t0}, and the exchanges on the way to the chip where the row lands last. */
    record Tree(PieceSchedule schedule, int depth) {
    }

    /** One way of relaying the row: its tree from {@code t0}, or null where it cannot go so; places nothing. */
    private interface Way {
        Tree plan(long t0);
    }

    /**
     * Sends {@code words} words from the first chip of {@code segments} to all of them, relayed, if it can go so: of
     * the chain along the segments (below) and the tree over the nodes' cables ({@link RelayTree}), the one that ends
     * sooner from the cycle its chips are free (the chain, of equals).
     */
    static Optional<Long> broadcast(SystemBuild build, List<List<Integer>> segments, int words, long notBefore) {
        if (segments.size() < 2 || words > Exchange.Lanes.STAGING_WORDS || words < 1) {
            return Optional.empty();
        }
        List<Way> ways = new ArrayList<>();
        if (chainLinked(build, segments)) {
            ways.add(t0 -> chain(build, segments, words, t0));
        }
        ways.add(t0 -> RelayTree.plan(build, segments, words, t0));
        Tree best = null;
        for (Way way : ways) {
            Tree probe = way.plan(0);
            if (probe == null || !probe.schedule.conflictFree()) {
                continue;
            }
            Tree tree = way.plan(Exchange.firstFree(build, probe.schedule.windows(), notBefore));
            if (best == null || tree.schedule.end() < best.schedule.end()) {
                best = tree;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        best.schedule.emit();
        for (int i = 0; i < best.depth; i++) {
            build.countExchange();
        }
        return Optional.of(best.schedule.end());
    }

    /** Whether the chain's links are there, and no segment has more peers than a chip has send lanes. */
    private static boolean chainLinked(SystemBuild build, List<List<Integer>> segments) {
        for (int s = 0; s < segments.size(); s++) {
            List<Integer> seg = segments.get(s);
            if (seg.size() - 1 > Exchange.Lanes.LANES) {
                return false;
            }
            for (int j = 1; j < seg.size(); j++) {
                if (build.topology().linkTo(seg.get(0), seg.get(j)) < 0) {
                    return false;
                }
            }
            if (s + 1 < segments.size() && seg.size() > 2
                    && build.topology().linkTo(seg.get(1), seg.get(seg.size() - 1)) < 0) {
                return false;
            }
            if (s + 1 < segments.size()
                    && build.topology().linkTo(seg.get(seg.size() - 1), segments.get(s + 1).get(0)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The chain from {@code t0} (its links there, see {@link #chainLinked}); places nothing. */
    static Tree chain(SystemBuild build, List<List<Integer>> segments, int words, long t0) {
        RelayPlan plan = new RelayPlan(build, words, t0, segments.get(0).get(0));
        for (int s = 0; s < segments.size(); s++) {
            List<Integer> seg = segments.get(s);
            int root = seg.get(0);
            int last = seg.get(seg.size() - 1);
            boolean more = s + 1 < segments.size();
            int next = more ? segments.get(s + 1).get(0) : -1;
            if (more && seg.size() != 2) {
                plan.along(root, viaLast(build.topology(), root, last, next), 0);
            }
            for (int j = 1; j < seg.size(); j++) {
                if (more && j == seg.size() - 1 && seg.size() > 2) {
                    // the last chip forwards the route: its row comes from the second chip
                    plan.relay(seg.get(1), last, 1);
                } else {
                    plan.relay(root, seg.get(j), 0);
                }
            }
            if (more && seg.size() == 2) {
                plan.relay(last, next, 0);
            }
        }
        return plan.tree();
    }

    /**
     * The way from a segment's first chip to the next segment's first: over the segment's last chip (forwarded there),
     * or over the cable alone where the segment is one chip.
     */
    private static List<Topology.Hop> viaLast(Topology t, int root, int last, int next) {
        if (root == last) {
            return List.of(new Topology.Hop(root, t.linkTo(root, next)));
        }
        return List.of(new Topology.Hop(root, t.linkTo(root, last)), new Topology.Hop(last, t.linkTo(last, next)));
    }
}
