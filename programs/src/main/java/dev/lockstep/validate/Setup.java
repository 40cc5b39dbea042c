// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.validate;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.io.Overridden;
import dev.lockstep.isa.io.ParamChange;
import dev.lockstep.isa.io.ParamOverrides;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import java.util.List;

/**
 * The chip and systems the figures are computed on: the presets the papers' figures were measured on, each with
 * the same {@code --chip-param} and {@code --system-param} overrides.
 *
 * @param node    node-8: the link and one hop (in-node links, as measured)
 * @param rack256 tsp-256: the 3-hop all-reduce across 256 chips
 * @param largest tsp-576: 5 hops, and the end-to-end runs
 * @param changes what the overrides changed (on tsp-576 and its chip), for the report
 * @param threads simulation threads for the end-to-end runs (the results do not depend on it)
 */
public record Setup(SystemSpec node, SystemSpec rack256, SystemSpec largest, List<ParamChange> changes,
                    int threads) {
    public Setup {
        changes = List.copyOf(changes);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    /**
     * The presets with the overrides applied; an unknown or bad parameter is an
     * {@link dev.lockstep.isa.io.InputException} here, before any figure is computed.
     */
    public static Setup of(ParamOverrides system, ParamOverrides chip, int threads) {
        Overridden<SystemSpec> largest = SystemSpecs.presetOrFile("tsp-576", system, chip);
        return new Setup(SystemSpecs.presetOrFile("node-8", system, chip).spec(),
                SystemSpecs.presetOrFile("tsp-256", system, chip).spec(), largest.spec(), largest.changes(), threads);
    }

    /** The chip (the one every preset names). */
    public ChipSpec chip() {
        return largest.chip();
    }
}
