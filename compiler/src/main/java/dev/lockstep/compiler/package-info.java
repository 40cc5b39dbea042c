// SPDX-License-Identifier: Apache-2.0
/**
 * The static scheduling compiler: tensor ops to cycle-exact VLIW programs for one chip. So far it compiles matrix
 * products ({@link dev.lockstep.compiler.MatMul}, GEMV included) in fp16 and int8 through the named phases of
 * {@link dev.lockstep.compiler.matmul.MatMulCompiler}; every program it emits carries the cycle count its schedule
 * predicts, which the simulator reproduces exactly. It depends on the ISA module only: every latency, occupancy
 * and stream rule it uses comes from the ISA table and the chip description.
 */
package dev.lockstep.compiler;
