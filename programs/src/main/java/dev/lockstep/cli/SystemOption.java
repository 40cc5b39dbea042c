// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.sim.SystemSimulator;
import picocli.CommandLine.Option;

/** The {@code --system PRESET|FILE}, {@code --threads N} and {@code --no-dedup} options. */
final class SystemOption {
    @Option(names = "--system", paramLabel = "PRESET|FILE",
            description = "Simulate on a system of chips joined by links: a preset (node-8, rack-72, tsp-256, "
                    + "tsp-576) or a JSON file (see 'lockstep topology'). Its chip replaces --chip.")
    String system;

    @Option(names = "--threads", paramLabel = "N",
            description = "Worker threads for a system (default: the machine's cores). Results do not depend on it.")
    Integer threads;

    @Option(names = "--no-dedup", description = "Simulate every chip even where another chip runs the identical "
            + "program (timing-only; for checking deduplication).")
    boolean noDedup;

    /** The system, or null when none was asked for. */
    SystemSpec spec(ChipOption chip) {
        if (system == null) {
            if (threads != null || noDedup) {
                throw new InputException("--threads", 1, 1, "--threads and --no-dedup apply to a system; add "
                        + "--system PRESET|FILE");
            }
            return null;
        }
        SystemSpec s = SystemSpecs.presetOrFile(system);
        if (chip != null && !chip.chip.equals("tsp-v1") && !chip.chip.equals(s.chip().name())) {
            throw new InputException(system, 1, 1, "--chip " + chip.chip + " differs from the system's chip "
                    + s.chip().name() + "; drop --chip (the system names its chip)");
        }
        return s;
    }

    /** The chip: the system's when there is one, else --chip's. */
    ChipSpec chip(ChipOption chip) {
        SystemSpec s = spec(chip);
        return s == null ? chip.spec() : s.chip();
    }

    int threads() {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1 || t > 1024) {
            throw new InputException("--threads", 1, 1, "--threads must be 1..1024, got " + t);
        }
        return t;
    }

    SystemSimulator.Parallelism parallelism() {
        return new SystemSimulator.Parallelism(threads(), !noDedup);
    }
}
