// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.io.Overridden;
import dev.lockstep.isa.io.ParamOverrides;
import picocli.CommandLine.Option;

/** The {@code --chip PRESET|FILE} option shared by commands that read or write programs. */
final class ChipOption {
    @Option(names = "--chip", paramLabel = "PRESET|FILE", defaultValue = "tsp-v1",
            description = "Chip description: a preset (tsp-v1) or a JSON file (see 'lockstep chip'). "
                    + "Default: ${DEFAULT-VALUE}.")
    String chip;

    ChipSpec spec() {
        return ChipSpecs.presetOrFile(chip);
    }

    /** The chip with {@code overrides} applied. */
    Overridden<ChipSpec> spec(ParamOverrides overrides) {
        return ChipSpecs.presetOrFile(chip, overrides);
    }
}
