// SPDX-License-Identifier: Apache-2.0
/**
 * The cycle-accurate simulator. {@link dev.lockstep.sim.Simulator} runs a program on a chip: every queue issues at
 * the exact cycles the program gives, with no interlocks; vectors travel on stream registers along space-time
 * diagonals ({@code StreamFile}); SRAM, the VXM, MXM and SXM act as the ISA's semantics say, at the cycles its
 * timing says; time jumps from event to event ({@code EventCalendar}), five phases per cycle in a documented order.
 * Anything the hardware could not do stops the run with a {@link dev.lockstep.sim.HazardException}. Functional and
 * timing-only runs ({@link dev.lockstep.sim.Mode}) make the same decisions, so they give the same cycles and
 * {@link dev.lockstep.sim.TraceHash}. Timing-only runs of many chips share the run of chips with identical programs
 * and skip the periods of a repeated program once its state repeats ({@code RepeatSkip}), exactly. A functional run
 * can read named regions at given cycles as it goes ({@link dev.lockstep.sim.SimOptions#watches}), which moves
 * nothing it simulates. The rules:
 * docs/model.md, "The simulator". The simulator depends on the ISA module only.
 */
package dev.lockstep.sim;
