// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.chip;

/**
 * The matrix execution modules.
 *
 * @param planesPerSlice multiply-accumulate planes per MXM slice
 * @param rows           rows of a plane's array (the K dimension for int8)
 * @param cols           columns of a plane's array (the N dimension of one piece)
 * @param int8K          K of one int8 piece, [1 x K] x [K x cols]
 * @param fp16K          K of one fp16 piece, [1 x K] x [K x cols]
 * @param fp16PlanesPerPiece planes that work together on one fp16 piece: 2 in tsp-v1, where the 4 int8 planes
 *                       give 4 int8 pieces but 2 fp16 pieces per cycle (published); an fp16 instruction names the
 *                       first plane of its group and holds every plane of the group
 * @param queuesPerSlice instruction queues per MXM slice
 */
public record MxmSpec(int planesPerSlice, int rows, int cols, int int8K, int fp16K, int fp16PlanesPerPiece,
                      int queuesPerSlice) {
}
