// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.system.Topology;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A transfer between two chips along the topology's shortest route, landing only at the end: the sender reads its
 * staging buffer on send lane 0 and SENDs as an {@link Exchange} flow would; every chip on the way passes each
 * vector on with a FWD on receive lane 0's SXM queue, as soon as it has arrived (it never lands there: no stream,
 * no SRAM); the receiver RECVs on receive lane 0 and writes its staging buffer. Vector 0 reaches the receiver
 * after the send end once, then per link one frame and the link's latency, per chip on the way the forwarding
 * cycles, and the receive end once (docs/model.md, "Hops"). Each chip is busy for its part: the sender from the
 * first read to its last send, a chip on the way while it forwards, the receiver from its first receive to its
 * last write.
 */
final class Route {
    private Route() {
    }

    /** Chunks of at most a staging buffer, one after another. Returns the cycle after the last one's last event. */
    static long runChunked(SystemBuild build, int from, int to, int words, long notBefore) {
        long t = notBefore;
        for (int done = 0; done < words; done += Exchange.Lanes.STAGING_WORDS) {
            t = run(build, from, to, Math.min(Exchange.Lanes.STAGING_WORDS, words - done), t);
        }
        return t;
    }

    /** The cycles of one chunk starting at t0: per chip on the route, when it acts and its part. */
    private record Timed(List<Topology.Hop> hops, long send, long[] arrival, long end) {
    }

    private static Timed timed(SystemBuild build, List<Topology.Hop> hops, int n, long t0) {
        Exchange.Lanes lanes = build.lanes();
        Topology topology = build.topology();
        long v = lanes.vectorCycles;
        long send = t0 + lanes.readLatency + lanes.hops(0);
        long[] arrival = new long[hops.size()];
        long out = send + lanes.sendEnd;
        for (int i = 0; i < hops.size(); i++) {
            Topology.Hop h = hops.get(i);
            arrival[i] = out + v + topology.latencyCycles(h.chip(), h.link());
            out = arrival[i] + lanes.forward;
        }
        long recv = arrival[hops.size() - 1];
        long lastWrite = recv + v * (n - 1) + lanes.receiveEnd + lanes.hops(Exchange.Lanes.LANES);
        return new Timed(hops, send, arrival, Math.max(recv + v * n, lastWrite + lanes.writeLatency + 1));
    }

    /** Per chip, {start - t0, end - t0} of its part in a chunk starting at t0. */
    private static Map<Integer, long[]> plan(SystemBuild build, Timed t, int n, long t0) {
        long v = build.lanes().vectorCycles;
        Map<Integer, long[]> part = new TreeMap<>();
        Exchange.widen(part, t.hops.get(0).chip(), 0, t.send - t0 + v * n);
        for (int i = 1; i < t.hops.size(); i++) {
            Exchange.widen(part, t.hops.get(i).chip(), t.arrival[i - 1] - t0, t.arrival[i - 1] - t0 + v * n);
        }
        int to = build.topology().farChip(last(t.hops).chip(), last(t.hops).link());
        Exchange.widen(part, to, t.arrival[t.hops.size() - 1] - t0, t.end - t0);
        return part;
    }

    private static Topology.Hop last(List<Topology.Hop> hops) {
        return hops.get(hops.size() - 1);
    }

    /** One chunk of 1..{@link Exchange.Lanes#STAGING_WORDS} words, at the first cycle its chips are free. */
    static long run(SystemBuild build, int from, int to, int n, long notBefore) {
        if (n < 1 || n > Exchange.Lanes.STAGING_WORDS) {
            throw new IllegalArgumentException("a route carries 1.." + Exchange.Lanes.STAGING_WORDS
                    + " vectors at a time, got " + n);
        }
        Topology topology = build.topology();
        List<Topology.Hop> hops = topology.route(from, to);
        if (hops.isEmpty()) {
            return notBefore;
        }
        build.countExchange();
        Exchange.Lanes lanes = build.lanes();
        long t0 = Exchange.firstFree(build, plan(build, timed(build, hops, n, 0), n, 0), notBefore);
        Timed t = timed(build, hops, n, t0);
        long v = lanes.vectorCycles;
        ChipBuild sender = build.chip(from);
        long west = Streams.west(0);
        for (int i = 0; i < n; i++) {
            sender.put(lanes.memQueues[0], t0 + v * i, Instruction.of(Opcode.READ, west, i, 1, 1));
        }
        sender.put(lanes.sxmQueues[0], t.send, Instruction.of(Opcode.SEND, hops.get(0).link(), west, n));
        int rl = Exchange.Lanes.LANES;
        for (int i = 1; i < hops.size(); i++) {
            Topology.Hop in = hops.get(i - 1);
            Topology.Hop h = hops.get(i);
            build.chip(h.chip()).put(lanes.sxmQueues[rl], t.arrival[i - 1], Instruction.of(Opcode.FWD, h.link(),
                    topology.farLink(in.chip(), in.link()), n));
        }
        ChipBuild receiver = build.chip(to);
        long recv = t.arrival[hops.size() - 1];
        long east = Streams.east(rl);
        receiver.put(lanes.sxmQueues[rl], recv, Instruction.of(Opcode.RECV, east,
                topology.farLink(last(hops).chip(), last(hops).link()), n));
        for (int i = 0; i < n; i++) {
            receiver.put(lanes.memQueues[rl], recv + v * i + lanes.receiveEnd + lanes.hops(rl),
                    Instruction.of(Opcode.WRITE, i, east, 1, 1));
        }
        for (Map.Entry<Integer, long[]> e : plan(build, t, n, t0).entrySet()) {
            build.chip(e.getKey()).advance(t0 + e.getValue()[0], t0 + e.getValue()[1]);
        }
        return t.end;
    }
}
