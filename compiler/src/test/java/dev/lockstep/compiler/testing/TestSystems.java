// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.testing;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.system.LinkKind;
import dev.lockstep.isa.system.SystemSpec;
import java.util.EnumMap;
import java.util.Map;

/** Systems the compiler's tests build for that are not presets. */
public final class TestSystems {
    /**
     * One tsp-v1 chip as a system, for tests that build with a {@code SystemBuild} but need no links (every link
     * kind is given tsp-v1's link latency, though none is used).
     */
    public static final SystemSpec ONE_CHIP = oneChip();

    private TestSystems() {
    }

    private static SystemSpec oneChip() {
        ChipSpec tsp = ChipSpecs.preset("tsp-v1");
        Map<LinkKind, Long> latency = new EnumMap<>(LinkKind.class);
        for (LinkKind k : LinkKind.values()) {
            latency.put(k, tsp.links().latencyCycles());
        }
        return new SystemSpec("one-chip", tsp, 1, 1, 1, 0, latency);
    }
}
