// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

/** The ways a schedule can ask for something the hardware cannot do. Each stops the simulation. */
public enum HazardKind {
    /** A consumer samples a stream position and cycle that carries no vector. */
    STREAM_EMPTY,
    /** Two producers write one stream register at one position in one cycle. */
    STREAM_CONFLICT,
    /** More accesses to one SRAM bank in one cycle than it serves. */
    BANK_CONFLICT,
    /** An address outside the slice (per-lane gather and scatter addresses; checked in functional mode only). */
    ADDRESS_OUT_OF_RANGE,
    /** An instruction needs a resource (ALU column, MXM plane part, MEM path, link) another still holds. */
    UNIT_BUSY,
    /** A write into a region the program declared read-only. */
    READ_ONLY_WRITE,
    /** An MXM operation before its inputs are ready: weights still loading or installing, accumulators not ready. */
    MXM_NOT_READY,
    /** An MXM operation whose types do not match what the plane holds. */
    MXM_TYPE_MISMATCH,
    /** A queue issues while parked by Sync (no Notify has arrived yet) or Deskew (the epoch has not come). */
    QUEUE_PARKED,
    /** A chip-to-chip instruction on a link that goes nowhere in this simulation. */
    LINK_UNCONNECTED,
    /**
     * A send or forward on a link whose transmit side is still serialising an earlier one, or whose frame would be
     * on the wire together with another's (a forward reaches the wire later after its issue than a send).
     */
    LINK_BUSY,
    /** A receive or forward takes a vector from a link on which nothing has arrived (or everything was taken). */
    LINK_NOTHING_ARRIVED,
    /** A vector arrives on a link while the one before it still waits in the link's receive register. */
    LINK_OVERWRITTEN,
    /** A vector arrived on a link and no receive took it before the program ended. */
    LINK_NEVER_RECEIVED
}
