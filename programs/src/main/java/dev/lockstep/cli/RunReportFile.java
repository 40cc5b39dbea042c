// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.cost.Served;
import dev.lockstep.isa.io.LocatedJson;
import dev.lockstep.isa.io.SourceFiles;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/** A run's JSON report ({@code lockstep run --json}) read back for {@code tco}, with located errors. */
final class RunReportFile {
    private RunReportFile() {
    }

    static Served read(Path file) {
        LocatedJson doc = LocatedJson.parse(file.toString(), SourceFiles.readBytes(file));
        String where = "a run report (lockstep run --json)";
        ObjectNode root = doc.object(doc.root(), where);
        String model = doc.text(doc.member(root, "model", where), "model");
        String system = doc.text(doc.member(root, "system", where), "system");
        String chip = doc.text(doc.member(root, "chip", where), "chip");
        int chips = (int) doc.integer(doc.member(root, "chips", where), "chips", 1, 1 << 20);
        if (root.has("power") && root.get("power").has("chips_powered")) {
            // every chip of the servers the run used a chip of
            chips = (int) doc.integer(root.get("power").get("chips_powered"), "power.chips_powered", chips, 1 << 20);
        }
        int batch = (int) doc.integer(doc.member(root, "batch", where), "batch", 1, 1 << 20);
        int pipelines = root.has("pipelines") ? (int) doc.integer(root.get("pipelines"), "pipelines", 1, 1 << 20)
                : 1;
        double perUser = doc.positive(doc.member(root, "tokens_per_second_per_user", where),
                "tokens_per_second_per_user");
        String speculative = "";
        if (root.has("speculative")) {
            // a speculative run: priced at its expected speed, the draft's servers bought too (no power is simulated)
            String w = "speculative";
            ObjectNode spec = doc.object(root.get(w), w);
            perUser = doc.positive(doc.member(spec, "tokens_per_second_per_user", w),
                    "speculative.tokens_per_second_per_user");
            chips = (int) doc.integer(doc.member(spec, "chips_bought", w), "speculative.chips_bought", 1, 1 << 20);
            ObjectNode draft = doc.object(doc.member(spec, "draft", w), "speculative.draft");
            long tokens = doc.integer(doc.member(spec, "draft_tokens", w), "speculative.draft_tokens", 1, 16);
            String draftModel = doc.text(doc.member(draft, "model", "speculative.draft"),
                    "speculative.draft.model");
            long draftChips = doc.integer(doc.member(draft, "chips", "speculative.draft"), "speculative.draft.chips",
                    1, 1 << 20);
            JsonNode acceptance = doc.member(spec, "acceptance", w);
            speculative = String.format(Locale.ROOT, ", speculating %d tokens a step with %s on %d chips of its own at "
                    + "an assumed acceptance of %s", tokens, draftModel, draftChips, acceptance.asText());
        }
        Optional<Double> ttft = Optional.empty();
        int prompt = 0;
        if (root.has("prefill")) {
            ttft = Optional.of(doc.positive(doc.member(root, "time_to_first_token_s", where),
                    "time_to_first_token_s"));
            ObjectNode prefill = doc.object(root.get("prefill"), "prefill");
            prompt = (int) doc.integer(doc.member(prefill, "prompt_tokens", "prefill"), "prompt_tokens", 1, 1 << 20);
        }
        OptionalDouble kw = OptionalDouble.empty();
        if (root.has("power")) {
            ObjectNode power = doc.object(root.get("power"), "power");
            JsonNode k = doc.member(power, "system_kw", "power");
            kw = OptionalDouble.of(doc.positive(k, "power.system_kw"));
        }
        String what = model + " on " + chips + " chips of " + system + ", batch " + batch
                + (pipelines > 1 ? " x " + pipelines + " pipelines" : "") + speculative;
        return new Served(what, chip, chips, batch * pipelines, perUser, ttft, prompt, kw);
    }
}
