// SPDX-License-Identifier: Apache-2.0
/**
 * The matrix-product compiler, as phases over a {@link dev.lockstep.compiler.matmul.KernelContext}: tiling into the
 * published MXM pieces, allocation of every tile to MEM slices, list scheduling over the reservation table, and
 * emission of the program.
 */
package dev.lockstep.compiler.matmul;
