// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.ModelConfigs;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.SystemSimulator;
import dev.lockstep.sim.TraceHash;
import org.junit.jupiter.api.Test;

/**
 * The timing-only lowering of a small Mixtral (2 layers, 4 experts, hidden 640) over 24 chips of rack-72, pinned
 * exactly: the compiler's prediction, the simulator's agreement to the cycle, and the figures `lockstep run` reports
 * for it (the same as programs' golden/figures.json, run-tiny-mixtral-prefill).
 */
class DecodeBuilderTest {
    private static final ModelConfig TINY = ModelConfigs.presetOrFile("src/test/resources/models/tiny-mixtral.json");
    private static final SystemSpec RACK = SystemSpecs.presetOrFile("rack-72");

    private static DecodePlan plan() {
        return DecodePlan.forChips(TINY, Precision.FP16, 3, 4096, RACK.chip(), 24, RACK.chipsPerNode());
    }

    private static SimResult simulate(dev.lockstep.isa.program.Program program) {
        return SystemSimulator.run(RACK, program, SimOptions.timingOnly(), new SystemSimulator.Parallelism(1, true));
    }

    @Test
    void decodeIsPredictedToTheCycleAndPinned() {
        DecodePlan plan = plan();
        assertThat(plan.embeddingChips()).isEqualTo(1);
        assertThat(plan.chipsPerLayer()).isEqualTo(11);
        assertThat(plan.attentionChips()).isEqualTo(1);
        assertThat(plan.headChips()).isEqualTo(1);
        DecodeBuilder.Result built = DecodeBuilder.build(plan, RACK, line -> { });
        SimResult r = simulate(built.program());
        assertThat(r.cycles()).isEqualTo(built.predictedEnd()).isEqualTo(42_043);
        assertThat(built.cyclesPerToken()).isEqualTo(22_158);
        assertThat(built.timeline().firstTokenCycles()).isEqualTo(19_885);
        assertThat(built.breakdown().boundCycles()).isEqualTo(8_356);
        assertThat(built.footprint().maxSramBytes()).isEqualTo(29_593_600);
        assertThat(TraceHash.hex(r.traceHash())).isEqualTo("a79518e2f92e1453");
        // the compute and link cycles of the first token cover it: nothing waits in a one-token pipeline
        DecodeBuilder.Breakdown b = built.breakdown();
        assertThat(b.computeCycles() + b.linkCycles()).isEqualTo(built.timeline().firstTokenCycles());
    }

    @Test
    void prefillChunksArePredictedToTheCycleAndPinned() {
        DecodeBuilder.Prefill built = DecodeBuilder.prefill(plan(), RACK, 6, 4, line -> { });
        SimResult r = simulate(built.program());
        DecodeBuilder.PrefillTiming p = built.timing();
        assertThat(r.cycles()).isEqualTo(p.predictedEndCycle()).isEqualTo(48_147);
        assertThat(p.chunks()).isEqualTo(2);
        assertThat(p.chunkRows()).isEqualTo(4);
        assertThat(p.intervalCycles()).isEqualTo(8_764);
        assertThat(p.firstLatencyCycles()).isEqualTo(33_686);
        assertThat(p.longestLatencyCycles()).isEqualTo(37_794);
        assertThat(p.firstTokenCycle()).isEqualTo(47_415);
        assertThat(TraceHash.hex(r.traceHash())).isEqualTo("0f3dbdd7f8915fa2");
    }

    @Test
    void aPlanLargerThanTheSystemIsRefused() {
        DecodePlan plan = DecodePlan.forChips(TINY, Precision.FP16, 3, 4096, RACK.chip(), 72, RACK.chipsPerNode());
        SystemSpec node = SystemSpecs.presetOrFile("node-8");
        assertThatThrownBy(() -> DecodeBuilder.build(plan, node, line -> { }))
                .hasMessageContaining("the plan needs " + plan.chips() + " chips; node-8 has 8");
    }
}
