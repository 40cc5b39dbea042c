// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.Simulator;
import dev.lockstep.sim.SystemSimulator;

/**
 * Compiled code run on the simulator, with the check every differential test of the compiler makes: the simulated
 * cycles equal the compiler's prediction (and the simulator throws on any hazard). Also reads rows back from the
 * regions a kernel named.
 */
public final class Simulated {
    /** The lanes of one vector of the chips these tests compile for: one region holds one vector of a row. */
    public static final int LANES = 320;

    private Simulated() {
    }

    /** Runs a one-chip kernel in functional mode; checks it takes exactly the predicted cycles. */
    public static SimResult exactly(ChipSpec chip, CompiledKernel kernel) {
        SimResult sim = Simulator.run(chip, kernel.program(), SimOptions.functional());
        assertThat(sim.cycles()).as("simulated = predicted cycles").isEqualTo(kernel.predictedCycles());
        return sim;
    }

    /** Runs a one-chip kernel in timing-only mode (no values); checks it takes exactly the predicted cycles. */
    public static SimResult exactlyTimingOnly(ChipSpec chip, CompiledKernel kernel) {
        SimResult sim = Simulator.run(chip, kernel.program(), SimOptions.timingOnly());
        assertThat(sim.cycles()).as("simulated = predicted cycles").isEqualTo(kernel.predictedCycles());
        return sim;
    }

    /**
     * As {@link #exactly(ChipSpec, CompiledKernel)}, and also: a timing-only run gives the same trace hash as the
     * functional one, and the prediction is not below the kernel's lower bound. Returns the functional run.
     */
    public static SimResult exactlyInBothModes(ChipSpec chip, CompiledKernel kernel) {
        SimResult sim = exactly(chip, kernel);
        assertThat(Simulator.run(chip, kernel.program(), SimOptions.timingOnly()).traceHash())
                .as("timing-only and functional runs agree").isEqualTo(sim.traceHash());
        assertThat(kernel.predictedCycles()).as("predicted >= lower bound")
                .isGreaterThanOrEqualTo(kernel.lowerBoundCycles());
        return sim;
    }

    /**
     * Runs the program of every chip of {@code build} in functional mode (vectors carry values from chip to chip)
     * on {@code threads} threads; checks it ends exactly at the compiler's {@code predictedEnd}.
     */
    public static SimResult exactly(SystemBuild build, int threads, long predictedEnd) {
        SimResult sim = SystemSimulator.run(build.system(), build.toProgram(), SimOptions.functional(),
                new SystemSimulator.Parallelism(threads, false));
        assertThat(sim.cycles()).as("simulated = predicted cycles").isEqualTo(predictedEnd);
        return sim;
    }

    /**
     * Runs the program of every chip of {@code build} in timing-only mode on {@code threads} threads, with
     * deduplication (chips whose programs are the same up to a shift in time run once); the caller checks the
     * cycles or the trace hash.
     */
    public static SimResult timingOnly(SystemBuild build, int threads) {
        return SystemSimulator.run(build.system(), build.toProgram(), SimOptions.timingOnly(),
                new SystemSimulator.Parallelism(threads, true));
    }

    /**
     * The first {@code length} values of the row that a kernel wrote to the regions {@code prefix}0,
     * {@code prefix}1, ... on {@code chip}, {@link #LANES} values each.
     */
    public static double[] row(SimResult sim, int chip, String prefix, int length) {
        double[] row = new double[length];
        for (int v = 0; v * LANES < length; v++) {
            double[] part = sim.region(chip, prefix + v).orElseThrow();
            System.arraycopy(part, 0, row, v * LANES, Math.min(LANES, length - v * LANES));
        }
        return row;
    }
}
