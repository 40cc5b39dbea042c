// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rows carried at once between chips that share a link ({@link Collectives#carryRows}): a broadcast's row from its
 * root to each other chip, or each chip's row to a reduction's root. Each flow's sender reads its row where it lies
 * ({@link MultiPath#runReading}); a chip's k-th flow out leaves on its send lane k, its j-th flow in lands on its
 * receive lane j; once a receiver's flows have landed in its lanes' staging buffers, one copy puts them where its
 * kernels read them ({@link Moves#plan}), and the receiver is held until the copy ends. Rows longer than a staging
 * buffer go in rounds of {@link Exchange.Lanes#STAGING_WORDS} words, one exchange each.
 */
final class RowFlows {
    private RowFlows() {
    }

    static Collectives.Carried carry(SystemBuild build, List<Collectives.RowFlow> flows, long notBefore) {
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
            if (sendLane[f] >= Exchange.Lanes.LANES || recvLane[f] >= Exchange.Lanes.LANES) {
                throw new IllegalArgumentException("a chip sends and receives at most " + Exchange.Lanes.LANES
                        + " rows at once; chip " + flow.from() + " or " + flow.to() + " takes more");
            }
            most = Math.max(most, flow.source().size());
        }
        int cap = Exchange.Lanes.STAGING_WORDS;
        long t = notBefore;
        long moves = 0;
        for (int w = 0; w < most; w += cap) {
            List<MultiPath.Leg> legs = new ArrayList<>();
            List<List<Moves.Word>> sources = new ArrayList<>();
            Map<Integer, List<Moves.Word>> landed = new TreeMap<>();
            Map<Integer, List<Moves.Word>> targets = new TreeMap<>();
            for (int f = 0; f < flows.size(); f++) {
                Collectives.RowFlow flow = flows.get(f);
                int n = Math.min(cap, flow.source().size() - w);
                if (n <= 0) {
                    continue;
                }
                legs.add(new MultiPath.Leg(List.of(new Topology.Hop(flow.from(), link[f])), sendLane[f], recvLane[f],
                        n));
                sources.add(flow.source().subList(w, w + n));
                int staging = build.lanes().receive(recvLane[f]).staging();
                List<Moves.Word> into = landed.computeIfAbsent(flow.to(), c -> new ArrayList<>());
                for (int i = 0; i < n; i++) {
                    into.add(new Moves.Word(staging, i));
                }
                targets.computeIfAbsent(flow.to(), c -> new ArrayList<>()).addAll(flow.target().subList(w, w + n));
            }
            Map<Integer, Moves.Planned> copies = new TreeMap<>();
            Map<Integer, Long> holds = new TreeMap<>();
            long longest = 0;
            for (Map.Entry<Integer, List<Moves.Word>> e : landed.entrySet()) {
                Moves.Planned copy;
                try {
                    copy = Moves.plan(build, e.getValue(), targets.get(e.getKey()));
                } catch (IllegalArgumentException ex) {
                    throw new CompileException("chip " + e.getKey() + ": a carried row is copied out of the receive "
                            + "lanes one way, east of the SXM they use; this row's place lies on both sides of them ("
                            + ex.getMessage() + ")");
                }
                copies.put(e.getKey(), copy);
                holds.put(e.getKey(), copy.duration());
                longest = Math.max(longest, copy.duration());
            }
            MultiPath.Placed p = MultiPath.runReading(build, legs, sources, holds, t);
            for (Map.Entry<Integer, Moves.Planned> e : copies.entrySet()) {
                Moves.emit(build, e.getKey(), e.getValue(), p.landed().get(e.getKey()));
            }
            moves += longest;
            t = p.end();
        }
        return new Collectives.Carried(t, moves);
    }
}
