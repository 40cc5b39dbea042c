// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.validate;

import java.util.Optional;

/**
 * One row of {@code lockstep validate}: a published figure and what the model gives for it, or why the model could
 * not give it for the chip and system asked for.
 *
 * @param figure    the published figure
 * @param simulated the model's value in the figure's unit; empty if not computable
 * @param shown     the model's value as the table prints it (the reason, if not computable)
 * @param note      one line: how it was computed, and for a miss where the difference could come from
 */
public record Row(Figure figure, Optional<Double> simulated, String shown, String note) {
    /** What a row's value says against its band. */
    public enum Result {
        WITHIN("within"), MISS("MISS"), NOT_COMPUTABLE("not computable");

        private final String text;

        Result(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** A row with a value. */
    public static Row of(Figure figure, double simulated, String shown, String note) {
        return new Row(figure, Optional.of(simulated), shown, note);
    }

    /** A row the model cannot compute for the chip and system given, and why. */
    public static Row notComputable(Figure figure, String reason) {
        return new Row(figure, Optional.empty(), "-", "not computable: " + reason);
    }

    /** Simulated over published, if computed. */
    public Optional<Double> ratio() {
        return simulated.map(s -> s / figure.published());
    }

    public Result result() {
        if (simulated.isEmpty()) {
            return Result.NOT_COMPUTABLE;
        }
        return figure.band().holds(simulated.get(), figure.published()) ? Result.WITHIN : Result.MISS;
    }

    /** The ratio as printed: two decimals, or "-". */
    public String ratioText() {
        return ratio().map(r -> String.format("%.2f", r)).orElse("-");
    }
}
