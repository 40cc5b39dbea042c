// SPDX-License-Identifier: Apache-2.0
/**
 * Reading user files: {@link dev.lockstep.isa.io.InputException} (the one-line {@code error: FILE:LINE:COL:}
 * every bad input becomes), JSON that remembers where each value stood ({@link dev.lockstep.isa.io.LocatedJson}),
 * NumPy {@code .npy} arrays, and "did you mean" hints ({@link dev.lockstep.isa.io.Nearest}).
 */
package dev.lockstep.isa.io;
