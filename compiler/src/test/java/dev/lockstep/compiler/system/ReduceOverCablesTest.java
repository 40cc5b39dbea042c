// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.testing.Nodes;
import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reductions along nodes over their cables ({@link ReduceOverCables}) against the chain along the segments
 * ({@link AlongSegments#chain}), both simulated exactly as predicted.
 */
class ReduceOverCablesTest {
    /**
     * Mixtral's LM head on tsp-576 (path positions 520..575: 7 nodes of one rack), its choice (one vector per chip)
     * and a whole f32 row (13 vectors), onto its last chip and onto its first: over the cables in three exchanges (a
     * node's reduction, the cables, the target node's reduction) where the chain takes seven, and sooner; the least
     * cost of the path counted is at most the reduction's time.
     */
    @ParameterizedTest(name = "{0} vectors, to the last chip {1}: {2} cycles, the chain {3}")
    @CsvSource({"1, true, 2343, 7708", "1, false, 2359, 7648", "13, true, 5990, 11262", "13, false, 5963, 10761"})
    void theHeadsSevenNodesReduceOverTheirCablesInThreeExchanges(int vectors, boolean toLast, long cycles,
                                                                 long chainCycles) {
        SystemSpec sys = SystemSpecs.preset("tsp-576");
        SystemBuild b = new SystemBuild(sys);
        List<List<Integer>> segs = new ChipPath(b.topology()).segments(520, 576);
        assertThat(segs).hasSize(7);
        Collectives c = new Collectives(b);
        long end = toLast ? c.reduceAlongToLast(segs, vectors, 0) : c.reduceAlongToFirst(segs, vectors, 0);
        assertThat(end).isEqualTo(cycles);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
        assertThat(b.exchanges()).isEqualTo(3);
        assertThat(b.exchanges() * Exchange.minimumCycles(b) + c.sumBound()).isLessThanOrEqualTo(end);

        SystemBuild chained = new SystemBuild(sys);
        Collectives o = new Collectives(chained);
        long chain = AlongSegments.chain(o, chained, segs, vectors, 0, toLast);
        assertThat(chain).isEqualTo(chainCycles).isGreaterThan(end);
        assertThat(Simulated.timingOnly(chained, 2).cycles()).isEqualTo(chain);
        assertThat(chained.exchanges()).isEqualTo(7).isEqualTo(ReduceOverCables.chainExchanges(segs, toLast));
        assertThat(ReduceOverCables.exchanges(segs, toLast)).isEqualTo(3);
    }

    /**
     * Three segments on rack-72 (4, 8 and 8 chips from path position 4; 1, 8 and 8 from 7), 13 f32 vectors, both ways
     * placed alone: the one with fewer exchanges on its critical path is taken (the chain where equal), and it is the
     * sooner. The chain takes
     * 3 exchanges (2 onto the last chip from position 7, whose first segment is one chip), the cables 3, or 2 onto
     * the first chip from position 7 (the target is alone in its segment): only there are the cables taken.
     */
    @ParameterizedTest(name = "from {0}, to the last chip {1}: the chain {2} ({3} exchanges), the cables {4} ({5})")
    @CsvSource({"4, true, 4777, 3, 5976, 3", "4, false, 5450, 3, 5796, 3", "7, true, 4196, 2, 5976, 3",
            "7, false, 5168, 3, 3921, 2"})
    void threeSegmentsTakeTheWayWithFewerExchanges(int from, boolean toLast, long chainCycles, int chainExchanges,
                                                   long cableCycles, int cableExchanges) {
        SystemSpec rack = SystemSpecs.preset("rack-72");
        List<List<Integer>> segs = new ChipPath(new SystemBuild(rack).topology()).segments(from, 24);
        assertThat(segs).hasSize(3);
        SystemBuild chained = new SystemBuild(rack);
        assertThat(AlongSegments.chain(new Collectives(chained), chained, segs, 13, 0, toLast)).isEqualTo(chainCycles);
        assertThat(Simulated.timingOnly(chained, 2).cycles()).isEqualTo(chainCycles);
        assertThat(chained.exchanges()).isEqualTo(chainExchanges)
                .isEqualTo(ReduceOverCables.chainExchanges(segs, toLast));

        SystemBuild cabled = new SystemBuild(rack);
        long over = ReduceOverCables.over(new Collectives(cabled), cabled, segs, 13, 0, toLast).orElseThrow();
        assertThat(over).isEqualTo(cableCycles);
        assertThat(Simulated.timingOnly(cabled, 2).cycles()).isEqualTo(over);
        assertThat(cabled.exchanges()).isEqualTo(cableExchanges).isEqualTo(ReduceOverCables.exchanges(segs, toLast));

        SystemBuild b = new SystemBuild(rack);
        Collectives c = new Collectives(b);
        long end = toLast ? c.reduceAlongToLast(segs, 13, 0) : c.reduceAlongToFirst(segs, 13, 0);
        assertThat(end).isEqualTo(cableExchanges < chainExchanges ? cableCycles : chainCycles)
                .isEqualTo(Math.min(chainCycles, cableCycles));
    }

    /**
     * Four nodes of tsp-576, three of rack 0 and the last of another rack that no chip of one of the three is cabled
     * to: that node cannot send its sum over a cable, so the cables' way is refused whole and places nothing.
     */
    @Test
    void aNodeWithNoCableIntoTheTargetsNodeIsRefusedAndNothingPlaced() {
        SystemSpec sys = SystemSpecs.preset("tsp-576");
        SystemBuild b = new SystemBuild(sys);
        int per = sys.chipsPerNode();
        int far = -1;
        for (int node = sys.nodesPerRack(); node < sys.chips() / per && far < 0; node++) {
            boolean cabled = false;
            for (int c = 0; c < per; c++) {
                for (int d = 0; d < per; d++) {
                    cabled |= b.topology().linkTo(per + c, node * per + d) >= 0;
                }
            }
            far = cabled ? -1 : node;
        }
        assertThat(far).as("a node in another rack with no cable from node 1").isPositive();
        List<List<Integer>> segs = List.of(Nodes.chips(0, per), Nodes.chips(1, per), Nodes.chips(2, per),
                Nodes.chips(far, per));
        Collectives c = new Collectives(b);
        assertThat(ReduceOverCables.over(c, b, segs, 13, 0, true)).isEmpty();
        for (int chip = 0; chip < sys.chips(); chip++) {
            assertThat(b.chip(chip).instructions()).isZero();
        }
        assertThat(b.exchanges()).isZero();
    }
}
