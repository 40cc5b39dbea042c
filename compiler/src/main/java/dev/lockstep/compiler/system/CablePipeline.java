// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
 * and sum per stage that adds. The piece size is the one that ends soonest ({@link PieceSchedule#place}).
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
        /** The node's chips, in order. */
        List<Integer> chips() {
            List<Integer> all = new ArrayList<>(peers);
            all.add(hub);
            all.sort(null);
            return all;
        }
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
        Collectives.InPieces key = new Collectives.InPieces(List.of(sides[0].chips(), sides[1].chips()), -1,
                vectors, type);
        return PieceSchedule.place(col, build, key, vectors,
                (piece, t0) -> plan(col, build, sides, lanes, at, vectors, type, piece, t0), notBefore);
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
    private static PieceSchedule.Plan plan(Collectives col, SystemBuild build, Side[] sides, EastLanes east, int[] at,
                                           int vectors, DataType type, int piece, long t0) {
        Exchange.Lanes lanes = build.lanes();
        PieceSchedule.Pieces cut = new PieceSchedule.Pieces(vectors, type.bytes(), piece);
        int words = cut.words();
        int pieces = cut.count();
        PieceSchedule ps = new PieceSchedule(build, t0);
        long[][] own = new long[2][pieces];
        List<PieceSums> kernels = new ArrayList<>();
        PieceSums[] node = new PieceSums[2];
        PieceSums[] cross = new PieceSums[2];
        PieceSchedule.Sum[][] nodeSums = new PieceSchedule.Sum[2][pieces];
        // 1: every peer's row to its hub; the hub adds the node's rows piece by piece
        for (int s = 0; s < 2; s++) {
            Side side = sides[s];
            if (!side.peers.isEmpty()) {
                node[s] = new PieceSums(col, build, side.hub, side.peers.size() + 1, vectors, type, piece);
                kernels.add(node[s]);
            }
            cross[s] = new PieceSums(col, build, side.hub, 2, vectors, type, piece);
            kernels.add(cross[s]);
            List<PieceSchedule.Flow> in = new ArrayList<>();
            for (int j = 0; j < side.peers.size(); j++) {
                in.add(ps.direct(side.peers.get(j), side.hub, lanes.send(0), lanes.receive(j), words, t0, 0, 0));
            }
            for (int p = 0; p < pieces; p++) {
                long ready = t0;
                for (PieceSchedule.Flow f : in) {
                    ready = Math.max(ready, ps.landed(f, cut.lastWord(p)));
                }
                if (in.isEmpty()) {
                    own[s][p] = ready;
                    continue;
                }
                nodeSums[s][p] = ps.sum(side.hub, node[s].of(cut.isLast(p)), ready);
                own[s][p] = nodeSums[s][p].end();
            }
        }
        // 2: each hub's node sum over the cable, no word read before its piece is summed
        long[][] crossed = new long[2][pieces];
        for (int s = 0; s < 2; s++) {
            long start = ps.startFor(own[s], cut, t0);
            PieceSchedule.Flow f = ps.flow(List.of(new Topology.Hop(sides[s].hub, sides[s].cable)), east.send(),
                    east.receive(), words, start, at[s], at[1 - s]);
            for (int p = 0; p < pieces; p++) {
                crossed[1 - s][p] = ps.landed(f, cut.lastWord(p));
            }
        }
        // 3: each hub adds the far sum to its own and sends the whole sum to its peers
        PieceSchedule.Sum[][] crossSums = new PieceSchedule.Sum[2][pieces];
        long[] sends = new long[2];
        for (int s = 0; s < 2; s++) {
            Side side = sides[s];
            long[] summed = new long[pieces];
            for (int p = 0; p < pieces; p++) {
                crossSums[s][p] = ps.sum(side.hub, cross[s].of(cut.isLast(p)),
                        Math.max(crossed[s][p], own[s][p]));
                summed[p] = crossSums[s][p].end();
            }
            sends[s] = ps.startFor(summed, cut, t0);
            for (int j = 0; j < side.peers.size(); j++) {
                ps.direct(side.hub, side.peers.get(j), lanes.send(j), lanes.receive(0), words, sends[s], 0, 0);
            }
        }
        // the critical path: the node sum that set the cable's start into the side whose sends start last, and the
        // sum there that set them
        int last = sends[1] > sends[0] ? 1 : 0;
        List<PieceSchedule.Sum> onPath = new ArrayList<>();
        int cable = ps.setting(own[1 - last], cut);
        if (nodeSums[1 - last][cable] != null) {
            onPath.add(nodeSums[1 - last][cable]);
        }
        long[] summed = new long[pieces];
        for (int p = 0; p < pieces; p++) {
            summed[p] = crossSums[last][p].end();
        }
        onPath.add(crossSums[last][ps.setting(summed, cut)]);
        // on the critical path: the rows into a hub (where its node has more than the hub), the cable, the sends out
        return new PieceSchedule.Plan(ps, kernels, onPath, sides[0].peers.isEmpty() ? 1 : 3);
    }
}
