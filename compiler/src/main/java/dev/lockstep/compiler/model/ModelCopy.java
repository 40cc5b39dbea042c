// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.system.ChipPath;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * A copy of the model in a system that holds several side by side (data parallel), compiled by
 * {@link DecodeBuilder#buildCopy}.
 *
 * @param index its number, from 0
 * @param path  its share of the chips in the order its stages take them
 * @param shift where it is copy 0 moved by whole racks, the chips it moved by (each chip c of copy 0's being chip
 *              c + shift of its); else 0
 */
public record ModelCopy(int index, ChipPath path, int shift) {
    /** Whether it is copy 0 moved: compiled to copy 0's programs on its own chips, and simulated the same. */
    public boolean moved() {
        return shift != 0;
    }

    /**
     * Where {@code copies} copies of the model go, each on {@code chipsEach} chips: copy p on the chip path's
     * positions {@code p x chipsEach} to {@code (p + 1) x chipsEach - 1}. Where those chips are copy 0's moved by
     * whole racks and wired among themselves as copy 0's are ({@link Topology#wiredAlike}), copy p takes them in
     * copy 0's order moved ({@link #moved}): the compiler reads the wiring, and chip ids only in their order and
     * their node, which a move by whole racks keeps (whole nodes would too; whole racks is the stricter rule), so copy
     * p's programs are copy 0's on its own chips. Else it takes them in the chip path's order.
     */
    public static List<ModelCopy> sideBySide(SystemSpec system, int copies, int chipsEach) {
        if (copies < 1 || chipsEach < 1 || (long) copies * chipsEach > system.chips()) {
            throw new IllegalArgumentException(copies + " copies of " + chipsEach + " chips; " + system.name()
                    + " has " + system.chips());
        }
        Topology wiring = new Topology(system);
        ChipPath all = new ChipPath(wiring);
        ChipPath first = all.share(0, chipsEach);
        int rack = system.chipsPerNode() * system.nodesPerRack();
        List<ModelCopy> out = new ArrayList<>();
        out.add(new ModelCopy(0, first, 0));
        for (int p = 1; p < copies; p++) {
            ChipPath mine = all.share(p * chipsEach, chipsEach);
            int shift = Collections.min(mine.order()) - Collections.min(first.order());
            boolean sameChips = shift % rack == 0 && new TreeSet<>(mine.order()).equals(movedSet(first, shift));
            ChipPath moved = sameChips ? first.movedBy(shift) : null;
            out.add(moved != null && wiring.wiredAlike(first.order(), moved.order()) ? new ModelCopy(p, moved, shift)
                    : new ModelCopy(p, mine, 0));
        }
        return out;
    }

    private static TreeSet<Integer> movedSet(ChipPath path, int shift) {
        TreeSet<Integer> out = new TreeSet<>();
        for (int c : path.order()) {
            out.add(c + shift);
        }
        return out;
    }
}
