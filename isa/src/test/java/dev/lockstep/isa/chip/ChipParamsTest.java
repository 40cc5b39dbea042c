// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.chip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.io.Overridden;
import dev.lockstep.isa.io.ParamChange;
import dev.lockstep.isa.io.ParamOverrides;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --chip-param NAME=VALUE}: any key of the chip description, set by name and checked as the file's would be. */
class ChipParamsTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();

    private static Overridden<ChipSpec> tsp(String... params) {
        return ChipSpecs.preset("tsp-v1", ParamOverrides.parse("--chip-param", List.of(params)));
    }

    @Test
    void theSchemaIsWhatTheWriterWrites() {
        List<String> written = new ArrayList<>();
        values("", ChipSpecs.toTree(TSP), written);
        assertThat(ChipSpecs.SCHEMA.valuePaths()).isEqualTo(written);
        List<String> top = new ArrayList<>();
        ChipSpecs.toTree(TSP).fieldNames().forEachRemaining(top::add);
        assertThat(ChipSpecs.SCHEMA.names()).isEqualTo(top);
    }

    private static void values(String prefix, JsonNode node, List<String> out) {
        node.fields().forEachRemaining(e -> {
            if (e.getValue().isObject()) {
                values(prefix + e.getKey() + ".", e.getValue(), out);
            } else if (e.getValue().isValueNode()) {
                out.add(prefix + e.getKey());
            }
        });
    }

    @Test
    void everyNameTakesThePresetsOwnValueAndChangesNothing() {
        JsonNode tree = ChipSpecs.toTree(TSP);
        for (String name : ChipSpecs.SCHEMA.valuePaths()) {
            JsonNode v = tree.at("/" + name.replace('.', '/'));
            Overridden<ChipSpec> same = tsp(name + "=" + v.asText());
            assertThat(same.spec()).as(name).isEqualTo(TSP);
            assertThat(same.changes()).singleElement().satisfies(c -> assertThat(c.to()).as(name).isEqualTo(c.from()));
        }
    }

    @Test
    void anOverrideGivesTheChipOfTheEditedFile() {
        String edited = ChipSpecs.toJson(TSP).replace("\"planes_per_slice\" : 2", "\"planes_per_slice\" : 4")
                .replace("\"mxm_install_cycles\" : 20", "\"mxm_install_cycles\" : 40");
        ChipSpec file = ChipSpecs.parse("edited.json", edited.getBytes(StandardCharsets.UTF_8));
        Overridden<ChipSpec> o = tsp("mxm.planes_per_slice=4", "timing.mxm_install_cycles=40");
        assertThat(o.spec()).isEqualTo(file).isNotEqualTo(TSP);
        assertThat(o.spec().timing().cycles(TimingParam.MXM_INSTALL_CYCLES)).isEqualTo(40);
        assertThat(o.changes()).extracting(ParamChange::toString).containsExactly(
                "chip mxm.planes_per_slice = 4 (was 2)",
                "chip timing.mxm_install_cycles = 40 (was 20)");
        assertThat(ChipSpecs.preset("tsp-v1", ParamOverrides.none())).isEqualTo(new Overridden<>(TSP, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "clock_hz=fast               | clock_hz must be a whole number in 1..100000000000, got \"fast\"",
        "clock_hz=1e9                | clock_hz must be a whole number in 1..100000000000, got 1E+9",
        "mxm.fp16_k=0                | mxm.fp16_k must be in 1..65535, got 0",
        "timing.stream_hop_cycles=101 | timing.stream_hop_cycles must be in 1..100, got 101",
        "timing.mem_read_latency_cycles=1001 | timing.mem_read_latency_cycles must be in 1..1000, got 1001",
        "links.bytes_per_second_per_direction=-1 | links.bytes_per_second_per_direction must be a positive number, got -1",
        "name=a b                    | name must be 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit, got \"a b\"",
        "mxm.planes_per_slice=3      | mxm.fp16_planes_per_piece must divide mxm.planes_per_slice (3) (tsp-v1.json with --chip-param mxm.planes_per_slice=3)",
        "mxm.fp16k=1                 | unknown parameter 'mxm.fp16k' of a chip description (did you mean 'mxm.fp16_k'?)",
    })
    void aBadOverrideIsOneErrorAtTheOptionNamingTheParameter(String param, String message) {
        assertThatThrownBy(() -> tsp(param)).isInstanceOfSatisfying(InputException.class, e ->
                assertThat(e.toErrorLine()).isEqualTo("error: --chip-param:1:1: " + message));
    }

    @Test
    void aFileBadAsWrittenIsTheFilesErrorEvenIfAnOverrideWouldMendIt() {
        byte[] bad = ChipSpecs.toJson(TSP).replace("\"clock_hz\" : 900000000", "\"clock_hz\" : -5")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ChipSpecs.parse("bad.json", bad, ParamOverrides.parse("--chip-param",
                List.of("clock_hz=5")))).isInstanceOfSatisfying(InputException.class, e ->
                assertThat(e.toErrorLine()).isEqualTo("error: bad.json:3:16: clock_hz must be in 1..100000000000, "
                        + "got -5"));
    }
}
