// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

/** What a simulation carries on its streams. Both modes make every cycle decision the same way. */
public enum Mode {
    /** Real bytes: SRAM contents, stream vectors and unit state, computed by the semantics of the ISA. */
    FUNCTIONAL,
    /** No data: a stream carries only the identity of the instruction issue that produced it. */
    TIMING_ONLY
}
