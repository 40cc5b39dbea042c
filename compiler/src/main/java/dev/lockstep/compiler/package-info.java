// SPDX-License-Identifier: Apache-2.0
/**
 * The static scheduling compiler: tensor ops to cycle-exact VLIW programs, for one chip or many. Matrix products
 * ({@link dev.lockstep.compiler.MatMul}, GEMV included, fp16 and int8) go through the named phases of
 * {@code matmul.MatMulCompiler}; vector work (norms, RoPE, softmax, SwiGLU, routing) through
 * {@code vector.VectorCompiler}; kernels wired with data through {@code dataflow}; exchanges and collectives between
 * chips through {@code system}; a transformer, declared once as a graph of steps in {@code graph}, becomes every
 * chip's program in {@code model}. Every program it emits carries the cycle count its schedule predicts, which the
 * simulator reproduces exactly. It depends on the ISA module only: every latency, occupancy and stream rule it uses
 * comes from the ISA table and the chip description.
 */
package dev.lockstep.compiler;
