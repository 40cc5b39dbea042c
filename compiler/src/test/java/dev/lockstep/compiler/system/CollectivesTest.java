// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.compiler.vector.VectorCompiler;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.compiler.vector.VectorKernels;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.isa.system.Topology;
import dev.lockstep.sim.SimResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compiled link transfers and collectives on node-8, simulated: the cycle counts equal the formulas derived from
 * {@link Exchange}'s lane timing. With R the read latency, S the send end, L the link latency, V the link vector
 * time (one frame), E the receive end and W the write latency, a flow of n words on send lane k (its staging slice
 * k + 1 hops from the SXM) and receive lane j (its staging slice 8 + j hops from the SXM) ends after its last
 * write: vector n - 1 is read at t0 + V (n - 1), at the SXM R + (1 + k) later, has arrived at the far chip S + V +
 * L later, is on the stream E later, at its slice 8 + j later, in SRAM W later; the run counts that cycle too
 * (+ 1). So the flow ends at t0 + ONE + (1 + k) + (8 + j) + V n, with ONE = R + S + L + E + W + 1.
 */
class CollectivesTest {
    private static final SystemSpec NODE = SystemSpecs.preset("node-8");
    private static final long R = NODE.chip().timing().cycles(TimingParam.MEM_READ_LATENCY_CYCLES);
    private static final long S = NODE.chip().timing().cycles(TimingParam.C2C_SEND_END_CYCLES);
    private static final long E = NODE.chip().timing().cycles(TimingParam.C2C_RECEIVE_END_CYCLES);
    private static final long W = NODE.chip().timing().cycles(TimingParam.MEM_WRITE_LATENCY_CYCLES);
    private static final long L = NODE.chip().links().latencyCycles();
    private static final long V = NODE.vectorCycles();
    private static final long ONE = R + S + L + E + W + 1;

    @Test
    void twoChipTransferTakesTheFlowFormula() {
        SystemBuild b = new SystemBuild(NODE);
        long end = Exchange.run(b, List.of(new Exchange.Flow(0, 1, 26)), 100);
        assertThat(end).isEqualTo(100 + ONE + 1 + 8 + V * 26);
        assertThat(Simulated.timingOnly(b, 1).cycles()).isEqualTo(end);
        Simulated.exactly(b, 2, end);
    }

    /**
     * All-reduce of 13 f32 vectors (a 4096-value row) over the 8 chips of a node. Segments of 2, 2, 2, 2, 2, 1, 1,
     * 1 vectors (8 or 4 words). Chip i's flows take send lanes in order of their receivers, and a receiver's
     * flows take its receive lanes in order of their senders. Reduce-scatter: the flow from chip 7 to chip 4 (8
     * words) is on send lane 4 and receive lane 6: ONE + (1 + 4) + (8 + 6) + 8 V = ONE + 19 + 8 V (a 4-word flow
     * ends by ONE + 21 + 4 V, earlier). Then every chip sums its segment (SUM, the compiler's cycles for 8 inputs
     * of 2 vectors). All-gather: the flow from chip 4 to chip 7 (8 words) is on send lane 6 and receive lane 4:
     * ONE + 19 + 8 V again.
     */
    @Test
    void eightChipAllReduceTakesItsFormula() {
        SystemBuild b = new SystemBuild(NODE);
        Collectives c = new Collectives(b);
        List<Integer> node = List.of(0, 1, 2, 3, 4, 5, 6, 7);
        long end = c.allReduce(node, 13, 0);
        CompiledKernel sum = new Collectives(new SystemBuild(NODE)).sumForTest(0, 8, 2);
        long formula = (ONE + 19 + 8 * V) + sum.predictedCycles() + (ONE + 19 + 8 * V);
        assertThat(end).isEqualTo(formula);
        assertThat(Simulated.timingOnly(b, 1).cycles()).isEqualTo(formula);
        assertThat(Simulated.timingOnly(b, 2).traceHash()).isEqualTo(Simulated.timingOnly(b, 1).traceHash());
    }

    @Test
    void reduceThenBroadcastIsLongerThanTheAllReduceForTheSameRow() {
        SystemBuild b = new SystemBuild(NODE);
        Collectives c = new Collectives(b);
        List<Integer> node = List.of(0, 1, 2, 3, 4, 5, 6, 7);
        long reduced = c.reduce(0, node, 13, 0);
        long end = c.broadcast(0, node, 52, reduced);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
        SystemBuild b2 = new SystemBuild(NODE);
        assertThat(new Collectives(b2).allReduce(node, 13, 0)).isLessThan(end);
    }

    /**
     * A 4-stage pipeline on the first 4 chips of node-8's chip path, 3 sequences in flight. Each stage runs one
     * kernel (an RMSNorm of 640 values, K cycles) and passes 8 words to the next stage on send and receive lane 0
     * (F = ONE + 1 + 8 + 8 V cycles). One sequence's latency is L1 = 4 K + 3 F; sequence j enters at j x S with
     * S = ceil(L1 / 3); no stage is ever asked to do two things at once (K + F < S), so the last sequence ends at
     * 2 S + L1, and in steady state each sequence gets a result every 3 S cycles: 3 results per 3 S cycles.
     */
    @Test
    void aFourStagePipelineWithThreeSequencesTakesItsFormula() {
        SystemBuild b = new SystemBuild(NODE);
        ChipPath path = new ChipPath(b.topology());
        VectorGraph g = new VectorGraph(320);
        g.output("y", VectorKernels.rmsnorm(g, VectorKernels.row(g, new double[640], 0),
                VectorKernels.row(g, new double[640], 0), 640, 1e-5f));
        CompiledKernel[] kernels = new CompiledKernel[4];
        for (int s = 0; s < 4; s++) {
            kernels[s] = VectorCompiler.compile(NODE.chip(), g, ScheduleOptions.DEFAULT, b.chip(path.chip(s)).sram());
        }
        long k = kernels[0].predictedCycles();
        long f = ONE + 1 + 8 + 8 * V;
        long latency = 4 * k + 3 * f;
        long stagger = (latency + 2) / 3;
        assertThat(k + f).isLessThan(stagger);
        long end = 0;
        for (int seq = 0; seq < 3; seq++) {
            long t = seq * stagger;
            for (int s = 0; s < 4; s++) {
                t = b.chip(path.chip(s)).place(kernels[s], t);
                if (s < 3) {
                    t = Exchange.run(b, List.of(new Exchange.Flow(path.chip(s), path.chip(s + 1), 8)), t);
                }
            }
            assertThat(t - seq * stagger).as("latency of sequence " + seq).isEqualTo(latency);
            end = t;
        }
        assertThat(end).isEqualTo(2 * stagger + latency);
        SimResult r = Simulated.timingOnly(b, 2);
        assertThat(r.cycles()).isEqualTo(end);
        assertThat(Simulated.timingOnly(b, 1).traceHash()).isEqualTo(r.traceHash());
        // every stage's chip runs the same program three times, S cycles apart
        for (int s = 0; s < 4; s++) {
            assertThat(r.instructions(path.chip(s))).isEqualTo(3 * r.instructions(path.chip(s)) / 3);
        }
    }

    /**
     * A reduction of a 4,096-value f32 row (13 vectors) along two nodes of rack-72's chip path, 8 chips each, to the
     * last chip: the two nodes reduce into their last chips side by side (the same exchange and sum, the second
     * node's chips free as early as the first's), then the first node's sum is routed to the last chip, forwarded by
     * the second node's first chip, and added there. Against the way segment by segment (the first node reduces,
     * its sum lands on the second node's first chip and is added, then the second node reduces), it is one
     * exchange fewer on the critical path, and it ends earlier by more than an exchange's least cost; the simulator
     * agrees to the cycle.
     */
    @Test
    void twoSegmentsReduceSideBySideThenTheFirstSumIsRouted() {
        SystemSpec rack = SystemSpecs.preset("rack-72");
        SystemBuild b = new SystemBuild(rack);
        ChipPath path = new ChipPath(b.topology());
        List<List<Integer>> segs = path.segments(8, 24);
        assertThat(segs).hasSize(2).allSatisfy(seg -> assertThat(seg).hasSize(8));
        Collectives c = new Collectives(b);
        long end = c.reduceAlongToLast(segs, 13, 0);
        assertThat(b.exchanges()).as("side by side counted once, then the route").isEqualTo(2);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);

        // the way segment by segment, built from the same parts
        SystemBuild old = new SystemBuild(rack);
        Collectives o = new Collectives(old);
        List<Integer> first = segs.get(0);
        List<Integer> second = segs.get(1);
        long t = o.reduce(first.get(7), first, 13, 0);
        t = Exchange.runChunked(old, List.of(new Exchange.Flow(first.get(7), second.get(0), 13 * 4)), t);
        t = o.placeSum(second.get(0), 2, 13, dev.lockstep.isa.DataType.F32, t);
        long before = o.reduce(second.get(7), second, 13, t);
        assertThat(old.exchanges()).isEqualTo(3);
        assertThat(Simulated.timingOnly(old, 2).cycles()).isEqualTo(before);
        assertThat(before - end).isGreaterThan(Exchange.minimumCycles(b));
    }

    /**
     * The same two nodes' reduction summed into the chip after them on rack-72's path (chip 25, the next stage's
     * first chip), in pieces ({@link ReduceInPieces}; ReduceInPiecesTest derives its cycles): both nodes reduce side
     * by side into their last chips, 8 and 16, which both hold a cable to chip 25 and send their sums on piece by
     * piece, and chip 25 adds them. Against reducing to the last chip and sending the sum on, it is two exchanges on
     * the critical path where that is three, it ends earlier by more than an exchange's least cost, and the counted
     * path's least cost stays below its time. A target inside the segments is refused.
     */
    @Test
    void twoSegmentsReduceIntoTheNextStagesFirstChip() {
        SystemSpec rack = SystemSpecs.preset("rack-72");
        ChipPath path = new ChipPath(new Topology(rack));
        List<List<Integer>> segs = path.segments(8, 24);
        int next = path.chip(24);
        SystemBuild b = new SystemBuild(rack);
        Collectives c = new Collectives(b);
        long end = c.reduceAlongInto(segs, next, 13, 0);
        assertThat(b.exchanges()).as("side by side, then both sums at once").isEqualTo(2);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
        assertThat(b.exchanges() * Exchange.minimumCycles(b) + c.sumBound()).isLessThanOrEqualTo(end);
        assertThat(next).isEqualTo(25);
        assertThat(b.topology().linkTo(8, next)).isNotNegative();
        assertThat(b.topology().linkTo(16, next)).isNotNegative();
        assertThatThrownBy(() -> c.reduceAlongInto(segs, 16, 13, end)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chip 16 is one of the segments");

        SystemBuild old = new SystemBuild(rack);
        Collectives o = new Collectives(old);
        long t = o.reduceAlongToLast(segs, 13, 0);
        long before = o.send(segs.get(1).get(7), next, 13 * 4, t);
        assertThat(old.exchanges()).isEqualTo(3);
        assertThat(Simulated.timingOnly(old, 2).cycles()).isEqualTo(before);
        assertThat(before - end).isGreaterThan(Exchange.minimumCycles(b));
    }

    /**
     * Three segments of unequal size (4, 8 and 8 chips along rack-72's path), reduced both ways: the simulator
     * agrees to the cycle, and what the reduction counts is one path through it, the one that starts at the chain's
     * first root (its reduction, then two routes and two sums): 3 exchanges; that path's least cost (each exchange
     * at its least, each sum at its bound) is at most the cycles the reduction took.
     */
    @ParameterizedTest(name = "to the last chip: {0}")
    @ValueSource(booleans = {true, false})
    void unequalSegmentsCountOnePathWhoseLeastCostIsBelowTheirTime(boolean toLast) {
        SystemSpec rack = SystemSpecs.preset("rack-72");
        SystemBuild b = new SystemBuild(rack);
        List<List<Integer>> segs = new ChipPath(b.topology()).segments(4, 24);
        assertThat(segs).extracting(List::size).containsExactly(4, 8, 8);
        Collectives c = new Collectives(b);
        long end = toLast ? c.reduceAlongToLast(segs, 13, 0) : c.reduceAlongToFirst(segs, 13, 0);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
        assertThat(b.exchanges()).isEqualTo(3);
        assertThat(b.exchanges() * Exchange.minimumCycles(b) + c.sumBound()).isLessThanOrEqualTo(end);
        assertThat(c.sumCycles()).isPositive().isLessThan(end);
    }

    /**
     * A broadcast of a normed 4,096-value row (26 fp16 words) along two nodes of rack-72's path: the row is routed
     * to the second node's first chip, which sends each word on to its node as it lands ({@link RelayBroadcast},
     * whose tests pin the cycles). Against the way segment by segment (a node's broadcast, then from its last chip
     * to the next one's first, then that one's broadcast) it is one exchange fewer on the critical path and ends
     * earlier; the simulator agrees to the cycle.
     */
    @Test
    void twoSegmentsBroadcastInOneExchangeFewerThanSegmentBySegment() {
        SystemSpec rack = SystemSpecs.preset("rack-72");
        SystemBuild b = new SystemBuild(rack);
        List<List<Integer>> segs = new ChipPath(b.topology()).segments(8, 24);
        long end = new Collectives(b).broadcastAlong(segs, 26, 0);
        assertThat(b.exchanges()).as("the route (forwarded: one exchange), then the second node's relay").isEqualTo(2);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);

        SystemBuild old = new SystemBuild(rack);
        Collectives o = new Collectives(old);
        long t = o.broadcast(segs.get(0).get(0), segs.get(0), 26, 0);
        t = Exchange.runChunked(old, List.of(new Exchange.Flow(segs.get(0).get(7), segs.get(1).get(0), 26)), t);
        long before = o.broadcast(segs.get(1).get(0), segs.get(1), 26, t);
        assertThat(old.exchanges()).isEqualTo(3);
        assertThat(Simulated.timingOnly(old, 2).cycles()).isEqualTo(before);
        assertThat(end).isLessThan(before);
        assertThat(b.exchanges() * Exchange.minimumCycles(b)).isLessThanOrEqualTo(end);
    }

    /**
     * A broadcast along three segments of 1, 8 and 8 chips (a stage that starts on a node's last chip), and along
     * three of 4, 8 and 8, both over the nodes' cables ({@link RelayTree}; {@link RelayBroadcastTest} pins the
     * cycles): the simulator agrees to the cycle, the count is the way to the chip where the row lands last (the
     * lone source's cable, then that node's root to its node: 2; a peer of the source, its cable, the root's: 3) and
     * its least cost is at most the broadcast's time.
     */
    @ParameterizedTest(name = "from path position {0}: {1} exchanges")
    @CsvSource({"7, 2", "4, 3"})
    void threeSegmentsBroadcastOverTheNodesCables(int from, int exchanges) {
        SystemSpec rack = SystemSpecs.preset("rack-72");
        SystemBuild b = new SystemBuild(rack);
        List<List<Integer>> segs = new ChipPath(b.topology()).segments(from, 24);
        assertThat(segs).extracting(List::size).containsExactly(8 - from % 8, 8, 8);
        long end = new Collectives(b).broadcastAlong(segs, 26, 0);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
        assertThat(b.exchanges()).isEqualTo(exchanges);
        assertThat(b.exchanges() * Exchange.minimumCycles(b)).isLessThanOrEqualTo(end);
    }

    /** A transfer longer than a staging buffer goes in rounds of 128 words, one exchange after another. */
    @Test
    void longTransfersGoInRounds() {
        SystemBuild b = new SystemBuild(NODE);
        long end = Exchange.runChunked(b, List.of(new Exchange.Flow(0, 1, 300)), 0);
        long one = ONE + 1 + 8;
        assertThat(end).isEqualTo((one + 128 * V) + (one + 128 * V) + (one + 44 * V));
        assertThat(Simulated.timingOnly(b, 1).cycles()).isEqualTo(end);
    }
}
