// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.compiler.system.Collectives.Costs;
import dev.lockstep.isa.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Collectives along a stage's chips cut into segments (each a node's chips along the chip path, all linked to each
 * other, each segment's last chip linked to the next one's first): the segments work side by side, and what crosses
 * between them is sent over one or several paths ({@link Collectives#send}), forwarded by the chips on the way
 * without landing; or, where they can, in pieces or word by word ({@link ReduceInPieces}, {@link RelayBroadcast}
 * along the segments or {@link RelayTree} over the nodes' cables), or over the nodes' cables
 * ({@link ReduceOverCables}).
 * {@link Collectives} calls these; they count one path through what ran side by side
 * ({@link Collectives#countOnePath}).
 */
final class AlongSegments {
    private AlongSegments() {
    }

    /**
     * Sends {@code words} words from the first chip of {@code segments} to all of them: relayed word by word where it
     * can go so ({@link RelayBroadcast}); else with whole rows, first along the segments' first chips, each sent from
     * the one before over one or several paths, forwarded by the chips on the way without landing
     * ({@link Collectives#send}); then within every segment from its first chip to the others, the segments side by
     * side, each from when the row has reached it (their chips are disjoint). Against going segment by segment (a
     * segment's broadcast, then from its last chip to the next segment's first, then that one's broadcast), a layer
     * of two nodes takes two exchanges on its critical path where it took three. {@link SystemBuild#exchanges}
     * counts one path, the longest: relayed, the way to the chip where the row lands last; with whole rows, the
     * routes up to a segment and that segment's broadcast.
     */
    static long broadcast(Collectives col, SystemBuild build, List<List<Integer>> segments, int words,
                          long notBefore) {
        int n = segments.size();
        if (n == 0) {
            return notBefore;
        }
        Optional<Long> relayed = RelayBroadcast.broadcast(build, segments, words, notBefore);
        if (relayed.isPresent()) {
            return relayed.get();
        }
        long before = build.exchanges();
        long[] arrived = new long[n];
        long[] routes = new long[n];
        arrived[0] = notBefore;
        for (int s = 1; s < n; s++) {
            long e = build.exchanges();
            arrived[s] = col.send(segments.get(s - 1).get(0), segments.get(s).get(0), words, arrived[s - 1]);
            routes[s] = routes[s - 1] + build.exchanges() - e;
        }
        long end = notBefore;
        long longest = 0;
        for (int s = 0; s < n; s++) {
            List<Integer> seg = segments.get(s);
            long e = build.exchanges();
            end = Math.max(end, col.broadcast(seg.get(0), seg, words, arrived[s]));
            longest = Math.max(longest, routes[s] + build.exchanges() - e);
        }
        build.countSideBySide(before, longest);
        return end;
    }

    /**
     * Sums {@code vectors} f32 vectors of every chip of {@code segments} on the last chip ({@code toLast}; else the
     * mirror, onto the first chip of the first segment): over the nodes' cables where that has fewer exchanges on its
     * critical path ({@link ReduceOverCables}); else along the chain ({@link #chain}).
     */
    static long reduce(Collectives col, SystemBuild build, List<List<Integer>> segments, int vectors, long notBefore,
                       boolean toLast) {
        int n = segments.size();
        if (n == 0) {
            return notBefore;
        }
        Optional<Long> cabled = ReduceOverCables.reduce(col, build, segments, vectors, notBefore, toLast);
        return cabled.isPresent() ? cabled.get() : chain(col, build, segments, vectors, notBefore, toLast);
    }

    /**
     * {@link #reduce} along the chain: every segment reduces to its own last chip at once (their chips are disjoint),
     * then each segment's sum goes to the next segment's last chip over one or several paths, forwarded by the chips
     * on the way without landing ({@link Collectives#send}), and is added there. Against reducing segment by segment,
     * which lands each sum on the next segment's first chip and reduces again from there, this takes one exchange
     * where that took a segment's whole reduction and a landing. What it adds to {@link SystemBuild#exchanges},
     * {@link Collectives#sumCycles} and {@link Collectives#sumBound} is one path through it, not every exchange and
     * sum placed: the segments side by side, then the chain of routes and 2-input sums from the first root in the
     * direction of travel. A segment's sum waits for its own reduction and then for every route and sum of the chain
     * after it joins; the path through segment s costs its reduction, plus (but for the chain's first root) the sum
     * where it joins, plus every route and sum after that. The counters take the path whose least cost (exchanges at
     * {@link Exchange#minimumCycles} each, plus its sums' bounds) is largest: a lower bound of the whole, which
     * counting every side-by-side exchange would not be.
     */
    static long chain(Collectives col, SystemBuild build, List<List<Integer>> segments, int vectors, long notBefore,
                      boolean toLast) {
        int n = segments.size();
        int[] root = new int[n];
        for (int s = 0; s < n; s++) {
            List<Integer> seg = segments.get(s);
            root[s] = toLast ? seg.get(seg.size() - 1) : seg.get(0);
        }
        Costs before = col.counted();
        Costs[] own = new Costs[n];
        long[] reduced = new long[n];
        for (int s = 0; s < n; s++) {
            Costs c = col.counted();
            reduced[s] = col.reduce(root[s], segments.get(s), vectors, notBefore);
            own[s] = col.counted().minus(c);
        }
        // then segment by segment towards the end the sum lands on: into the k-th root of the chain, a route
        // (routed[k]) and the sum there (added[k])
        int first = toLast ? 0 : n - 1;
        int step = toLast ? 1 : -1;
        Costs[] routed = new Costs[n];
        Costs[] added = new Costs[n];
        long t = reduced[first];
        for (int k = 1; k < n; k++) {
            int s = first + k * step;
            Costs c = col.counted();
            t = col.send(root[s - step], root[s], vectors * Collectives.F32_WORDS, t);
            Costs r = col.counted();
            routed[k] = r.minus(c);
            t = col.placeSum(root[s], 2, vectors, DataType.F32, Math.max(t, reduced[s]));
            added[k] = col.counted().minus(r);
        }
        long least = Exchange.minimumCycles(build);
        Costs critical = null;
        for (int k = 0; k < n; k++) {
            // segment k of the chain: its own reduction, the sum where it joins (none for the first), then on
            Costs path = k == 0 ? own[first] : own[first + k * step].plus(added[k]);
            for (int j = k + 1; j < n; j++) {
                path = path.plus(routed[j]).plus(added[j]);
            }
            if (critical == null || path.least(least) > critical.least(least)) {
                critical = path;
            }
        }
        col.countOnePath(before, critical);
        return t;
    }

    /**
     * Sums {@code vectors} f32 vectors of every chip of {@code segments} on {@code target}, a chip outside them (the
     * next stage's first chip): in pieces where it can ({@link ReduceInPieces}); else every segment reduces into its
     * own last chip at once, then every segment's sum goes
     * to the target at once, each over its shortest route on its own receive lane, forwarded by the chips on the way
     * without landing, and one sum adds them there. Against reducing to the last chip and sending the sum on
     * ({@link #reduce}, then {@link Collectives#send}), a sum's landing and an exchange leave the critical path. The
     * counters take the path through the segment whose reduction's least cost is largest, then the routes (one
     * exchange) and the sum. Where the routes would share a chip or a link, the segments outnumber a chip's lanes,
     * there is one segment, or a sum is more than a staging buffer, it is the reduction to the last chip and the
     * send.
     *
     * @throws IllegalArgumentException if {@code target} is a chip of the segments
     */
    static long reduceInto(Collectives col, SystemBuild build, List<List<Integer>> segments, int target, int vectors,
                           long notBefore) {
        int n = segments.size();
        if (n == 0) {
            return notBefore;
        }
        for (List<Integer> seg : segments) {
            if (seg.contains(target)) {
                throw new IllegalArgumentException("chip " + target + " is one of the segments " + segments
                        + ": a reduction into a chip sums onto a chip outside them");
            }
        }
        Optional<Long> inPieces = ReduceInPieces.into(col, build, segments, target, vectors, notBefore);
        if (inPieces.isPresent()) {
            return inPieces.get();
        }
        int words = vectors * Collectives.F32_WORDS;
        List<MultiPath.Leg> legs = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            List<Integer> seg = segments.get(s);
            legs.add(new MultiPath.Leg(build.topology().route(seg.get(seg.size() - 1), target), 0, s, words));
        }
        if (n < 2 || n > Exchange.Lanes.LANES || words > Exchange.Lanes.STAGING_WORDS
                || !MultiPath.disjoint(build.topology(), legs)) {
            long t = reduce(col, build, segments, vectors, notBefore, true);
            List<Integer> lastSeg = segments.get(n - 1);
            return col.send(lastSeg.get(lastSeg.size() - 1), target, words, t);
        }
        Costs before = col.counted();
        long least = Exchange.minimumCycles(build);
        Costs critical = null;
        long ready = notBefore;
        for (List<Integer> seg : segments) {
            Costs c = col.counted();
            ready = Math.max(ready, col.reduce(seg.get(seg.size() - 1), seg, vectors, notBefore));
            Costs own = col.counted().minus(c);
            if (critical == null || own.least(least) > critical.least(least)) {
                critical = own;
            }
        }
        Costs c = col.counted();
        long end = col.placeSum(target, n, vectors, DataType.F32, MultiPath.run(build, legs, ready));
        col.countOnePath(before, critical.plus(col.counted().minus(c)));
        return end;
    }
}
