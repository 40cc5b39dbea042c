// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.validate;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.matmul.MatMulCompiler;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.run.Verified;
import dev.lockstep.sim.SimOptions;

/**
 * The published GEMM utilisation: [2304 x 4096] x [4096 x N] in fp16, compiled as {@code lockstep compile --op
 * matmul} does it, simulated (timing-only; it must end where the compiler said) and its MXM utilisation reported.
 */
final class GemmRows {
    private GemmRows() {
    }

    static Row row(Figure figure, ChipSpec chip, int n) {
        MatMul problem = new MatMul(2304, 4096, n, DataType.F16);
        CompiledKernel k = MatMulCompiler.compile(chip, problem);
        long cycles = Verified.simulate(chip, k.program(), SimOptions.timingOnly(), k.predictedCycles(),
                problem.toString()).cycles();
        double pct = 100 * k.mxmUtilization();
        return Row.of(figure, pct, String.format("%.1f %%", pct), String.format("compiled and simulated: %d "
                        + "cycles (%.1f us), as predicted; lower bound %d (%s)", cycles, cycles * 1e6 / chip.clockHz(),
                k.lowerBoundCycles(), k.boundReason()));
    }
}
