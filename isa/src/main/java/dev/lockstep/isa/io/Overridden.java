// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.io;

import java.util.List;
import java.util.Objects;

/**
 * A description read with {@link ParamOverrides} applied, and what they changed.
 *
 * @param spec    the description, validated with the overrides in place
 * @param changes one per override, in the order given (empty when none was)
 * @param <T>     the kind of description
 */
public record Overridden<T>(T spec, List<ParamChange> changes) {
    public Overridden {
        Objects.requireNonNull(spec);
        changes = List.copyOf(changes);
    }
}
