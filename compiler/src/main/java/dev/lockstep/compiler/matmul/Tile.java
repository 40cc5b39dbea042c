// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

/**
 * Where a tile of vectors lies: one MEM slice per byte plane, all at the same address.
 *
 * @param slices  positions of the slices, plane 0 first
 * @param address first word
 * @param words   words in each slice
 */
record Tile(int[] slices, int address, int words) {
}
