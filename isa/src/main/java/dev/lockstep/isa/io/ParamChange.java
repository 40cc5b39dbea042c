// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.io;

import com.fasterxml.jackson.databind.node.ValueNode;
import java.util.Objects;

/**
 * One parameter a {@link ParamOverrides} changed, for a report to echo: its value in the description as read and
 * its value after the override, both as the description's writer resolves them (so a timing parameter the file left
 * to its default shows that default). Jackson's value nodes are immutable.
 *
 * @param scope what was changed, e.g. "chip" or "system"
 * @param name  the dotted name, e.g. {@code links.latency_cycles}
 * @param from  the value as read (JSON null if the writer has no such key)
 * @param to    the value overridden
 */
public record ParamChange(String scope, String name, ValueNode from, ValueNode to) {
    public ParamChange {
        Objects.requireNonNull(scope);
        Objects.requireNonNull(name);
        Objects.requireNonNull(from);
        Objects.requireNonNull(to);
    }

    /** "chip links.latency_cycles = 300 (was 216)". */
    @Override
    public String toString() {
        return scope + " " + name + " = " + to.asText() + " (was " + from.asText() + ")";
    }
}
