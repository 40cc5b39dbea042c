// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A transfer over several paths at once, each landing only at its end. Each path (a {@link Leg}) leaves its sender
 * on a send lane (lane k: staging slice {@code s_k}, SXM queue k, westward stream k) and reaches its receiver on a
 * receive lane; every chip on the way passes each vector on with a FWD on receive lane 0's SXM queue as soon as it
 * has arrived, without landing it (no stream, no SRAM; docs/model.md, "Hops"). The legs of one transfer share no
 * chip but their ends, no link and no lane, so they run side by side without conflict. A chip on the way is busy
 * from the first vector's arrival until its last vector is on the next link (the forwarding cycles after it was
 * taken), so that nothing it does next can send on that link while the forwarded frames still occupy it.
 * <ul>
 *   <li>{@link #paths}: between two chips, the topology's shortest route first, then, one at a time, the shortest
 *       path that avoids every chip and link of the ones before (breadth first, lowest link id first), at most a
 *       chip's {@link Exchange.Lanes#LANES} lanes.</li>
 *   <li>{@link #split}: words go one at a time to the path on which they would land first, path p on lanes p at
 *       both ends, so that all paths end together, to within one frame; a path slow enough to end later than the
 *       others with all their words gets none.</li>
 *   <li>Legs from several senders to one receiver (each on its own receive lane) run side by side too
 *       ({@link Collectives#reduceAlongInto}).</li>
 * </ul>
 * With all words on the shortest route, on lanes 0, this is the single route and, over a direct link, one
 * {@link Exchange} flow: the same instructions at the same cycles.
 */
final class MultiPath {
    private MultiPath() {
    }

    /**
     * One path of a transfer: its hops, the lanes it takes at its two ends, and the words it carries. The legs of
     * one transfer share no chip but their ends, no link and no lane of a chip.
     */
    record Leg(List<Topology.Hop> path, int sendLane, int recvLane, int words) {
        int from() {
            return path.get(0).chip();
        }
    }

    /**
     * At most {@code most} paths from {@code from} to {@code to} that share no chip but their ends and no link:
     * the shortest route first, then each time the shortest path left.
     */
    static List<List<Topology.Hop>> paths(Topology topology, int from, int to, int most) {
        return paths(topology, from, to, most, Set.of());
    }

    /**
     * As {@link #paths(Topology, int, int, int)}, the paths after the shortest route keeping off the chips
     * {@code noRelay} (but for the ends).
     */
    static List<List<Topology.Hop>> paths(Topology topology, int from, int to, int most, Set<Integer> noRelay) {
        List<List<Topology.Hop>> out = new ArrayList<>();
        if (from == to || most < 1) {
            return out;
        }
        out.add(topology.route(from, to));
        boolean[] usedChip = new boolean[topology.chips()];
        for (int c : noRelay) {
            usedChip[c] = true;
        }
        boolean[] usedLink = new boolean[topology.chips() * topology.linksPerChip()];
        while (true) {
            List<Topology.Hop> last = out.get(out.size() - 1);
            for (Topology.Hop h : last) {
                usedLink[h.chip() * topology.linksPerChip() + h.link()] = true;
                int far = topology.farChip(h.chip(), h.link());
                usedLink[far * topology.linksPerChip() + topology.farLink(h.chip(), h.link())] = true;
                if (h.chip() != from) {
                    usedChip[h.chip()] = true;
                }
            }
            if (out.size() == most) {
                return out;
            }
            List<Topology.Hop> next = shortestAvoiding(topology, from, to, usedChip, usedLink);
            if (next == null) {
                return out;
            }
            out.add(next);
        }
    }

    private static List<Topology.Hop> shortestAvoiding(Topology t, int from, int to, boolean[] usedChip,
                                                       boolean[] usedLink) {
        int links = t.linksPerChip();
        int[] cameBy = new int[t.chips()];
        Arrays.fill(cameBy, -1);
        int[] queue = new int[t.chips()];
        int head = 0;
        int tail = 0;
        queue[tail++] = from;
        cameBy[from] = from * links;
        while (head < tail) {
            int c = queue[head++];
            for (int l = 0; l < links; l++) {
                int f = t.farChip(c, l);
                if (f < 0 || cameBy[f] >= 0 || usedLink[c * links + l] || (usedChip[f] && f != to)) {
                    continue;
                }
                cameBy[f] = c * links + l;
                if (f == to) {
                    List<Topology.Hop> path = new ArrayList<>();
                    for (int at = to; at != from; at = cameBy[at] / links) {
                        path.add(0, new Topology.Hop(cameBy[at] / links, cameBy[at] % links));
                    }
                    return path;
                }
                queue[tail++] = f;
            }
        }
        return null;
    }

    /**
     * Cycles from the start of a transfer to the end of path {@code p} (on lanes p) carrying {@code n} words, its
     * last write counted (+ 1).
     */
    static long endOf(SystemBuild build, List<Topology.Hop> path, int p, int n) {
        return endOf(build, new Leg(path, p, p, n));
    }

    private static long endOf(SystemBuild build, Leg leg) {
        Exchange.Lanes lanes = build.lanes();
        long recv = arrivals(build, leg.path(), leg.sendLane(), 0)[leg.path().size() - 1];
        long lastWrite = recv + lanes.vectorCycles * (leg.words() - 1) + lanes.receiveEnd
                + lanes.hops(Exchange.Lanes.LANES + leg.recvLane());
        return Math.max(recv + lanes.vectorCycles * leg.words(), lastWrite + lanes.writeLatency + 1);
    }

    /** When vector 0 sent on lane p arrives at each chip after the sender (the last: the receiver), from t0. */
    private static long[] arrivals(SystemBuild build, List<Topology.Hop> path, int p, long t0) {
        Exchange.Lanes lanes = build.lanes();
        Topology topology = build.topology();
        long[] arrival = new long[path.size()];
        long out = send(lanes, p, t0) + lanes.sendEnd;
        for (int i = 0; i < path.size(); i++) {
            Topology.Hop h = path.get(i);
            arrival[i] = out + lanes.vectorCycles + topology.latencyCycles(h.chip(), h.link());
            out = arrival[i] + lanes.forward;
        }
        return arrival;
    }

    private static long send(Exchange.Lanes lanes, int p, long t0) {
        return t0 + lanes.readLatency + lanes.hops(p);
    }

    /**
     * {@code words} words over {@code paths}, at most {@code cap} on each: each word to the path on which it would
     * land first (ties to the lower path).
     */
    static List<Leg> split(SystemBuild build, List<List<Topology.Hop>> paths, int words, int cap) {
        int[] n = new int[paths.size()];
        long[] base = new long[paths.size()];
        for (int p = 0; p < paths.size(); p++) {
            base[p] = endOf(build, paths.get(p), p, 1);
        }
        long v = build.lanes().vectorCycles;
        for (int w = 0; w < words; w++) {
            int best = -1;
            for (int p = 0; p < paths.size(); p++) {
                if (n[p] < cap && (best < 0 || base[p] + v * n[p] < base[best] + v * n[best])) {
                    best = p;
                }
            }
            if (best < 0) {
                throw new IllegalArgumentException(words + " words do not fit " + paths.size() + " paths of " + cap);
            }
            n[best]++;
        }
        List<Leg> legs = new ArrayList<>();
        for (int p = 0; p < paths.size(); p++) {
            if (n[p] > 0) {
                legs.add(new Leg(paths.get(p), p, p, n[p]));
            }
        }
        return legs;
    }

    /**
     * Per chip, {start - t0, end - t0} of its part in the transfer starting at t0, leg k's send {@code leads[k]}
     * cycles later than from a staging buffer ({@link #runInPlace}; the sender is held from t0 all the same).
     */
    private static Map<Integer, long[]> plan(SystemBuild build, List<Leg> legs, long[] leads, long t0) {
        long v = build.lanes().vectorCycles;
        Map<Integer, long[]> part = new TreeMap<>();
        for (int k = 0; k < legs.size(); k++) {
            Leg leg = legs.get(k);
            long lead = leads[k];
            int n = leg.words();
            List<Topology.Hop> path = leg.path();
            long[] arrival = arrivals(build, path, leg.sendLane(), t0 + lead);
            Exchange.widen(part, leg.from(), 0, send(build.lanes(), leg.sendLane(), t0 + lead) - t0 + v * n);
            for (int i = 1; i < path.size(); i++) {
                // busy until the last forwarded frame is on the next link, not only taken
                Exchange.widen(part, path.get(i).chip(), arrival[i - 1] - t0,
                        arrival[i - 1] - t0 + build.lanes().forward + v * n);
            }
            Topology.Hop last = path.get(path.size() - 1);
            int to = build.topology().farChip(last.chip(), last.link());
            Exchange.widen(part, to, arrival[path.size() - 1] - t0, lead + endOf(build, leg));
        }
        return part;
    }

    /** The first cycle at or after {@code notBefore} at which every chip of the legs is free for its part. */
    static long start(SystemBuild build, List<Leg> legs, long notBefore) {
        return Exchange.firstFree(build, plan(build, legs, new long[legs.size()], 0), notBefore);
    }

    /** The cycle after the last event of the legs, were they placed now at or after {@code notBefore}. */
    static long end(SystemBuild build, List<Leg> legs, long notBefore) {
        long t0 = start(build, legs, notBefore);
        long end = t0;
        for (long[] part : plan(build, legs, new long[legs.size()], t0).values()) {
            end = Math.max(end, t0 + part[1]);
        }
        return end;
    }

    /**
     * Places the legs at the first cycle their chips are free; returns the cycle after their last event.
     *
     * @throws IllegalArgumentException if two legs share a chip other than their ends, a link, or a lane of a chip
     */
    static long run(SystemBuild build, List<Leg> legs, long notBefore) {
        List<Placement> staging = new ArrayList<>();
        for (int k = 0; k < legs.size(); k++) {
            staging.add(new Placement(List.of(), List.of()));
        }
        return place(build, legs, staging, new long[legs.size()], Map.of(), notBefore);
    }

    /**
     * As {@link #run}, each leg's sender reading its words where they lie ({@code sources}: per leg, where each of its
     * words is) instead of from its staging buffer, and its receiver writing them where they are to lie
     * ({@code targets}: per leg, where each of its words goes) instead of into its staging buffer. A word reaches the
     * SXM when the staging buffer's word would, so one in a slice farther from the SXM is read earlier, and the leg
     * sends {@link #lead} cycles later; a word is written as it passes its target's slice on the receive lane's
     * eastward stream, later the farther that slice is. A leg goes later still where one of its reads or writes would
     * fall on a cycle another leg's takes in the same slice of the same chip (a MEM queue issues one instruction a
     * cycle). Each receiver is held until its last write. No leg's target may be another leg's source (no caller sends
     * and receives a row on one chip at once). Returns the cycle after the last part.
     */
    static long runInPlace(SystemBuild build, List<Leg> legs, List<List<Moves.Word>> sources,
                           List<List<Moves.Word>> targets, long notBefore) {
        long[] leads = new long[legs.size()];
        Set<List<Long>> taken = new HashSet<>();
        long[] ends = new long[legs.size()];
        for (int k = 0; k < legs.size(); k++) {
            Leg leg = legs.get(k);
            List<Moves.Word> src = sources.get(k);
            List<Moves.Word> dst = targets.get(k);
            if (src.size() != leg.words() || dst.size() != leg.words()) {
                throw new IllegalArgumentException("a leg of " + leg.words() + " words reads " + src.size()
                        + " and writes " + dst.size());
            }
            long lead = lead(build, leg, src);
            while (!free(build, leg, src, dst, lead, taken)) {
                lead++;
            }
            taken.addAll(issues(build, leg, src, dst, lead));
            leads[k] = lead;
            ends[k] = lead + endInPlace(build, leg, dst);
        }
        // each receiver held until its last write
        Map<Integer, Long> heldUntil = new TreeMap<>();
        for (int k = 0; k < legs.size(); k++) {
            heldUntil.merge(to(build.topology(), legs.get(k)), ends[k], Math::max);
        }
        List<Placement> placements = new ArrayList<>();
        for (int k = 0; k < legs.size(); k++) {
            placements.add(new Placement(sources.get(k), targets.get(k)));
        }
        return place(build, legs, placements, leads, heldUntil, notBefore);
    }

    /** Where a leg's words are read and written (empty: its staging buffers). */
    private record Placement(List<Moves.Word> sources, List<Moves.Word> targets) {
    }

    /**
     * The reads (at its sender) and writes (at its receiver) of a leg sending {@code lead} cycles late, reading
     * {@code sources} and writing {@code targets}, from the transfer's start: chip, slice and cycle of each.
     */
    private static List<List<Long>> issues(SystemBuild build, Leg leg, List<Moves.Word> sources,
                                           List<Moves.Word> targets, long lead) {
        Exchange.Lanes l = build.lanes();
        List<List<Long>> out = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            out.add(readOf(l, leg, sources, lead, i));
        }
        long recv = arrivals(build, leg.path(), leg.sendLane(), lead)[leg.path().size() - 1];
        int to = to(build.topology(), leg);
        for (int i = 0; i < targets.size(); i++) {
            out.add(List.of((long) to, (long) targets.get(i).position(), writeAt(build, to, recv, targets.get(i), i)));
        }
        return out;
    }

    private static boolean free(SystemBuild build, Leg leg, List<Moves.Word> sources, List<Moves.Word> targets,
                                long lead, Set<List<Long>> taken) {
        for (List<Long> issue : issues(build, leg, sources, targets, lead)) {
            if (taken.contains(issue)) {
                return false;
            }
        }
        return true;
    }

    /** When word i, received at {@code recv}, is written at {@code target} as it passes on the receive stream. */
    private static long writeAt(SystemBuild build, int chip, long recv, Moves.Word target, int i) {
        Exchange.Lanes l = build.lanes();
        long hops;
        try {
            hops = l.toSxm(target.position());
        } catch (IllegalArgumentException e) {
            throw new CompileException("chip " + chip + ": a carried row is written from the receive lanes' eastward "
                    + "streams; its place lies west of the SXM they use (" + e.getMessage() + ")");
        }
        return recv + l.vectorCycles * i + l.receiveEnd + hops;
    }

    /** Cycles from a transfer's start to the end of a leg writing its words at {@code targets}, its last write + 1. */
    private static long endInPlace(SystemBuild build, Leg leg, List<Moves.Word> targets) {
        Exchange.Lanes l = build.lanes();
        long recv = arrivals(build, leg.path(), leg.sendLane(), 0)[leg.path().size() - 1];
        int to = to(build.topology(), leg);
        long last = 0;
        for (int i = 0; i < targets.size(); i++) {
            last = Math.max(last, writeAt(build, to, recv, targets.get(i), i));
        }
        return Math.max(recv + l.vectorCycles * leg.words(), last + l.writeLatency + 1);
    }

    /**
     * Carries words over {@code legs} (of one transfer to one chip, {@link #split}), each leg the next of
     * {@code source}'s words, read where they lie and written where {@code target} says as they pass on the receive
     * lanes' streams ({@link #runInPlace}), word i of the source to word i of the target: no staging buffer and no
     * copy.
     */
    static long carry(SystemBuild build, List<Leg> legs, List<Moves.Word> source, List<Moves.Word> target,
                      long notBefore) {
        List<List<Moves.Word>> sources = new ArrayList<>();
        List<List<Moves.Word>> targets = new ArrayList<>();
        int w = 0;
        for (Leg leg : legs) {
            sources.add(source.subList(w, w + leg.words()));
            targets.add(target.subList(w, w + leg.words()));
            w += leg.words();
        }
        return runInPlace(build, legs, sources, targets, notBefore);
    }

    /**
     * The cycles a leg reading {@code sources} sends later than one reading its staging buffer, so that no word is
     * read before the transfer starts: word i reaches the SXM when the staging buffer's word i would.
     */
    static long lead(SystemBuild build, Leg leg, List<Moves.Word> sources) {
        Exchange.Lanes l = build.lanes();
        long lead = 0;
        for (int i = 0; i < sources.size(); i++) {
            lead = Math.max(lead, l.toSxm(sources.get(i).position()) - l.vectorCycles * i - l.hops(leg.sendLane()));
        }
        return lead;
    }

    /** When, from the transfer's start, a leg sending {@code lead} cycles late reads its word i. */
    private static long readAt(Exchange.Lanes l, Leg leg, List<Moves.Word> sources, long lead, int i) {
        return lead + l.hops(leg.sendLane()) + l.vectorCycles * i - l.toSxm(sources.get(i).position());
    }

    /** A read of word i of a leg sending {@code lead} cycles late: its sender, the slice and the cycle. */
    private static List<Long> readOf(Exchange.Lanes l, Leg leg, List<Moves.Word> sources, long lead, int i) {
        return List.of((long) leg.from(), (long) sources.get(i).position(), readAt(l, leg, sources, lead, i));
    }

    /**
     * Places the legs (leg k sending {@code leads[k]} cycles late, reading and writing where {@code placements.get(k)}
     * says) at the first cycle their chips are free, each receiving chip of {@code heldUntil} held at least until that
     * many cycles after the transfer's start (its last write in place); returns the cycle after the last part.
     */
    private static long place(SystemBuild build, List<Leg> legs, List<Placement> placements, long[] leads,
                              Map<Integer, Long> heldUntil, long notBefore) {
        check(build.topology(), legs);
        build.countExchange();
        Exchange.Lanes lanes = build.lanes();
        Map<Integer, long[]> parts = plan(build, legs, leads, 0);
        for (Map.Entry<Integer, Long> h : new TreeMap<>(heldUntil).entrySet()) {
            Exchange.widen(parts, h.getKey(), h.getValue(), h.getValue());
        }
        long t0 = Exchange.firstFree(build, parts, notBefore);
        for (int k = 0; k < legs.size(); k++) {
            Leg leg = legs.get(k);
            PieceSchedule.put(build, new PieceSchedule.Flow(leg.path(), lanes.send(leg.sendLane()),
                    lanes.receive(leg.recvLane()), leg.words(), t0 + leads[k], 0, 0), placements.get(k).sources(),
                    placements.get(k).targets());
        }
        long end = t0;
        for (Map.Entry<Integer, long[]> e : parts.entrySet()) {
            build.chip(e.getKey()).advance(t0 + e.getValue()[0], t0 + e.getValue()[1]);
            end = Math.max(end, t0 + e.getValue()[1]);
        }
        return end;
    }

    /** The chip a leg ends at. */
    static int to(Topology topology, Leg leg) {
        Topology.Hop last = leg.path().get(leg.path().size() - 1);
        return topology.farChip(last.chip(), last.link());
    }

    /** Whether legs may run side by side: see {@link #run}. */
    static boolean disjoint(Topology topology, List<Leg> legs) {
        Set<Integer> ends = new HashSet<>();
        for (Leg leg : legs) {
            ends.add(leg.from());
            Topology.Hop last = leg.path().get(leg.path().size() - 1);
            ends.add(topology.farChip(last.chip(), last.link()));
        }
        Set<Integer> forwarders = new HashSet<>();
        Set<Long> links = new HashSet<>();
        Set<Long> lanes = new HashSet<>();
        for (Leg leg : legs) {
            Topology.Hop last = leg.path().get(leg.path().size() - 1);
            int to = topology.farChip(last.chip(), last.link());
            if (leg.words() < 1 || !lanes.add((long) leg.from() << 8 | leg.sendLane())
                    || !lanes.add((long) to << 8 | (Exchange.Lanes.LANES + leg.recvLane()))) {
                return false;
            }
            for (int i = 0; i < leg.path().size(); i++) {
                Topology.Hop h = leg.path().get(i);
                if (i > 0 && (ends.contains(h.chip()) || !forwarders.add(h.chip()))) {
                    return false;
                }
                // a link by its end with the lower (chip, link): two chips may share more than one cable
                long here = (long) h.chip() * topology.linksPerChip() + h.link();
                long there = (long) topology.farChip(h.chip(), h.link()) * topology.linksPerChip()
                        + topology.farLink(h.chip(), h.link());
                if (!links.add(Math.min(here, there))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void check(Topology topology, List<Leg> legs) {
        if (legs.isEmpty() || !disjoint(topology, legs)) {
            throw new IllegalArgumentException("legs must be at least one, and share no chip but their ends, no link "
                    + "and no lane: " + legs);
        }
        for (Leg leg : legs) {
            if (leg.words() > Exchange.Lanes.STAGING_WORDS || leg.sendLane() < 0
                    || leg.sendLane() >= Exchange.Lanes.LANES || leg.recvLane() < 0
                    || leg.recvLane() >= Exchange.Lanes.LANES) {
                throw new IllegalArgumentException("a leg carries 1.." + Exchange.Lanes.STAGING_WORDS + " words on "
                        + "lanes 0.." + (Exchange.Lanes.LANES - 1) + ": " + leg);
            }
        }
    }
}
