// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

import java.util.Objects;

/**
 * Which instances of its {@link Resource} an instruction holds for its occupancy: {@code width} consecutive
 * instances from {@code instance}, numbered as {@link ResourceUses} says (the one statement of which instruction on
 * which queue holds which; the compiler's reservation table and the simulator both ask it). Two instructions may not
 * hold one instance in the same cycle.
 *
 * @param resource what is held
 * @param instance the first instance held
 * @param width    how many consecutive instances from {@code instance} are held: 1, the plane group of an fp16
 *                 piece, or 0 for {@link Resource#NONE}
 */
public record ResourceUse(Resource resource, int instance, int width) {
    /** What an instruction that holds no resource holds. */
    public static final ResourceUse NOTHING = new ResourceUse(Resource.NONE, 0, 0);

    public ResourceUse {
        Objects.requireNonNull(resource, "resource");
        if (resource == Resource.NONE ? instance != 0 || width != 0 : instance < 0 || width < 1) {
            throw new IllegalArgumentException("not a use of " + resource + ": instance " + instance + ", width "
                    + width);
        }
    }

    /** The instance after the last one held. */
    public int end() {
        return instance + width;
    }
}
