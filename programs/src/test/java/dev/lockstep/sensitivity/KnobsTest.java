// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sensitivity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.io.KeySchema;
import dev.lockstep.isa.system.SystemSpecs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one list of what is varied and what is left out accounts for every parameter, each once. */
class KnobsTest {
    @Test
    void everyTimingParameterIsVaried() {
        assertThat(Knobs.VARIED.stream().map(Knob::name)).containsAll(Arrays.stream(TimingParam.values())
                .map(p -> "timing." + p.key()).toList());
    }

    @Test
    void theClockAndTheMeasuredLinkAreLeftOut() {
        assertThat(Knobs.byName("clock_hz")).isEmpty();
        assertThat(Knobs.byName("links.latency_cycles")).isEmpty();
        assertThat(Knobs.byName("latency_cycles.local")).isEmpty();
        assertThat(Knobs.byName("latency_cycles.rack")).isPresent();
        assertThat(Knobs.byName("latency_cycles.inter_rack")).isPresent();
    }

    @Test
    void everyKeyOfTheChipAndTheSystemIsVariedOrLeftOutExactlyOnce() {
        check(Knob.Scope.CHIP, ChipSpecs.SCHEMA);
        check(Knob.Scope.SYSTEM, SystemSpecs.SCHEMA);
    }

    private static void check(Knob.Scope scope, KeySchema schema) {
        List<String> accounted = new ArrayList<>();
        Knobs.VARIED.stream().filter(k -> k.scope() == scope).forEach(k -> accounted.add(k.name()));
        Knobs.LEFT_OUT.stream().filter(l -> l.scope() == scope).forEach(l -> accounted.addAll(l.names()));
        assertThat(accounted).as(scope + " keys, each once").doesNotHaveDuplicates();
        assertThat(accounted).as(scope + " keys").containsAll(schema.valuePaths());
        for (String name : accounted) {
            assertThat(schema.find(name)).as(name + " is a key of the " + scope + " description").isPresent();
        }
    }
}
