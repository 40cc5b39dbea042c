// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

import dev.lockstep.isa.chip.ChipSpec;
import java.util.Locale;

/** Cycle counts derived from a chip description rather than stated in it. */
public enum ChipQuantity {
    /**
     * Cycles one vector occupies a link, its serialisation: ceil((vector bytes + framing bytes) x clock / link bytes
     * per second). For tsp-v1: ceil(328 x 0.9e9 / 14e9) = ceil(21.09) = 22 cycles.
     */
    LINK_VECTOR_CYCLES,
    /** The link's latency from the chip description's {@code links.latency_cycles}. */
    LINK_LATENCY_CYCLES,
    /** Streams one LW samples per cycle, the chip description's {@code mxm.weight_streams} (16 in tsp-v1). */
    MXM_WEIGHT_STREAMS;

    public long valueIn(ChipSpec chip) {
        return switch (this) {
            case LINK_VECTOR_CYCLES -> chip.links().vectorCycles(chip.vectorBytes(), chip.clockHz());
            case LINK_LATENCY_CYCLES -> chip.links().latencyCycles();
            case MXM_WEIGHT_STREAMS -> chip.mxm().weightStreams();
        };
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
