// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.validate;

import dev.lockstep.cost.EnergyFit;
import dev.lockstep.cost.EnergyModel;
import dev.lockstep.cost.Power;
import dev.lockstep.cost.Served;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.run.DecodeReport;

/**
 * The chip's power (docs/cost.md): the TDP, to which the energy model's static power is fitted on the heaviest
 * compiled workload (an input), and the published average, which the default Mixtral run's estimate is checked
 * against (held out).
 */
final class PowerRows {
    private PowerRows() {
    }

    static Row tdp(ChipSpec chip) {
        EnergyModel model = EnergyModel.preset();
        EnergyFit.Fit fit = EnergyFit.fit(model, chip, 8);
        double w = fit.dynamicW() + model.staticWPerChip();
        return Row.of(Published.CHIP_TDP, w, String.format("%.1f W", w), String.format("the fitted static %.2f W "
                + "plus %.2f W of counted work on the fp16 GEMM %s (%d cycles): the energy model's fit, so an input",
                model.staticWPerChip(), fit.dynamicW(), EnergyFit.WORKLOAD, fit.workloadCycles()));
    }

    static Row average(DecodeReport r) {
        Power p = Served.power(r, EnergyModel.preset());
        double dynamic = p.averageWPerChip() - p.staticWPerChip();
        return Row.of(Published.CHIP_AVERAGE_POWER, p.averageWPerChip(), String.format("%.1f W",
                p.averageWPerChip()), String.format("the default run (Mixtral-8x7B fp16, batch 3, %d chips): %.2f W of "
                        + "counted work per chip on average, the rest the fitted static power (%.2f W): a weak check, "
                        + "as the static power alone lies within the band; the published average's workload is not "
                        + "stated", r.chipsUsed(), dynamic, p.staticWPerChip()));
    }
}
