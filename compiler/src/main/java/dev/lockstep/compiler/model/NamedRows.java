// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.isa.program.Region;
import java.util.HashSet;
import java.util.Set;

/**
 * The rows a plan with data names as regions so that they can be read after its run ({@link TimingLowering}: each
 * layer's output row per token, the head's last logits and choice, each token's choice where it landed), each at a
 * place no row named before it takes: a reused place would show a later token's values under an earlier one's name.
 */
final class NamedRows {
    private final SystemBuild build;
    /** The places of the rows named so far (looked up, never iterated). */
    private final Set<Place> named = new HashSet<>();

    /** A vector's place: its chip, its first slice and its address. */
    private record Place(int chip, int slice, int address) {
    }

    NamedRows(SystemBuild build) {
        this.build = build;
    }

    /**
     * Names {@code row}'s vectors on {@code chip} as regions {@code <prefix><i>}.
     *
     * @throws IllegalStateException if a row named before lies there
     */
    void name(int chip, String prefix, Row row) {
        for (int i = 0; i < row.vectors().size(); i++) {
            Region v = row.vectors().get(i);
            if (!named.add(new Place(chip, v.slices().get(0), v.address()))) {
                throw new IllegalStateException("chip " + chip + ": the row named " + prefix + " lies where an "
                        + "earlier token's row does");
            }
            build.chip(chip).addRegion(new Region(prefix + i, v.slices(), v.address(), v.dtype(), v.elements(), false));
        }
    }
}
