// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

/**
 * The functional units that execute instructions. {@link #ICU} instructions control the instruction queue
 * itself and can be issued on every queue; the others only on queues whose slice issues to that unit (see
 * {@code ChipSpec#queues()}).
 */
public enum Unit {
    /** Instruction control: NOP, Repeat, Sync, Notify, Ifetch, Config, Deskew. */
    ICU,
    /** Memory slices: SRAM reads and writes between addresses and streams. */
    MEM,
    /** Vector execution module: element-wise arithmetic, conversions, reductions. */
    VXM,
    /** Matrix execution module: weight load and install, activations in, accumulated results out. */
    MXM,
    /** Switch execution module: shifts, rotations, permutations, transposes of vectors. */
    SXM,
    /** Chip-to-chip links: scheduled send and receive of vectors. */
    C2C
}
