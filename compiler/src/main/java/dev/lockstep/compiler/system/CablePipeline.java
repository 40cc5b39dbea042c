// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The all-reduce of two nodes joined by one cable, in pieces, each stage working on one piece while the next
 * arrives: what {@link AcrossNodes} does for two nodes. On each side the chip holding the cable (the hub) is where
 * everything meets; its node's other chips (the peers) only send their row and receive the result.
 * <ol>
 *   <li>Every peer sends its whole row to its hub at once (one flow each, on the hub's west receive lanes); the hub
 *       adds the node's rows a piece at a time, each piece as soon as its last word is in.</li>
 *   <li>Each hub sends its node's sum over the cable, word by word, starting as early as it can without reading a
 *       word before the piece holding it was summed. The cable's two ends use a send and a receive lane beside
 *       the east SXM (the west SXM's 14 queues are the other lanes), so that a hub receives from 7 peers and the
 *       cable at once, and sends to the cable and 7 peers at once.</li>
 *   <li>Each hub adds the far node's sum to its own, piece by piece, and sends the whole sum to its peers at once,
 *       again starting as early as the pieces allow.</li>
 * </ol>
 * Three hops, each landing where a sum reads it or the row ends, with their serialisation overlapped: the whole row
 * crosses each link once, and the time is about three hops, the row's words over one link, and one piece's wait
 * and sum per stage that adds. The piece size is the one (1 .. the row's vectors) that ends soonest.
 *
 * <p>The hubs' sum kernels run while flows land and leave. They are compiled with every staging slice (the west
 * lanes' 14, the two east ones, {@link EastLanes}) counted as full, so they use no lane's queue or slice. They may use
 * a lane's stream numbers (vector kernels take streams from 0 up), and are clear of the lanes by where things lie:
 * every lane reads, writes and switches outward of every kernel tensor and of the VXM (the staging slices are the
 * MEM slices nearest the SXMs, at the chip's edges). Where a lane's vector and a kernel's meet on one stream, one of
 * them is passing beyond where it is taken, and is overwritten there; the one still needed always arrives. The east
 * lanes' staging words are taken on each hub once.
 */
final class CablePipeline {
    private CablePipeline() {
    }

    /** One side: the hub, its peers (in chip order) and the hub's cable link. */
    private record Side(int hub, List<Integer> peers, int cable) {
    }

    /**
     * A flow of {@code words} words between two linked chips on given lanes, its first word read at {@code start},
     * read at {@code sendAt + i} and written at {@code receiveAt + i} of the staging slices.
     */
    private record Flow(int from, int to, int link, Exchange.Lanes.Lane send, Exchange.Lanes.Lane receive, int words,
                        long start, int sendAt, int receiveAt) {
    }

    /** A kernel placed on a chip at a cycle, its inputs ready at another, ending at a third. */
    private record Sum(int chip, CompiledKernel kernel, long ready, long start, long end) {
    }

    /** A whole schedule at some start. */
    private record Plan(long t0, List<Flow> flows, List<Sum> sums, List<HubSums> kernels,
                        Map<Integer, long[]> windows, long end, List<Sum> onPath) {
    }

    /**
     * The all-reduce of the nodes' rows of {@code vectors} vectors of {@code type} (each chip's row in its staging
     * words, as every exchange assumes), if the two nodes' chips allow it (the east lanes, peers within the lanes,
     * the row within a staging buffer, room for it beside the east SXM); else empty and nothing is placed.
     */
    static Optional<Long> allReduce(Collectives col, SystemBuild build, int nodeA, int nodeB, int vectors,
                                    DataType type, long notBefore) {
        Optional<EastLanes> east = EastLanes.of(build.chip(), build.lanes());
        int cpn = build.system().chipsPerNode();
        int words = vectors * type.bytes();
        Topology t = build.topology();
        Side[] sides = new Side[2];
        for (int c = nodeA * cpn; c < (nodeA + 1) * cpn && sides[0] == null; c++) {
            for (int l = 0; l < t.linksPerChip(); l++) {
                int far = t.farChip(c, l);
                if (far >= 0 && far / cpn == nodeB) {
                    sides[0] = side(c, cpn, l);
                    sides[1] = side(far, cpn, t.farLink(c, l));
                    break;
                }
            }
        }
        if (east.isEmpty() || sides[0] == null || cpn - 1 > Exchange.Lanes.LANES
                || words > Exchange.Lanes.STAGING_WORDS) {
            return Optional.empty();
        }
        EastLanes lanes = east.get();
        if (!build.eastStagingFits(sides[0].hub, lanes) || !build.eastStagingFits(sides[1].hub, lanes)) {
            return Optional.empty();
        }
        int[] at = {build.eastStaging(sides[0].hub, lanes), build.eastStaging(sides[1].hub, lanes)};
        Plan best = null;
        int bestPiece = 0;
        for (int piece = vectors; piece >= 1; piece--) {
            Plan p = plan(col, build, sides, lanes, at, vectors, type, piece, 0);
            if (best == null || p.end < best.end) {
                best = p;
                bestPiece = piece;
            }
        }
        long t0 = Exchange.firstFree(build, best.windows, notBefore);
        Plan plan = plan(col, build, sides, lanes, at, vectors, type, bestPiece, t0);
        emit(build, plan);
        for (HubSums k : plan.kernels) {
            k.keep(col, build);
        }
        for (int i = 0; i < 3; i++) {
            build.countExchange();
        }
        for (Sum s : plan.onPath) {
            col.countSum(s.end - s.ready, s.kernel.lowerBoundCycles());
        }
        return Optional.of(plan.end);
    }

    private static Side side(int hub, int cpn, int cable) {
        List<Integer> peers = new ArrayList<>();
        for (int c = hub / cpn * cpn; c < (hub / cpn + 1) * cpn; c++) {
            if (c != hub) {
                peers.add(c);
            }
        }
        return new Side(hub, peers, cable);
    }

    /** The schedule with pieces of {@code piece} vectors, starting at {@code t0}; places nothing. */
    private static Plan plan(Collectives col, SystemBuild build, Side[] sides, EastLanes east, int[] at, int vectors,
                             DataType type, int piece, long t0) {
        Exchange.Lanes lanes = build.lanes();
        int w = type.bytes();
        int words = vectors * w;
        int pieces = (vectors + piece - 1) / piece;
        long v = lanes.vectorCycles;
        List<Flow> flows = new ArrayList<>();
        List<Sum> sums = new ArrayList<>();
        long[][] own = new long[2][pieces];
        List<List<long[]>> timelines = List.of(new ArrayList<>(), new ArrayList<>());
        HubSums[] kernels = {new HubSums(col, build, sides[0].hub, sides[0].peers.size() + 1, east, vectors, type, piece),
            new HubSums(col, build, sides[1].hub, sides[1].peers.size() + 1, east, vectors, type, piece)};
        Sum[][] nodeSums = new Sum[2][pieces];
        // 1: every peer's row to its hub; the hub adds the node's rows piece by piece
        for (int s = 0; s < 2; s++) {
            Side side = sides[s];
            List<Flow> in = new ArrayList<>();
            for (int j = 0; j < side.peers.size(); j++) {
                int peer = side.peers.get(j);
                in.add(new Flow(peer, side.hub, build.topology().linkTo(peer, side.hub), lanes.send(0),
                        lanes.receive(j), words, t0, 0, 0));
            }
            flows.addAll(in);
            for (int p = 0; p < pieces; p++) {
                long ready = t0;
                for (Flow f : in) {
                    ready = Math.max(ready, landed(build, f, lastWord(p, piece, vectors, w)));
                }
                if (in.isEmpty()) {
                    own[s][p] = ready;
                    continue;
                }
                CompiledKernel k = kernels[s].nodeSum(p == pieces - 1);
                Sum sum = add(timelines.get(s), side.hub, k, ready);
                sums.add(sum);
                nodeSums[s][p] = sum;
                own[s][p] = sum.end;
            }
        }
        // 2: each hub's node sum over the cable, no word read before its piece is summed
        long[][] crossed = new long[2][pieces];
        Sum[] settingCable = new Sum[2];
        for (int s = 0; s < 2; s++) {
            Side from = sides[s];
            Side to = sides[1 - s];
            long start = t0;
            for (int p = 0; p < pieces; p++) {
                if (own[s][p] - v * (long) p * piece * w > start) {
                    start = own[s][p] - v * (long) p * piece * w;
                    settingCable[s] = nodeSums[s][p];
                }
            }
            Flow f = new Flow(from.hub, to.hub, from.cable, east.send(), east.receive(), words, start, at[s], at[1 - s]);
            flows.add(f);
            for (int p = 0; p < pieces; p++) {
                crossed[1 - s][p] = landed(build, f, lastWord(p, piece, vectors, w));
            }
        }
        // 3: each hub adds the far sum to its own and sends the whole sum to its peers
        Sum[] settingSends = new Sum[2];
        long[] sends = new long[2];
        for (int s = 0; s < 2; s++) {
            Side side = sides[s];
            long start = t0;
            for (int p = 0; p < pieces; p++) {
                CompiledKernel k = kernels[s].crossSum(p == pieces - 1);
                Sum sum = add(timelines.get(s), side.hub, k, Math.max(crossed[s][p], own[s][p]));
                sums.add(sum);
                if (settingSends[s] == null || sum.end - v * (long) p * piece * w > start) {
                    start = Math.max(start, sum.end - v * (long) p * piece * w);
                    settingSends[s] = sum;
                }
            }
            sends[s] = start;
            for (int j = 0; j < side.peers.size(); j++) {
                int peer = side.peers.get(j);
                flows.add(new Flow(side.hub, peer, build.topology().linkTo(side.hub, peer), lanes.send(j),
                        lanes.receive(0), words, start, 0, 0));
            }
        }
        Map<Integer, long[]> windows = new TreeMap<>();
        long end = t0;
        for (Flow f : flows) {
            long sent = sendIssue(build, f) + v * f.words;
            long received = Math.max(receiveIssue(build, f) + v * f.words, landed(build, f, f.words - 1));
            Exchange.widen(windows, f.from, 0, sent - t0);
            Exchange.widen(windows, f.to, 0, received - t0);
            end = Math.max(end, received);
        }
        for (Sum s : sums) {
            Exchange.widen(windows, s.chip, 0, s.end - t0);
            end = Math.max(end, s.end);
        }
        // the critical path: the node sum that set the cable's start into the side whose sends start last, and the
        // sum there that set them
        int last = sends[1] > sends[0] ? 1 : 0;
        List<Sum> onPath = settingCable[1 - last] == null ? List.of(settingSends[last])
                : List.of(settingCable[1 - last], settingSends[last]);
        return new Plan(t0, flows, sums, List.of(kernels), windows, end, onPath);
    }

    /** The last word of piece {@code p}. */
    private static int lastWord(int p, int piece, int vectors, int w) {
        return Math.min(vectors, (p + 1) * piece) * w - 1;
    }

    /** A sum placed on a hub's timeline ({@code busy}: its sums so far) at the first free cycle from ready. */
    private static Sum add(List<long[]> busy, int chip, CompiledKernel k, long ready) {
        long length = k.predictedCycles();
        long start = ready;
        boolean moved = true;
        while (moved) {
            moved = false;
            for (long[] b : busy) {
                if (start < b[1] && start + length > b[0]) {
                    start = b[1];
                    moved = true;
                }
            }
        }
        busy.add(new long[] {start, start + length});
        return new Sum(chip, k, ready, start, start + length);
    }

    private static long sendIssue(SystemBuild build, Flow f) {
        return f.start + build.lanes().readLatency + f.send.hops();
    }

    private static long receiveIssue(SystemBuild build, Flow f) {
        Exchange.Lanes l = build.lanes();
        return sendIssue(build, f) + l.sendEnd + l.vectorCycles + build.topology().latencyCycles(f.from, f.link);
    }

    private static long write(SystemBuild build, Flow f, int i) {
        Exchange.Lanes l = build.lanes();
        return receiveIssue(build, f) + l.vectorCycles * i + l.receiveEnd + f.receive.hops();
    }

    /** The first cycle at which word i of the flow can be read where it landed. */
    private static long landed(SystemBuild build, Flow f, int i) {
        return write(build, f, i) + build.lanes().writeLatency + 1;
    }

    /** Puts every flow's instructions, places the sums where planned, and holds each chip for its window. */
    private static void emit(SystemBuild build, Plan plan) {
        long v = build.lanes().vectorCycles;
        Topology t = build.topology();
        for (Flow f : plan.flows) {
            ChipBuild from = build.chip(f.from);
            ChipBuild to = build.chip(f.to);
            for (int i = 0; i < f.words; i++) {
                from.put(f.send.memQueue(), f.start + v * i,
                        Instruction.of(Opcode.READ, f.send.stream(), f.sendAt + i, 1, 1));
            }
            from.put(f.send.sxmQueue(), sendIssue(build, f), Instruction.of(Opcode.SEND, f.link, f.send.stream(),
                    f.words));
            to.put(f.receive.sxmQueue(), receiveIssue(build, f), Instruction.of(Opcode.RECV, f.receive.stream(),
                    t.farLink(f.from, f.link), f.words));
            for (int i = 0; i < f.words; i++) {
                to.put(f.receive.memQueue(), write(build, f, i),
                        Instruction.of(Opcode.WRITE, f.receiveAt + i, f.receive.stream(), 1, 1));
            }
        }
        List<Sum> inOrder = new ArrayList<>(plan.sums);
        inOrder.sort((x, y) -> Long.compare(x.start, y.start));
        for (Sum s : inOrder) {
            long end = build.chip(s.chip).placeTransient(s.kernel, s.start);
            if (end != s.end) {
                throw new IllegalStateException("chip " + s.chip + ": a sum planned for " + s.start + ".." + s.end
                        + " ended at " + end);
            }
        }
        long t0 = plan.t0;
        for (Map.Entry<Integer, long[]> e : plan.windows.entrySet()) {
            build.chip(e.getKey()).holdAround(t0 + e.getValue()[0], t0 + e.getValue()[1]);
        }
    }
}
