// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.chip;

/**
 * One functional slice of the floorplan.
 *
 * @param position    its place in the row of slices, 0 at the west edge
 * @param kind        what it is
 * @param kindIndex   its index among the slices of its kind, counted west to east (MEM slice 0..87)
 * @param name        its assembly name: kind, hemisphere and distance from the VXM ({@code mem.w0} is the MEM
 *                    slice just west of the VXM, {@code mxm.e0} the east MXM), or {@code vxm}
 */
public record Slice(int position, SliceKind kind, int kindIndex, String name) {
}
