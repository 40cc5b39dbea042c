// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.chip;

/**
 * The vector execution module.
 *
 * @param alusPerLane    ALUs per lane (16 in tsp-v1: 4 x 4)
 * @param queuesPerSlice instruction queues of the VXM, one per ALU column
 */
public record VxmSpec(int alusPerLane, int queuesPerSlice) {
}
