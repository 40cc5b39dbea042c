// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static org.assertj.core.api.Assertions.assertThat;

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
    void aPathFromAPositionIsTheRestOfIt() {
        ChipPath whole = new ChipPath(new Topology(SystemSpecs.preset("tsp-1152")));
        ChipPath second = whole.from(576);
        assertThat(second.order()).isEqualTo(whole.order().subList(576, 1152));
        assertThat(second.chip(0)).isEqualTo(whole.chip(576));
        assertThat(second.position(whole.chip(576))).isZero();
        assertThat(second.position(whole.chip(575))).isEqualTo(-1);
        assertThat(whole.from(0)).isSameAs(whole);
    }
}
