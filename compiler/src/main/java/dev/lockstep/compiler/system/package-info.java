// SPDX-License-Identifier: Apache-2.0
/**
 * Programs for many chips: {@link dev.lockstep.compiler.system.ChipBuild} lays compiled kernels and link
 * transfers end to end on one chip's timeline and SRAM; {@link dev.lockstep.compiler.system.Exchange} schedules
 * simultaneous transfers between neighbouring chips, conflict-free by construction (each on its own link, SXM
 * queue, stream and staging slice, at exact cycles); {@link dev.lockstep.compiler.system.Collectives} builds
 * broadcast, reduce and all-reduce from exchanges; {@link dev.lockstep.compiler.system.SystemBuild} gathers the
 * chips into one {@link dev.lockstep.isa.program.Program}.
 */
package dev.lockstep.compiler.system;
