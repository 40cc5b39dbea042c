// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A layer chip's share of one expert's intermediate columns. The experts' columns, concatenated, are split evenly
 * over the layer's chips, so a chip holds consecutive columns of one expert or of several.
 *
 * @param expert  the expert
 * @param columns how many of its intermediate columns the chip holds
 */
record ExpertColumns(int expert, int columns) {

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
            out.add(new ExpertColumns(e, (int) cols));
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
