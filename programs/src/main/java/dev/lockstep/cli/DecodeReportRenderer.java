// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.model.DecodeBuilder;
import dev.lockstep.compiler.model.DecodePlan;
import dev.lockstep.compiler.model.MoeDispatch;
import dev.lockstep.isa.Unit;
import dev.lockstep.isa.io.ParamChange;
import dev.lockstep.run.DecodeReport;
import dev.lockstep.run.DecodeRequest;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.TraceHash;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** {@code lockstep run}'s report as JSON (fields in docs/model.md) and as text, both from the report record. */
final class DecodeReportRenderer {
    private DecodeReportRenderer() {
    }

    /** A token's (or step's) time shares as the JSON object "time_breakdown". */
    static void timeBreakdown(ObjectNode b, DecodeReport.TimeShares shares) {
        b.put("compute", shares.compute());
        b.put("on_chip_data_movement", shares.onChip());
        b.put("links", shares.links());
        b.put("waiting", shares.waiting());
    }

    /** The report as JSON; {@code changes} (--chip-param, --system-param) as "params", if any. */
    static ObjectNode json(DecodeReport rep, List<ParamChange> changes) {
        DecodeRequest req = rep.request();
        ModelConfig m = req.model();
        DecodePlan plan = rep.decodePlan();
        DecodeBuilder.Result built = rep.built();
        SimResult r = rep.sim();
        ObjectNode o = Outputs.json();
        o.put("model", m.name());
        o.put("system", req.system().name());
        o.put("chip", req.system().chip().name());
        ParamEcho.json(o, changes);
        o.put("chips", rep.chipsUsed());
        o.put("chips_minimum", rep.planSearch().minimal().chips());
        if (req.pipelines() > 1) {
            o.put("pipelines", req.pipelines());
            o.put("chips_per_pipeline", plan.chips());
            o.put("sequences_in_flight", req.batch() * req.pipelines());
        }
        o.put("batch", req.batch());
        o.put("context_tokens", req.context());
        o.put("weights", req.weights().text());
        o.put("clock_hz", req.system().chip().clockHz());
        o.put("cycles_per_token", rep.cyclesPerToken());
        o.put("tokens_per_second_per_user", rep.tokensPerSecondPerUser());
        o.put("tokens_per_second_total", rep.tokensPerSecondTotal());
        rep.prefill().ifPresent(p -> {
            o.put("time_to_first_token_s", rep.timeToFirstTokenSeconds().orElseThrow());
            ObjectNode pj = o.putObject("prefill");
            DecodeBuilder.PrefillTiming t = p.timing();
            pj.put("prompt_tokens", t.promptTokens());
            pj.put("chunk_rows", t.chunkRows());
            if (!p.refused().isEmpty()) {
                ArrayNode refused = pj.putArray("chunk_rows_refused");
                p.refused().forEach(c -> refused.addObject().put("rows", c.rows()).put("why", c.why()));
            }
            pj.put("chunks", t.chunks());
            pj.put("interval_cycles", t.intervalCycles());
            pj.put("chunk_latency_cycles", t.firstLatencyCycles());
            pj.put("longest_chunk_latency_cycles", t.longestLatencyCycles());
            pj.put("exact", t.exact());
            pj.put("first_token_cycles", t.firstTokenCycle());
            pj.put("simulated_cycles", p.sim().cycles());
            pj.put("simulated_instructions", p.sim().instructions());
            pj.put("instructions_simulated_in_full", p.sim().instructionsRun());
            pj.put("chip_cycles_simulated_in_full", p.sim().chipCyclesRun());
            pj.put("instructions_stored", p.storedInstructions());
            pj.put("seconds", p.seconds());
            pj.put("compile_seconds", p.compileSeconds());
            pj.put("simulate_seconds", p.simulateSeconds());
            pj.put("trace_hash", TraceHash.hex(p.sim().traceHash()));
        });
        o.put("bound_tokens_per_second_per_user", rep.boundTokensPerSecondPerUser());
        o.put("bound_cycles_per_token", built.breakdown().boundCycles());
        o.put("first_token_cycles", built.timeline().firstTokenCycles());
        o.put("stagger_cycles", built.timeline().staggerCycles());
        o.put("longest_token_cycles", built.timeline().longestTokenCycles());
        o.put("steady_state_exact", built.steadyStateExact());
        o.put("sram_bytes_per_chip_max", built.footprint().maxSramBytes());
        o.put("program_bytes_per_chip_max", built.footprint().maxProgramBytes());
        o.put("sram_bytes_per_chip", DecodePlan.capacity(req.system().chip()));
        ObjectNode u = o.putObject("unit_utilization");
        for (Map.Entry<Unit, Double> e : r.unitUtilization().entrySet()) {
            if (e.getKey() != Unit.ICU) {
                u.put(e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
            }
        }
        DecodeReport.TimeShares shares = rep.timeShares();
        timeBreakdown(o.putObject("time_breakdown"), shares);
        if (m.moe()) {
            // all: every expert computed, the router's weights (zero for experts not chosen) scale the results;
            // chosen: top-k experts' slices read at addresses the router's index sets; either schedule holds for
            // any choice of experts
            ObjectNode moe = o.putObject("moe");
            moe.put("dispatch", rep.request().dispatch().text());
            moe.put("experts", m.experts());
            moe.put("experts_per_token", m.expertsPerToken());
            moe.put("experts_computed_per_token", rep.expertsComputedPerToken());
            moe.put("expert_work_discarded", rep.expertWorkDiscarded());
            moe.put("experts_per_chip_max", rep.expertsPerChip());
        }
        // V products over half the cached tokens each, where the whole one did not pack into one half of a chip
        o.put("v_products_split", built.footprint().splitVProducts());
        ObjectNode p = o.putObject("partition");
        p.put("embedding_chips", plan.embeddingChips());
        p.put("chips_per_layer", plan.chipsPerLayer());
        p.put("attention_chips_per_layer", plan.attentionChips());
        p.put("head_chips", plan.headChips());
        p.put("idle_chips", req.system().chips() - rep.chipsUsed());
        o.put("simulated_cycles", r.cycles());
        o.put("simulated_instructions", r.instructions());
        o.put("chips_simulated_in_full", r.chipsRun());
        o.put("instructions_simulated_in_full", r.instructionsRun());
        o.put("chip_cycles_simulated_in_full", r.chipCyclesRun());
        // which chips ran in full, and for each the chips that took its result (identical up to time and links)
        ObjectNode groups = o.putObject("deduplication");
        TreeMap<Integer, List<Integer>> byRep = new TreeMap<>();
        for (int c : r.chipIds()) {
            byRep.computeIfAbsent(r.simulatedAs(c), x -> new ArrayList<>()).add(c);
        }
        byRep.forEach((chip, members) -> {
            var a = groups.putArray(String.valueOf(chip));
            members.forEach(a::add);
        });
        o.put("compile_seconds", rep.wall().compileSeconds());
        o.put("simulate_seconds", rep.wall().simulateSeconds());
        o.put("wall_seconds", rep.wall().wallSeconds());
        o.put("other_seconds", rep.otherWallSeconds());
        o.put("simulated_instructions_per_second", rep.simulatedInstructionsPerSecond());
        o.put("simulated_chip_cycles_per_second", rep.simulatedChipCyclesPerSecond());
        o.put("threads", req.threads());
        o.put("trace_hash", TraceHash.hex(r.traceHash()));
        return o;
    }

    static void text(DecodeReport rep, List<ParamChange> changes, PrintWriter out) {
        DecodeRequest req = rep.request();
        ModelConfig m = req.model();
        DecodePlan plan = rep.decodePlan();
        DecodeBuilder.Result built = rep.built();
        SimResult r = rep.sim();
        double clock = rep.clockHz();
        out.printf("model            %s, %s weights, batch %d, context %d%n", m.name(), req.weights().text(),
                req.batch(), req.context());
        out.printf("system           %s: %d chips used (fewest that hold it: %d)%n", req.system().name(),
                rep.chipsUsed(), rep.planSearch().minimal().chips());
        ParamEcho.text(out, 17, changes);
        if (req.pipelines() > 1) {
            out.printf("pipelines        %d side by side, %d chips and %d sequences each (%d in flight in all); the "
                            + "figures per user are the slowest pipeline's%n", req.pipelines(), plan.chips(),
                    req.batch(), req.batch() * req.pipelines());
        }
        out.printf("partition        %sembedding %d chips, %d layers x %d chips (attention on %d), LM head %d%n",
                req.pipelines() > 1 ? "each pipeline: " : "", plan.embeddingChips(), m.layers(),
                plan.chipsPerLayer(), plan.attentionChips(), plan.headChips());
        out.printf("per user         %.1f tokens/s (%d cycles per token at %.0f MHz)%n", rep.tokensPerSecondPerUser(),
                rep.cyclesPerToken(), clock / 1e6);
        out.printf("total            %.1f tokens/s%n", rep.tokensPerSecondTotal());
        if (!built.steadyStateExact()) {
            out.printf("note             tokens collide on some chips (longest token %d cycles, first %d): the "
                    + "figures above use the slowest%n", built.timeline().longestTokenCycles(),
                    built.timeline().firstTokenCycles());
        }
        rep.prefill().ifPresent(p -> {
            DecodeBuilder.PrefillTiming t = p.timing();
            out.printf("first token      %.1f ms after a %d-token prompt (prefill in chunks of %d tokens: one "
                            + "enters every %d cycles, each takes %d to leave the last layer)%s%n",
                    1e3 * t.firstTokenCycle() / clock, t.promptTokens(), t.chunkRows(), t.intervalCycles(),
                    t.firstLatencyCycles(), t.exact() ? "" : "; some chunks waited, the longest took "
                            + t.longestLatencyCycles());
            if (!p.refused().isEmpty()) {
                out.printf("note             prefill in chunks of %d rows, as chunks of %s did not compile "
                        + "(--prefill-chunk asks for a size): %s%n", t.chunkRows(), p.refused().stream()
                        .map(c -> String.valueOf(c.rows())).collect(Collectors.joining(" and ")),
                        p.refused().get(0).why());
            }
        });
        out.printf("bound            %.1f tokens/s per user (kernel lower bounds + link latencies on the "
                + "critical path)%n", rep.boundTokensPerSecondPerUser());
        DecodeReport.TimeShares s = rep.timeShares();
        out.printf("time of a token  compute %.1f%%, on-chip moves %.1f%%, links %.1f%%, waiting %.1f%%%n",
                100 * s.compute(), 100 * s.onChip(), 100 * s.links(), 100 * s.waiting());
        if (m.moe() && req.dispatch() == MoeDispatch.CHOSEN) {
            out.printf("experts          %d of %d streamed for every token, those the router chose (each chip holds "
                    + "a slice of every expert and reads the chosen ones' at addresses the router's index sets): "
                    + "no expert work discarded%n", m.expertsPerToken(), m.experts());
        } else if (m.moe()) {
            int perChip = rep.expertsPerChip();
            out.printf("experts          all %d computed for every token, %d used: %.0f%% of expert work "
                    + "discarded; %s (--moe-dispatch chosen streams only the %d chosen)%n", m.experts(),
                    m.expertsPerToken(), 100 * rep.expertWorkDiscarded(), perChip == 1
                            ? "each chip streams its expert's columns for every token"
                            : "chips hold columns of up to " + perChip + " experts and stream them in turn",
                    m.expertsPerToken());
        }
        if (built.footprint().splitVProducts() > 0) {
            out.printf("note             %d V-cache products split in two halves of the cached tokens (the "
                    + "whole did not pack into one half of its chip)%n", built.footprint().splitVProducts());
        }
        out.printf("sram per chip    %.1f MB of %.1f MB at most%n", built.footprint().maxSramBytes() / 1e6,
                DecodePlan.capacity(req.system().chip()) / 1e6);
        out.printf("utilisation      %s%n", String.join("  ", r.unitUtilization().entrySet().stream()
                .filter(e -> e.getKey() != Unit.ICU).map(e -> String.format("%s %.1f%%",
                        e.getKey().name().toLowerCase(Locale.ROOT), 100 * e.getValue())).toList()));
        out.printf("simulated        %d cycles, %d instructions on %d chips (%d chip programs run in full, "
                + "the rest identical)%n", r.cycles(), r.instructions(), r.chipIds().size(), r.chipsRun());
        String prefillWall = rep.prefill().map(p -> String.format(Locale.ROOT, "prefill compile %.1f s, simulate "
                + "%.1f s at %.2f M instructions/s and %.2f M chip-cycles/s; ", p.compileSeconds(), p.simulateSeconds(),
                perSecond(p.sim().instructionsRun(), p.simulateSeconds()) / 1e6,
                perSecond(p.sim().chipCyclesRun(), p.simulateSeconds()) / 1e6)).orElse("");
        out.printf("wall time        %.1f s (%scompile %.1f s, simulate %.1f s at %.2f M instructions/s and %.2f M "
                        + "chip-cycles/s, the rest %.1f s; %d threads)%n", rep.wall().wallSeconds(), prefillWall,
                rep.wall().compileSeconds(), rep.wall().simulateSeconds(), rep.simulatedInstructionsPerSecond() / 1e6,
                rep.simulatedChipCyclesPerSecond() / 1e6, rep.otherWallSeconds(), req.threads());
        out.printf("trace hash       %s%n", TraceHash.hex(r.traceHash()));
    }

    private static double perSecond(long count, double seconds) {
        return seconds > 0 ? count / seconds : 0;
    }
}
