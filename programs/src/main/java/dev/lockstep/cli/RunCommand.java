// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code lockstep run}: the main job, Mixtral-8x7B on 576 chips. Not built yet: it needs the multi-chip model
 * (links, topology, parallel simulation) and a compiler for whole models (issues 4 to 6). Until then it says so and
 * exits 1, so that no script mistakes it for a result.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Simulate Mixtral-8x7B served on 576 chips and report tokens/s per user (not available yet: "
                + "see README, 'Status').")
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("lockstep run: not available yet. The Mixtral-8x7B simulation needs a "
                + "compiler for whole models and the multi-chip model (links, topology, parallel simulation), which "
                + "are not built yet (README, 'Status'). What works today: 'lockstep sim', 'lockstep compile', "
                + "'lockstep asm', 'lockstep disasm', 'lockstep isa', 'lockstep chip'.");
        return 1;
    }
}
