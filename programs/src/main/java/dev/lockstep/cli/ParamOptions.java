// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.isa.io.Overridden;
import dev.lockstep.isa.io.ParamOverrides;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The what-if options {@code --chip-param NAME=VALUE} and {@code --system-param NAME=VALUE} (run, compile, sim). */
final class ParamOptions {
    static final String CHIP = "--chip-param";
    static final String SYSTEM = "--system-param";

    @Option(names = CHIP, paramLabel = "NAME=VALUE", description = "Override a parameter of the chip description "
            + "(of a --system's chip too): NAME is its dotted JSON key, e.g. clock_hz, mxm.fp16_k, "
            + "links.latency_cycles, timing.mxm_install_cycles (see 'lockstep chip', 'lockstep isa --timing'). "
            + "Checked as the file's value would be. Repeatable; each NAME once.")
    List<String> chip = new ArrayList<>();

    @Option(names = SYSTEM, paramLabel = "NAME=VALUE", description = "Override a parameter of the system "
            + "description by its dotted JSON key, e.g. racks, chips_per_node, latency_cycles.local (docs/model.md). "
            + "Repeatable; each NAME once.")
    List<String> system = new ArrayList<>();

    ParamOverrides chip() {
        return ParamOverrides.parse(CHIP, chip);
    }

    ParamOverrides system() {
        return ParamOverrides.parse(SYSTEM, system);
    }

    /** The system {@code nameOrPath} with both kinds of override applied. */
    Overridden<SystemSpec> applyTo(String nameOrPath) {
        return SystemSpecs.presetOrFile(nameOrPath, system(), chip());
    }
}
