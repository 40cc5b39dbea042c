// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.io.Overridden;
import dev.lockstep.isa.io.ParamChange;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.sim.SystemSimulator;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --system PRESET|FILE}, {@code --threads N} and {@code --no-dedup} options. */
final class SystemOption {
    @Option(names = "--system", paramLabel = "PRESET|FILE",
            description = "Simulate on a system of chips joined by links: a preset (node-8, rack-72, "
                    + "tsp-256, tsp-576, tsp-1152, tsp-10440) or a JSON file (see 'lockstep topology'). Its chip "
                    + "replaces --chip.")
    String system;

    @Option(names = "--threads", paramLabel = "N",
            description = "Worker threads for a system (default: the machine's cores). Results do not depend on it.")
    Integer threads;

    @Option(names = "--no-dedup", description = "Simulate every chip even where another chip runs the identical "
            + "program, and every period of a repeated program (timing-only; for checking deduplication).")
    boolean noDedup;

    /**
     * What a command runs on: a chip, or a system and its chip, with {@code --chip-param} and
     * {@code --system-param} applied.
     *
     * @param chip    the chip (the system's, if there is one)
     * @param system  the system, or null when none was asked for
     * @param changes what the overrides changed, for the report
     */
    record Target(ChipSpec chip, SystemSpec system, List<ParamChange> changes) {
    }

    /** The chip of --chip, or the system of --system and its chip; the overrides applied. */
    Target target(ChipOption chip, ParamOptions params) {
        if (system == null) {
            if (threads != null || noDedup) {
                throw new InputException("--threads", 1, 1, "--threads and --no-dedup apply to a system; add "
                        + "--system PRESET|FILE");
            }
            if (!params.system.isEmpty()) {
                throw new InputException(ParamOptions.SYSTEM, 1, 1, ParamOptions.SYSTEM + " applies to a system; "
                        + "add --system PRESET|FILE, or set the chip's parameters with " + ParamOptions.CHIP);
            }
            Overridden<ChipSpec> c = chip.spec(params.chip());
            return new Target(c.spec(), null, c.changes());
        }
        Overridden<SystemSpec> s = params.applyTo(system);
        if (chip != null && !chip.chip.equals("tsp-v1") && !chip.chip.equals(s.spec().chip().name())) {
            throw new InputException(system, 1, 1, "--chip " + chip.chip + " differs from the system's chip "
                    + s.spec().chip().name() + "; drop --chip (the system names its chip)");
        }
        return new Target(s.spec().chip(), s.spec(), s.changes());
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
