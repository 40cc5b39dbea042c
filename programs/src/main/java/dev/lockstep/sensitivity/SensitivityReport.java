// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sensitivity;

import dev.lockstep.run.DecodeRequest;
import java.util.List;

/**
 * What a sensitivity run found: the baseline and one row per parameter, largest swing first (a tie keeps the order
 * of the request's parameters).
 *
 * @param request     the run asked for
 * @param chips       chips the plan uses
 * @param baseline    the baseline's figures
 * @param rows        one per parameter, largest swing first
 * @param runs        distinct decode runs simulated, the baseline included
 * @param wallSeconds wall-clock seconds of the whole (a measure of the machine: never in the table or the JSON)
 */
public record SensitivityReport(SensitivityRequest request, int chips, Outcome baseline, List<Row> rows, int runs,
                                double wallSeconds) {
    public SensitivityReport {
        rows = List.copyOf(rows);
    }

    /**
     * One variation's result.
     *
     * @param setting the value tried
     * @param outcome what it gave
     */
    public record Point(Setting setting, Outcome outcome) {
        /** Its tokens/s per user relative to {@code baseline}: +0.05 is 5 % faster. */
        public double change(Outcome baseline) {
            return outcome.tokensPerSecondPerUser() / baseline.tokensPerSecondPerUser() - 1;
        }
    }

    /**
     * One parameter halved and doubled.
     *
     * @param knob    the parameter
     * @param halved  with it halved
     * @param doubled with it doubled
     */
    public record Row(Knob knob, Point halved, Point doubled) {
        /** Its value in the baseline. */
        public long baselineValue() {
            return halved.setting().baseline();
        }

        /** The spread of tokens/s per user over the baseline, halved and doubled: the effect it is sorted by. */
        public double swing(Outcome baseline) {
            double b = baseline.tokensPerSecondPerUser();
            double h = halved.outcome().tokensPerSecondPerUser();
            double d = doubled.outcome().tokensPerSecondPerUser();
            return Math.max(b, Math.max(h, d)) - Math.min(b, Math.min(h, d));
        }
    }

    public DecodeRequest base() {
        return request.base();
    }
}
