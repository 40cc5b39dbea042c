// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.chip.Slice;
import java.util.List;

/**
 * One MXM unit that works on a piece at a time: an int8 plane, or the plane group of an fp16 piece.
 *
 * @param index   its index among all units
 * @param mxm     its MXM slice
 * @param plane   the first plane it uses
 * @param west    whether the MXM is the west one (its operands come on westward streams, its results leave on
 *                eastward ones) or the east one (the mirror image)
 * @param slot    which unit of its hemisphere it is (0 or 1), to keep queues and streams apart
 * @param lwQueue queue for LW, iwQueue for IW, abcQueue for ABC and ACC
 * @param work    what this unit computes, in order
 */
record Unit(int index, Slice mxm, int plane, boolean west, int slot, Queue lwQueue, Queue iwQueue, Queue abcQueue,
            List<Work> work) {
}
