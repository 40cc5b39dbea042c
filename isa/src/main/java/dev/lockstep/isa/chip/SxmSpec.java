// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.chip;

import dev.lockstep.isa.Unit;
import java.util.Set;

/**
 * The switch execution modules.
 *
 * @param queuesPerSlice instruction queues per SXM slice
 * @param alsoIssues     other units whose instructions SXM queues issue; tsp-v1 puts the chip-to-chip (C2C)
 *                       instructions here, since the published queue count (144) has no C2C queues and the
 *                       link modules sit at the chip's east and west edges beside the SXMs (an assumption)
 */
public record SxmSpec(int queuesPerSlice, Set<Unit> alsoIssues) {
    public SxmSpec {
        alsoIssues = Set.copyOf(alsoIssues);
    }
}
