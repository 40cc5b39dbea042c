// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sensitivity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Halving and doubling as whole numbers within a parameter's valid range, and the notes that say what moved. */
class SettingTest {
    private static final Knob HOP = Knobs.byName("timing.stream_hop_cycles").orElseThrow();
    private static final Knob INSTALL = Knobs.byName("timing.mxm_install_cycles").orElseThrow();

    @Test
    void anEvenValueHalvesAndDoublesExactlyWithoutANote() {
        Setting h = Setting.of(INSTALL, Setting.Change.HALVED, 20);
        Setting d = Setting.of(INSTALL, Setting.Change.DOUBLED, 20);
        assertThat(h.value()).isEqualTo(10);
        assertThat(d.value()).isEqualTo(40);
        assertThat(h.note()).isEmpty();
        assertThat(d.note()).isEmpty();
        assertThat(d.label()).isEqualTo("timing.mxm_install_cycles = 40 (doubled)");
    }

    @Test
    void anOddValueHalvesRoundedDownAndSaysSo() {
        Setting h = Setting.of(INSTALL, Setting.Change.HALVED, 3);
        assertThat(h.value()).isEqualTo(1);
        assertThat(h.note()).hasValue("3 / 2 rounded down is 1");
    }

    @Test
    void halvingOneKeepsTheLeastValidValueWhichIsTheBaseline() {
        Setting h = Setting.of(HOP, Setting.Change.HALVED, 1);
        assertThat(h.value()).isEqualTo(1);
        assertThat(h.isBaseline()).isTrue();
        assertThat(h.note()).hasValue("1 / 2 is 0, outside the valid 1..100: used 1 (the baseline)");
    }

    @Test
    void doublingPastTheMaximumUsesTheMaximum() {
        Setting d = Setting.of(HOP, Setting.Change.DOUBLED, 60);
        assertThat(d.value()).isEqualTo(100);
        assertThat(d.isBaseline()).isFalse();
        assertThat(d.note()).hasValue("60 x 2 is 120, outside the valid 1..100: used 100");
    }
}
