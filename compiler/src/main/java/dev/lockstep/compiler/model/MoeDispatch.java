// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import java.util.Locale;
import java.util.Optional;

/**
 * Which experts' weights an MoE layer streams for a token: every expert's ({@link #ALL}: each chip holds consecutive
 * columns of one expert or a few and computes them for every token, the router's weights then keep top-k of the
 * results) or only the chosen experts' ({@link #CHOSEN}: each chip holds a slice of every expert's columns, and for
 * each of the top-k slots reads the slice of the expert the router chose, at an address the router's result sets:
 * {@code base} and {@code readb}, docs/isa.md). Either way the schedule is static: CHOSEN streams exactly top-k
 * experts' worth for every token, whichever they are.
 */
public enum MoeDispatch {
    ALL,
    CHOSEN;

    /** The name on the command line and in reports: {@code all}, {@code chosen}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The dispatch named {@code text}, if any. */
    public static Optional<MoeDispatch> fromText(String text) {
        for (MoeDispatch d : values()) {
            if (d.text().equals(text)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
