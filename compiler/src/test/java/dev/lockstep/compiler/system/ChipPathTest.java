// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.compiler.CompileException;

import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.isa.system.Topology;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chip path of every preset: every chip once, each linked to the next, a node left from another chip than it
 * was entered on. */
class ChipPathTest {
    @Test
    void everyPresetsPathVisitsEveryChipOnceEachLinkedToTheNext() {
        for (String name : SystemSpecs.PRESETS) {
            Topology t = new Topology(SystemSpecs.preset(name));
            ChipPath path = new ChipPath(t);
            List<Integer> order = path.order();
            assertThat(order).as(name).hasSize(t.chips()).doesNotHaveDuplicates();
            int perNode = t.system().chipsPerNode();
            int enteredOn = order.get(0);
            for (int i = 0; i + 1 < order.size(); i++) {
                int a = order.get(i);
                int b = order.get(i + 1);
                assertThat(t.linkTo(a, b)).as("%s: %d to %d", name, a, b).isNotNegative();
                if (a / perNode != b / perNode) {
                    // the chip that leaves a node is not the one that entered it (a node's chips lie between them)
                    assertThat(a).as("%s: node %d", name, a / perNode).isNotEqualTo(enteredOn);
                    enteredOn = b;
                }
            }
        }
    }

    @Test
    void racksWiredRackToRackAreCrossedOncePerRack() {
        // tsp-10440: each rack reaches each other rack on one cable; the path enters and leaves each rack once
        Topology t = new Topology(SystemSpecs.preset("tsp-10440"));
        List<Integer> order = new ChipPath(t).order();
        int perRack = t.system().nodesPerRack() * t.system().chipsPerNode();
        int crossings = 0;
        for (int i = 0; i + 1 < order.size(); i++) {
            if (order.get(i) / perRack != order.get(i + 1) / perRack) {
                crossings++;
                assertThat(order.get(i + 1) / perRack).isEqualTo(order.get(i) / perRack + 1);
            }
        }
        assertThat(crossings).isEqualTo(t.system().racks() - 1);
    }

    @Test
    void aShareIsSomePositionsAndAMovedPathIsEveryChipMoved() {
        ChipPath whole = new ChipPath(new Topology(SystemSpecs.preset("tsp-1152")));
        ChipPath share = whole.share(576, 100);
        assertThat(share.order()).isEqualTo(whole.order().subList(576, 676));
        assertThat(share.position(whole.chip(676))).isEqualTo(-1);
        ChipPath first = whole.share(0, 576);
        ChipPath moved = first.movedBy(576);
        assertThat(moved.order()).hasSize(576).allMatch(c -> c >= 576);
        assertThat(moved.chip(10)).isEqualTo(first.chip(10) + 576);
        assertThat(moved.position(first.chip(10) + 576)).isEqualTo(10);
        assertThatThrownBy(() -> first.movedBy(3)).hasMessage("a path moves by whole nodes, not 3 chips");
        assertThatThrownBy(() -> first.movedBy(1152)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> whole.share(1100, 100)).hasMessage("a path of 1152 chips has no positions 1100 to "
                + "1199");
    }

    private static Topology system(int racks, int nodesPerRack, int chipsPerNode) {
        String json = ("{\"name\": \"x\", \"chip\": \"tsp-v1\", \"racks\": %d, \"nodes_per_rack\": %d, "
                + "\"chips_per_node\": %d, \"global_links_per_chip\": 4}").formatted(racks, nodesPerRack,
                chipsPerNode);
        return new Topology(SystemSpecs.parse("x.json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                null));
    }

    @Test
    void racksOfManyNodesWiredRackToRackFindTheirOrderQuickly() {
        // 13 nodes a rack (20 ports left each after its rack), 22 racks: wired rack to rack, each rack's exit its
        // node 0; a search that met the exit before the end went through millions of orders (a review found)
        for (int[] shape : new int[][] {{22, 13}, {25, 15}, {20, 16}}) {
            Topology t = system(shape[0], shape[1], 8);
            List<Integer> order = new ChipPath(t).order();
            assertThat(order).hasSize(t.chips()).doesNotHaveDuplicates();
            for (int i = 0; i + 1 < order.size(); i++) {
                assertThat(t.linkTo(order.get(i), order.get(i + 1))).isNotNegative();
            }
        }
    }

    @Test
    void aSystemWithNoSuchPathIsRefusedInOneLine() {
        // 9 racks of 2 nodes of 2 chips: rack 0's node entered from the other cannot be left on another chip
        assertThatThrownBy(() -> new ChipPath(system(9, 2, 2))).isInstanceOf(CompileException.class)
                .hasMessageContaining("Lockstep lays pipelines along such a path");
    }
}
