// SPDX-License-Identifier: Apache-2.0
/**
 * The binary program format ({@code .lsb}, see {@link dev.lockstep.isa.binary.LsbFormat}): a writer, and a
 * reader that treats its input as hostile, checking every length, word and rule and failing only with a located
 * {@link dev.lockstep.isa.io.InputException}.
 */
package dev.lockstep.isa.binary;
