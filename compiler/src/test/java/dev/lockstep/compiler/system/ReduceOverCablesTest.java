// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import java.util.List;
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
        assertThat(chained.exchanges()).isEqualTo(7);
    }

    /**
     * Three segments on rack-72 (4, 8 and 8 chips from path position 4; 1, 8 and 8 from 7), 13 f32 vectors: the
     * chain is kept (as few exchanges); over the cables ({@link ReduceOverCables#over}) it would be later in three
     * of the four cases, sooner in one.
     */
    @ParameterizedTest(name = "from {0}, to the last chip {1}: the chain {2}, over the cables {3}")
    @CsvSource({"4, true, 4777, 5976", "4, false, 5450, 5796", "7, true, 4196, 5976", "7, false, 5168, 3921"})
    void threeSegmentsKeepTheChain(int from, boolean toLast, long chainCycles, long cableCycles) {
        SystemSpec rack = SystemSpecs.preset("rack-72");
        SystemBuild b = new SystemBuild(rack);
        List<List<Integer>> segs = new ChipPath(b.topology()).segments(from, 24);
        assertThat(segs).hasSize(3);
        Collectives c = new Collectives(b);
        long end = toLast ? c.reduceAlongToLast(segs, 13, 0) : c.reduceAlongToFirst(segs, 13, 0);
        assertThat(end).isEqualTo(chainCycles);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);

        SystemBuild cabled = new SystemBuild(rack);
        long over = ReduceOverCables.over(new Collectives(cabled), cabled, segs, 13, 0, toLast).orElseThrow();
        assertThat(over).isEqualTo(cableCycles);
        assertThat(Simulated.timingOnly(cabled, 2).cycles()).isEqualTo(over);
    }
}
