// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static org.assertj.core.api.Assertions.assertThat;

import static dev.lockstep.compiler.testing.Instructions.count;

import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.system.SystemSpecs;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two-node all-reduce in pieces ({@link CablePipeline}), beyond its cycles against the bound (LinkBoundsTest):
 * where it starts when chips are busy, what a second one on the same chips costs, and which lanes the hubs use.
 */
class CablePipelineTest {
    private static final List<Integer> TWO_NODES = List.of(0, 1);

    @Test
    void aSecondAllReduceOnTheSameChipsTakesTheSameTimeAndNoMoreSram() {
        SystemBuild b = new SystemBuild(SystemSpecs.preset("rack-72"));
        Collectives col = new Collectives(b);
        long first = col.allReduceAcrossNodes(TWO_NODES, 13, DataType.F32, 0);
        long used = b.chip(0).sram().usedWords();
        int compiled = col.sumsCompiled();
        long second = col.allReduceAcrossNodes(TWO_NODES, 13, DataType.F32, first);
        assertThat(second - first).isEqualTo(first).isEqualTo(3_378);
        assertThat(col.sumsCompiled()).as("the hubs' sums kept and used again").isEqualTo(compiled).isEqualTo(4);
        assertThat(b.chip(0).sram().usedWords()).as("no more SRAM taken").isEqualTo(used);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(second);
    }

    /**
     * A hub busy until 5,000: it is needed from its first receive, 322 cycles after the peers' first reads (2 + 1 +
     * 80 + 22 + 217), so the whole schedule moves to start at 5,000 - 322 and ends 3,378 cycles later.
     */
    @Test
    void aBusyHubDelaysTheAllReduceUntilItsFirstReceive() {
        SystemBuild b = new SystemBuild(SystemSpecs.preset("rack-72"));
        b.chip(0).advance(0, 5_000);
        long end = new Collectives(b).allReduceAcrossNodes(TWO_NODES, 13, DataType.F32, 0);
        assertThat(end).isEqualTo(5_000 - 322 + 3_378);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
    }

    /**
     * The hub receives from its 7 peers and the cable at once, and sends to the cable and its 7 peers at once: 8
     * receives and 8 sends, the cable's on the east SXM's queues; a peer sends once and receives once.
     */
    @Test
    void theHubsUseEightLanesEachWayAndThePeersOne() {
        SystemBuild b = new SystemBuild(SystemSpecs.preset("rack-72"));
        new Collectives(b).allReduceAcrossNodes(TWO_NODES, 13, DataType.F32, 0);
        for (int hub : new int[] {0, 9}) {
            assertThat(count(b.chip(hub).program(), Opcode.SEND)).isEqualTo(8);
            assertThat(count(b.chip(hub).program(), Opcode.RECV)).isEqualTo(8);
            assertThat(sxmQueuesIssuing(b, hub)).containsExactlyInAnyOrder("sxm.w0.0", "sxm.w0.1", "sxm.w0.2",
                    "sxm.w0.3", "sxm.w0.4", "sxm.w0.5", "sxm.w0.6", "sxm.w0.7", "sxm.w0.8", "sxm.w0.9", "sxm.w0.10",
                    "sxm.w0.11", "sxm.w0.12", "sxm.w0.13", "sxm.e0.0", "sxm.e0.1");
        }
        assertThat(count(b.chip(3).program(), Opcode.SEND)).isEqualTo(1);
        assertThat(count(b.chip(3).program(), Opcode.RECV)).isEqualTo(1);
    }

    /** A row of one one-byte vector (one word) goes in one piece, and still in three hops. */
    @Test
    void aOneWordRowGoesInOnePiece() {
        SystemBuild b = new SystemBuild(SystemSpecs.preset("rack-72"));
        long end = new Collectives(b).allReduceAcrossNodes(TWO_NODES, 1, DataType.I8, 0);
        assertThat(count(b.chip(0).program(), Opcode.SEND)).isEqualTo(8);
        assertThat(end).isGreaterThan(3 * 650L);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
    }

    private static List<String> sxmQueuesIssuing(SystemBuild b, int chip) {
        return b.chip(chip).program().queues().stream().filter(q -> q.size() > 0)
                .map(q -> b.chip().floorplan().queues().get(q.queueId()).name())
                .filter(n -> n.startsWith("sxm")).toList();
    }
}
