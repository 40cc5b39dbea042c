// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.vector.VectorCompiler;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Opcode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collectives among chips that are all directly linked (the chips of a node), built from {@link Exchange}s and
 * sum kernels; routes between chips further apart ({@link Route}: forwarded by the chips on the way); and an
 * all-reduce across nodes cabled to each other in three hops ({@link #allReduceAcrossNodes}). Sizes are in f32
 * vectors of the chip's lanes (a vector of {@code w}-byte values moves as w words) unless a type is given. Data
 * lands in SRAM only where it must: at the end of a transfer, and wherever a reduction adds (the VXM reads its
 * inputs from SRAM).
 */
public final class Collectives {
    private final SystemBuild build;
    /** A sum kernel's shape and the SRAM it was compiled into (chips in the same state share it). */
    private record SumShape(int inputs, int vectors, DataType type, SramMap sram) {
    }

    /** The sum kernel a chip uses for rows of one shape. */
    private record ChipSum(int chip, int inputs, int vectors, DataType type) {
    }

    private final Map<SumShape, CompiledKernel> sums = new HashMap<>();
    private final Map<ChipSum, CompiledKernel> perChip = new HashMap<>();
    private long sumCycles;
    private long sumBound;

    public Collectives(SystemBuild build) {
        this.build = build;
    }

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
        CompiledKernel k = sum(chip, inputs, vectors, type);
        long end = build.chip(chip).place(k, t);
        sumCycles += end - t;
        sumBound += k.lowerBoundCycles();
        return end;
    }

    /**
     * The lower bounds of the sum kernels placed by reductions so far, added up; of a reduction whose parts run side
     * by side, those on its critical path ({@link #reduceAlongToLast}).
     */
    public long sumBound() {
        return sumBound;
    }

    /** Sum kernels compiled (distinct). */
    public int sumsCompiled() {
        return sums.size();
    }

    /**
     * Moves {@code words} words from one chip to a linked one, or along the shortest route, forwarded by the chips
     * on the way ({@link #route}).
     */
    public long send(int from, int to, int words, long notBefore) {
        if (from == to) {
            return notBefore;
        }
        return build.topology().linkTo(from, to) >= 0
                ? Exchange.runChunked(build, List.of(new Exchange.Flow(from, to, words)), notBefore)
                : route(from, to, words, notBefore);
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
                summed = Math.max(summed, build.chip(members.get(i)).place(sum(members.get(i), n, segment[i],
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
     * nodes of a rack, as in tsp-256: 32 nodes of 8 chips, 256 chips, the ISCA 2022 3-hop all-reduce). Returns
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

    /**
     * Sends {@code words} words from the first chip of {@code segments} to all of them: first along the segments'
     * first chips, each routed from the one before, forwarded by the chips on the way without landing ({@link
     * #route}); then within every segment from its first chip to the others, the segments side by side, each from
     * when the row has reached it (their chips are disjoint). Against going segment by segment (a segment's
     * broadcast, then from its last chip to the next segment's first, then that one's broadcast), a layer of two
     * nodes takes two exchanges on its critical path where it took three. {@link SystemBuild#exchanges} counts one
     * path, the longest: the routes up to a segment and that segment's broadcast.
     */
    public long broadcastAlong(List<List<Integer>> segments, int words, long notBefore) {
        int n = segments.size();
        if (n == 0) {
            return notBefore;
        }
        long before = build.exchanges();
        long[] arrived = new long[n];
        long[] routes = new long[n];
        arrived[0] = notBefore;
        for (int s = 1; s < n; s++) {
            long e = build.exchanges();
            arrived[s] = route(segments.get(s - 1).get(0), segments.get(s).get(0), words, arrived[s - 1]);
            routes[s] = routes[s - 1] + build.exchanges() - e;
        }
        long end = notBefore;
        long longest = 0;
        for (int s = 0; s < n; s++) {
            List<Integer> seg = segments.get(s);
            long e = build.exchanges();
            end = Math.max(end, broadcast(seg.get(0), seg, words, arrived[s]));
            longest = Math.max(longest, routes[s] + build.exchanges() - e);
        }
        build.countSideBySide(before, longest);
        return end;
    }

    /**
     * Sums {@code vectors} f32 vectors of every chip of {@code segments} on the last chip: every segment reduces to
     * its own last chip at once (their chips are disjoint), then each segment's sum goes to the next segment's last
     * chip along the shortest route, forwarded by the chips on the way without landing ({@link #route}), and is
     * added there. Against reducing segment by segment, which lands each sum on the next segment's first chip and
     * reduces again from there, this takes one exchange where that took a segment's whole reduction and a landing.
     * What it adds to {@link SystemBuild#exchanges}, {@link #sumCycles} and {@link #sumBound} is one path through it
     * (the critical path's, see {@link #reduceAlong}), not every exchange and sum placed.
     */
    public long reduceAlongToLast(List<List<Integer>> segments, int vectors, long notBefore) {
        return reduceAlong(segments, vectors, notBefore, true);
    }

    /** The mirror of {@link #reduceAlongToLast}: the sum ends on the first chip of the first segment. */
    public long reduceAlongToFirst(List<List<Integer>> segments, int vectors, long notBefore) {
        return reduceAlong(segments, vectors, notBefore, false);
    }

    /** The exchanges, sum cycles and sum bounds of one part of a reduction. */
    private record Costs(long exchanges, long sumCycles, long sumBound) {
        Costs plus(Costs o) {
            return new Costs(exchanges + o.exchanges, sumCycles + o.sumCycles, sumBound + o.sumBound);
        }

        Costs minus(Costs o) {
            return new Costs(exchanges - o.exchanges, sumCycles - o.sumCycles, sumBound - o.sumBound);
        }
    }

    /**
     * The segments side by side, then the chain of routes and 2-input sums from the first root in the direction
     * of travel. A segment's sum waits for its own reduction and then for every route and sum of the chain after
     * it joins; the path through segment s costs its reduction, plus (but for the chain's first root) the sum where
     * it joins, plus every route and sum after that. The counters take the path whose least cost (exchanges at
     * {@link Exchange#minimumCycles} each, plus its sums' bounds) is largest: a lower bound of the whole, which
     * counting every side-by-side exchange would not be.
     */
    private long reduceAlong(List<List<Integer>> segments, int vectors, long notBefore, boolean toLast) {
        int n = segments.size();
        if (n == 0) {
            return notBefore;
        }
        int[] root = new int[n];
        for (int s = 0; s < n; s++) {
            List<Integer> seg = segments.get(s);
            root[s] = toLast ? seg.get(seg.size() - 1) : seg.get(0);
        }
        Costs before = counted();
        Costs[] own = new Costs[n];
        long[] reduced = new long[n];
        for (int s = 0; s < n; s++) {
            Costs c = counted();
            reduced[s] = reduce(root[s], segments.get(s), vectors, notBefore);
            own[s] = counted().minus(c);
        }
        // then segment by segment towards the end the sum lands on: into the k-th root of the chain, a route
        // (routed[k]) and the sum there (added[k])
        int first = toLast ? 0 : n - 1;
        int step = toLast ? 1 : -1;
        Costs[] routed = new Costs[n];
        Costs[] added = new Costs[n];
        long t = reduced[first];
        for (int k = 1; k < n; k++) {
            int s = first + k * step;
            Costs c = counted();
            t = route(root[s - step], root[s], vectors * F32_WORDS, t);
            Costs r = counted();
            routed[k] = r.minus(c);
            t = placeSum(root[s], 2, vectors, DataType.F32, Math.max(t, reduced[s]));
            added[k] = counted().minus(r);
        }
        long least = Exchange.minimumCycles(build);
        Costs critical = null;
        for (int k = 0; k < n; k++) {
            // segment k of the chain: its own reduction, the sum where it joins (none for the first), then on
            Costs path = k == 0 ? own[first] : own[first + k * step].plus(added[k]);
            for (int j = k + 1; j < n; j++) {
                path = path.plus(routed[j]).plus(added[j]);
            }
            if (critical == null || path.exchanges * least + path.sumBound
                    > critical.exchanges * least + critical.sumBound) {
                critical = path;
            }
        }
        build.countSideBySide(before.exchanges, critical.exchanges);
        sumCycles = before.sumCycles + critical.sumCycles;
        sumBound = before.sumBound + critical.sumBound;
        return t;
    }

    private Costs counted() {
        return new Costs(build.exchanges(), sumCycles, sumBound);
    }

    /**
     * Along the topology's shortest route, landing only at {@code to}: the chips on the way forward each vector
     * (FWD) at the forwarding cost instead of landing it in SRAM and sending it again ({@link Route}).
     */
    public long route(int from, int to, int words, long notBefore) {
        return Route.runChunked(build, from, to, words, notBefore);
    }

    /** The sum kernel {@link #allReduce} would place on {@code chip} now (for tests that derive its cycles). */
    public CompiledKernel sumForTest(int chip, int inputs, int vectors) {
        return compiledSum(chip, inputs, vectors, DataType.F32);
    }

    /** The sum kernel of {@code type} rows a collective would place on {@code chip} now (for tests). */
    public CompiledKernel sumForTest(int chip, int inputs, int vectors, DataType type) {
        return compiledSum(chip, inputs, vectors, type);
    }

    /** A kernel adding {@code inputs} rows of {@code vectors} vectors of {@code type}, in the chip's free SRAM. */
    CompiledKernel sum(int chip, int inputs, int vectors, DataType type) {
        // one sum kernel per chip and shape, reused by every later sum of that shape on the chip (its buffers are
        // free again: work on one chip never overlaps), so that every token's sums take the same time
        return perChip.computeIfAbsent(new ChipSum(chip, inputs, vectors, type),
                x -> compiledSum(chip, inputs, vectors, type));
    }

    private CompiledKernel compiledSum(int chip, int inputs, int vectors, DataType type) {
        SramMap taken = build.chip(chip).sram();
        return sums.computeIfAbsent(new SumShape(inputs, vectors, type, taken), k -> {
            VectorGraph g = new VectorGraph(build.chip().vectorBytes());
            List<VectorGraph.Ref> out = new ArrayList<>();
            for (int v = 0; v < vectors; v++) {
                VectorGraph.Ref acc = g.input(type, new double[0], 0);
                for (int i = 1; i < inputs; i++) {
                    acc = g.binary(Opcode.VADD, acc, g.input(type, new double[0], 0));
                }
                out.add(acc);
            }
            g.output("sum", out);
            return VectorCompiler.compile(build.chip(), g, ScheduleOptions.DEFAULT, taken);
        });
    }
}
