// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sensitivity;

import dev.lockstep.isa.io.ParamOverrides;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import java.util.ArrayList;
import java.util.List;

/** The baseline system with one parameter set to a value, read and validated as a description would be. */
@FunctionalInterface
public interface Variants {
    /** The system with {@code knob} at {@code value}. */
    SystemSpec with(Knob knob, long value);

    /**
     * Variants of the preset or file {@code nameOrPath} with the user's overrides {@code system} and {@code chip}
     * (as {@code --system-param} and {@code --chip-param} gave them); the varied parameter replaces an override of
     * the same name.
     */
    static Variants of(String nameOrPath, ParamOverrides system, ParamOverrides chip) {
        return (knob, value) -> {
            boolean isChip = knob.scope() == Knob.Scope.CHIP;
            ParamOverrides s = isChip ? system : with(system, Knob.Scope.SYSTEM, knob.name(), value);
            ParamOverrides c = isChip ? with(chip, Knob.Scope.CHIP, knob.name(), value) : chip;
            return SystemSpecs.presetOrFile(nameOrPath, s, c).spec();
        };
    }

    private static ParamOverrides with(ParamOverrides given, Knob.Scope scope, String name, long value) {
        List<ParamOverrides.Param> params = new ArrayList<>();
        for (ParamOverrides.Param p : given.params()) {
            if (!p.name().equals(name)) {
                params.add(p);
            }
        }
        params.add(new ParamOverrides.Param(name, Long.toString(value)));
        return new ParamOverrides(given.isEmpty() ? scope.option() : given.option(), params);
    }
}
