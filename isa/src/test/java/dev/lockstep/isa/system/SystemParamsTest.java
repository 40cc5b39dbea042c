// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.io.Overridden;
import dev.lockstep.isa.io.ParamChange;
import dev.lockstep.isa.io.ParamOverrides;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --system-param} on a system, and {@code --chip-param} on the chip it names. */
class SystemParamsTest {
    private static final SystemSpec NODE = SystemSpecs.preset("node-8");

    private static Overridden<SystemSpec> node8(List<String> system, List<String> chip) {
        return SystemSpecs.presetOrFile("node-8", ParamOverrides.parse("--system-param", system),
                ParamOverrides.parse("--chip-param", chip));
    }

    @Test
    void theSchemaIsWhatTheWriterWrites() {
        List<String> top = new ArrayList<>();
        SystemSpecs.toTree(NODE).fieldNames().forEachRemaining(top::add);
        assertThat(SystemSpecs.SCHEMA.names()).isEqualTo(top);
        assertThat(SystemSpecs.SCHEMA.valuePaths()).contains("racks", "latency_cycles.local",
                "latency_cycles.inter_rack");
    }

    @Test
    void systemAndChipParametersApplyAndAreEchoedChipFirst() {
        Overridden<SystemSpec> o = node8(List.of("latency_cycles.local=300", "chips_per_node=4"),
                List.of("mxm.planes_per_slice=4"));
        assertThat(o.spec().latencyCycles(LinkKind.LOCAL)).isEqualTo(300);
        assertThat(o.spec().latencyCycles(LinkKind.RACK)).isEqualTo(217);
        assertThat(o.spec().chips()).isEqualTo(4);
        assertThat(o.spec().chip().mxm().planesPerSlice()).isEqualTo(4);
        assertThat(o.changes()).extracting(ParamChange::toString).containsExactly(
                "chip mxm.planes_per_slice = 4 (was 2)",
                "system latency_cycles.local = 300 (was 217)",
                "system chips_per_node = 4 (was 8)");
        assertThat(node8(List.of(), List.of()).spec()).isEqualTo(NODE);
    }

    @Test
    void theChipsLinkLatencyReachesTheSystemOnlyWhereTheSystemLeavesItsOwnOut() {
        Overridden<SystemSpec> stated = node8(List.of(), List.of("links.latency_cycles=300"));
        assertThat(stated.spec().latencyCycles(LinkKind.LOCAL)).as("node-8 states its latencies").isEqualTo(217);
        byte[] unstated = ("{\"name\": \"n\", \"chip\": \"tsp-v1\", \"racks\": 1, \"nodes_per_rack\": 1, "
                + "\"chips_per_node\": 8, \"global_links_per_chip\": 4}").getBytes(StandardCharsets.UTF_8);
        Overridden<SystemSpec> taken = SystemSpecs.parse("n.json", unstated, null, ParamOverrides.none(),
                ParamOverrides.parse("--chip-param", List.of("links.latency_cycles=300")));
        assertThat(taken.spec().latencyCycles(LinkKind.LOCAL)).isEqualTo(300);
        Overridden<SystemSpec> added = SystemSpecs.parse("n.json", unstated, null,
                ParamOverrides.parse("--system-param", List.of("latency_cycles.rack=500")), ParamOverrides.none());
        assertThat(added.spec().latencyCycles(LinkKind.RACK)).as("a group the file left out").isEqualTo(500);
        assertThat(added.spec().latencyCycles(LinkKind.LOCAL)).isEqualTo(217);
    }

    @Test
    void badOverridesAreOneErrorAtTheirOption() {
        assertThatThrownBy(() -> node8(List.of("racks=0"), List.of())).isInstanceOfSatisfying(InputException.class,
                e -> assertThat(e.toErrorLine()).isEqualTo("error: --system-param:1:1: racks must be in 1..1024, "
                        + "got 0"));
        assertThatThrownBy(() -> node8(List.of(), List.of("clock_hz=0"))).isInstanceOfSatisfying(
                InputException.class, e -> assertThat(e.toErrorLine()).isEqualTo("error: --chip-param:1:1: "
                        + "clock_hz must be in 1..100000000000, got 0"));
        assertThatThrownBy(() -> node8(List.of("latency_cycles=5"), List.of())).isInstanceOfSatisfying(
                InputException.class, e -> assertThat(e.toErrorLine()).isEqualTo("error: --system-param:1:1: "
                        + "latency_cycles is a group of parameters, not one; name one of its keys: "
                        + "latency_cycles.local, latency_cycles.rack, latency_cycles.inter_rack"));
        assertThatThrownBy(() -> node8(List.of("rack=2"), List.of())).isInstanceOfSatisfying(
                InputException.class, e -> assertThat(e.getMessage()).isEqualTo("unknown parameter 'rack' of a "
                        + "system description (did you mean 'latency_cycles.rack'?)"));
    }

    @Test
    void aChipParameterThatBreaksTheSystemIsBlamedOnTheChipParameter() {
        assertThatThrownBy(() -> node8(List.of(), List.of("links.count=2"))).isInstanceOfSatisfying(
                InputException.class, e -> assertThat(e.toErrorLine()).isEqualTo("error: --chip-param:1:1: "
                        + "chips_per_node must be in 1..3, got 8 (node-8.json with --chip-param links.count=2)"));
    }
}
