// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Collectives among chips that are all directly linked (the chips of a node), built from {@link Exchange}s and
 * sum kernels; transfers between any two chips ({@link MultiPath}: forwarded by the chips on the way, over several
 * paths at once where that ends sooner); and an
 * all-reduce across nodes cabled to each other in three hops ({@link #allReduceAcrossNodes}). Sizes are in f32
 * vectors of the chip's lanes (a vector of {@code w}-byte values moves as w words) unless a type is given. Data
 * lands in SRAM only where it must: at the end of a transfer, and wherever a reduction adds (the VXM reads its
 * inputs from SRAM).
 */
public final class Collectives {
    private final SystemBuild build;
    /** Two chips, in order: a transfer's ends. */
    private record Pair(int from, int to) {
    }

    /** The sum kernels reductions place. */
    private final SumKernels sums;
    /** The piece size each collective in pieces chose when first placed (0: refused), kept for its later ones. */
    private final Map<InPieces, Integer> pieceSizes = new HashMap<>();

    /** The paths of {@link #send} between two chips, found once (looked up, never iterated). */
    private final Map<Pair, List<List<Topology.Hop>>> paths = new HashMap<>();
    /** Chips that the extra paths of a transfer between two other chips do not pass ({@link MultiPath#paths}). */
    private final Set<Integer> noRelay;
    private long sumCycles;
    private long sumBound;

    /** Collectives over {@code build}, any chip relaying others' transfers. */
    public Collectives(SystemBuild build) {
        this(build, Set.of());
    }

    /**
     * Collectives over {@code build} whose transfers' extra paths (beyond the shortest route) keep off the chips
     * {@code noRelay}: chips whose own work comes at times the paths cannot see (a model's embedding table, whose
     * lookups would meet the repeats of a prefill's forwarding).
     */
    public Collectives(SystemBuild build, Set<Integer> noRelay) {
        this.noRelay = Set.copyOf(noRelay);
        this.build = build;
        this.sums = new SumKernels(build);
    }

    /** A collective in pieces: its chips (in groups), where it ends ({@code -1}: on all of them), its row. */
    record InPieces(List<List<Integer>> groups, int target, int vectors, DataType type) {
        InPieces {
            groups = groups.stream().map(List::copyOf).toList();
        }
    }

    /** The piece size {@code c} chose before (0: refused), if it was placed or refused before. */
    Optional<Integer> pieceSize(InPieces c) {
        return Optional.ofNullable(pieceSizes.get(c));
    }

    /** Keeps the piece size {@code c} chose (0: refused) for its later placements. */
    void keepPieceSize(InPieces c, int vectors) {
        pieceSizes.putIfAbsent(c, vectors);
    }

    /**
     * The most chips among which {@link #carryRows} carries a broadcast's or a reduction's rows at once: a root and as
     * many others as it has send or receive lanes.
     */
    public static final int MOST_CHIPS_CARRIED_AT_ONCE = Exchange.Lanes.LANES + 1;

    /** Words one f32 vector takes on a link: one per byte plane. */
    static final int F32_WORDS = 4;

    /** Sends {@code words} words from {@code root} to every other member at once. Returns the end cycle. */
    public long broadcast(int root, List<Integer> members, int words, long notBefore) {
        List<Exchange.Flow> flows = new ArrayList<>();
        for (int m : members) {
            if (m != root) {
                flows.add(new Exchange.Flow(root, m, words));
            }
        }
        return flows.isEmpty() ? notBefore : Exchange.runChunked(build, flows, notBefore);
    }

    /**
     * Sums {@code vectors} f32 vectors of every member on {@code root}: the others send theirs at once, then the
     * root adds them. Returns the end cycle.
     */
    public long reduce(int root, List<Integer> members, int vectors, long notBefore) {
        List<Exchange.Flow> flows = new ArrayList<>();
        for (int m : members) {
            if (m != root) {
                flows.add(new Exchange.Flow(m, root, vectors * F32_WORDS));
            }
        }
        long t = flows.isEmpty() ? notBefore : Exchange.runChunked(build, flows, notBefore);
        return members.size() < 2 ? t : placeSum(root, members.size(), vectors, DataType.F32, t);
    }

    /**
     * Cycles of the sum kernels placed by reductions so far (from each one's ready time to its end); of a reduction
     * whose parts run side by side, those on its critical path ({@link #reduceAlongToLast}).
     */
    public long sumCycles() {
        return sumCycles;
    }

    /** Places the sum of {@code inputs} rows on {@code chip} once its inputs are in (t); returns its end. */
    long placeSum(int chip, int inputs, int vectors, DataType type, long t) {
        CompiledKernel k = sums.sum(chip, inputs, vectors, type);
        long end = build.chip(chip).place(k, t);
        sumCycles += end - t;
        sumBound += k.lowerBoundCycles();
        return end;
    }

    /** Counts a sum placed by a collective itself: its cycles on the critical path, and its kernel's bound. */
    void countSum(long cycles, long bound) {
        sumCycles += cycles;
        sumBound += bound;
    }

    /**
     * The lower bounds of the sum kernels placed by reductions so far, added up; of a reduction whose parts run side
     * by side, those on its critical path ({@link #reduceAlongToLast}).
     */
    public long sumBound() {
        return sumBound;
    }

    /** Sum kernels compiled (distinct) and kept. */
    public int sumsCompiled() {
        return sums.count();
    }

    /**
     * Moves {@code words} words from one chip to another over up to {@link Exchange.Lanes#LANES} paths at once
     * ({@link MultiPath}: the shortest route, then paths through other chips that share no chip or link with it or
     * each other), each path's share sized so that all land together; in rounds of at most a staging buffer per
     * path. A round that fits one path goes over the shortest route alone ({@link #route}) unless the paths end
     * sooner from the cycle their chips are free: where bytes do not outweigh a hop's latency, and where the other
     * chips are busy, one path it is.
     */
    public long send(int from, int to, int words, long notBefore) {
        if (from == to) {
            return notBefore;
        }
        List<List<Topology.Hop>> all = paths.computeIfAbsent(new Pair(from, to),
                k -> MultiPath.paths(build.topology(), from, to, Exchange.Lanes.LANES, noRelay));
        int cap = Exchange.Lanes.STAGING_WORDS;
        long t = notBefore;
        for (int left = words; left > 0; ) {
            int n = Math.min(left, cap * all.size());
            t = MultiPath.run(build, legs(all, n, t), t);
            left -= n;
        }
        return t;
    }

    /**
     * {@code n} words (at most a staging buffer per path) over {@code all} paths: split over them, or over the shortest
     * alone if they fit one path and it ends no later from {@code t} (several paths occupy more chips).
     */
    private List<MultiPath.Leg> legs(List<List<Topology.Hop>> all, int n, long t) {
        int cap = Exchange.Lanes.STAGING_WORDS;
        List<MultiPath.Leg> split = MultiPath.split(build, all, n, cap);
        if (n <= cap && split.size() > 1) {
            List<MultiPath.Leg> one = MultiPath.split(build, all.subList(0, 1), n, cap);
            if (MultiPath.end(build, one, t) <= MultiPath.end(build, split, t)) {
                split = one;
            }
        }
        return split;
    }

    /**
     * Carries a row's words from chip {@code from} to chip {@code to}: read where they lie ({@code source}, in order),
     * sent as {@link #send} sends words (over up to {@link Exchange.Lanes#LANES} paths at once, in rounds of at most a
     * staging buffer per path), and written at {@code target} as they pass on the receive lanes' streams
     * ({@link MultiPath#carry}), word i of the source to word i of the target. Returns when the row is in place.
     */
    public long sendRow(int from, int to, List<Moves.Word> source, List<Moves.Word> target, long notBefore) {
        checkRow(from, to, source, target);
        return carry(from, to, paths.computeIfAbsent(new Pair(from, to),
                k -> MultiPath.paths(build.topology(), from, to, Exchange.Lanes.LANES, noRelay)), source, target,
                notBefore);
    }

    /**
     * As {@link #sendRow}, over the topology's shortest route alone (as {@link #route}: forwarded by the chips on the
     * way without landing), so that a row between distant chips takes no chip off that route.
     */
    public long routeRow(int from, int to, List<Moves.Word> source, List<Moves.Word> target, long notBefore) {
        checkRow(from, to, source, target);
        return carry(from, to, List.of(build.topology().route(from, to)), source, target, notBefore);
    }

    private static void checkRow(int from, int to, List<Moves.Word> source, List<Moves.Word> target) {
        if (from == to || source.isEmpty() || source.size() != target.size()) {
            throw new IllegalArgumentException("a row is carried between two chips, its words read from as many "
                    + "places as they are written to; got " + source.size() + " and " + target.size() + " words, chip "
                    + from + " to chip " + to);
        }
    }

    private long carry(int from, int to, List<List<Topology.Hop>> all, List<Moves.Word> source,
                       List<Moves.Word> target, long notBefore) {
        int round = Exchange.Lanes.STAGING_WORDS * all.size();
        long t = notBefore;
        for (int w = 0; w < source.size(); w += round) {
            int n = Math.min(round, source.size() - w);
            t = MultiPath.carry(build, legs(all, n, t), source.subList(w, w + n), target.subList(w, w + n), t);
        }
        return t;
    }

    /**
     * A row carried from one chip to another over their direct link ({@link #carryRows}): its words where they lie on
     * {@code from}, in order, and where word i goes on {@code to}.
     */
    public record RowFlow(int from, int to, List<Moves.Word> source, List<Moves.Word> target) {
        public RowFlow {
            source = List.copyOf(source);
            target = List.copyOf(target);
            checkRow(from, to, source, target);
        }
    }

    /**
     * Carries rows between chips that share a link, all at once ({@link RowFlows}): a broadcast's row from its root to
     * each other chip of a node, or each chip's row to a reduction's root, each read where it lies and written at its
     * place on its receiver as it passes on the receive lane's stream. Returns when the last row is in place.
     */
    public long carryRows(List<RowFlow> flows, long notBefore) {
        return RowFlows.carry(build, flows, notBefore);
    }

    /**
     * Every member ends with the sum of all members' {@code vectors} f32 vectors: reduce-scatter (member i owns
     * segment i and receives it from every other member at once), a sum on each member, all-gather (each member
     * sends its summed segment to every other at once). Returns the end cycle.
     */
    public long allReduce(List<Integer> members, int vectors, long notBefore) {
        int n = members.size();
        if (n < 2) {
            return notBefore;
        }
        int[] segment = new int[n];
        for (int i = 0; i < n; i++) {
            segment[i] = vectors / n + (i < vectors % n ? 1 : 0);
        }
        List<Exchange.Flow> scatter = new ArrayList<>();
        List<Exchange.Flow> gather = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j && segment[j] > 0) {
                    scatter.add(new Exchange.Flow(members.get(i), members.get(j), segment[j] * F32_WORDS));
                }
                if (i != j && segment[i] > 0) {
                    gather.add(new Exchange.Flow(members.get(i), members.get(j), segment[i] * F32_WORDS));
                }
            }
        }
        long t = Exchange.runChunked(build, scatter, notBefore);
        long summed = t;
        for (int i = 0; i < n; i++) {
            if (segment[i] > 0) {
                summed = Math.max(summed, build.chip(members.get(i)).place(sums.sum(members.get(i), n, segment[i],
                        DataType.F32), t));
            }
        }
        return Exchange.runChunked(build, gather, summed);
    }

    /**
     * Every chip of the given nodes ends with the sum of all their chips' {@code vectors} vectors of {@code type},
     * in three hops, each landing where a sum adds it: within each node every chip sends its row to every other at
     * once and each adds the node's rows; each chip sends the node's sum over its cables to the other nodes, and
     * adds the node sums that arrive over them; within each node every chip sends that partial sum to every other,
     * and each adds the partials to its node's sum. Every two of the nodes must share exactly one cable (the
     * nodes of a rack, as in tsp-256: 32 nodes of 8 chips, 256 chips, the ISCA 2022 3-hop all-reduce). Two nodes
     * go in pieces, the chips at the cable's ends in several transfers at once ({@link CablePipeline}). Returns
     * the end cycle.
     */
    public long allReduceAcrossNodes(List<Integer> nodes, int vectors, DataType type, long notBefore) {
        return AcrossNodes.allReduce(this, build, nodes, vectors, type, notBefore);
    }

    /**
     * Every member sends its {@code words[i]} words to every other member at once (the all-gather of a column
     * split: each member ends with every member's part). Members must be linked to each other (one node).
     */
    public long allGather(List<Integer> members, int[] words, long notBefore) {
        List<Exchange.Flow> flows = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            for (int j = 0; j < members.size(); j++) {
                if (i != j && words[i] > 0) {
                    flows.add(new Exchange.Flow(members.get(i), members.get(j), words[i]));
                }
            }
        }
        return flows.isEmpty() ? notBefore : Exchange.runChunked(build, flows, notBefore);
    }

    // ------------------------------------------------------------------------------------------ along a path

    /** {@link AlongSegments#broadcast}: a broadcast from the first chip of {@code segments} to all of them. */
    public long broadcastAlong(List<List<Integer>> segments, int words, long notBefore) {
        return AlongSegments.broadcast(this, build, segments, words, notBefore);
    }

    /** {@link AlongSegments#reduce}: the sum of every chip of {@code segments} on the last chip. */
    public long reduceAlongToLast(List<List<Integer>> segments, int vectors, long notBefore) {
        return AlongSegments.reduce(this, build, segments, vectors, notBefore, true);
    }

    /** {@link AlongSegments#reduce}: the sum of every chip of {@code segments} on the first chip. */
    public long reduceAlongToFirst(List<List<Integer>> segments, int vectors, long notBefore) {
        return AlongSegments.reduce(this, build, segments, vectors, notBefore, false);
    }

    /** {@link AlongSegments#reduceInto}: the sum of every chip of {@code segments} on {@code target}, outside them. */
    public long reduceAlongInto(List<List<Integer>> segments, int target, int vectors, long notBefore) {
        return AlongSegments.reduceInto(this, build, segments, target, vectors, notBefore);
    }

    /** The exchanges, sum cycles and sum bounds of one part of a collective. */
    record Costs(long exchanges, long sumCycles, long sumBound) {
        Costs plus(Costs o) {
            return new Costs(exchanges + o.exchanges, sumCycles + o.sumCycles, sumBound + o.sumBound);
        }

        Costs minus(Costs o) {
            return new Costs(exchanges - o.exchanges, sumCycles - o.sumCycles, sumBound - o.sumBound);
        }

        /** The least these could take: each exchange at {@code perExchange} cycles, each sum at its bound. */
        long least(long perExchange) {
            return exchanges * perExchange + sumBound;
        }
    }

    /** What the counters hold now. */
    Costs counted() {
        return new Costs(build.exchanges(), sumCycles, sumBound);
    }

    /**
     * Of the exchanges and sums placed since the counters held {@code before}, only those of {@code onPath} count
     * (a collective's parts that ran side by side: one path through them).
     */
    void countOnePath(Costs before, Costs onPath) {
        build.countSideBySide(before.exchanges(), onPath.exchanges());
        sumCycles = before.sumCycles() + onPath.sumCycles();
        sumBound = before.sumBound() + onPath.sumBound();
    }

    /**
     * Along the topology's shortest route, landing only at {@code to}: the chips on the way forward each vector
     * (FWD) at the forwarding cost instead of landing it in SRAM and sending it again ({@link MultiPath} with one
     * path), in rounds of at most a staging buffer.
     */
    public long route(int from, int to, int words, long notBefore) {
        if (from == to) {
            return notBefore;
        }
        List<List<Topology.Hop>> shortest = List.of(build.topology().route(from, to));
        int cap = Exchange.Lanes.STAGING_WORDS;
        long t = notBefore;
        for (int done = 0; done < words; done += cap) {
            t = MultiPath.run(build, MultiPath.split(build, shortest, Math.min(cap, words - done), cap), t);
        }
        return t;
    }

    /** The sum kernel {@link #allReduce} would place on {@code chip} now (for tests that derive its cycles). */
    public CompiledKernel sumForTest(int chip, int inputs, int vectors) {
        return sums.compiled(chip, inputs, vectors, DataType.F32);
    }

    /** The sum kernel of {@code type} rows a collective would place on {@code chip} now (for tests). */
    public CompiledKernel sumForTest(int chip, int inputs, int vectors, DataType type) {
        return sums.compiled(chip, inputs, vectors, type);
    }

    /** The sum kernels of this build's collectives. */
    SumKernels sums() {
        return sums;
    }
}
