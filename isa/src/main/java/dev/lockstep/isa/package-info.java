// SPDX-License-Identifier: Apache-2.0
/**
 * The instruction set of a TSP-class chip, declared once as data.
 *
 * <p>{@link dev.lockstep.isa.Opcode} is the table: one constant per opcode with its unit, the
 * {@link dev.lockstep.isa.Resource} it occupies, its operands ({@link dev.lockstep.isa.OperandSpec}, each of an
 * {@link dev.lockstep.isa.OperandKind} with a fixed field width) and three timings as
 * {@link dev.lockstep.isa.CycleExpr}s: latency, occupancy and dispatch. Timings never restate a number the chip
 * owns; they name a {@link dev.lockstep.isa.TimingParam} or a {@link dev.lockstep.isa.ChipQuantity} of the
 * {@link dev.lockstep.isa.chip.ChipSpec}. {@link dev.lockstep.isa.ResourceUses} derives from the table and the chip
 * which instances of its resource an instruction on a queue holds (a {@link dev.lockstep.isa.ResourceUse}), for
 * the compiler and the simulator alike. An
 * {@link dev.lockstep.isa.Instruction} is the 64-bit encoded word itself, so every instruction that exists is
 * valid. The assembler, disassembler, binary format, docs/isa.md's opcode reference
 * ({@link dev.lockstep.isa.IsaReference}), the compiler's reservation table and the simulator all read the table.
 */
package dev.lockstep.isa;
