// SPDX-License-Identifier: Apache-2.0
/**
 * What instructions compute, apart from when they do it: VXM and SXM element and lane operations
 * ({@link dev.lockstep.isa.semantics.VectorOps}), the MXM's dot products ({@link dev.lockstep.isa.semantics.MatrixOps})
 * and the byte-plane form of typed vectors ({@link dev.lockstep.isa.semantics.Lanes}). Every numeric choice (rounding,
 * NaN, saturation, accumulation order) is stated in their Javadoc and in docs/isa.md.
 */
package dev.lockstep.isa.semantics;
