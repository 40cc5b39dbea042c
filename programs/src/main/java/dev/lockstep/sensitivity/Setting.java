// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sensitivity;

import java.util.Optional;

/**
 * One variation of a parameter: halved or doubled, as a whole number within the parameter's valid range.
 * Halving an odd value rounds down; a value outside the range is moved to the nearest valid one, and the note says
 * so (halving 1 gives 1: the baseline, which is then not rerun).
 *
 * @param knob     the parameter
 * @param change   halved or doubled
 * @param baseline its value in the baseline
 * @param value    the value tried
 * @param note     what was rounded or moved, if anything
 */
public record Setting(Knob knob, Change change, long baseline, long value, Optional<String> note) {
    /** Which way a parameter is varied. */
    public enum Change {
        HALVED,
        DOUBLED;

        /** "halved", "doubled". */
        public String text() {
            return this == HALVED ? "halved" : "doubled";
        }
    }

    /** {@code knob}'s value {@code baseline} changed by {@code change}. */
    public static Setting of(Knob knob, Change change, long baseline) {
        long want = change == Change.HALVED ? baseline / 2 : Math.multiplyExact(baseline, 2);
        String rounded = change == Change.HALVED && baseline % 2 != 0 ? baseline + " / 2 rounded down is " + want
                : null;
        long value = Math.max(knob.min(), Math.min(knob.max(), want));
        Optional<String> note = Optional.ofNullable(rounded);
        if (value != want) {
            String is = change == Change.HALVED ? baseline + " / 2 is " + want : baseline + " x 2 is " + want;
            note = Optional.of(is + ", outside the valid " + knob.min() + ".." + knob.max() + ": used "
                    + value + (value == baseline ? " (the baseline)" : ""));
        }
        return new Setting(knob, change, baseline, value, note);
    }

    /** Whether this is the baseline itself (nothing to rerun). */
    public boolean isBaseline() {
        return value == baseline;
    }

    /** "timing.mxm_install_cycles = 40 (doubled)". */
    public String label() {
        return knob.name() + " = " + value + " (" + change.text() + ")";
    }
}
