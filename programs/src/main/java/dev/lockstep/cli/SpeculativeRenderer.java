// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lockstep.run.DecodeReport;
import dev.lockstep.cost.Served;
import dev.lockstep.run.SpeculativeReport;
import dev.lockstep.sim.TraceHash;
import java.io.PrintWriter;

/**
 * A speculative run's part of {@code lockstep run}'s report ({@code --speculate}), as JSON (the object
 * "speculative") and as text lines after the plain report's.
 */
final class SpeculativeRenderer {
    private SpeculativeRenderer() {
    }

    /** Puts the object "speculative" into {@code o}, the plain run's report. */
    static void json(SpeculativeReport s, ObjectNode o) {
        ObjectNode j = o.putObject("speculative");
        j.put("draft_tokens", s.request().tokens());
        j.put("acceptance", s.request().acceptance());
        j.put("expected_tokens_per_step", s.expectedTokensPerStep());
        j.put("step_cycles", s.stepCycles());
        j.put("tokens_per_second_per_user", s.tokensPerSecondPerUser());
        j.put("tokens_per_second_total", s.tokensPerSecondTotal());
        j.put("speed_up", s.speedUp());
        j.put("handoff_cycles", s.handoffCycles());
        j.put("wall_seconds", s.wallSeconds());
        ObjectNode d = j.putObject("draft");
        d.put("model", s.draft().request().model().name());
        d.put("chips", s.draft().decodePlan().chips());
        d.put("cycles_per_token", s.draft().cyclesPerToken());
        d.put("cycles_per_step", s.draftCycles());
        d.put("trace_hash", TraceHash.hex(s.draft().sim().traceHash()));
        ObjectNode v = j.putObject("verify");
        v.put("rows", s.request().tokens() + 1);
        v.put("cycles_per_step", s.verify().cyclesPerToken());
        v.put("bound_cycles_per_step", s.verify().built().breakdown().boundCycles());
        DecodeReportRenderer.timeBreakdown(v.putObject("time_breakdown"), s.verify().timeShares());
        v.put("trace_hash", TraceHash.hex(s.verify().sim().traceHash()));
        // the servers bought: the target's (every node it uses a chip of) and whole nodes for the draft's chips (it
        // is timed on chips of its own, which the system does not yet place: docs/model.md)
        int perNode = s.plain().request().system().chipsPerNode();
        int draftChips = s.draft().decodePlan().chips();
        j.put("chips_bought", Served.chipsBought(s.plain()) + (draftChips + perNode - 1) / perNode * perNode);
        // the draft's chips are in use, not idle
        ObjectNode partition = (ObjectNode) o.get("partition");
        partition.put("idle_chips", partition.get("idle_chips").asInt() - s.draft().decodePlan().chips());
    }

    /** Text lines after the plain report's. */
    static void text(SpeculativeReport s, PrintWriter out) {
        int k = s.request().tokens();
        DecodeReport.TimeShares v = s.verify().timeShares();
        DecodeReport.TimeShares p = s.plain().timeShares();
        out.printf("speculative      %d draft tokens a step from %s on %d chips; acceptance %.2f a token (assumed, "
                        + "not simulated): %.2f tokens a step expected%n", k, s.draft().request().model().name(),
                s.draft().decodePlan().chips(), s.request().acceptance(), s.expectedTokensPerStep());
        out.printf("  step           %d cycles: draft %d x %d, verify %d (%d rows through every layer and the "
                        + "head), hand-offs 2 x %d (a hop each way)%n", s.stepCycles(), k, s.draft().cyclesPerToken(),
                s.verify().cyclesPerToken(), k + 1, s.handoffCycles());
        out.printf("  per user       %.1f tokens/s (plain decoding on the same %d target chips: %.1f; %.2fx), total "
                        + "%.1f%n", s.tokensPerSecondPerUser(), s.plain().decodePlan().chips(),
                s.plain().tokensPerSecondPerUser(), s.speedUp(), s.tokensPerSecondTotal());
        out.printf("  verify step    %.2fx a plain token's cycles for %d rows; compute %.1f%%, links %.1f%% (plain: "
                        + "%.1f%%, %.1f%%)%n", (double) s.verify().cyclesPerToken() / s.plain().cyclesPerToken(),
                k + 1, 100 * v.compute(), 100 * v.links(), 100 * p.compute(), 100 * p.links());
        out.printf("  wall time      %.1f s for the three runs (the plain one's above)%n", s.wallSeconds());
    }
}
