// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

/**
 * A piece of hardware that an instruction keeps busy for its occupancy. The compiler's reservation table and
 * the simulator's occupancy checks are both keyed by (slice, resource); two instructions may not hold the same
 * resource of the same slice in the same cycle.
 */
public enum Resource {
    /** Holds nothing beyond its own queue slot. */
    NONE,
    /** A MEM slice's read path (one vector per cycle onto a stream). */
    MEM_READ,
    /** A MEM slice's write path (one vector per cycle off a stream). */
    MEM_WRITE,
    /** One VXM ALU queue's pipeline (one vector per cycle). */
    VXM_ALU,
    /** An MXM plane's weight buffer, filled by LW. */
    MXM_WEIGHT_BUFFER,
    /** An MXM plane's multiply-accumulate array (IW installs into it, ABC streams through it). */
    MXM_ARRAY,
    /** An MXM plane's accumulators, drained by ACC. */
    MXM_ACCUMULATOR,
    /** An SXM slice's switch network (one queue's worth). */
    SXM_SWITCH,
    /** The transmit side of one chip-to-chip link. */
    C2C_TRANSMIT,
    /** The receive side of one chip-to-chip link. */
    C2C_RECEIVE
}
