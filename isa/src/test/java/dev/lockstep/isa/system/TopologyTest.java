// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.isa.io.InputException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The presets' wiring: symmetric, the published link counts, and the hop counts the docs claim. */
class TopologyTest {
    @Test
    void everyLinkIsACableWithTwoEnds() {
        for (String name : SystemSpecs.PRESETS) {
            Topology t = new Topology(SystemSpecs.preset(name));
            for (int c = 0; c < t.chips(); c++) {
                for (int l = 0; l < t.linksPerChip(); l++) {
                    int f = t.farChip(c, l);
                    if (f >= 0) {
                        assertThat(f).isNotEqualTo(c);
                        assertThat(t.farChip(f, t.farLink(c, l))).isEqualTo(c);
                        assertThat(t.farLink(f, t.farLink(c, l))).isEqualTo(l);
                        assertThat(t.kind(f, t.farLink(c, l))).isEqualTo(t.kind(c, l));
                    }
                }
            }
        }
    }

    @Test
    void tsp576HasThePublishedShape() {
        Topology t = new Topology(SystemSpecs.preset("tsp-576"));
        assertThat(t.chips()).isEqualTo(576);
        // 7 local links per chip, 28 cables per node, 72 nodes
        assertThat(t.connectedLinks(LinkKind.LOCAL)).isEqualTo(72 * 28);
        // each node: 8 ports to the other nodes of its rack (36 cables per rack), 3 to each of the 7 other racks
        assertThat(t.connectedLinks(LinkKind.RACK)).isEqualTo(8 * 36);
        assertThat(t.connectedLinks(LinkKind.INTER_RACK)).isEqualTo(8 * 9 * 21 / 2);
        assertThat(t.hops(0, 1)).isEqualTo(1);
        assertThat(t.hops(0, 8)).isBetween(1, 3);
        assertThat(t.diameter()).isLessThanOrEqualTo(5);
        assertThat(t.route(0, 575)).hasSize(t.hops(0, 575));
        int c = 0;
        for (Topology.Hop h : t.route(3, 500)) {
            assertThat(h.chip()).isEqualTo(c == 0 ? 3 : h.chip());
            c++;
        }
    }

    @Test
    void aNodeIsFullyConnectedAndHasNoGlobalLinksInUse() {
        Topology t = new Topology(SystemSpecs.preset("node-8"));
        assertThat(t.diameter()).isEqualTo(1);
        assertThat(t.connectedLinks()).isEqualTo(28);
        assertThat(t.farChip(0, 7)).isEqualTo(-1);
        assertThat(t.bisectionLinks()).isEqualTo(16);
    }

    @Test
    void badDescriptionsGiveOneLocatedLine() {
        String json = """
                {"name": "x", "chip": "tsp-v1", "racks": 2, "nodes_per_rack": 9, "chips_per_node": 8,
                 "global_links_per_chip": 1}
                """;
        assertThatThrownBy(() -> SystemSpecs.parse("x.json", json.getBytes(StandardCharsets.UTF_8), null))
                .isInstanceOfSatisfying(InputException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.getMessage()).contains("other racks");
                });
        String unknown = "{\"name\": \"x\", \"chip\": \"tsp-v9\", \"racks\": 1, \"nodes_per_rack\": 1, "
                + "\"chips_per_node\": 2, \"global_links_per_chip\": 0}";
        assertThatThrownBy(() -> SystemSpecs.parse("x.json", unknown.getBytes(StandardCharsets.UTF_8), null))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.getMessage())
                        .contains("chip must be a chip preset"));
        assertThatThrownBy(() -> SystemSpecs.presetOrFile("tsp-567")).isInstanceOfSatisfying(InputException.class,
                e -> assertThat(e.getMessage()).contains("tsp-576"));
    }
}
