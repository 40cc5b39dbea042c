// SPDX-License-Identifier: Apache-2.0
/**
 * Assembly text ({@code .lsa}): the one-pass {@link dev.lockstep.isa.asm.Assembler}, whose every error is
 * located at a line and column, and the {@link dev.lockstep.isa.asm.Disassembler}, which prints the canonical
 * text that assembles back to an identical binary. The syntax is documented in docs/isa.md.
 */
package dev.lockstep.isa.asm;
