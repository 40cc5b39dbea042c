// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.program.Region;
import java.util.List;

/**
 * Where the rows of one W tile lie. LW loads {@code rowsPerWord} rows per cycle side by side on the weight-stream
 * group, so the tile is spread over that many groups of slices (one slice per byte plane each): row i is word
 * {@code i / rowsPerWord} from its group's first word, in group {@code j = i mod rowsPerWord}, whose slices are
 * {@code slices[j x bytes ..]}, all starting at {@code addresses[j x bytes]}.
 *
 * @param slices      positions of the slices, group 0's byte planes first
 * @param addresses   first word in each slice (the same for the byte planes of one group)
 * @param rowsPerWord rows side by side (the chip's weight streams over the type's bytes)
 * @param type        the weights' type
 * @param lanes       elements of one row (the chip's vector)
 */
public record WeightTile(List<Integer> slices, List<Integer> addresses, int rowsPerWord, DataType type,
                         int lanes) {
    public WeightTile {
        slices = List.copyOf(slices);
        addresses = List.copyOf(addresses);
        if (slices.size() != rowsPerWord * type.bytes()) {
            throw new IllegalArgumentException("a W tile of " + rowsPerWord + " rows per word of " + type.text()
                    + " lies in " + rowsPerWord * type.bytes() + " slices, not " + slices.size());
        }
    }

    /** Row {@code i} of the tile: one vector of the weights' type. */
    public Region row(int i) {
        int j = i % rowsPerWord;
        int b = type.bytes();
        return new Region("", slices.subList(j * b, j * b + b), addresses.get(j * b) + i / rowsPerWord, type, lanes,
                false);
    }
}
