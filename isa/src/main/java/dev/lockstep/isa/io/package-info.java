// SPDX-License-Identifier: Apache-2.0
/**
 * Reading user files: {@link dev.lockstep.isa.io.InputException} (the one-line {@code error: FILE:LINE:COL:}
 * every bad input becomes), JSON that remembers where each value stood ({@link dev.lockstep.isa.io.LocatedJson}),
 * NumPy {@code .npy} arrays, and "did you mean" hints ({@link dev.lockstep.isa.io.Nearest}). A JSON reader states
 * the keys it accepts once, as a {@link dev.lockstep.isa.io.KeySchema}; {@link dev.lockstep.isa.io.ParamOverrides}
 * sets any of them by dotted name ({@code --chip-param mxm.fp16_k=128}) in the parsed tree before the reader
 * validates it, and reports what changed ({@link dev.lockstep.isa.io.ParamChange}).
 */
package dev.lockstep.isa.io;
