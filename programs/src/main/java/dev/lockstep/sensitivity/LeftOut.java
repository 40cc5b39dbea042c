// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sensitivity;

import java.util.List;

/**
 * Parameters the sensitivity run does not vary, and why.
 *
 * @param scope the description they belong to
 * @param names their dotted JSON keys
 * @param why   why they are left out
 */
public record LeftOut(Knob.Scope scope, List<String> names, String why) {
    public LeftOut {
        names = List.copyOf(names);
    }
}
