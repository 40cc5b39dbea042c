// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.io;

import static dev.lockstep.isa.io.KeySchema.group;
import static dev.lockstep.isa.io.KeySchema.list;
import static dev.lockstep.isa.io.KeySchema.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code NAME=VALUE} overrides: parsed, checked against a schema, put into a tree, echoed, blamed. */
class ParamOverridesTest {
    private static final KeySchema SCHEMA = KeySchema.of(value("name"), value("clock_hz"), list("floorplan"),
            group("mem", value("banks"), value("queues_per_slice")),
            group("mxm", value("fp16_k"), value("queues_per_slice")),
            group("timing", value("mxm_install_cycles")));
    private static final String FILE = "{\"name\": \"x\", \"clock_hz\": 900, \"floorplan\": [],\n"
            + " \"mem\": {\"banks\": 2, \"queues_per_slice\": 1}, \"mxm\": {\"fp16_k\": 160, \"queues_per_slice\": 6}}";

    private static ParamOverrides chip(String... args) {
        return ParamOverrides.parse("--chip-param", List.of(args));
    }

    @Test
    void argumentsAreParsedInOrderWithoutSurroundingBlanks() {
        ParamOverrides o = chip("mxm.fp16_k=128", " clock_hz = 1000 ", "name=a=b");
        assertThat(o.params()).extracting(ParamOverrides.Param::toString)
                .containsExactly("mxm.fp16_k=128", "clock_hz=1000", "name=a=b");
        assertThat(o.option()).isEqualTo("--chip-param");
        assertThat(chip().isEmpty()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "clock_hz   | 'clock_hz' has no '='",
        "=5         | '=5' has no name",
        "clock_hz=  | 'clock_hz=' has no value",
        "' = '      | ' = ' has no name",
    })
    void anArgumentNotOfTheFormNameEqualsValueIsRefusedSayingTheForm(String arg, String what) {
        assertThatThrownBy(() -> chip("mxm.fp16_k=128", arg)).isInstanceOfSatisfying(InputException.class, e ->
                assertThat(e.toErrorLine()).isEqualTo("error: --chip-param:1:1: --chip-param takes NAME=VALUE, a "
                        + "dotted key of the description and its new value, e.g. --chip-param "
                        + "links.latency_cycles=300; " + what));
    }

    @Test
    void aNameGivenTwiceIsRefused() {
        assertThatThrownBy(() -> chip("clock_hz=1", "mxm.fp16_k=2", "clock_hz=3"))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.toErrorLine()).isEqualTo(
                        "error: --chip-param:1:1: --chip-param sets clock_hz twice (clock_hz=1, then clock_hz=3); "
                                + "give each parameter once"));
        assertThatThrownBy(() -> new ParamOverrides("-p", List.of(new ParamOverrides.Param("a", "1"),
                new ParamOverrides.Param("a", "2")))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void valuesGoIntoTheTreeAsJsonNumbersOrElseStrings() {
        LocatedJson doc = LocatedJson.parse("x.json", FILE);
        ObjectNode root = (ObjectNode) doc.root();
        chip("clock_hz=1000000000000000000000", "mxm.fp16_k=1.5", "name=fast", "mem.banks=-3",
                "timing.mxm_install_cycles=1e3").applyTo(doc, root, SCHEMA, "a chip");
        assertThat(root.get("clock_hz").isIntegralNumber()).isTrue();
        assertThat(root.get("clock_hz").bigIntegerValue()).hasToString("1000000000000000000000");
        assertThat(root.get("mxm").get("fp16_k").isIntegralNumber()).isFalse();
        assertThat(root.get("mxm").get("fp16_k").asDouble()).isEqualTo(1.5);
        assertThat(root.get("mxm").get("queues_per_slice").asInt()).as("the rest of the group kept").isEqualTo(6);
        assertThat(root.get("name").textValue()).isEqualTo("fast");
        assertThat(root.get("mem").get("banks").asInt()).isEqualTo(-3);
        assertThat(root.get("timing").get("mxm_install_cycles").asDouble()).as("a group the file left out")
                .isEqualTo(1000);
    }

    @Test
    void anErrorAboutAnOverriddenValueIsLocatedAtTheOptionAndOneAboutTheFileInTheFile() {
        LocatedJson doc = LocatedJson.parse("x.json", FILE);
        ObjectNode root = (ObjectNode) doc.root();
        chip("mem.banks=0", "timing.mxm_install_cycles=5").applyTo(doc, root, SCHEMA, "a chip");
        assertThatThrownBy(() -> doc.integer(root.get("mem").get("banks"), "mem.banks", 1, 64))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.toErrorLine())
                        .isEqualTo("error: --chip-param:1:1: mem.banks must be in 1..64, got 0"));
        assertThatThrownBy(() -> doc.member((ObjectNode) root.get("timing"), "other", "timing"))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.file()).isEqualTo("--chip-param"));
        assertThatThrownBy(() -> doc.integer(root.get("clock_hz"), "clock_hz", 1000, 2000))
                .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.toErrorLine())
                        .isEqualTo("error: x.json:1:27: clock_hz must be in 1000..2000, got 900"));
    }

    @Test
    void changesAreEchoedInTheOrderGivenFromTheTreesBeforeAndAfter() {
        LocatedJson before = LocatedJson.parse("x.json", FILE);
        LocatedJson after = LocatedJson.parse("x.json", FILE);
        ParamOverrides o = chip("mxm.fp16_k=128", "clock_hz=1000", "timing.mxm_install_cycles=40");
        o.applyTo(after, (ObjectNode) after.root(), SCHEMA, "a chip");
        assertThat(o.changes("chip", before.root(), after.root())).extracting(ParamChange::toString).containsExactly(
                "chip mxm.fp16_k = 128 (was 160)", "chip clock_hz = 1000 (was 900)",
                "chip timing.mxm_install_cycles = 40 (was null)");
        assertThat(o.changes("chip", before.root(), after.root()).get(1).to().isIntegralNumber()).isTrue();
    }

    @Test
    void anErrorTheFileAloneDidNotHaveIsBlamedOnTheOverrides() {
        ParamOverrides c = chip("mxm.fp16_k=3", "clock_hz=5");
        ParamOverrides s = ParamOverrides.parse("--system-param", List.of("racks=2"));
        InputException inFile = new InputException("x.json", 4, 7, "fp16_k must divide 320");
        assertThat(ParamOverrides.blame(inFile, c, s).toErrorLine()).isEqualTo("error: --chip-param:1:1: fp16_k "
                + "must divide 320 (x.json with --chip-param mxm.fp16_k=3 --chip-param clock_hz=5 --system-param "
                + "racks=2)");
        assertThat(ParamOverrides.blame(inFile, ParamOverrides.none(), s).file()).isEqualTo("--system-param");
        assertThat(ParamOverrides.blame(inFile, ParamOverrides.none())).as("no overrides").isSameAs(inFile);
        InputException atOption = new InputException("--system-param", 1, 1, "racks must be in 1..1024, got 0");
        assertThat(ParamOverrides.blame(atOption, c, s)).as("already located").isSameAs(atOption);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "mxm.fp16k=1        | unknown parameter 'mxm.fp16k' of a chip (did you mean 'mxm.fp16_k'?)",
        "fp16_k=1           | unknown parameter 'fp16_k' of a chip (did you mean 'mxm.fp16_k'?)",
        "queues_per_slice=1 | unknown parameter 'queues_per_slice' of a chip (did you mean 'mem.queues_per_slice' or 'mxm.queues_per_slice'?)",
        "timing.install=1   | unknown parameter 'timing.install' of a chip; timing has timing.mxm_install_cycles",
        "zzz=1              | unknown parameter 'zzz' of a chip; its parameters: name, clock_hz, mem.*, mxm.*, timing.*",
        "mxm=1              | mxm is a group of parameters, not one; name one of its keys: mxm.fp16_k, mxm.queues_per_slice",
        "floorplan=MEM      | floorplan holds a list, which NAME=VALUE does not set; change it in a copy of the description file and give that file instead",
    })
    void aNameNotOfASingleValueIsRefusedNamingTheNearest(String arg, String message) {
        LocatedJson doc = LocatedJson.parse("x.json", FILE);
        assertThatThrownBy(() -> chip(arg).applyTo(doc, (ObjectNode) doc.root(), SCHEMA, "a chip"))
                .isInstanceOfSatisfying(InputException.class, e ->
                        assertThat(e.toErrorLine()).isEqualTo("error: --chip-param:1:1: " + message));
    }
}
