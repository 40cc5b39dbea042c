// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.program;

import java.util.Arrays;

/** A lane permutation for SXM {@code permute}: output lane l takes input lane {@code lanes[l]}. */
public record LaneMap(String name, int[] lanes) {
    public LaneMap {
        lanes = lanes.clone();
    }

    @Override
    public int[] lanes() {
        return lanes.clone();
    }

    public int lane(int l) {
        return lanes[l];
    }

    public int size() {
        return lanes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LaneMap m && m.name.equals(name) && Arrays.equals(m.lanes, lanes);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(lanes);
    }

    @Override
    public String toString() {
        return "LaneMap[" + name + ", " + lanes.length + " lanes]";
    }
}
