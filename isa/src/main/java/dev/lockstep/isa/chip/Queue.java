// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.chip;

import dev.lockstep.isa.Unit;
import java.util.Set;

/**
 * One in-order instruction queue of the chip.
 *
 * @param id          0-based, numbered west to east, then by queue within the slice
 * @param name        its assembly name: the slice's name, plus {@code .q} when the slice has several queues
 *                    ({@code vxm.3}, {@code mxm.w0.5}, {@code mem.e12})
 * @param slice       the slice it issues to
 * @param indexInSlice which of the slice's queues it is
 * @param units       the units whose instructions it may issue (always including ICU)
 */
public record Queue(int id, String name, Slice slice, int indexInSlice, Set<Unit> units) {
    public Queue {
        units = Set.copyOf(units);
    }

    public boolean issues(Unit unit) {
        return units.contains(unit);
    }
}
