// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.isa.io.ParamChange;
import java.io.PrintWriter;
import java.util.List;

/**
 * The parameters a run changed ({@code --chip-param}, {@code --system-param}), echoed in its report in the order
 * given: nothing at all when none was, so that a report without overrides is the one it always was.
 */
final class ParamEcho {
    private ParamEcho() {
    }

    /** Adds {@code "params": [{"scope", "name", "from", "to"}, ...]} to {@code o}, if anything changed. */
    static void json(ObjectNode o, List<ParamChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        ArrayNode a = o.putArray("params");
        for (ParamChange c : changes) {
            ObjectNode p = a.addObject();
            p.put("scope", c.scope());
            p.put("name", c.name());
            p.set("from", c.from());
            p.set("to", c.to());
        }
    }

    /** One line per change, "param" padded to {@code width} like the labels of the report's other lines. */
    static void text(PrintWriter out, int width, List<ParamChange> changes) {
        for (ParamChange c : changes) {
            out.printf("%-" + width + "s%s%n", "param", c);
        }
    }
}
