// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows carried at once between chips that share a link ({@link Collectives#carryRows}): a broadcast's row from its
 * root to each other chip, or each chip's row to a reduction's root. Each flow's sender reads its row where it lies
 * and its receiver writes it where its kernels read it, as the words pass on the receive lane's stream
 * ({@link MultiPath#runInPlace}); a chip's k-th flow out leaves on its send lane k, its j-th flow in arrives on its
 * receive lane j. Rows longer than a staging buffer go in rounds of {@link Exchange.Lanes#STAGING_WORDS} words, one
 * exchange each (as every transfer's legs do).
 */
final class RowFlows {
    private RowFlows() {
    }

    /**
     * Carries {@code flows} at once from {@code notBefore}, in rounds of at most a staging buffer's words; returns when
     * the last row is in place.
     */
    static long carry(SystemBuild build, List<Collectives.RowFlow> flows, long notBefore) {
        if (flows.isEmpty()) {
            throw new IllegalArgumentException("rows carried at once: at least one flow");
        }
        Topology topology = build.topology();
        Map<Integer, Integer> sends = new HashMap<>();
        Map<Integer, Integer> receives = new HashMap<>();
        int[] sendLane = new int[flows.size()];
        int[] recvLane = new int[flows.size()];
        int[] link = new int[flows.size()];
        int most = 0;
        for (int f = 0; f < flows.size(); f++) {
            Collectives.RowFlow flow = flows.get(f);
            sendLane[f] = sends.merge(flow.from(), 1, Integer::sum) - 1;
            recvLane[f] = receives.merge(flow.to(), 1, Integer::sum) - 1;
            link[f] = topology.linkTo(flow.from(), flow.to());
            if (link[f] < 0) {
                throw new IllegalArgumentException("chips " + flow.from() + " and " + flow.to() + " share no link: "
                        + "rows carried at once go over direct links");
            }
            if (sendLane[f] >= Exchange.Lanes.LANES) {
                throw new IllegalArgumentException("a chip sends at most " + Exchange.Lanes.LANES + " rows at once; "
                        + "chip " + flow.from() + " sends more");
            }
            if (recvLane[f] >= Exchange.Lanes.LANES) {
                throw new IllegalArgumentException("a chip receives at most " + Exchange.Lanes.LANES + " rows at "
                        + "once; chip " + flow.to() + " receives more");
            }
            most = Math.max(most, flow.source().size());
        }
        int cap = Exchange.Lanes.STAGING_WORDS;
        long t = notBefore;
        for (int w = 0; w < most; w += cap) {
            List<MultiPath.Leg> legs = new ArrayList<>();
            List<List<Moves.Word>> sources = new ArrayList<>();
            List<List<Moves.Word>> targets = new ArrayList<>();
            for (int f = 0; f < flows.size(); f++) {
                Collectives.RowFlow flow = flows.get(f);
                int n = Math.min(cap, flow.source().size() - w);
                if (n <= 0) {
                    continue;
                }
                legs.add(new MultiPath.Leg(List.of(new Topology.Hop(flow.from(), link[f])), sendLane[f], recvLane[f],
                        n));
                sources.add(flow.source().subList(w, w + n));
                targets.add(flow.target().subList(w, w + n));
            }
            t = MultiPath.runInPlace(build, legs, sources, targets, t);
        }
        return t;
    }
}
