// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.program;

import dev.lockstep.isa.DataType;
import java.util.List;

/**
 * A named SRAM region of one chip: an address label, a typed array the simulator can dump, and optionally a
 * promise that no instruction writes it.
 *
 * @param name     its name; as an operand it stands for {@code address}
 * @param slices   positions of the MEM slices holding it: one slice (byte planes of each vector at consecutive
 *                 addresses) or one slice per byte of the type (plane k in slice k, all at the same address)
 * @param address  first word
 * @param dtype    element type
 * @param elements number of elements
 * @param readOnly whether a write into it is an error
 */
public record Region(String name, List<Integer> slices, int address, DataType dtype, int elements,
                     boolean readOnly) {
    public Region {
        slices = List.copyOf(slices);
    }

    /** Words the region takes in each of its slices. */
    public long wordsPerSlice(int vectorBytes) {
        long vectors = ((long) elements + vectorBytes - 1) / vectorBytes;
        return vectors * dtype.bytes() / slices.size();
    }
}
