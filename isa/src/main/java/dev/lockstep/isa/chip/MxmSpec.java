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
 * @param queuesPerSlice instruction queues per MXM slice
 */
public record MxmSpec(int planesPerSlice, int rows, int cols, int int8K, int fp16K, int queuesPerSlice) {
}
