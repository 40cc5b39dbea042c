// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.compiler.SramMap;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.chip.Slice;
import dev.lockstep.isa.chip.SliceKind;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Transfers that start together, each between two chips joined by a link. A chip takes part in at most
 * {@link Lanes#LANES} sends and {@link Lanes#LANES} receives of one exchange, each on its own lane:
 * <ul>
 *   <li>send lane k: staging slice {@code s_k} (the k-th MEM slice from the west SXM), SXM queue k, westward
 *       stream k. Vector i is read from word i at t0 + V i (V = link vector cycles), reaches the SXM after the
 *       read latency and the hops, where the SEND (issued when vector 0 arrives) samples it.</li>
 *   <li>receive lane k: SXM queue 7 + k, eastward stream 7 + k, staging slice {@code s_(7+k)}. The RECV issues
 *       when vector 0 has arrived whole (send + the send end + V + link latency, the SEND's latency); vector i is
 *       on the stream the receive end after it is taken and is written at word i of the staging slice when it
 *       gets there.</li>
 * </ul>
 * Different lanes share no queue, stream, slice or link, so an exchange is conflict-free by construction. A sending
 * chip is busy from the common start to its last send, a receiving chip from its first receive to its last write
 * (while vectors fly it is free for other work): the exchange starts when all of them are free for their parts.
 */
public final class Exchange {
    private Exchange() {
    }

    /** Words reserved at the bottom of each staging slice ({@link Lanes#STAGING_WORDS}). */
    public static int stagingWords() {
        return Lanes.STAGING_WORDS;
    }

    /** Floorplan positions of the MEM slices that hold the link lanes' staging buffers. */
    public static Set<Integer> stagingPositions(SystemBuild build) {
        return stagingPositions(build.lanes());
    }

    static Set<Integer> stagingPositions(Lanes lanes) {
        Set<Integer> out = new TreeSet<>();
        for (Slice s : lanes.staging) {
            out.add(s.position());
        }
        return out;
    }

    /** {@code vectors} words from {@code from}'s staging buffer to {@code to}'s, over their direct link. */
    public record Flow(int from, int to, int vectors) {
    }

    /** Where lanes live on a chip, and the timing that places their instructions. */
    static final class Lanes {
        static final int LANES = 7;
        /** Words reserved at the bottom of each staging slice: the most vectors one flow carries. */
        static final int STAGING_WORDS = 128;
        final Slice sxm;
        final Slice[] staging = new Slice[2 * LANES];
        final Queue[] sxmQueues = new Queue[2 * LANES];
        final Queue[] memQueues = new Queue[2 * LANES];
        final long hop;
        final long readLatency;
        final long writeLatency;
        final long sendEnd;
        final long receiveEnd;
        final long forward;
        final long vectorCycles;

        Lanes(ChipSpec chip) {
            List<Slice> sxms = chip.floorplan().slicesOf(SliceKind.SXM);
            this.sxm = sxms.get(0);
            List<Slice> mem = new ArrayList<>(chip.floorplan().slicesOf(SliceKind.MEM));
            mem.sort(Comparator.comparingInt(s -> Math.abs(s.position() - sxm.position())));
            List<Queue> onSxm = chip.floorplan().queues().stream().filter(q -> q.slice().equals(sxm)).toList();
            if (onSxm.size() < 2 * LANES || mem.size() < 2 * LANES || chip.streamsPerDirection() <= Moves.STREAM) {
                throw new IllegalArgumentException(chip.name() + " has too few SXM queues, MEM slices or streams for "
                        + LANES + " send and " + LANES + " receive lanes and on-chip copies (stream " + Moves.STREAM
                        + ")");
            }
            for (int k = 0; k < 2 * LANES; k++) {
                staging[k] = mem.get(k);
                sxmQueues[k] = onSxm.get(k);
                Slice s = mem.get(k);
                memQueues[k] = chip.floorplan().queues().stream().filter(q -> q.slice().equals(s)).findFirst()
                        .orElseThrow();
            }
            this.hop = chip.timing().cycles(TimingParam.STREAM_HOP_CYCLES);
            this.readLatency = chip.timing().cycles(TimingParam.MEM_READ_LATENCY_CYCLES);
            this.writeLatency = chip.timing().cycles(TimingParam.MEM_WRITE_LATENCY_CYCLES);
            this.sendEnd = chip.timing().cycles(TimingParam.C2C_SEND_END_CYCLES);
            this.receiveEnd = chip.timing().cycles(TimingParam.C2C_RECEIVE_END_CYCLES);
            this.forward = chip.timing().cycles(TimingParam.C2C_FORWARD_CYCLES);
            this.vectorCycles = chip.links().vectorCycles(chip.vectorBytes(), chip.clockHz());
        }

        /**
         * One side of a lane, what a flow's instructions at one end need: the SXM queue issuing its send or receive,
         * the MEM queue of its staging slice, that slice's position, the stream between them and the cycles the
         * stream takes to cross from one to the other.
         */
        record Lane(Queue sxmQueue, Queue memQueue, int staging, long stream, long hops) {
        }

        /** Send lane k (0 .. LANES - 1) beside the west SXM. */
        Lane send(int k) {
            return new Lane(sxmQueues[k], memQueues[k], staging[k].position(), Streams.west(k), hops(k));
        }

        /** Receive lane k (0 .. LANES - 1) beside the west SXM. */
        Lane receive(int k) {
            int l = LANES + k;
            return new Lane(sxmQueues[l], memQueues[l], staging[l].position(), Streams.east(l), hops(l));
        }

        SramMap reserved(SramMap m) {
            for (Slice s : staging) {
                m = m.raise(s.position(), STAGING_WORDS);
            }
            return m;
        }

        /**
         * Cycles from the MEM slice at floorplan position {@code position} to the SXM (or back), on a westward stream.
         *
         * @throws IllegalArgumentException if the slice is not east of the SXM
         */
        long toSxm(int position) {
            if (position <= sxm.position()) {
                throw new IllegalArgumentException("slice " + position + " is not east of the SXM the lanes use ("
                        + sxm.position() + ")");
            }
            return (position - sxm.position()) * hop;
        }

        /** Cycles from a staging slice to the SXM (or back). */
        long hops(int lane) {
            return Math.abs(staging[lane].position() - sxm.position()) * hop;
        }
    }

    /**
     * Like {@link #run}, for flows of any size: flows longer than a staging buffer go in rounds of at most
     * {@link Lanes#STAGING_WORDS} words each (one exchange per round, one after another).
     */
    public static long runChunked(SystemBuild build, List<Flow> flows, long notBefore) {
        long t = notBefore;
        int most = flows.stream().mapToInt(Flow::vectors).max().orElse(0);
        for (int done = 0; done < most; done += Lanes.STAGING_WORDS) {
            List<Flow> round = new ArrayList<>();
            for (Flow f : flows) {
                int n = Math.min(Lanes.STAGING_WORDS, f.vectors() - done);
                if (n > 0) {
                    round.add(new Flow(f.from(), f.to(), n));
                }
            }
            t = run(build, round, t);
        }
        return t;
    }

    /**
     * The first cycle at or after {@code notBefore} at which every chip taking part is free for as long as it takes
     * part (each chip's part has a length that does not depend on the start).
     */
    private static long start(SystemBuild build, List<Flow> flows, long notBefore) {
        return firstFree(build, plan(build, flows, 0), notBefore);
    }

    /**
     * The first cycle t at or after {@code notBefore} at which every chip of {@code part} is free from t + start to
     * t + end ({@code part}: chip to {start, end} relative to t).
     */
    static long firstFree(SystemBuild build, Map<Integer, long[]> part, long notBefore) {
        long t = notBefore;
        while (true) {
            long next = t;
            for (Map.Entry<Integer, long[]> e : part.entrySet()) {
                long[] p = e.getValue();
                next = Math.max(next, build.chip(e.getKey()).earliestFree(next + p[0], p[1] - p[0]) - p[0]);
            }
            if (next == t) {
                return t;
            }
            t = next;
        }
    }

    /**
     * Per chip, {start - t0, end - t0} of its part in an exchange starting at t0: a sender from the first read to
     * the end of its last send; a receiver from its first receive (a vector in flight needs nothing of the chip)
     * to its last write.
     */
    private static Map<Integer, long[]> plan(SystemBuild build, List<Flow> flows, long t0) {
        Map<Integer, long[]> part = new TreeMap<>();
        for (Timed f : timed(build, flows, t0)) {
            widen(part, f.flow.from(), 0, f.sendEnd - t0);
            widen(part, f.flow.to(), f.recv - t0, f.recvEnd - t0);
        }
        return part;
    }

    /** A flow's lanes, links and cycles in an exchange starting at t0. */
    private record Timed(Flow flow, int sendLane, int recvLane, int link, long send, long recv, long sendEnd,
                         long recvEnd) {
    }

    /** Every flow's lanes (in flow order per chip) and cycles, for an exchange starting at t0. */
    private static List<Timed> timed(SystemBuild build, List<Flow> flows, long t0) {
        Lanes lanes = build.lanes();
        Topology topology = build.topology();
        Map<Integer, Integer> sendLane = new HashMap<>();
        Map<Integer, Integer> recvLane = new HashMap<>();
        List<Timed> out = new ArrayList<>();
        for (Flow f : flows) {
            int k = sendLane.merge(f.from(), 1, Integer::sum) - 1;
            int j = recvLane.merge(f.to(), 1, Integer::sum) - 1;
            int link = topology.linkTo(f.from(), f.to());
            long v = lanes.vectorCycles;
            long n = f.vectors();
            long send = t0 + lanes.readLatency + lanes.hops(k);
            long recv = send + lanes.sendEnd + v + topology.latencyCycles(f.from(), link);
            long lastWrite = recv + v * (n - 1) + lanes.receiveEnd + lanes.hops(Lanes.LANES + j);
            out.add(new Timed(f, k, j, link, send, recv, send + v * n,
                    Math.max(recv + v * n, lastWrite + lanes.writeLatency + 1)));
        }
        return out;
    }

    static void widen(Map<Integer, long[]> part, int chip, long start, long end) {
        long[] p = part.get(chip);
        if (p == null) {
            part.put(chip, new long[] {start, end});
        } else {
            p[0] = Math.min(p[0], start);
            p[1] = Math.max(p[1], end);
        }
    }

    /**
     * The on-chip part of an exchange's critical path on lanes 0: the staging read, the hops to the SXM, and from
     * it to the receive staging slice, and the write (the rest is the link's: its two ends, one frame, the link).
     */
    public static long onChipCycles(SystemBuild build) {
        Lanes l = build.lanes();
        return l.readLatency + l.hops(0) + l.hops(Lanes.LANES) + l.writeLatency + 1;
    }

    /**
     * No exchange can take less than one vector over one link: the send end, one frame, the link latency (the
     * shortest kind) and the receive end.
     */
    public static long minimumCycles(SystemBuild build) {
        Lanes l = build.lanes();
        return l.sendEnd + l.vectorCycles + build.system().minLatencyCycles() + l.receiveEnd;
    }

    /**
     * Schedules the flows to start together at the first cycle at or after {@code notBefore} when every chip
     * taking part is free. Returns the cycle after the last event of the exchange.
     */
    public static long run(SystemBuild build, List<Flow> flows, long notBefore) {
        build.countExchange();
        Lanes lanes = build.lanes();
        Topology topology = build.topology();
        Map<Integer, Integer> sends = new TreeMap<>();
        Map<Integer, Integer> receives = new TreeMap<>();
        Set<List<Integer>> pairs = new HashSet<>();
        for (Flow f : flows) {
            if (f.vectors() < 1 || f.vectors() > Lanes.STAGING_WORDS) {
                throw new IllegalArgumentException("a flow carries 1.." + Lanes.STAGING_WORDS + " vectors, got "
                        + f.vectors());
            }
            if (topology.linkTo(f.from(), f.to()) < 0) {
                throw new IllegalArgumentException("chips " + f.from() + " and " + f.to() + " share no link");
            }
            if (!pairs.add(List.of(f.from(), f.to()))) {
                throw new IllegalArgumentException("two flows from chip " + f.from() + " to chip " + f.to() + " in one "
                        + "exchange would share a link; merge them or use two exchanges");
            }
            if (sends.merge(f.from(), 1, Integer::sum) > Lanes.LANES
                    || receives.merge(f.to(), 1, Integer::sum) > Lanes.LANES) {
                throw new IllegalArgumentException("a chip takes part in at most " + Lanes.LANES + " sends and "
                        + Lanes.LANES + " receives of one exchange");
            }
        }
        long t0 = start(build, flows, notBefore);
        for (Timed f : timed(build, flows, t0)) {
            PieceSchedule.put(build, new PieceSchedule.Flow(List.of(new Topology.Hop(f.flow.from(), f.link)),
                    lanes.send(f.sendLane), lanes.receive(f.recvLane), f.flow.vectors(), t0, 0, 0));
        }
        long last = t0;
        for (Map.Entry<Integer, long[]> e : plan(build, flows, t0).entrySet()) {
            build.chip(e.getKey()).advance(t0 + e.getValue()[0], t0 + e.getValue()[1]);
            last = Math.max(last, t0 + e.getValue()[1]);
        }
        return last;
    }
}
