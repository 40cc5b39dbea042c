// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.isa.io.ParamChange;
import dev.lockstep.run.DecodeRequest;
import dev.lockstep.sensitivity.Knob;
import dev.lockstep.sensitivity.Knobs;
import dev.lockstep.sensitivity.LeftOut;
import dev.lockstep.sensitivity.Outcome;
import dev.lockstep.sensitivity.SensitivityReport;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code lockstep sensitivity}'s report as a table and as JSON, both from the report record and nothing else that
 * varies (no wall times: those go to stderr), so that both are the same on every machine and thread count.
 */
final class SensitivityRenderer {
    private static final int LABEL = 17;

    private SensitivityRenderer() {
    }

    static void text(SensitivityReport rep, List<ParamChange> changes, PrintWriter out) {
        DecodeRequest req = rep.base();
        Outcome b = rep.baseline();
        line(out, "model", req.model().name() + ", " + req.weights().text() + " weights, batch " + req.batch()
                + ", context " + req.context());
        line(out, "system", req.system().name() + ": " + rep.chips() + " chips used");
        ParamEcho.text(out, LABEL, changes);
        line(out, "baseline", String.format(Locale.ROOT, "%.1f tokens/s per user (%d cycles per token)",
                b.tokensPerSecondPerUser(), b.cyclesPerToken()));
        line(out, "varied", rep.rows().size() + " parameters, each halved and doubled: " + rep.runs()
                + " distinct runs, the baseline included; largest swing first");
        out.println();
        int w = rep.rows().stream().mapToInt(r -> r.knob().name().length()).max().orElse(0);
        String name = "%-" + Math.max(w, "parameter".length()) + "s";
        String head = name + " %-3s %9s %9s %10s %8s %9s %10s %8s %8s  note%n";
        out.printf(Locale.ROOT, head, "parameter", "src", "baseline", "halved", "tokens/s", "change", "doubled",
                "tokens/s", "change", "swing");
        for (SensitivityReport.Row r : rep.rows()) {
            SensitivityReport.Point h = r.halved();
            SensitivityReport.Point d = r.doubled();
            String row = String.format(Locale.ROOT, name + " %-3s %9d %9d %10.1f %+7.1f%% %9d %10.1f %+7.1f%% %8.1f  %s",
                    r.knob().name(), r.knob().source(), r.baselineValue(), h.setting().value(),
                    h.outcome().tokensPerSecondPerUser(), 100 * h.change(b), d.setting().value(),
                    d.outcome().tokensPerSecondPerUser(), 100 * d.change(b), r.swing(b), note(r));
            out.println(row.stripTrailing());
        }
        out.println();
        for (LeftOut l : Knobs.LEFT_OUT) {
            line(out, "left out", l.scope().name().toLowerCase(Locale.ROOT) + " " + String.join(", ", l.names())
                    + ": " + l.why());
        }
    }

    private static void line(PrintWriter out, String label, String text) {
        out.printf("%-" + LABEL + "s%s%n", label, text);
    }

    private static String note(SensitivityReport.Row r) {
        List<String> notes = new ArrayList<>();
        r.halved().setting().note().ifPresent(n -> notes.add("halved: " + n));
        r.doubled().setting().note().ifPresent(n -> notes.add("doubled: " + n));
        return String.join("; ", notes);
    }

    static ObjectNode json(SensitivityReport rep, List<ParamChange> changes) {
        DecodeRequest req = rep.base();
        Outcome b = rep.baseline();
        ObjectNode o = Outputs.json();
        o.put("model", req.model().name());
        o.put("system", req.system().name());
        ParamEcho.json(o, changes);
        o.put("chips", rep.chips());
        o.put("batch", req.batch());
        o.put("context_tokens", req.context());
        o.put("weights", req.weights().text());
        o.put("clock_hz", req.system().chip().clockHz());
        outcome(o.putObject("baseline"), b);
        o.put("runs", rep.runs());
        ArrayNode rows = o.putArray("rows");
        for (SensitivityReport.Row r : rep.rows()) {
            ObjectNode j = rows.addObject();
            Knob k = r.knob();
            j.put("parameter", k.name());
            j.put("scope", k.scope().name().toLowerCase(Locale.ROOT));
            j.put("option", k.scope().option());
            j.put("source", k.source());
            j.put("why", k.why());
            j.put("baseline_value", r.baselineValue());
            point(j.putObject("halved"), r.halved(), b);
            point(j.putObject("doubled"), r.doubled(), b);
            j.put("swing_tokens_per_second_per_user", r.swing(b));
        }
        ArrayNode left = o.putArray("left_out");
        for (LeftOut l : Knobs.LEFT_OUT) {
            ObjectNode j = left.addObject();
            j.put("scope", l.scope().name().toLowerCase(Locale.ROOT));
            l.names().forEach(j.putArray("parameters")::add);
            j.put("why", l.why());
        }
        return o;
    }

    private static void point(ObjectNode j, SensitivityReport.Point p, Outcome baseline) {
        j.put("value", p.setting().value());
        p.setting().note().ifPresent(n -> j.put("note", n));
        outcome(j, p.outcome());
        j.put("change", p.change(baseline));
    }

    private static void outcome(ObjectNode j, Outcome o) {
        j.put("cycles_per_token", o.cyclesPerToken());
        j.put("tokens_per_second_per_user", o.tokensPerSecondPerUser());
    }
}
