// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.program.Region;
import java.util.Arrays;
import java.util.List;

/**
 * Where a tile of vectors lies: one MEM slice per byte plane (for a W tile: per byte plane of each of the rows LW
 * takes side by side, see {@link WeightTile}), each at its own first word. X and Y tiles have one address in all
 * their slices; a W tile's row groups may each have their own.
 *
 * @param slices    positions of the slices, plane 0 first
 * @param addresses first word in each slice
 * @param words     words in each slice
 */
record Tile(int[] slices, int[] addresses, int words) {

    /** A tile at the same address in every slice. */
    static Tile at(int[] slices, int address, int words) {
        int[] a = new int[slices.length];
        Arrays.fill(a, address);
        return new Tile(slices, a, words);
    }

    /** The first word in slice {@code p}. */
    int address(int p) {
        return addresses[p];
    }

    /** The first word of a tile with one address in all its slices (X and Y). */
    int address() {
        for (int a : addresses) {
            if (a != addresses[0]) {
                throw new IllegalStateException("this tile's slices start at different words");
            }
        }
        return addresses[0];
    }

    /** The tile as a named region of {@code elements} values of {@code type}, one slice per byte plane. */
    Region region(String name, DataType type, int elements) {
        return new Region(name, boxed(slices), address(), type, elements, false);
    }

    /** The tile as a W tile whose rows lie {@code rowsPerWord} side by side ({@link WeightTile}). */
    WeightTile weightTile(int rowsPerWord, DataType type, int lanes) {
        return new WeightTile(boxed(slices), boxed(addresses), rowsPerWord, type, lanes);
    }

    private static List<Integer> boxed(int[] a) {
        return Arrays.stream(a).boxed().toList();
    }
}
