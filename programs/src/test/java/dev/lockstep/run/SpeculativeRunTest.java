// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.ModelConfigs;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.sim.TraceHash;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A small model's speculative step, pinned: the tiny Mixtral on 24 chips of rack-72 (its plain figures those of
 * {@link DecodeRunTest}), a one-layer draft of its vocabulary on the fewest chips that hold it, 3 draft tokens a step.
 */
class SpeculativeRunTest {
    private static final ModelConfig TINY = ModelConfigs.presetOrFile("src/test/resources/models/tiny-mixtral.json");
    private static final ModelConfig DRAFT = ModelConfigs.presetOrFile("src/test/resources/models/tiny-draft.json");
    private static final SystemSpec RACK = SystemSpecs.presetOrFile("rack-72");

    @Test
    void aStepIsTheDraftsTokensTheVerifyStepAndTwoHops() {
        DecodeRequest target = new DecodeRequest(TINY, RACK, Precision.FP16, 3, 4096, 24, Optional.empty(), 1, true);
        int draftChips = SpeculativeRun.fewestChips(DRAFT, target);
        assertThat(draftChips).isEqualTo(3);
        SpeculativeReport s = SpeculativeRun.run(new SpeculativeRequest(target, DRAFT, draftChips, 3, 0.7),
                line -> { });
        // plain decoding: DecodeRunTest's figures
        assertThat(s.plain().cyclesPerToken()).isEqualTo(34_947);
        assertThat(TraceHash.hex(s.plain().sim().traceHash())).isEqualTo("efba465e3f2fb877");
        // the verify step: 4 rows through both layers and the head, simulated as predicted (Verified)
        assertThat(s.verify().cyclesPerToken()).isEqualTo(54_583);
        assertThat(s.verify().sim().cycles()).isEqualTo(s.verify().built().predictedEnd());
        assertThat(TraceHash.hex(s.verify().sim().traceHash())).isEqualTo("621f4a047347ec9d");
        // the draft: embedding, one layer, head on 3 chips (23,937 cycles a token and 14f746a2d1bda83d before a carried
        // row was written in place as it passes, no copy out of the receive lanes)
        assertThat(s.draft().decodePlan().chips()).isEqualTo(3);
        assertThat(s.draft().cyclesPerToken()).isEqualTo(23_886);
        assertThat(TraceHash.hex(s.draft().sim().traceHash())).isEqualTo("b948c32883d918fb");
        // one hop SRAM to SRAM each way (docs/model.md, "Hops")
        assertThat(s.handoffCycles()).isEqualTo(650);
        assertThat(s.stepCycles()).isEqualTo(3 * 23_886 + 54_583 + 2 * 650).isEqualTo(127_541);
        assertThat(s.expectedTokensPerStep()).isCloseTo(1 + 0.7 + 0.49 + 0.343, within(1e-12));
        assertThat(s.tokensPerSecondPerUser()).isCloseTo(2.533 * 900e6 / 127_541, within(1e-6));
        assertThat(s.tokensPerSecondTotal()).isCloseTo(3 * s.tokensPerSecondPerUser(), within(1e-9));
        // slower than plain decoding: the draft's token takes three quarters of the target's (hops between its 3 chips)
        assertThat(s.speedUp()).isLessThan(1);
    }
}
