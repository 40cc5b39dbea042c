// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.isa.io.InputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
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
    void sixteenRacksKeepEveryNodeReachingEveryOtherRack() {
        // 24 ports per node left after its rack: one to the same node of each of the 15 other racks
        Topology t = new Topology(SystemSpecs.preset("tsp-1152"));
        assertThat(t.chips()).isEqualTo(1152);
        assertThat(t.connectedLinks(LinkKind.INTER_RACK)).isEqualTo(16 * 9 * 15 / 2);
        int max = 0;
        for (int b = 0; b < t.chips(); b++) {
            max = Math.max(max, t.hops(b, 0));
        }
        assertThat(max).isEqualTo(5);
    }

    @Test
    void theLargestPublishedSystemIsWiredRackToRack() {
        // 145 racks: 144 other racks, more than a node's 24 ports left, so a rack's 216 ports go one to each other
        // rack (72 left unconnected): 145 x 144 / 2 cables. Seven hops at most (three to the node and chip whose cable
        // reaches the far rack, one across, three to the far chip), against the published "at most about 5" (the
        // published wiring between racks is not public); measured here from chips of rack 0 to every chip (cables
        // are symmetric, so hops(b, a) asks one search per chip of rack 0)
        Topology t = new Topology(SystemSpecs.preset("tsp-10440"));
        assertThat(t.chips()).isEqualTo(10_440);
        assertThat(t.connectedLinks(LinkKind.INTER_RACK)).isEqualTo(145 * 144 / 2);
        int max = 0;
        for (int a = 0; a < 72; a += 7) {
            for (int b = 0; b < t.chips(); b++) {
                assertThat(t.hops(b, a)).isNotNegative();
                max = Math.max(max, t.hops(b, a));
            }
        }
        assertThat(max).isEqualTo(7);
    }

    @Test
    void tooManyRacksForTheirPortsAreRefused() {
        // a rack of 9 nodes has 9 x 24 = 216 ports left: 218 racks need 217
        String json = """
                {"name": "x", "chip": "tsp-v1", "racks": 218, "nodes_per_rack": 9, "chips_per_node": 8,
                 "global_links_per_chip": 4}
                """;
        assertThatThrownBy(() -> SystemSpecs.parse("x.json", json.getBytes(StandardCharsets.UTF_8), null))
                .isInstanceOf(InputException.class).hasMessageContaining("218 racks need 217 global links per rack");
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

    @Test
    void aViewWithinSomeChipsCutsEveryLinkLeavingThemAndRoutesAmongThem() {
        Topology t = new Topology(SystemSpecs.preset("tsp-576"));
        List<Integer> rack0 = IntStream.range(0, 72).boxed().toList();
        Topology within = t.within(rack0);
        for (int c = 0; c < t.chips(); c++) {
            for (int l = 0; l < t.linksPerChip(); l++) {
                boolean kept = c < 72 && t.farChip(c, l) >= 0 && t.farChip(c, l) < 72;
                assertThat(within.farChip(c, l)).isEqualTo(kept ? t.farChip(c, l) : -1);
                assertThat(within.farLink(c, l)).isEqualTo(kept ? t.farLink(c, l) : -1);
                assertThat(within.kind(c, l)).isEqualTo(kept ? t.kind(c, l) : null);
            }
        }
        // a rack's chips are at most 3 hops apart, among themselves too; chips outside are not reached
        assertThat(within.hops(0, 71)).isEqualTo(t.hops(0, 71)).isLessThanOrEqualTo(3);
        assertThat(within.hops(0, 72)).isEqualTo(-1);
        assertThat(within.route(0, 71)).allMatch(h -> h.chip() < 72 && within.farChip(h.chip(), h.link()) < 72);
        assertThat(t.within(List.of(0, 1)).connectedLinks()).isEqualTo(1);
        assertThatThrownBy(() -> t.within(List.of(576))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chip 576 is not in tsp-576");
    }

    @Test
    void racksMovedByWholeRacksAreWiredAlikeAndAShareAcrossARackBoundaryIsNot() {
        Topology t = new Topology(SystemSpecs.preset("tsp-1152"));
        List<Integer> racks0to7 = IntStream.range(0, 576).boxed().toList();
        List<Integer> racks8to15 = IntStream.range(576, 1152).boxed().toList();
        assertThat(t.wiredAlike(racks0to7, racks8to15)).isTrue();
        // the same chips in another order are not wired alike position by position
        List<Integer> swapped = new ArrayList<>(racks8to15);
        Collections.swap(swapped, 0, 1);
        assertThat(t.wiredAlike(racks0to7, swapped)).isFalse();
        // nodes 0 and 1 of a rack share a cable, as nodes 1 and 2 do (a rack's wiring turns with its nodes); rack
        // 0's last node and rack 1's first do not
        List<Integer> nodes01 = IntStream.range(0, 16).boxed().toList();
        assertThat(t.wiredAlike(nodes01, IntStream.range(8, 24).boxed().toList())).isTrue();
        assertThat(t.wiredAlike(nodes01, IntStream.range(64, 80).boxed().toList())).isFalse();
        assertThat(t.wiredAlike(racks0to7, racks0to7.subList(0, 10))).isFalse();
    }
}
