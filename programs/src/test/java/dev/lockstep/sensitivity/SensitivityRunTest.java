// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sensitivity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.config.ModelConfigs;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.isa.io.ParamOverrides;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.run.DecodeRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library on a tiny Mixtral-shaped model on 24 chips of a rack (a run takes a second or two): rows by effect,
 * latencies that only add time, the baseline reused.
 */
class SensitivityRunTest {
    static SensitivityRequest request(int threads, String... knobs) {
        DecodeRequest base = new DecodeRequest(ModelConfigs.presetOrFile("src/test/resources/models/tiny-mixtral.json"),
                SystemSpecs.presetOrFile("rack-72"), Precision.FP16, 3, 4096, 24, Optional.empty(), 1, true);
        return new SensitivityRequest(base, Variants.of("rack-72", ParamOverrides.none(), ParamOverrides.none()),
                Stream.of(knobs).map(n -> Knobs.byName(n).orElseThrow()).toList(), threads);
    }

    @Test
    void rowsComeLargestSwingFirstAndDoublingALatencyNeverSpeedsTheRunUp() {
        List<String> progress = new ArrayList<>();
        SensitivityReport r = SensitivityRun.run(request(2, "timing.deskew_epoch_cycles", "timing.c2c_send_end_cycles",
                "timing.mxm_install_cycles", "timing.stream_hop_cycles"), progress::add);
        Outcome b = r.baseline();
        assertThat(r.rows()).hasSize(4);
        for (int i = 1; i < r.rows().size(); i++) {
            assertThat(r.rows().get(i - 1).swing(b)).isGreaterThanOrEqualTo(r.rows().get(i).swing(b));
        }
        assertThat(r.rows().get(0).swing(b)).isPositive();
        for (SensitivityReport.Row row : r.rows()) {
            // every one of these only adds cycles to some path: twice as many cannot make a token sooner
            assertThat(row.doubled().outcome().cyclesPerToken()).as(row.knob().name())
                    .isGreaterThanOrEqualTo(b.cyclesPerToken());
            assertThat(row.halved().outcome().cyclesPerToken()).as(row.knob().name())
                    .isLessThanOrEqualTo(row.doubled().outcome().cyclesPerToken());
        }
        SensitivityReport.Row hop = r.rows().stream().filter(x -> x.knob().name().equals("timing.stream_hop_cycles"))
                .findFirst().orElseThrow();
        assertThat(hop.halved().setting().value()).isEqualTo(1);
        assertThat(hop.halved().outcome()).isEqualTo(b);
        // 4 parameters, 8 variations, one of them the baseline itself: 8 runs with the baseline, one line each
        assertThat(r.runs()).isEqualTo(8);
        assertThat(progress).hasSize(8).anyMatch(l -> l.contains("baseline"));
        assertThat(r.chips()).isEqualTo(24);
    }
}
