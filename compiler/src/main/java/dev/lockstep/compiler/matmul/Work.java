// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

/**
 * A unit's share of the product: rows {@code m0 .. m0 + rows - 1} of N tile {@code nt}, summed over every K piece.
 * Whole N tiles are dealt out round-robin; the tiles left over when they do not divide evenly are split by rows
 * among all units, so that every unit has about the same work.
 */
record Work(int nt, int m0, int rows) {
}
