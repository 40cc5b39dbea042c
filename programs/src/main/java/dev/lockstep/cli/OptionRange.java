// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.isa.io.InputException;

/** A whole-number option checked against its range: out of it, one located error line naming the range. */
final class OptionRange {
    private OptionRange() {
    }

    /**
     * Returns {@code value} if it is within {@code lo..hi}.
     *
     * @throws InputException "OPTION must be LO..HI WHAT, got VALUE"
     */
    static int check(String option, int value, int lo, int hi, String what) {
        if (value < lo || value > hi) {
            throw new InputException(option, 1, 1, option + " must be " + lo + ".." + hi + " " + what + ", got "
                    + value);
        }
        return value;
    }

    /** A {@code --threads} option: the given count, or the machine's cores when it was not given; 1..1024. */
    static int threads(Integer given) {
        return check("--threads", given == null ? Runtime.getRuntime().availableProcessors() : given, 1, 1024,
                "threads");
    }
}
