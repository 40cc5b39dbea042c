// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.ProgramRules;
import java.util.ArrayList;
import java.util.List;

/**
 * Simulates a program on a chip. Each chip of the program runs on its own chip instance; chips do not interact
 * here (chip-to-chip instructions are a {@link HazardKind#LINK_UNCONNECTED} hazard); {@link SystemSimulator} runs
 * chips joined by links.
 */
public final class Simulator {
    private Simulator() {
    }

    /**
     * Runs the program.
     *
     * @throws IllegalArgumentException if the program breaks a static rule of {@link ProgramRules}
     * @throws HazardException          at the first schedule the hardware could not run
     */
    public static SimResult run(ChipSpec chip, Program program, SimOptions options) {
        ProgramRules.check(program, chip);
        List<ChipResult> results = new ArrayList<>();
        ChipSimulator.checkWatched(program, options.watches());
        for (ChipProgram cp : program.chips()) {
            // one chip at a time, each reading its own watches
            ChipSimulator s = new ChipSimulator(chip, program, cp, options.mode(), options.listener(), null, false,
                    false);
            s.watch(options.watches().stream().filter(w -> w.chip() == cp.chipId()).toList());
            results.add(s.run());
        }
        return new SimResult(chip, program, options.mode(), results, results.size(),
                results.stream().mapToLong(ChipResult::issues).sum());
    }
}
