// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.isa.system.SystemSpecs;
import org.junit.jupiter.api.Test;

/**
 * {@link RepeatPeriods#least(long[][], long, int)}: the least period at which a chip's work, repeated, never meets
 * itself.
 */
class LeastPeriodTest {
    @Test
    void theLeastPeriodKeepsEveryRepeatOffTheWindowsBefore() {
        ChipBuild c = new SystemBuild(SystemSpecs.preset("node-8")).chip(0);
        c.advance(0, 100);
        c.advance(250, 350);
        // busy 200 cycles, but every period from 200 to 349 puts a repeat's window on [250, 350) (at 200: [200, 300);
        // at 300 the second repeat's first window, [300, 400)); from 350 on, none meets another
        assertThat(c.busyCycles()).isEqualTo(200);
        assertThat(RepeatPeriods.least(c.busyWindows(), 200, 3)).isEqualTo(350);
        assertThat(RepeatPeriods.least(c.busyWindows(), 150, 3)).isEqualTo(350);
        assertThat(RepeatPeriods.least(c.busyWindows(), 400, 3)).isEqualTo(400);
        assertThat(RepeatPeriods.least(c.busyWindows(), 200, 0)).isEqualTo(200);
    }

    @Test
    void aChipWithoutWorkTakesThePeriodItIsGiven() {
        assertThat(RepeatPeriods.least(new SystemBuild(SystemSpecs.preset("node-8")).chip(3).busyWindows(), 77, 5))
                .isEqualTo(77);
    }
}
