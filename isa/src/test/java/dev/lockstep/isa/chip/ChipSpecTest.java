// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.chip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.isa.ChipQuantity;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.Unit;
import dev.lockstep.isa.io.InputException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChipSpecTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();

    @Test
    void tspV1CarriesThePublishedNumbers() {
        assertThat(TSP.clockHz()).isEqualTo(900_000_000L);
        assertThat(TSP.vectorBytes()).isEqualTo(320);
        assertThat(TSP.streamsPerDirection()).isEqualTo(32);
        assertThat(TSP.floorplan().slicesOf(SliceKind.MEM)).hasSize(88);
        assertThat(TSP.mem().wordsPerSlice()).isEqualTo(8192);
        assertThat(TSP.sramBytes()).isEqualTo(220L * 1024 * 1024);
        assertThat(TSP.floorplan().slicesOf(SliceKind.MXM)).hasSize(2);
        assertThat(TSP.mxm().planesPerSlice() * 2).isEqualTo(4);
        assertThat(TSP.mxm().rows()).isEqualTo(320);
        assertThat(TSP.mxm().fp16K()).isEqualTo(160);
        assertThat(TSP.links().count()).isEqualTo(16);
    }

    @Test
    void tspV1Has144QueuesSplitAsPublished() {
        assertThat(TSP.floorplan().queues()).hasSize(144);
        assertThat(TSP.floorplan().queues().stream().filter(q -> q.slice().kind() == SliceKind.MEM)).hasSize(88);
        assertThat(TSP.floorplan().queues().stream().filter(q -> q.slice().kind() == SliceKind.MXM)).hasSize(12);
        assertThat(TSP.floorplan().queues().stream().filter(q -> q.slice().kind() == SliceKind.SXM)).hasSize(28);
        assertThat(TSP.floorplan().queues().stream().filter(q -> q.slice().kind() == SliceKind.VXM)).hasSize(16);
    }

    @Test
    void slicesAreNamedOutwardFromTheVxm() {
        Floorplan f = TSP.floorplan();
        assertThat(f.slices()).hasSize(93);
        assertThat(f.center()).isEqualTo(46);
        assertThat(f.slices().get(0).name()).isEqualTo("mxm.w0");
        assertThat(f.slices().get(1).name()).isEqualTo("sxm.w0");
        assertThat(f.slices().get(2).name()).isEqualTo("mem.w43");
        assertThat(f.slices().get(45).name()).isEqualTo("mem.w0");
        assertThat(f.slices().get(46).name()).isEqualTo("vxm");
        assertThat(f.slices().get(47).name()).isEqualTo("mem.e0");
        assertThat(f.slices().get(92).name()).isEqualTo("mxm.e0");
        assertThat(f.queue("vxm.15").orElseThrow().slice().position()).isEqualTo(46);
        assertThat(f.queue("mxm.e0.5").orElseThrow().id()).isEqualTo(143);
        assertThat(f.queue("mem.w43").orElseThrow().id()).isEqualTo(6 + 14);
    }

    @Test
    void sxmQueuesAlsoIssueChipToChipInstructions() {
        Queue sxm = TSP.floorplan().queue("sxm.e0.0").orElseThrow();
        assertThat(sxm.units()).containsExactlyInAnyOrder(Unit.ICU, Unit.SXM, Unit.C2C);
        assertThat(TSP.floorplan().queue("mem.e0").orElseThrow().units()).containsExactlyInAnyOrder(Unit.ICU,
                Unit.MEM);
    }

    @Test
    void aLinkCarriesA320ByteVectorAs328BytesIn22Cycles() {
        // (320 + 8 framing) B x 0.9e9 / 14e9 = 21.09 -> 22
        assertThat(TSP.links().frameBytes(TSP.vectorBytes())).isEqualTo(328);
        assertThat(ChipQuantity.LINK_VECTOR_CYCLES.valueIn(TSP)).isEqualTo(22);
        // the measured mean of 216.3 to 217.4 cycles (ISCA 2022), rounded
        assertThat(ChipQuantity.LINK_LATENCY_CYCLES.valueIn(TSP)).isEqualTo(217);
    }

    @Test
    void thePresetUsesEveryTimingDefault() {
        for (TimingParam p : TimingParam.values()) {
            assertThat(TSP.timing().cycles(p)).isEqualTo(p.defaultCycles());
            assertThat(p.reason()).isNotBlank();
        }
    }

    @Test
    void theJsonWriterAndReaderRoundTrip() {
        String json = ChipSpecs.toJson(TSP);
        assertThat(ChipSpecs.parse("x.json", json.getBytes(StandardCharsets.UTF_8))).isEqualTo(TSP);
        String changed = json.replace("\"mem_read_latency_cycles\" : 2", "\"mem_read_latency_cycles\" : 7");
        ChipSpec slow = ChipSpecs.parse("x.json", changed.getBytes(StandardCharsets.UTF_8));
        assertThat(slow.timing().cycles(TimingParam.MEM_READ_LATENCY_CYCLES)).isEqualTo(7);
        assertThat(slow).isNotEqualTo(TSP);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown top-level key | \"clock_hz\": 900000000, | \"clok_hz\": 900000000, | 3:3 | unknown key 'clok_hz' in the chip description (did you mean 'clock_hz'?)",
        "negative clock | \"clock_hz\": 900000000, | \"clock_hz\": -5, | 3:15 | clock_hz must be in 1..100000000000, got -5",
        "clock as text | \"clock_hz\": 900000000, | \"clock_hz\": \"fast\", | 3:15 | clock_hz must be a whole number",
        "two VXMs | \"VXM\", | \"VXM\", \"VXM\", | 7:16 | the floorplan must have exactly one VXM",
        "unknown slice kind | \"SXM\", \"MXM\"] | \"SXM\", \"MXX\"] | 7:67 | unknown slice kind 'MXX'",
        "unknown timing key | \"timing\": {} | \"timing\": {\"mem_read_latncy_cycles\": 3} | 14:14 | (did you mean 'mem_read_latency_cycles'?)",
        "missing section | \"vxm\": {\"alus_per_lane\": 16, \"queues_per_slice\": 16}, | | 1:1 | the chip description lacks required key 'vxm'",
        "zero banks | \"banks\": 2, | \"banks\": 0, | 8:45 | mem.banks must be in 1..64, got 0",
        "no framing | \"framing_bytes\": 8, | | 13:12 | links lacks required key 'framing_bytes'",
    })
    void badDescriptionsGetOneLocatedError(String name, String from, String to, String at, String message) {
        String json = tspJson().replace(from, to == null ? "" : to);
        assertThat(json).as("the test's replacement applied").isNotEqualTo(tspJson());
        assertThatThrownBy(() -> ChipSpecs.parse("bad.json", json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InputException.class)
                .satisfies(e -> {
                    InputException ie = (InputException) e;
                    assertThat(ie.line() + ":" + ie.column()).isEqualTo(at);
                    assertThat(ie.getMessage()).contains(message);
                });
    }

    @Test
    void malformedJsonIsLocated() {
        assertThatThrownBy(() -> ChipSpecs.parse("bad.json", "{\n  \"name\": \"x\",,\n}".getBytes()))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith("malformed JSON")
                .satisfies(e -> assertThat(((InputException) e).line()).isEqualTo(2));
        assertThatThrownBy(() -> ChipSpecs.parse("empty.json", new byte[0])).hasMessageContaining("empty");
    }

    @Test
    void unknownPresetsSuggestTheNearest() {
        assertThatThrownBy(() -> ChipSpecs.presetOrFile("tsp-v2")).isInstanceOf(InputException.class)
                .hasMessageContaining("did you mean 'tsp-v1'");
    }

    private static String tspJson() {
        try (var in = ChipSpecs.class.getResourceAsStream("tsp-v1.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
