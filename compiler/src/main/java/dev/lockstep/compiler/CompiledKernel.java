// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler;

import dev.lockstep.isa.program.Program;

/**
 * A compiled kernel and what the compiler knows about it.
 *
 * @param program          the program, every instruction at its cycle
 * @param predictedCycles  the cycles the compiler's schedule takes: from 0 to its last event, inclusive (the
 *                         simulator must report exactly this)
 * @param lowerBoundCycles a lower bound on any schedule of this kernel on this chip, with its reason
 * @param boundReason      which bound that is and how it is computed
 * @param macs             multiply-accumulates the kernel performs
 * @param peakMacsPerCycle the chip's MXM peak for this data type
 * @param sram             the chip's SRAM taken after this kernel: what was taken before it, plus its tensors
 */
public record CompiledKernel(Program program, long predictedCycles, long lowerBoundCycles, String boundReason,
                             long macs, long peakMacsPerCycle, SramMap sram) {

    /** Achieved MACs over the MXM peak for the predicted cycles. */
    public double mxmUtilization() {
        return (double) macs / ((double) predictedCycles * peakMacsPerCycle);
    }

    /** lower bound / predicted: 1 is a perfect schedule. */
    public double efficiency() {
        return (double) lowerBoundCycles / predictedCycles;
    }
}
