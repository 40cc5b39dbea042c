// SPDX-License-Identifier: Apache-2.0
/**
 * Chip descriptions: {@link dev.lockstep.isa.chip.ChipSpec}, immutable, loaded from JSON with located errors by
 * {@link dev.lockstep.isa.chip.ChipSpecs}, with the preset {@code tsp-v1}. The
 * {@link dev.lockstep.isa.chip.Floorplan} derives the row of slices west to east and the instruction queues that
 * drive them; names count outward from the VXM at the centre ({@code mem.w0} is next to it on the west).
 * {@link dev.lockstep.isa.chip.MxmSpec} states how MXM planes work on pieces (one plane per int8 piece, a group of
 * planes per fp16 piece) for the compiler and the simulator alike.
 */
package dev.lockstep.isa.chip;
