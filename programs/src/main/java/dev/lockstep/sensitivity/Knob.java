// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sensitivity;

import dev.lockstep.isa.system.SystemSpec;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * A parameter the sensitivity run varies: where it lives, its source code in docs/model.md, its valid range (the
 * loader's) and why it is varied.
 *
 * @param scope  the description it belongs to
 * @param name   its dotted JSON key, e.g. {@code timing.mxm_install_cycles}
 * @param source its source code in docs/model.md (A, or D for one derived from a published total)
 * @param min    its least valid value
 * @param max    its greatest valid value
 * @param why    why it is varied
 * @param read   its value in a resolved system
 */
public record Knob(Scope scope, String name, String source, long min, long max, String why,
                   ToLongFunction<SystemSpec> read) {
    /** The description a parameter belongs to, and the command-line option that overrides it there. */
    public enum Scope {
        CHIP("--chip-param"),
        SYSTEM("--system-param");

        private final String option;

        Scope(String option) {
            this.option = option;
        }

        public String option() {
            return option;
        }
    }

    public Knob {
        Objects.requireNonNull(scope);
        Objects.requireNonNull(name);
        Objects.requireNonNull(read);
        if (min < 1 || max < min) {
            throw new IllegalArgumentException(name + ": range " + min + ".." + max);
        }
    }

    /** Its value in {@code system}. */
    public long valueIn(SystemSpec system) {
        return read.applyAsLong(system);
    }
}
