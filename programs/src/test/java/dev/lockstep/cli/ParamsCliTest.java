// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import static dev.lockstep.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What-if knobs, {@code --chip-param NAME=VALUE} and {@code --system-param NAME=VALUE} on run, compile and sim: a
 * changed parameter changes the result as an edited description file would, the report echoes it, and a bad one is
 * one error line at the option.
 */
class ParamsCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TINY = "src/test/resources/models/tiny-llama-tied.json";

    private static JsonNode json(String... args) throws Exception {
        CliRun.Result r = run(args);
        assertThat(r.exit()).as(r.err()).isZero();
        return r.json();
    }

    @Test
    void aSlowerWeightInstallAddsItsCyclesOnceToAOnePieceProduct() throws Exception {
        // 1x160x320 fp16 is one piece: one weight install on the critical path
        JsonNode base = json("compile", "--op", "matmul", "--shape", "1x160x320", "--json");
        JsonNode slow = json("compile", "--op", "matmul", "--shape", "1x160x320", "--json", "--chip-param",
                "timing.mxm_install_cycles=40");
        assertThat(slow.get("predicted_cycles").asLong()).isEqualTo(base.get("predicted_cycles").asLong() + 20);
        assertThat(slow.get("simulated_cycles")).isEqualTo(slow.get("predicted_cycles"));
        assertThat(base.has("params")).as("no override, no params field").isFalse();
        assertThat(slow.get("params").toString()).isEqualTo("[{\"scope\":\"chip\",\"name\":"
                + "\"timing.mxm_install_cycles\",\"from\":20,\"to\":40}]");
        CliRun.Result text = run("compile", "--op", "matmul", "--shape", "1x160x320", "--chip-param",
                "timing.mxm_install_cycles=40");
        assertThat(text.out()).contains("\nparam              chip timing.mxm_install_cycles = 40 (was 20)\n");
    }

    @Test
    void anOverrideCompilesAsTheEditedChipFileDoes() throws Exception {
        JsonNode file = json("compile", "--op", "matmul", "--shape", "64x640x640", "--json", "--chip",
                "systems/tsp-2x-mxm.json");
        JsonNode knob = json("compile", "--op", "matmul", "--shape", "64x640x640", "--json", "--chip-param",
                "mxm.planes_per_slice=4");
        assertThat(knob.get("predicted_cycles")).isEqualTo(file.get("predicted_cycles"));
        assertThat(knob.get("trace_hash")).isEqualTo(file.get("trace_hash"));
    }

    @Test
    void aRunWithAnOverrideIsTheRunOfTheEditedSystemFile() throws Exception {
        JsonNode file = json("run", "--model", TINY, "--chips", "16", "--json", "--system",
                "systems/tsp-576-2x-mxm.json");
        ObjectNode knob = (ObjectNode) json("run", "--model", TINY, "--chips", "16", "--json", "--chip-param",
                "mxm.planes_per_slice=4");
        assertThat(knob.remove("params").toString()).isEqualTo("[{\"scope\":\"chip\",\"name\":"
                + "\"mxm.planes_per_slice\",\"from\":2,\"to\":4}]");
        List<String> wallClock = List.of("system", "compile_seconds", "simulate_seconds", "wall_seconds",
                "other_seconds", "simulated_instructions_per_second", "simulated_chip_cycles_per_second");
        ((ObjectNode) file).remove(wallClock);
        knob.remove(wallClock);
        // the file's chip has a name of its own (tsp-2x-mxm), which no cost description prices; the override keeps
        // tsp-v1's name, and so its servers' price: the rest of the report is the same
        assertThat(file.get("chip").asText()).isEqualTo("tsp-2x-mxm");
        assertThat(file.has("cost")).isFalse();
        assertThat(knob.remove("chip").asText()).isEqualTo("tsp-v1");
        assertThat(knob.remove("cost").get("cost").asText()).isEqualTo("groq-2024");
        ((ObjectNode) file).remove("chip");
        assertThat(knob).isEqualTo(file);
        CliRun.Result text = run("run", "--model", TINY, "--chips", "16", "--chip-param", "mxm.planes_per_slice=4",
                "--system-param", "latency_cycles.rack=300");
        assertThat(text.out()).contains("\nparam            chip mxm.planes_per_slice = 4 (was 2)\n"
                + "param            system latency_cycles.rack = 300 (was 217)\n");
    }

    @Test
    void aSlowerLocalLinkLengthensTheAllGatherByTheDifference() throws Exception {
        JsonNode base = json("compile", "--op", "gemv", "--shape", "4096x14336", "--system", "node-8", "--json");
        JsonNode slow = json("compile", "--op", "gemv", "--shape", "4096x14336", "--system", "node-8", "--json",
                "--system-param", "latency_cycles.local=300");
        assertThat(slow.get("kernel_cycles")).isEqualTo(base.get("kernel_cycles"));
        assertThat(slow.get("all_gather_cycles").asLong()).isEqualTo(base.get("all_gather_cycles").asLong() + (300 - 217));
        assertThat(slow.get("params").get(0).get("name").asText()).isEqualTo("latency_cycles.local");
    }

    @Test
    void aHandScheduledProgramMeetsTheSlowerLinkAsAHazard() throws Exception {
        JsonNode base = json("sim", "asm/link-send.lsa", "--system", "node-8", "--json");
        CliRun.Result slow = run("sim", "asm/link-send.lsa", "--system", "node-8", "--system-param",
                "latency_cycles.local=300");
        assertThat(slow.exit()).isEqualTo(1);
        assertThat(slow.err()).startsWith("error: asm/link-send.lsa:25:1: hazard link_nothing_arrived:");
        // node-8 states its link latencies, which a system takes over its chip's links.latency_cycles
        JsonNode chipLinks = json("sim", "asm/link-send.lsa", "--system", "node-8", "--json", "--chip-param",
                "links.latency_cycles=300");
        assertThat(chipLinks.get("cycles")).isEqualTo(base.get("cycles"));
        assertThat(chipLinks.get("params").get(0).get("to").asLong()).isEqualTo(300);
        assertThat(base.has("params")).isFalse();
        JsonNode fast = json("sim", "asm/vector-add.lsa", "--json", "--chip-param", "clock_hz=1800000000");
        assertThat(fast.get("params").get(0).get("from").asLong()).isEqualTo(900_000_000L);
        assertThat(run("sim", "asm/vector-add.lsa", "--chip-param", "clock_hz=1800000000").out())
                .contains("at 1800 MHz").contains("\nparam          chip clock_hz = 1800000000 (was 900000000)\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '#', value = {
        "compile --op matmul --shape 1x160x320 --chip-param mxm_fp16_k # error: --chip-param:1:1: --chip-param takes NAME=VALUE, a dotted key of the description and its new value, e.g. --chip-param links.latency_cycles=300; 'mxm_fp16_k' has no '='",
        "compile --op matmul --shape 1x160x320 --chip-param =4 # error: --chip-param:1:1: --chip-param takes NAME=VALUE, a dotted key of the description and its new value, e.g. --chip-param links.latency_cycles=300; '=4' has no name",
        "sim asm/vector-add.lsa --chip-param clock_hz= # error: --chip-param:1:1: --chip-param takes NAME=VALUE, a dotted key of the description and its new value, e.g. --chip-param links.latency_cycles=300; 'clock_hz=' has no value",
        "run --chip-param mxm.fp16k=128 # error: --chip-param:1:1: unknown parameter 'mxm.fp16k' of a chip description (did you mean 'mxm.fp16_k'?)",
        "run --system-param latency=5 # error: --system-param:1:1: unknown parameter 'latency' of a system description; its parameters: name, chip, racks, nodes_per_rack, chips_per_node, global_links_per_chip, latency_cycles.*",
        "run --chip-param mxm=4 # error: --chip-param:1:1: mxm is a group of parameters, not one; name one of its keys: mxm.planes_per_slice, mxm.rows, mxm.cols, mxm.int8_k, mxm.fp16_k, mxm.fp16_planes_per_piece, mxm.queues_per_slice, mxm.weight_streams",
        "sim asm/vector-add.lsa --chip-param floorplan=MEM # error: --chip-param:1:1: floorplan holds a list, which NAME=VALUE does not set; change it in a copy of the description file and give that file instead",
        "compile --op matmul --shape 1x160x320 --chip-param clock_hz=fast # error: --chip-param:1:1: clock_hz must be a whole number in 1..100000000000, got \"fast\"",
        "run --system-param racks=2000 # error: --system-param:1:1: racks must be in 1..1024, got 2000",
        "compile --op matmul --shape 1x160x320 --chip-param mxm.planes_per_slice=3 # error: --chip-param:1:1: mxm.fp16_planes_per_piece must divide mxm.planes_per_slice (3) (tsp-v1.json with --chip-param mxm.planes_per_slice=3)",
        "run --system node-8 --chip-param links.count=2 # error: --chip-param:1:1: chips_per_node must be in 1..3, got 8 (node-8.json with --chip-param links.count=2)",
        "run --chip-param clock_hz=1 --chip-param clock_hz=2 # error: --chip-param:1:1: --chip-param sets clock_hz twice (clock_hz=1, then clock_hz=2); give each parameter once",
        "compile --op matmul --shape 1x160x320 --chip-param mxm.weight_streams=15 # error: --chip-param:1:1: mxm.weight_streams must be even (an fp16 weight row takes 2 streams), got 15",
        "compile --op matmul --shape 1x160x320 --chip-param mxm.weight_streams=34 # error: --chip-param:1:1: mxm.weight_streams is 34 but the chip has 32 streams per direction; at most 32",
        "compile --op matmul --shape 1x160x320 --chip-param streams_per_direction=64 --chip-param mxm.weight_streams=46 # error: --chip-param:1:1: mxm.weight_streams is 46 but a hemisphere has 44 MEM slices to feed them (one vector per slice per cycle); at most 44",
        "compile --op matmul --shape 1x160x320 --chip-param mxm.weight_streams=32 # error: matmul 1x160x320 f16: tsp-v1 has 32 streams per direction; the matmul schedule needs 34 toward an MXM slice (its 32 weight streams and 2 per unit for activations, 1 unit) and 8 per unit away from it (results)",
        "sim asm/vector-add.lsa --system-param racks=2 # error: --system-param:1:1: --system-param applies to a system; add --system PRESET|FILE, or set the chip's parameters with --chip-param",
    })
    void aBadParameterIsOneErrorLineAtItsOption(String args, String error) {
        CliRun.Result r = run(args.split(" "));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo(error + "\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aFunctionalRunEchoesItsParameters(@TempDir Path dir) throws Exception {
        String ckpt = dir.resolve("ckpt").toString();
        assertThat(run("random-checkpoint", ckpt).exit()).isZero();
        JsonNode j = json("run", "--functional", "--checkpoint", ckpt, "--prompt", "1", "--tokens", "1", "--system",
                "node-8", "--json", "--chip-param", "timing.vxm_fp_latency_cycles=5");
        assertThat(j.get("params").get(0).get("name").asText()).isEqualTo("timing.vxm_fp_latency_cycles");
        assertThat(j.get("generated_tokens")).hasSize(1);
    }
}
