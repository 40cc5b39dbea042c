// SPDX-License-Identifier: Apache-2.0
/**
 * VXM kernels as graphs of vector operations ({@link dev.lockstep.compiler.vector.VectorGraph}), lowered from tensor
 * ops by {@link dev.lockstep.compiler.vector.VectorKernels} (element-wise ops, SiLU, SwiGLU, RMSNorm, softmax) and
 * compiled by {@link dev.lockstep.compiler.vector.VectorCompiler}: allocation, then list scheduling over the
 * reservation table, then emission.
 */
package dev.lockstep.compiler.vector;
