// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.isa.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link AlongSegments#reduceInto} in pieces: the row leaves each segment before it is whole. Every segment's chips
 * send their rows to the segment's last chip (its root) at once; the root adds them a piece at a time, as each
 * piece's last word lands; it sends its segment's sum along its shortest route to the target (forwarded by the chips
 * on the way), word by word, as early as it can without reading a word before its piece was summed; the target adds
 * the segments' sums a piece at a time as they land. So the route's words cross while the segment's rows are still
 * arriving, and each sum adds one piece where a whole row waited before. The piece size is the one that ends
 * soonest ({@link PieceSchedule#place}).
 *
 * <p>A root receives from its segment and sends to the target at once, on lanes of its own; the target receives
 * from every segment while it adds; the sums run beside the transfers ({@link PieceSums}). Where two flows would
 * take one queue or link side of a chip ({@link PieceSchedule#conflictFree}), a segment has more peers than its
 * root has receive lanes, there is one segment or more segments than the target has receive lanes, or the row is
 * more than a staging buffer, it is not done this way.
 */
final class ReduceInPieces {
    private ReduceInPieces() {
    }

    /** The sum of {@code vectors} f32 vectors of every chip of {@code segments} on {@code target}, if it can go so. */
    static Optional<Long> into(Collectives col, SystemBuild build, List<List<Integer>> segments, int target,
                               int vectors, long notBefore) {
        int words = vectors * Collectives.F32_WORDS;
        if (segments.size() < 2 || segments.size() > Exchange.Lanes.LANES || words > Exchange.Lanes.STAGING_WORDS) {
            return Optional.empty();
        }
        for (List<Integer> seg : segments) {
            if (seg.size() - 1 > Exchange.Lanes.LANES) {
                return Optional.empty();
            }
        }
        return PieceSchedule.place(col, build, new Collectives.InPieces(segments, target, vectors, DataType.F32),
                vectors, (piece, t0) -> plan(col, build, segments, target, vectors, piece, t0), notBefore);
    }

    /** The schedule with pieces of {@code piece} vectors, starting at {@code t0}; places nothing. */
    private static PieceSchedule.Plan plan(Collectives col, SystemBuild build, List<List<Integer>> segments, int target,
                             int vectors, int piece, long t0) {
        Exchange.Lanes lanes = build.lanes();
        PieceSchedule.Pieces cut = new PieceSchedule.Pieces(vectors, Collectives.F32_WORDS, piece);
        int words = cut.words();
        int pieces = cut.count();
        PieceSchedule ps = new PieceSchedule(build, t0);
        List<PieceSums> kernels = new ArrayList<>();
        int n = segments.size();
        long[][] own = new long[n][pieces];
        PieceSchedule.Sum[][] rootSums = new PieceSchedule.Sum[n][pieces];
        List<PieceSchedule.Flow> routes = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            List<Integer> seg = segments.get(s);
            int root = seg.get(seg.size() - 1);
            List<PieceSchedule.Flow> in = new ArrayList<>();
            for (int j = 0; j + 1 < seg.size(); j++) {
                in.add(ps.direct(seg.get(j), root, lanes.send(0), lanes.receive(j), words, t0, 0, 0));
            }
            PieceSums sums = in.isEmpty() ? null : new PieceSums(col, build, root, seg.size(), vectors,
                    DataType.F32, piece);
            if (sums != null) {
                kernels.add(sums);
            }
            for (int p = 0; p < pieces; p++) {
                long ready = t0;
                for (PieceSchedule.Flow f : in) {
                    ready = Math.max(ready, ps.landed(f, cut.lastWord(p)));
                }
                if (sums == null) {
                    own[s][p] = ready;
                } else {
                    rootSums[s][p] = ps.sum(root, sums.of(cut.isLast(p)), ready);
                    own[s][p] = rootSums[s][p].end();
                }
            }
            routes.add(ps.flow(build.topology().route(root, target), lanes.send(0), lanes.receive(s), words,
                    ps.startFor(own[s], cut, t0), 0, 0));
        }
        // the target adds the segments' sums piece by piece; the critical path runs through the segment whose
        // last word lands last, its root's sum that set its route's start, and the target's last sum
        List<PieceSchedule.Sum> onPath = new ArrayList<>();
        int latest = 0;
        for (int s = 1; s < n; s++) {
            if (ps.landed(routes.get(s), words - 1) > ps.landed(routes.get(latest), words - 1)) {
                latest = s;
            }
        }
        PieceSchedule.Sum setting = rootSums[latest][ps.setting(own[latest], cut)];
        if (setting != null) {
            onPath.add(setting);
        }
        PieceSums sums = new PieceSums(col, build, target, n, vectors, DataType.F32, piece);
        kernels.add(sums);
        PieceSchedule.Sum last = null;
        for (int p = 0; p < pieces; p++) {
            long ready = t0;
            for (PieceSchedule.Flow f : routes) {
                ready = Math.max(ready, ps.landed(f, cut.lastWord(p)));
            }
            last = ps.sum(target, sums.of(cut.isLast(p)), ready);
        }
        onPath.add(last);
        // on the critical path: that segment's transfers into its root (if it has more than its root), the route
        return new PieceSchedule.Plan(ps, kernels, onPath, segments.get(latest).size() > 1 ? 2 : 1);
    }
}
