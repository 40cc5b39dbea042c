// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

/**
 * A piece of hardware that an instruction keeps busy for its occupancy. Each resource has instances: one per MEM
 * slice for the MEM paths, one per queue for {@link #VXM_ALU} and {@link #SXM_SWITCH} (each of those queues
 * drives its own ALU column or switch unit), one per MXM plane (the instruction's {@code plane} operand, and the
 * rest of its group for an fp16 piece) for the MXM resources, and one per link (the {@code link} operand) for C2C.
 * Two instructions may not hold the same instance in the same cycle. {@link ResourceUses} states which instances
 * an instruction on a queue holds; the compiler's reservation table and the simulator's occupancy checks both
 * ask it.
 */
public enum Resource {
    /** Holds nothing beyond its own queue slot. */
    NONE,
    /** A MEM slice's read path (one vector per cycle onto a stream). */
    MEM_READ,
    /** A MEM slice's write path (one vector per cycle off a stream). */
    MEM_WRITE,
    /** The ALU column driven by one VXM queue (one vector per cycle). */
    VXM_ALU,
    /** An MXM plane's weight buffer, filled by LW. */
    MXM_WEIGHT_BUFFER,
    /** An MXM plane's multiply-accumulate array (IW installs into it, ABC streams through it). */
    MXM_ARRAY,
    /** An MXM plane's accumulators, drained by ACC. */
    MXM_ACCUMULATOR,
    /** The switch unit driven by one SXM queue. */
    SXM_SWITCH,
    /** The transmit side of one chip-to-chip link. */
    C2C_TRANSMIT,
    /** The receive side of one chip-to-chip link. */
    C2C_RECEIVE
}
