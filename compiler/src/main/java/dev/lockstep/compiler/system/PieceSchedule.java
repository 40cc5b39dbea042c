// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A collective whose rows go in pieces: flows between chips (over a link, or along a route forwarded by the chips on
 * the way) that start as soon as the pieces they carry are ready, and sums that add each piece as soon as its words
 * have landed, all at exact cycles from one start. A chip may take part in several flows and sums at once, each flow
 * on lanes of its own: {@link #conflictFree} checks that no queue or link side is used twice, and {@link #emit}
 * places everything and holds each chip from its first part to its last. Sums are placed as temporaries
 * ({@link ChipBuild#placeTransient}): timing-only, like every collective's sums.
 */
final class PieceSchedule {
    /**
     * A flow of {@code words} words along {@code path} (one hop: over a link), its first word read at {@code start}
     * on the send lane, word i read at {@code sendAt + i} and written at {@code receiveAt + i} of the staging slices;
     * the chips between the ends forward it on receive lane 0's SXM queue.
     */
    record Flow(List<Topology.Hop> path, Exchange.Lanes.Lane send, Exchange.Lanes.Lane receive, int words, long start,
                int sendAt, int receiveAt) {
        int from() {
            return path.get(0).chip();
        }
    }

    /** A kernel placed on a chip at a cycle, its inputs ready at another, ending at a third. */
    record Sum(int chip, CompiledKernel kernel, long ready, long start, long end) {
    }

    /**
     * A collective's schedule for one piece size: the sums to keep for its later placements, the sums on its
     * critical path, and the exchanges there.
     */
    record Plan(PieceSchedule schedule, List<PieceSums> kept, List<Sum> onPath, int exchanges) {
    }

    /** A collective's plan for pieces of {@code piece} vectors from {@code t0}; places nothing. */
    @FunctionalInterface
    interface Planner {
        Plan plan(int piece, long t0);
    }

    /**
     * Places the collective {@code key} of {@code vectors} vectors in pieces: the piece size whose plan ends soonest
     * of those tried (from one vector up, until two sizes in a row end no sooner, or the whole row: each size tried
     * compiles its sums), chosen on its first placement and kept (its sums too), from the first cycle at
     * or after {@code notBefore} at which every chip is free for its part; counts its critical path's exchanges and
     * sums. Empty, and nothing placed, if its flows would take a queue or link side twice (remembered: a collective
     * refused once is not planned again).
     */
    static Optional<Long> place(Collectives col, SystemBuild build, Collectives.InPieces key, int vectors,
                                Planner planner, long notBefore) {
        Optional<Integer> chosen = col.pieceSize(key);
        if (chosen.isPresent() && chosen.get() == 0) {
            return Optional.empty();
        }
        Plan best = null;
        int bestPiece = 0;
        int worse = 0;
        for (int piece = chosen.orElse(1); piece <= chosen.orElse(vectors) && worse < 2; piece++) {
            Plan p = planner.plan(piece, 0);
            if (best == null && !p.schedule.conflictFree()) {
                // every piece size has the same flows
                col.keepPieceSize(key, 0);
                return Optional.empty();
            }
            if (best == null || p.schedule.end() < best.schedule.end()) {
                best = p;
                bestPiece = piece;
                worse = 0;
            } else {
                worse++;
            }
        }
        long t0 = Exchange.firstFree(build, best.schedule.windows(), notBefore);
        Plan plan = planner.plan(bestPiece, t0);
        plan.schedule.emit();
        col.keepPieceSize(key, bestPiece);
        for (PieceSums k : plan.kept) {
            k.keep(col, build);
        }
        for (int i = 0; i < plan.exchanges; i++) {
            build.countExchange();
        }
        for (Sum s : plan.onPath) {
            col.countSum(s.end - s.ready, s.kernel.lowerBoundCycles());
        }
        return Optional.of(plan.schedule.end());
    }

    /** One resource of a chip that a flow takes for the whole schedule: a queue, or a link's side. */
    private record Use(int chip, int kind, int id) {
    }

    private static final int QUEUE = 0;
    private static final int TRANSMIT = 1;
    private static final int RECEIVE = 2;

    private final SystemBuild build;
    private final long t0;
    private final List<Flow> flows = new ArrayList<>();
    private final List<Sum> sums = new ArrayList<>();
    /** Per chip, the sums placed so far, [start, end). */
    private final Map<Integer, List<long[]>> vxm = new TreeMap<>();

    PieceSchedule(SystemBuild build, long t0) {
        this.build = build;
        this.t0 = t0;
    }

    /** A flow over the link between two chips. */
    Flow direct(int from, int to, Exchange.Lanes.Lane send, Exchange.Lanes.Lane receive, int words, long start,
                int sendAt, int receiveAt) {
        int link = build.topology().linkTo(from, to);
        if (link < 0) {
            throw new IllegalArgumentException("chips " + from + " and " + to + " share no link");
        }
        return flow(List.of(new Topology.Hop(from, link)), send, receive, words, start, sendAt, receiveAt);
    }

    /** A flow along {@code path}. */
    Flow flow(List<Topology.Hop> path, Exchange.Lanes.Lane send, Exchange.Lanes.Lane receive, int words, long start,
              int sendAt, int receiveAt) {
        Flow f = new Flow(List.copyOf(path), send, receive, words, start, sendAt, receiveAt);
        flows.add(f);
        return f;
    }

    /** A sum on {@code chip} at the first cycle from {@code ready} at which its earlier sums leave it room. */
    Sum sum(int chip, CompiledKernel k, long ready) {
        List<long[]> busy = vxm.computeIfAbsent(chip, c -> new ArrayList<>());
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
        Sum s = new Sum(chip, k, ready, start, start + length);
        sums.add(s);
        return s;
    }

    /** A row of {@code vectors} vectors of {@code wordsPerVector} words each, cut in pieces of {@code piece}. */
    record Pieces(int vectors, int wordsPerVector, int piece) {
        int count() {
            return (vectors + piece - 1) / piece;
        }

        int words() {
            return vectors * wordsPerVector;
        }

        int firstWord(int p) {
            return p * piece * wordsPerVector;
        }

        int lastWord(int p) {
            return Math.min(vectors, (p + 1) * piece) * wordsPerVector - 1;
        }

        boolean isLast(int p) {
            return p == count() - 1;
        }
    }

    /**
     * The earliest first read of a flow of a row in {@code pieces}, piece p ready at {@code ready[p]} (no word read
     * before its piece is), and not before {@code notBefore}.
     */
    long startFor(long[] ready, Pieces pieces, long notBefore) {
        int p = setting(ready, pieces);
        return Math.max(notBefore, ready[p] - build.lanes().vectorCycles * pieces.firstWord(p));
    }

    /** The piece whose readiness sets {@link #startFor} (the first, of equals). */
    int setting(long[] ready, Pieces pieces) {
        long v = build.lanes().vectorCycles;
        int best = 0;
        for (int p = 1; p < ready.length; p++) {
            if (ready[p] - v * pieces.firstWord(p) > ready[best] - v * pieces.firstWord(best)) {
                best = p;
            }
        }
        return best;
    }

    /** The receiving chip of a flow. */
    int to(Flow f) {
        return to(build, f);
    }

    private static int to(SystemBuild build, Flow f) {
        Topology.Hop last = f.path.get(f.path.size() - 1);
        return build.topology().farChip(last.chip(), last.link());
    }

    private static long sendIssue(SystemBuild build, Flow f) {
        return f.start + build.lanes().readLatency + f.send.hops();
    }

    /** When vector 0 has arrived at each chip after the sender (the last: the receiver, its receive issue). */
    private static long[] arrivals(SystemBuild build, Flow f) {
        Exchange.Lanes l = build.lanes();
        long[] arrival = new long[f.path.size()];
        long out = sendIssue(build, f) + l.sendEnd;
        for (int i = 0; i < f.path.size(); i++) {
            Topology.Hop h = f.path.get(i);
            arrival[i] = out + l.vectorCycles + build.topology().latencyCycles(h.chip(), h.link());
            out = arrival[i] + l.forward;
        }
        return arrival;
    }

    private static long write(SystemBuild build, Flow f, long receiveIssue, int i) {
        Exchange.Lanes l = build.lanes();
        return receiveIssue + l.vectorCycles * i + l.receiveEnd + f.receive.hops();
    }

    /**
     * Puts a flow's instructions on its chips: the sender's reads and send, each chip on the way's forward (on
     * receive lane 0's SXM queue), the receiver's receive and writes. What every transfer between chips emits
     * ({@link Exchange#run}, {@link MultiPath#run} and the flows here); the caller keeps the chips' timelines.
     */
    static void put(SystemBuild build, Flow f) {
        put(build, f, List.of());
    }

    /**
     * As {@link #put(SystemBuild, Flow)}, the sender reading word i from {@code sources.get(i)}, where it lies, instead
     * of from its staging buffer (none: from the staging buffer): each word read when it reaches the SXM as the
     * staging buffer's word i would, so read earlier the farther its slice is (the caller starts the flow late enough,
     * {@link MultiPath#lead}).
     */
    static void put(SystemBuild build, Flow f, List<Moves.Word> sources) {
        put(build, f, sources, List.of());
    }

    /**
     * As {@link #put(SystemBuild, Flow, List)}, the receiver writing word i to {@code targets.get(i)}, where it is to
     * lie, as it passes on the receive lane's stream (none: to the staging buffer), through that slice's MEM queue.
     */
    static void put(SystemBuild build, Flow f, List<Moves.Word> sources, List<Moves.Word> targets) {
        if (!sources.isEmpty() && sources.size() != f.words || !targets.isEmpty() && targets.size() != f.words) {
            throw new IllegalArgumentException("a flow of " + f.words + " words reads " + sources.size()
                    + " sources and writes " + targets.size() + " targets");
        }
        long v = build.lanes().vectorCycles;
        Topology t = build.topology();
        long[] a = arrivals(build, f);
        ChipBuild from = build.chip(f.from());
        for (int i = 0; i < f.words; i++) {
            if (sources.isEmpty()) {
                from.put(f.send.memQueue(), f.start + v * i, Instruction.of(Opcode.READ, f.send.stream(),
                        f.sendAt + i, 1, 1));
            } else {
                Moves.Word w = sources.get(i);
                from.put(Moves.memQueue(build, w.position()), sendIssue(build, f) + v * i - build.lanes().readLatency
                        - build.lanes().toSxm(w.position()), Instruction.of(Opcode.READ, f.send.stream(),
                        w.address(), 1, 1));
            }
        }
        from.put(f.send.sxmQueue(), sendIssue(build, f), Instruction.of(Opcode.SEND, f.path.get(0).link(),
                f.send.stream(), f.words));
        Exchange.Lanes.Lane forward = build.lanes().receive(0);
        for (int i = 1; i < f.path.size(); i++) {
            Topology.Hop in = f.path.get(i - 1);
            Topology.Hop h = f.path.get(i);
            build.chip(h.chip()).put(forward.sxmQueue(), a[i - 1], Instruction.of(Opcode.FWD, h.link(),
                    t.farLink(in.chip(), in.link()), f.words));
        }
        Topology.Hop last = f.path.get(f.path.size() - 1);
        ChipBuild to = build.chip(to(build, f));
        long recv = a[a.length - 1];
        to.put(f.receive.sxmQueue(), recv, Instruction.of(Opcode.RECV, f.receive.stream(),
                t.farLink(last.chip(), last.link()), f.words));
        for (int i = 0; i < f.words; i++) {
            if (targets.isEmpty()) {
                to.put(f.receive.memQueue(), write(build, f, recv, i),
                        Instruction.of(Opcode.WRITE, f.receiveAt + i, f.receive.stream(), 1, 1));
            } else {
                Moves.Word w = targets.get(i);
                to.put(Moves.memQueue(build, w.position()), write(build, f, recv, i) - f.receive.hops()
                        + build.lanes().toSxm(w.position()), Instruction.of(Opcode.WRITE, w.address(),
                        f.receive.stream(), 1, 1));
            }
        }
    }

    /** The first cycle at which word i of the flow can be read where it landed. */
    long landed(Flow f, int i) {
        long[] a = arrivals(build, f);
        return write(build, f, a[a.length - 1], i) + build.lanes().writeLatency + 1;
    }

    /** Per chip, {start - t0, end - t0} of its parts: what it must be free for. */
    Map<Integer, long[]> windows() {
        long v = build.lanes().vectorCycles;
        Map<Integer, long[]> part = new TreeMap<>();
        for (Flow f : flows) {
            long[] a = arrivals(build, f);
            int n = f.words;
            Exchange.widen(part, f.from(), f.start - t0, sendIssue(build, f) + v * n - t0);
            for (int i = 1; i < f.path.size(); i++) {
                // busy until the last forwarded frame is on the next link
                Exchange.widen(part, f.path.get(i).chip(), a[i - 1] - t0, a[i - 1] + build.lanes().forward + v * n
                        - t0);
            }
            long recv = a[a.length - 1];
            Exchange.widen(part, to(f), recv - t0, Math.max(recv + v * n, landed(f, n - 1)) - t0);
        }
        for (Sum s : sums) {
            Exchange.widen(part, s.chip, s.start - t0, s.end - t0);
        }
        return part;
    }

    /** The cycle after the last event. */
    long end() {
        long end = t0;
        for (long[] w : windows().values()) {
            end = Math.max(end, t0 + w[1]);
        }
        return end;
    }

    /** Whether no two flows take one queue or one side of a link of a chip. */
    boolean conflictFree() {
        Topology t = build.topology();
        int forwardQueue = build.lanes().receive(0).sxmQueue().id();
        Set<Use> used = new HashSet<>();
        boolean ok = true;
        for (Flow f : flows) {
            Topology.Hop first = f.path.get(0);
            ok &= used.add(new Use(f.from(), QUEUE, f.send.sxmQueue().id()))
                    && used.add(new Use(f.from(), QUEUE, f.send.memQueue().id()))
                    && used.add(new Use(f.from(), TRANSMIT, first.link()));
            for (int i = 1; i < f.path.size(); i++) {
                Topology.Hop in = f.path.get(i - 1);
                Topology.Hop h = f.path.get(i);
                ok &= used.add(new Use(h.chip(), QUEUE, forwardQueue))
                        && used.add(new Use(h.chip(), RECEIVE, t.farLink(in.chip(), in.link())))
                        && used.add(new Use(h.chip(), TRANSMIT, h.link()));
            }
            Topology.Hop last = f.path.get(f.path.size() - 1);
            int to = to(f);
            ok &= used.add(new Use(to, QUEUE, f.receive.sxmQueue().id()))
                    && used.add(new Use(to, QUEUE, f.receive.memQueue().id()))
                    && used.add(new Use(to, RECEIVE, t.farLink(last.chip(), last.link())));
        }
        return ok;
    }

    /** Puts every flow's instructions, places the sums where planned, and holds each chip for its window. */
    void emit() {
        for (Flow f : flows) {
            put(build, f);
        }
        List<Sum> inOrder = new ArrayList<>(sums);
        inOrder.sort((x, y) -> Long.compare(x.start, y.start));
        for (Sum s : inOrder) {
            long end = build.chip(s.chip).placeTransient(s.kernel, s.start);
            if (end != s.end) {
                throw new IllegalStateException("chip " + s.chip + ": a sum planned for " + s.start + ".." + s.end
                        + " ended at " + end);
            }
        }
        for (Map.Entry<Integer, long[]> e : windows().entrySet()) {
            build.chip(e.getKey()).holdAround(t0 + e.getValue()[0], t0 + e.getValue()[1]);
        }
    }
}
