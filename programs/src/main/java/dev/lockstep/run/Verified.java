// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.run;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.Simulator;
import dev.lockstep.sim.SystemSimulator;

/**
 * The one place that simulates a compiled program and holds the compiler to its prediction: a static schedule's
 * cycle count is known before it runs, and a simulation that ends elsewhere is a compiler or simulator bug, never a
 * result.
 */
public final class Verified {
    private Verified() {
    }

    /** The simulation ended at another cycle than the compiler predicted. */
    public static final class ScheduleMismatch extends IllegalStateException {
        ScheduleMismatch(String what, long predicted, long simulated) {
            super("the compiler predicted " + predicted + " cycles for " + what + " but the simulator took "
                    + simulated + ": a compiler or simulator bug");
        }
    }

    /** Simulates {@code program} on {@code system}; it must end at {@code predictedEndCycle}. */
    public static SimResult simulate(SystemSpec system, Program program, SimOptions options,
                                     SystemSimulator.Parallelism parallelism, long predictedEndCycle, String what) {
        return check(SystemSimulator.run(system, program, options, parallelism), predictedEndCycle, what);
    }

    /** Simulates a one-chip {@code program}; it must end at {@code predictedEndCycle}. */
    public static SimResult simulate(ChipSpec chip, Program program, SimOptions options, long predictedEndCycle,
                                     String what) {
        return check(Simulator.run(chip, program, options), predictedEndCycle, what);
    }

    private static SimResult check(SimResult r, long predicted, String what) {
        if (r.cycles() != predicted) {
            throw new ScheduleMismatch(what, predicted, r.cycles());
        }
        return r;
    }
}
