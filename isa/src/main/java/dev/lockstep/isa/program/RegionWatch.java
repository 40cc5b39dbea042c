// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.program;

import java.util.Objects;

/**
 * A request to read a named region of one chip's program as it stands at the start of a cycle, before anything of
 * that cycle happens: every write committed at an earlier cycle is in it, none of that cycle's. A functional
 * simulation reads it for the caller; the reading is not an instruction, so it changes neither the trace nor the
 * cycles a chip runs. For values a program overwrites as it goes (a head's logits, token by token).
 *
 * @param chip   the chip whose program names the region
 * @param region the region's name
 * @param cycle  the cycle at whose start it is read (a cycle after the chip's last event reads what the run left)
 */
public record RegionWatch(int chip, String region, long cycle) {
    public RegionWatch {
        Objects.requireNonNull(region);
        if (chip < 0 || cycle < 0 || region.isBlank()) {
            throw new IllegalArgumentException("a region watch needs a chip and a cycle of at least 0 and a region "
                    + "name; got chip " + chip + ", cycle " + cycle + ", region '" + region + "'");
        }
    }
}
