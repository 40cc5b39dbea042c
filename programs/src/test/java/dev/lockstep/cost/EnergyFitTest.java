// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lockstep.isa.chip.ChipSpecs;
import org.junit.jupiter.api.Test;

/** The energy model's two fitted powers are what the fit gives (the preset stores them so that runs need not refit). */
class EnergyFitTest {
    @Test
    void thePresetsStaticAndHostPowersAreTheFitsToThePublishedTdpAndServerPower() {
        EnergyModel model = EnergyModel.preset();
        EnergyFit.Fit fit = EnergyFit.fit(model, ChipSpecs.tspV1(), 8);
        assertThat(fit.workloadCycles()).isEqualTo(393_127);
        assertThat(model.staticWPerChip()).isCloseTo(fit.staticW(), within(0.05));
        assertThat(model.hostWPerServer()).isCloseTo(fit.hostW(), within(0.05));
        // the counted work of the heaviest workload, in watts (docs/cost.md)
        assertThat(fit.dynamicW()).isCloseTo(65.79, within(0.01));
    }
}
