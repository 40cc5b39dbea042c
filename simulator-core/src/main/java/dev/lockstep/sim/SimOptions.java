// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.program.RegionWatch;
import java.util.List;
import java.util.stream.Stream;

/**
 * How to simulate.
 *
 * @param mode     functional (real data) or timing-only
 * @param listener told of every issue (for timelines), or null
 * @param watches  regions to read at given cycles as the run goes (functional mode only; {@link SimResult#watched})
 */
public record SimOptions(Mode mode, IssueListener listener, List<RegionWatch> watches) {
    public SimOptions {
        watches = List.copyOf(watches);
        if (!watches.isEmpty() && mode != Mode.FUNCTIONAL) {
            throw new IllegalArgumentException("regions are read as the run goes in functional mode only");
        }
    }

    /** Options that watch no region. */
    public SimOptions(Mode mode, IssueListener listener) {
        this(mode, listener, List.of());
    }

    public static SimOptions functional() {
        return new SimOptions(Mode.FUNCTIONAL, null);
    }

    public static SimOptions timingOnly() {
        return new SimOptions(Mode.TIMING_ONLY, null);
    }

    /** These options, reading {@code watches} as the run goes as well. */
    public SimOptions watching(List<RegionWatch> more) {
        return new SimOptions(mode, listener, Stream.concat(watches.stream(), more.stream()).toList());
    }
}
