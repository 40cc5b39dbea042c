// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A layer chip's share of one expert's intermediate columns. With {@link MoeDispatch#ALL} the experts' columns,
 * concatenated, are split evenly over the layer's chips, so a chip holds consecutive columns of one expert or of
 * several. With {@link MoeDispatch#CHOSEN} every expert's columns are split evenly over the chips, so a chip holds
 * the same columns of every expert, and works on them once per slot of the router's top-k, for the expert the
 * router chose for that slot.
 *
 * @param expert       the expert; when chosen by data, the slot of the router's choice (0 .. top-k - 1)
 * @param columns      how many of its intermediate columns the chip holds
 * @param chosenByData whether the expert is the one the router chose for slot {@code expert}
 */
record ExpertColumns(int expert, int columns, boolean chosenByData) {

    /** Chip {@code g}'s pieces under {@code dispatch}: {@link #of} or {@link #chosen}. */
    static List<ExpertColumns> of(ModelConfig m, int chipsPerLayer, int g, MoeDispatch dispatch) {
        return dispatch == MoeDispatch.CHOSEN ? chosen(m, chipsPerLayer, g) : of(m, chipsPerLayer, g);
    }

    /**
     * Chip {@code g}'s pieces when the router's choice names the experts: one per slot of its top-k, each over the
     * chip's share of every expert's columns (the intermediate columns split evenly, the last chip the rest); none
     * for a chip past the last columns.
     */
    static List<ExpertColumns> chosen(ModelConfig m, int chipsPerLayer, int g) {
        int per = (m.intermediate() + chipsPerLayer - 1) / chipsPerLayer;
        int cols = Math.max(0, Math.min(per, m.intermediate() - g * per));
        List<ExpertColumns> out = new ArrayList<>();
        for (int slot = 0; cols > 0 && slot < m.expertsPerToken(); slot++) {
            out.add(new ExpertColumns(slot, cols, true));
        }
        return out;
    }

    /** The pieces of layer chip {@code g} of {@code chipsPerLayer}, in expert order. */
    static List<ExpertColumns> of(ModelConfig m, int chipsPerLayer, int g) {
        long all = (long) m.experts() * m.intermediate();
        long per = (all + chipsPerLayer - 1) / chipsPerLayer;
        long lo = g * per;
        long hi = Math.min(all, lo + per);
        List<ExpertColumns> out = new ArrayList<>();
        for (long p = lo; p < hi; ) {
            int e = (int) (p / m.intermediate());
            long cols = Math.min(hi, (e + 1L) * m.intermediate()) - p;
            out.add(new ExpertColumns(e, (int) cols, false));
            p += cols;
        }
        return out;
    }

    /** The most experts whose columns one layer chip holds (1: each chip works for one expert only). */
    static int mostPerChip(ModelConfig m, int chipsPerLayer) {
        int most = 0;
        for (int g = 0; g < chipsPerLayer; g++) {
            most = Math.max(most, of(m, chipsPerLayer, g).size());
        }
        return most;
    }
}
