// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A two-node layer's output summed into the next stage's first chip in pieces ({@link ReduceInPieces}), against the
 * same sum with whole rows, both simulated exactly as predicted; and the check that keeps a schedule in pieces from
 * taking one queue or link side twice.
 */
class ReduceInPiecesTest {
    private static final SystemSpec RACK = SystemSpecs.preset("rack-72");

    /**
     * Rack-72's path: chips 9..15 and 17..23 send their 4,096-value f32 rows (52 words) to their node's last chip (8
     * and 16), word i of receive lane j landing at 650 + j + 22 i, so piece p (one vector, 4 words) is whole at 722
     * + 88 p; the root adds the 8 rows of a piece in 66 cycles (ending at 788 + 88 p) and reads word 4 p onto its
     * cable to chip 25 at 788 + 88 p, just as its piece is summed; the last word lands on chip 25 (receive lane 1) at
     * 788 + 651 + 51 x 22 = 2,561, and the last piece's 2-input sum (20 cycles) ends at 2,581. With whole rows: each
     * node's reduction ends at 2,055 (its last word in at 1,778, then the 8-input sum of 13 vectors), both sums cross
     * at once (651 + 51 x 22), and chip 25 adds them: 3,912.
     */
    @Test
    void aTwoNodeSumIntoTheNextStageGoesInPiecesAndEndsSooner() {
        ChipPath path = new ChipPath(new Topology(RACK));
        List<List<Integer>> segs = path.segments(8, 24);
        int next = path.chip(24);
        assertThat(segs.get(0).get(7)).isEqualTo(8);
        assertThat(segs.get(1).get(7)).isEqualTo(16);
        assertThat(next).isEqualTo(25);
        SystemBuild b = new SystemBuild(RACK);
        Collectives c = new Collectives(b);
        long end = c.reduceAlongInto(segs, next, 13, 0);
        assertThat(end).isEqualTo(788 + 651 + 51 * 22 + 20).isEqualTo(2_581);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
        // on the critical path: the in-node transfers and the route (2), the root's first piece and the last sum
        assertThat(b.exchanges()).isEqualTo(2);
        assertThat(c.sumCycles()).isEqualTo(66 + 20);

        SystemBuild old = new SystemBuild(RACK);
        Collectives o = new Collectives(old);
        long ready = 0;
        List<MultiPath.Leg> legs = new ArrayList<>();
        for (int s = 0; s < segs.size(); s++) {
            List<Integer> seg = segs.get(s);
            ready = Math.max(ready, o.reduce(seg.get(7), seg, 13, 0));
            legs.add(new MultiPath.Leg(old.topology().route(seg.get(7), next), 0, s, 52));
        }
        assertThat(ready).isEqualTo(2_055);
        long whole = o.placeSum(next, 2, 13, DataType.F32, MultiPath.run(old, legs, ready));
        assertThat(whole).isEqualTo(3_912);
        assertThat(Simulated.timingOnly(old, 2).cycles()).isEqualTo(whole);
    }

    /**
     * The same two nodes summed into the first chip outside them (in chip order) to which neither root holds a
     * cable: both roots' routes take more than one link, forwarded by the chips on the way (FWD); still in pieces,
     * and simulated exactly as predicted.
     */
    @Test
    void routesForwardedByOtherChipsGoInPiecesToo() {
        ChipPath path = new ChipPath(new Topology(RACK));
        List<List<Integer>> segs = path.segments(8, 24);
        SystemBuild b = new SystemBuild(RACK);
        int far = IntStream.range(0, RACK.chips()).filter(t -> !segs.get(0).contains(t) && !segs.get(1).contains(t)
                && b.topology().route(8, t).size() > 1 && b.topology().route(16, t).size() > 1).findFirst()
                .orElseThrow();
        Collectives c = new Collectives(b);
        long end = c.reduceAlongInto(segs, far, 13, 0);
        assertThat(c.pieceSize(new Collectives.InPieces(segs, far, 13, DataType.F32))).hasValue(1);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
        long forwards = b.chips().stream().mapToLong(chip -> chip.program().queues().stream()
                .mapToLong(q -> IntStream.range(0, q.size())
                        .filter(i -> q.instruction(i).opcode() == Opcode.FWD).count()).sum()).sum();
        assertThat(forwards).isPositive();
    }

    /**
     * The first target (in chip order) for which the layout in pieces would take a queue or link side of a chip
     * twice: it is refused (remembered as 0) and the sum goes with whole rows, still simulated exactly as predicted.
     */
    @Test
    void aLayoutThatWouldTakeAQueueTwiceIsRefusedAndGoesWithWholeRows() {
        ChipPath path = new ChipPath(new Topology(RACK));
        List<List<Integer>> segs = path.segments(8, 24);
        for (int target = 0; target < RACK.chips(); target++) {
            if (segs.get(0).contains(target) || segs.get(1).contains(target)) {
                continue;
            }
            SystemBuild b = new SystemBuild(RACK);
            Collectives c = new Collectives(b);
            long end = c.reduceAlongInto(segs, target, 13, 0);
            if (c.pieceSize(new Collectives.InPieces(segs, target, 13, DataType.F32)).orElseThrow() == 0) {
                // chip 2 of node 0 (chips 0 and 1 go in pieces)
                assertThat(target).isEqualTo(2);
                assertThat(end).isEqualTo(5_805);
                assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
                return;
            }
        }
        throw new AssertionError("no target refused");
    }

    /** A second flow out of the same link of a chip, or on the same lane, is a conflict; other lanes are not. */
    @Test
    void twoFlowsOnOneLinkSideOrLaneConflict() {
        SystemBuild b = new SystemBuild(SystemSpecs.preset("node-8"));
        Exchange.Lanes l = b.lanes();
        PieceSchedule apart = new PieceSchedule(b, 0);
        apart.direct(0, 1, l.send(0), l.receive(0), 4, 0, 0, 0);
        apart.direct(0, 2, l.send(1), l.receive(0), 4, 0, 0, 0);
        assertThat(apart.conflictFree()).isTrue();
        PieceSchedule oneLink = new PieceSchedule(b, 0);
        oneLink.direct(0, 1, l.send(0), l.receive(0), 4, 0, 0, 0);
        oneLink.direct(0, 1, l.send(1), l.receive(1), 4, 100, 0, 0);
        assertThat(oneLink.conflictFree()).isFalse();
        PieceSchedule oneLane = new PieceSchedule(b, 0);
        oneLane.direct(0, 1, l.send(0), l.receive(0), 4, 0, 0, 0);
        oneLane.direct(0, 2, l.send(0), l.receive(0), 4, 100, 0, 0);
        assertThat(oneLane.conflictFree()).isFalse();
    }
}
