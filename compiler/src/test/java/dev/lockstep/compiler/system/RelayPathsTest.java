// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.isa.system.Topology;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The extra paths of a transfer keep off the chips that relay nothing ({@link MultiPath#paths(Topology, int, int, int,
 * Set)}: a prefill's table chips): on node-8, whose chips are all linked to each other, a transfer from chip 0 to
 * chip 1 takes the direct link and two-hop paths through other chips, none through chip 2 when it relays nothing;
 * a transfer that starts or ends at such a chip still has its paths.
 */
class RelayPathsTest {
    private static final Topology NODE = new Topology(SystemSpecs.preset("node-8"));

    private static boolean passes(List<Topology.Hop> path, int chip) {
        return path.stream().skip(1).anyMatch(h -> h.chip() == chip);
    }

    @Test
    void theExtraPathsKeepOffAChipThatRelaysNothing() {
        List<List<Topology.Hop>> all = MultiPath.paths(NODE, 0, 1, Exchange.Lanes.LANES);
        assertThat(all).as("some path passes chip 2 when it may relay").anyMatch(p -> passes(p, 2));
        List<List<Topology.Hop>> kept = MultiPath.paths(NODE, 0, 1, Exchange.Lanes.LANES, Set.of(2));
        assertThat(kept.get(0)).as("the shortest route first, as before").isEqualTo(all.get(0));
        assertThat(kept).noneMatch(p -> passes(p, 2));
        assertThat(kept).as("every two-hop path but the one through chip 2").hasSize(all.size() - 1);
    }

    @Test
    void aTransferFromOrToAChipThatRelaysNothingKeepsItsPaths() {
        List<List<Topology.Hop>> all = MultiPath.paths(NODE, 2, 5, Exchange.Lanes.LANES);
        assertThat(MultiPath.paths(NODE, 2, 5, Exchange.Lanes.LANES, Set.of(2))).isEqualTo(all);
        assertThat(MultiPath.paths(NODE, 2, 5, Exchange.Lanes.LANES, Set.of(5))).isEqualTo(all);
    }
}
