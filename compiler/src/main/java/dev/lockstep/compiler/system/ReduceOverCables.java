// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.compiler.system.Collectives.Costs;
import dev.lockstep.isa.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link AlongSegments#reduce} over the cables between the segments' nodes, where the chain goes segment after
 * segment: every other segment reduces into a chip of its own that has a cable into the target's segment (its root),
 * all side by side; each root sends its segment's sum over that cable to the chip at its other end, which adds what
 * it received to its own row; then the target's segment reduces into the target. The sums cross their cables in one
 * exchange, each on a lane of its own, so that several landing on one chip do not wait for each other. Where a
 * rack's nodes are cabled to each other (rack-72's and tsp-576's racks), that is three exchanges however many
 * segments there are, where the chain takes a route and a sum per segment: the reduction of Mixtral's LM head over 7
 * nodes of tsp-576 ({@code ReduceOverCablesTest}). Taken where it has fewer exchanges on its critical path than
 * the chain (each costs at least a hop): the chain takes a segment's reduction and a route for each segment after it
 * (the head's 7 nodes: 3 exchanges against 7; three segments: this way only where the target is alone in its
 * segment, 2 against 3; two segments: never). Measured both ways in the test, with three segments the way taken
 * (the one with fewer exchanges, the chain where equal) was the sooner in all four cases. Not done so (empty, nothing placed) either where a segment has no chip
 * with a cable into the target's segment, or where more sums would land on one chip than it has receive lanes.
 */
final class ReduceOverCables {
    private ReduceOverCables() {
    }

    /** A segment's root and the chip of the target's segment its cable leads to. */
    private record Cable(int root, int far) {
    }

    /**
     * The sum of {@code vectors} f32 vectors of every chip of {@code segments} on the last chip of the last segment
     * ({@code toLast}; else on the first chip of the first), if it can go so; returns its end.
     */
    static Optional<Long> reduce(Collectives col, SystemBuild build, List<List<Integer>> segments, int vectors,
                                 long notBefore, boolean toLast) {
        return exchanges(segments, toLast) < chainExchanges(segments, toLast)
                ? over(col, build, segments, vectors, notBefore, toLast) : Optional.empty();
    }

    /**
     * Exchanges on this way's critical path for a row of one round: a segment's reduction (none for a segment of
     * one chip), the cables, the target segment's reduction (none if the target is alone in it).
     */
    static int exchanges(List<List<Integer>> segments, boolean toLast) {
        int home = toLast ? segments.size() - 1 : 0;
        int own = 0;
        for (int s = 0; s < segments.size(); s++) {
            if (s != home && segments.get(s).size() > 1) {
                own = 1;
            }
        }
        return own + 1 + (segments.get(home).size() > 1 ? 1 : 0);
    }

    /**
     * Exchanges on the chain's critical path for a row of one round ({@link AlongSegments#chain}): through the k-th
     * segment in the direction of travel, its reduction (none for one chip) and a route for each segment after it.
     */
    static int chainExchanges(List<List<Integer>> segments, boolean toLast) {
        int n = segments.size();
        int most = 0;
        for (int k = 0; k < n; k++) {
            List<Integer> seg = segments.get(toLast ? k : n - 1 - k);
            most = Math.max(most, (seg.size() > 1 ? 1 : 0) + n - 1 - k);
        }
        return most;
    }

    /** {@link #reduce} with any number of segments from two (for tests that compare it with the chain). */
    static Optional<Long> over(Collectives col, SystemBuild build, List<List<Integer>> segments, int vectors,
                               long notBefore, boolean toLast) {
        int n = segments.size();
        if (n < 2) {
            return Optional.empty();
        }
        int home = toLast ? n - 1 : 0;
        List<Integer> homeSeg = segments.get(home);
        int target = toLast ? homeSeg.get(homeSeg.size() - 1) : homeSeg.get(0);
        Cable[] cables = new Cable[n];
        Map<Integer, Integer> landing = new TreeMap<>();
        for (int s = 0; s < n; s++) {
            if (s != home) {
                cables[s] = cable(build, segments.get(s), homeSeg, target);
                if (cables[s] == null || landing.merge(cables[s].far, 1, Integer::sum) > Exchange.Lanes.LANES) {
                    return Optional.empty();
                }
            }
        }
        Costs before = col.counted();
        long least = Exchange.minimumCycles(build);
        int words = vectors * Collectives.F32_WORDS;
        Costs[] own = new Costs[n];
        long reduced = notBefore;
        List<Exchange.Flow> cabled = new ArrayList<>();
        // per chip of the target's segment: how many sums it receives
        Map<Integer, Integer> received = new TreeMap<>();
        for (int s = 0; s < n; s++) {
            if (s == home) {
                continue;
            }
            Costs c = col.counted();
            reduced = Math.max(reduced, col.reduce(cables[s].root, segments.get(s), vectors, notBefore));
            own[s] = col.counted().minus(c);
            cabled.add(new Exchange.Flow(cables[s].root, cables[s].far, words));
            received.merge(cables[s].far, 1, Integer::sum);
        }
        // every segment's sum over its cable at once, each on a lane of its own
        Costs c0 = col.counted();
        long in = Exchange.runChunked(build, cabled, reduced);
        Costs crossing = col.counted().minus(c0);
        // each chip that received adds it to its own row (the target adds it in the last sum)
        Map<Integer, Costs> added = new TreeMap<>();
        long ready = in;
        for (Map.Entry<Integer, Integer> e : received.entrySet()) {
            int chip = e.getKey();
            if (chip == target) {
                continue;
            }
            Costs c = col.counted();
            ready = Math.max(ready, col.placeSum(chip, e.getValue() + 1, vectors, DataType.F32, in));
            added.put(chip, col.counted().minus(c));
        }
        Costs c = col.counted();
        List<Exchange.Flow> flows = new ArrayList<>();
        for (int chip : homeSeg) {
            if (chip != target) {
                flows.add(new Exchange.Flow(chip, target, words));
            }
        }
        long t = flows.isEmpty() ? ready : Exchange.runChunked(build, flows, ready);
        int inputs = homeSeg.size() + received.getOrDefault(target, 0);
        long end = inputs < 2 ? t : col.placeSum(target, inputs, vectors, DataType.F32, t);
        Costs last = col.counted().minus(c);
        // one path: a segment's reduction, its cable, the sum where it landed (none at the target), the last step
        Costs critical = last;
        for (int s = 0; s < n; s++) {
            if (s != home) {
                Costs path = own[s].plus(crossing).plus(added.getOrDefault(cables[s].far, new Costs(0, 0, 0)))
                        .plus(last);
                if (path.least(least) > critical.least(least)) {
                    critical = path;
                }
            }
        }
        col.countOnePath(before, critical);
        return Optional.of(end);
    }

    /**
     * The first chip of {@code seg} (in order) with a link into {@code homeSeg}, and the chip it leads to there (one
     * other than {@code target} if it has one); null if none.
     */
    private static Cable cable(SystemBuild build, List<Integer> seg, List<Integer> homeSeg, int target) {
        for (int root : seg) {
            Cable toTarget = null;
            for (int far : homeSeg) {
                if (build.topology().linkTo(root, far) >= 0) {
                    if (far != target) {
                        return new Cable(root, far);
                    }
                    toTarget = new Cable(root, far);
                }
            }
            if (toTarget != null) {
                return toTarget;
            }
        }
        return null;
    }
}
