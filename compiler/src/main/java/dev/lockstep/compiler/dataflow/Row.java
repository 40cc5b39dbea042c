// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.dataflow;

import dev.lockstep.compiler.system.Moves;
import dev.lockstep.isa.program.Region;
import java.util.ArrayList;
import java.util.List;

/**
 * A row of activations in SRAM (f32; f16 where it crosses to a consumer that takes f16, {@link ChipDataflow#toF16}):
 * value i sits in lane (offset + i) mod 320 of vector (offset + i) / 320 of
 * {@code vectors} (each a one-vector region). Lanes from {@code extent} on, up to the end of the last vector, hold
 * 0; a row cut out of a longer one ({@link #part}) keeps the longer one's extent, so its tail may hold the values
 * that follow it.
 *
 * @param vectors where its vectors are
 * @param offset  the lane of value 0 in the first vector's numbering (0 for a whole row)
 * @param length  values in the row
 * @param extent  lanes, counted from lane 0 of the first vector, past which every lane holds 0
 */
public record Row(List<Region> vectors, int offset, int length, int extent) {
    public Row {
        vectors = List.copyOf(vectors);
        if (offset < 0 || length < 1 || offset + length > extent || extent > 320 * vectors.size()) {
            throw new IllegalArgumentException("a row of " + length + " values from lane " + offset + " does not fit "
                    + vectors.size() + " vectors with " + extent + " lanes of data");
        }
    }

    /** A whole row of {@code length} values, 0 past them. */
    public static Row of(List<Region> vectors, int length) {
        return new Row(vectors, 0, length, length);
    }

    /**
     * The SRAM words of this whole row in the order links carry them: each vector's byte planes in turn.
     *
     * @throws IllegalArgumentException for a part of a row (links carry whole rows)
     */
    public List<Moves.Word> words() {
        if (offset != 0) {
            throw new IllegalArgumentException("links carry whole rows");
        }
        List<Moves.Word> out = new ArrayList<>();
        for (Region v : vectors) {
            for (int s : v.slices()) {
                out.add(new Moves.Word(s, v.address()));
            }
        }
        return out;
    }

    /** Values {@code from .. from + count - 1} of this row, as a row. */
    public Row part(int from, int count) {
        if (from < 0 || count < 1 || from + count > length) {
            throw new IllegalArgumentException("values " + from + ".." + (from + count - 1) + " are outside a row of "
                    + length);
        }
        return new Row(vectors, offset + from, count, extent);
    }
}
