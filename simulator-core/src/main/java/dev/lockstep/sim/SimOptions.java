// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

/**
 * How to simulate.
 *
 * @param mode     functional (real data) or timing-only
 * @param listener told of every issue (for timelines), or null
 */
public record SimOptions(Mode mode, IssueListener listener) {
    public static SimOptions functional() {
        return new SimOptions(Mode.FUNCTIONAL, null);
    }

    public static SimOptions timingOnly() {
        return new SimOptions(Mode.TIMING_ONLY, null);
    }
}
