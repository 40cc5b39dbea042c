// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.chip;

import dev.lockstep.isa.Unit;
import java.util.Locale;
import java.util.Optional;

/** The kinds of functional slice in a chip's floorplan, and the unit each one's queues issue to. */
public enum SliceKind {
    MEM(Unit.MEM), VXM(Unit.VXM), MXM(Unit.MXM), SXM(Unit.SXM);

    private final Unit unit;

    SliceKind(Unit unit) {
        this.unit = unit;
    }

    public Unit unit() {
        return unit;
    }

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SliceKind> fromText(String text) {
        for (SliceKind k : values()) {
            if (k.name().equalsIgnoreCase(text)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
