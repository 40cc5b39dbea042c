// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.isa.io.ParamChange;
import dev.lockstep.validate.Figure;
import dev.lockstep.validate.Row;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The rows of {@code lockstep validate} as an aligned text table or as JSON. */
final class ValidationRenderer {
    private static final List<String> COLUMNS = List.of("figure", "published", "source", "simulated", "ratio", "band",
            "result", "kind", "note");

    private ValidationRenderer() {
    }

    static void text(List<Row> rows, List<ParamChange> changes, PrintWriter out) {
        ParamEcho.text(out, 6, changes);
        List<List<String>> cells = new ArrayList<>();
        cells.add(COLUMNS);
        for (Row r : rows) {
            Figure f = r.figure();
            cells.add(List.of(f.name(), f.shown(), f.source(), r.shown(), r.ratioText(), f.band().text(),
                    r.result().text(), f.kind().text(), r.note()));
        }
        int[] width = new int[COLUMNS.size() - 1];
        for (List<String> line : cells) {
            for (int c = 0; c < width.length; c++) {
                width[c] = Math.max(width[c], line.get(c).length());
            }
        }
        for (List<String> line : cells) {
            StringBuilder s = new StringBuilder();
            for (int c = 0; c < width.length; c++) {
                s.append(String.format("%-" + width[c] + "s  ", line.get(c)));
            }
            out.println(s.append(line.get(width.length)).toString().stripTrailing());
        }
    }

    static ObjectNode json(List<Row> rows, List<ParamChange> changes) {
        ObjectNode o = Outputs.json();
        ParamEcho.json(o, changes);
        ArrayNode a = o.putArray("rows");
        for (Row r : rows) {
            Figure f = r.figure();
            ObjectNode j = a.addObject();
            j.put("id", f.id());
            j.put("figure", f.name());
            j.put("published", f.published());
            j.put("unit", f.unit());
            j.put("published_text", f.shown());
            j.put("source", f.source());
            r.simulated().ifPresentOrElse(v -> j.put("simulated", v), () -> j.putNull("simulated"));
            j.put("simulated_text", r.shown());
            r.ratio().ifPresentOrElse(v -> j.put("ratio", v), () -> j.putNull("ratio"));
            j.put("band", f.band().text());
            j.put("result", r.result().text());
            j.put("kind", f.kind().text());
            j.put("note", r.note());
        }
        return o;
    }
}
