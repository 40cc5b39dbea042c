// SPDX-License-Identifier: Apache-2.0
/**
 * Programs as immutable values: per chip ({@link dev.lockstep.isa.program.ChipProgram}), per queue
 * ({@link dev.lockstep.isa.program.QueueProgram}: parallel arrays of issue cycles and instruction words), with
 * initial SRAM contents, named regions, constants and lane maps. Everything is kept in a canonical order so
 * that equal programs encode to the same bytes. {@link dev.lockstep.isa.program.ProgramRules} holds the static
 * rules (queue order, dispatch, operand ranges on a chip) that the assembler, the decoder and programs built in
 * code all obey; {@link dev.lockstep.isa.program.VectorLayout} says how typed arrays become byte-plane words.
 */
package dev.lockstep.isa.program;
