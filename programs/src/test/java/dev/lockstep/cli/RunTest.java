// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.ModelConfigs;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.graph.DecoderModel;
import dev.lockstep.compiler.model.DecodePlan;
import dev.lockstep.isa.chip.ChipSpecs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code lockstep run}: a tiny Mixtral-shaped model (2 layers, 4 experts, top 2, hidden 640) compiled for a rack
 * and simulated (the command itself fails if the simulated cycles differ from the compiler's prediction), the
 * capacity errors of the big presets, and bad model files.
 */
class RunTest {
    static final String TINY = "src/test/resources/models/tiny-mixtral.json";

    static JsonNode json(String out) throws Exception {
        return new ObjectMapper().readTree(out);
    }

    @Test
    void aTinyMixtralRunsOnARackWithTheSameResultOnOneAndTwoThreads() throws Exception {
        CliRun.Result one = CliRun.run("run", "--model", TINY, "--system", "rack-72", "--chips", "24", "--threads",
                "1", "--json");
        assertThat(one.exit()).as(one.err()).isZero();
        JsonNode j = json(one.out());
        assertThat(j.get("model").asText()).isEqualTo("tiny-mixtral");
        assertThat(j.get("chips").asInt()).isLessThanOrEqualTo(24);
        long cycles = j.get("cycles_per_token").asLong();
        assertThat(cycles).isPositive();
        assertThat(j.get("tokens_per_second_per_user").asDouble()).isCloseTo(900e6 / cycles,
                org.assertj.core.data.Offset.offset(1e-6));
        assertThat(j.get("tokens_per_second_total").asDouble())
                .isCloseTo(3 * j.get("tokens_per_second_per_user").asDouble(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(j.get("bound_tokens_per_second_per_user").asDouble())
                .isGreaterThanOrEqualTo(j.get("tokens_per_second_per_user").asDouble());
        for (String f : new String[] {"model", "system", "chips", "chips_minimum", "batch", "context_tokens", "weights",
                "clock_hz", "cycles_per_token", "tokens_per_second_per_user", "tokens_per_second_total",
                "bound_tokens_per_second_per_user", "sram_bytes_per_chip_max", "unit_utilization", "time_breakdown",
                "simulated_cycles", "simulated_instructions", "wall_seconds", "simulated_instructions_per_second",
                "chip_cycles_simulated_in_full", "simulated_chip_cycles_per_second", "trace_hash"}) {
            assertThat(j.has(f)).as(f).isTrue();
        }
        CliRun.Result two = CliRun.run("run", "--model", TINY, "--system", "rack-72", "--chips", "24", "--threads",
                "2", "--json");
        assertThat(json(two.out()).get("trace_hash")).isEqualTo(j.get("trace_hash"));
        assertThat(json(two.out()).get("simulated_cycles")).isEqualTo(j.get("simulated_cycles"));
        assertThat(one.err()).contains("lockstep run:");
    }

    /**
     * A 40-token prompt in chunks of 4: chunks 1 to 8 are chunk 0 shifted, each queue's repeats stored once and
     * chips of alike programs run once; {@code --no-dedup} takes the full path (every instruction stored, every chip
     * run) and reports the same prefill, cycle for cycle and hash for hash.
     */
    @Test
    void aRepeatedPrefillEqualsTheFullPath() throws Exception {
        String[] args = {"run", "--model", TINY, "--system", "rack-72", "--chips", "24", "--prompt-tokens", "40",
                "--prefill-chunk", "4", "--json"};
        CliRun.Result repeated = CliRun.run(args);
        String[] full = java.util.Arrays.copyOf(args, args.length + 1);
        full[args.length] = "--no-dedup";
        CliRun.Result whole = CliRun.run(full);
        assertThat(repeated.exit()).as(repeated.err()).isZero();
        assertThat(whole.exit()).as(whole.err()).isZero();
        JsonNode a = json(repeated.out()).get("prefill");
        JsonNode b = json(whole.out()).get("prefill");
        assertThat(a.get("chunks").asInt()).isEqualTo(10);
        for (String field : java.util.List.of("trace_hash", "simulated_cycles", "first_token_cycles",
                "simulated_instructions", "interval_cycles", "chunk_latency_cycles", "longest_chunk_latency_cycles")) {
            assertThat(a.get(field)).as(field).isEqualTo(b.get(field));
        }
        assertThat(b.get("instructions_simulated_in_full")).isEqualTo(b.get("simulated_instructions"));
        assertThat(b.get("instructions_stored")).isEqualTo(b.get("simulated_instructions"));
        assertThat(a.get("instructions_stored").asLong() * 2).isLessThan(a.get("simulated_instructions").asLong());
    }

    /**
     * A prefill of 5 prompt tokens in chunks of 2 (the last of 1): chunk i enters i intervals after the first; the
     * first generated token comes after the last chunk has left the last layer and gone through the head, so the
     * time to first token is at least 2 intervals plus a chunk's latency; the same with 1 and 2 threads. Token by
     * token (chunks of 1) the same prompt gives 5 chunks.
     */
    @Test
    void promptTokensGiveATimeToFirstTokenFromASimulatedPrefill() throws Exception {
        CliRun.Result one = CliRun.run("run", "--model", TINY, "--system", "rack-72", "--chips", "24",
                "--prompt-tokens", "5", "--prefill-chunk", "2", "--threads", "1", "--json");
        assertThat(one.exit()).as(one.err()).isZero();
        JsonNode j = json(one.out());
        JsonNode p = j.get("prefill");
        long interval = p.get("interval_cycles").asLong();
        long latency = p.get("chunk_latency_cycles").asLong();
        long longest = p.get("longest_chunk_latency_cycles").asLong();
        long first = p.get("first_token_cycles").asLong();
        assertThat(p.get("prompt_tokens").asInt()).isEqualTo(5);
        assertThat(p.get("chunk_rows").asInt()).isEqualTo(2);
        assertThat(p.get("chunks").asInt()).isEqualTo(3);
        assertThat(interval).isPositive().isLessThan(latency);
        assertThat(first).isGreaterThan(2 * interval + latency / 2);
        assertThat(longest).isGreaterThanOrEqualTo(latency);
        assertThat(p.get("exact").asBoolean()).isEqualTo(longest == latency);
        assertThat(j.get("time_to_first_token_s").asDouble()).isCloseTo(first / 900e6,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(p.get("simulated_cycles").asLong()).isGreaterThanOrEqualTo(first);
        // the wall time in parts: the prefill's compile and simulate, the decode's, and the rest (planning), none
        // counted twice
        double parts = p.get("compile_seconds").asDouble() + p.get("simulate_seconds").asDouble()
                + j.get("compile_seconds").asDouble() + j.get("simulate_seconds").asDouble();
        assertThat(p.get("compile_seconds").asDouble()).isPositive();
        assertThat(p.get("simulate_seconds").asDouble()).isPositive();
        assertThat(j.get("other_seconds").asDouble()).isNotNegative()
                .isCloseTo(j.get("wall_seconds").asDouble() - parts, org.assertj.core.data.Offset.offset(1e-9));
        CliRun.Result text = CliRun.run("run", "--model", TINY, "--system", "rack-72", "--chips", "24",
                "--prompt-tokens", "5", "--prefill-chunk", "2");
        assertThat(text.out()).containsPattern("wall time +[0-9.]+ s \\(prefill compile [0-9.]+ s, simulate [0-9.]+ s "
                + "at [0-9.]+ M instructions/s and [0-9.]+ M chip-cycles/s; compile [0-9.]+ s, simulate [0-9.]+ s at "
                + "[0-9.]+ M instructions/s and [0-9.]+ M chip-cycles/s, the rest [0-9.]+ s; [0-9]+ threads\\)");
        CliRun.Result two = CliRun.run("run", "--model", TINY, "--system", "rack-72", "--chips", "24",
                "--prompt-tokens", "5", "--prefill-chunk", "2", "--threads", "2", "--json");
        assertThat(json(two.out()).get("prefill").get("trace_hash")).isEqualTo(p.get("trace_hash"));
        CliRun.Result tokens = CliRun.run("run", "--model", TINY, "--system", "rack-72", "--chips", "24",
                "--prompt-tokens", "5", "--prefill-chunk", "1", "--json");
        assertThat(tokens.exit()).as(tokens.err()).isZero();
        JsonNode q = json(tokens.out()).get("prefill");
        assertThat(q.get("chunks").asInt()).isEqualTo(5);
        assertThat(q.get("first_token_cycles").asLong()).isGreaterThan(4 * q.get("interval_cycles").asLong());
        CliRun.Result bad = CliRun.run("run", "--model", TINY, "--prompt-tokens", "0");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).startsWith("error: --prompt-tokens:1:1: --prompt-tokens must be 1..32768");
    }

    /**
     * Many long KV caches: the V product (one tile of columns, so one MXM unit and one half of the chip) does not
     * pack whole, and is split into two products over half the cached tokens each, in the two halves; the run
     * still simulates in exactly the predicted cycles (run checks it). Caches no chip can hold are refused with the
     * reason.
     */
    @Test
    void vCachesTooLargeForHalfAChipAreSplitAndCachesTooLargeForAChipAreRefused() throws Exception {
        CliRun.Result r = CliRun.run("run", "--model", TINY, "--system", "rack-72", "--chips", "24", "--batch", "14",
                "--context", "12288", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(json(r.out()).get("v_products_split").asInt()).isPositive();
        CliRun.Result small = CliRun.run("run", "--model", TINY, "--system", "rack-72", "--chips", "24", "--json");
        assertThat(json(small.out()).get("v_products_split").asInt()).isZero();
        CliRun.Result huge = CliRun.run("run", "--model", TINY, "--system", "rack-72", "--chips", "24", "--batch",
                "32", "--context", "16384");
        assertThat(huge.exit()).isEqualTo(1);
        assertThat(huge.err()).startsWith("error: tiny-mixtral (fp16, batch 32, context 16384): does not fit any "
                + "number of chips: attention splits at most by KV heads (2)");
    }

    @Test
    void tooFewChipsSaysHowManyTheModelNeeds() {
        CliRun.Result r = CliRun.run("run", "--chips", "100");
        assertThat(r.exit()).isEqualTo(1);
        DecodePlan min = DecodePlan.minimal(ModelConfigs.presetOrFile("mixtral-8x7b"), Precision.FP16, 3, 4096,
                ChipSpecs.tspV1());
        assertThat(r.err().strip()).isEqualTo("error: Mixtral-8x7B (fp16, batch 3, context 4096) needs at least "
                + min.chips() + " chips of tsp-v1; got 100");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void llama70bFitsOn576ChipsInInt8AndNotInFp16() {
        ModelConfig m = ModelConfigs.presetOrFile("llama-2-70b");
        DecodePlan int8 = DecodePlan.minimal(m, Precision.INT8, 3, 4096, ChipSpecs.tspV1());
        DecodePlan fp16 = DecodePlan.minimal(m, Precision.FP16, 3, 4096, ChipSpecs.tspV1());
        assertThat(int8.chips()).isLessThanOrEqualTo(576);
        assertThat(fp16.chips()).isGreaterThan(576);
        // fp16 weights alone are 2 bytes x 69 B parameters = 138 GB > 576 x 230.7 MB = 132.9 GB
        assertThat(DecoderModel.of(m).parameters()).isEqualTo(68_976_648_192L);
        CliRun.Result r = CliRun.run("run", "--model", "llama-2-70b");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("Llama-2-70B (fp16, batch 3, context 4096) needs at least " + fp16.chips()
                + " chips of tsp-v1; got 576");
    }

    /** The presets on the class path (as `run` reads them) have the published checkpoints' sizes, exactly. */
    @Test
    void thePresetsHaveThePublishedSizes() {
        assertThat(DecoderModel.of(ModelConfigs.presetOrFile("mixtral-8x7b")).parameters()).isEqualTo(46_702_792_704L);
        assertThat(DecoderModel.of(ModelConfigs.presetOrFile("llama-2-7b")).parameters()).isEqualTo(6_738_415_616L);
        assertThat(DecoderModel.of(ModelConfigs.presetOrFile("mistral-7b")).parameters()).isEqualTo(7_241_732_096L);
        assertThat(DecoderModel.of(ModelConfigs.presetOrFile("llama-3-8b")).parameters()).isEqualTo(8_030_261_248L);
    }

    @Test
    void badModelFilesGiveOneLocatedLine() {
        CliRun.Result r = CliRun.run("run", "--model", "src/test/resources/models/unknown-arch.json");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("error: src/test/resources/models/unknown-arch.json:2:21: unknown "
                + "architecture 'GPT2LMHeadModel'");
        r = CliRun.run("run", "--model", "src/test/resources/models/bad-heads.json");
        assertThat(r.err().strip()).startsWith("error: src/test/resources/models/bad-heads.json:5:")
                .contains("num_attention_heads (6) must divide hidden_size (640)");
        r = CliRun.run("run", "--model", "mixtral-8x8b");
        assertThat(r.err()).contains("no model preset named 'mixtral-8x8b'").contains("mixtral-8x7b");
        r = CliRun.run("run", "--weights", "fp8");
        assertThat(r.err().strip()).isEqualTo("error: --weights:1:1: weights are fp16 or int8, got 'fp8'");
    }

    /**
     * With the experts chosen by data, the tiny Mixtral streams 2 of its 4 experts for a token, reports none of the
     * expert work discarded, and takes the cycles the compiler's own test pins (ChosenDispatchTest).
     */
    @Test
    void chosenExpertDispatchIsReported() throws Exception {
        CliRun.Result r = CliRun.run("run", "--model", TINY, "--system", "rack-72", "--chips", "24",
                "--moe-dispatch", "chosen", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = json(r.out());
        assertThat(j.get("moe").get("dispatch").asText()).isEqualTo("chosen");
        assertThat(j.get("moe").get("experts_computed_per_token").asInt()).isEqualTo(2);
        assertThat(j.get("moe").get("expert_work_discarded").asDouble()).isZero();
        assertThat(j.get("cycles_per_token").asLong()).isEqualTo(34_275);
        assertThat(j.get("bound_tokens_per_second_per_user").asDouble())
                .isGreaterThanOrEqualTo(j.get("tokens_per_second_per_user").asDouble());
        CliRun.Result all = CliRun.run("run", "--model", TINY, "--system", "rack-72", "--chips", "24", "--json");
        JsonNode a = json(all.out());
        assertThat(a.get("moe").get("dispatch").asText()).isEqualTo("all");
        assertThat(a.get("moe").get("experts_computed_per_token").asInt()).isEqualTo(4);
        assertThat(a.get("moe").get("expert_work_discarded").asDouble()).isEqualTo(0.5);
        CliRun.Result text = CliRun.run("run", "--model", TINY, "--system", "rack-72", "--chips", "24",
                "--moe-dispatch", "chosen");
        assertThat(text.out()).contains("experts          2 of 4 streamed for every token, those the router chose");
    }

    /** A context or prompt beyond what the model was made for (max_position_embeddings) is one line, exit 1. */
    @Test
    void aContextBeyondTheModelsMaximumGetsOneLine() {
        CliRun.Result r = CliRun.run("run", "--context", "40000");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("error: --context:1:1: a context of 40000 tokens is longer than "
                + "Mixtral-8x7B's max_position_embeddings (32768): give --context 32768 or less");
        r = CliRun.run("run", "--model", "llama-2-7b", "--prompt-tokens", "5000", "--context", "5000");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("error: --prompt-tokens:1:1: a prompt of 5000 tokens is longer than "
                + "Llama-2-7B's max_position_embeddings (4096): give at most 4096");
        r = CliRun.run("run", "--model", "llama-2-7b", "--prompt-tokens", "300", "--context", "200");
        assertThat(r.err().strip()).isEqualTo("error: --prompt-tokens:1:1: a prompt of 300 tokens does not fit a "
                + "context of 200 (--context); give a longer context or a shorter prompt");
    }

    @Test
    void aDispatchThatDoesNotApplyGetsOneLine() {
        CliRun.Result r = CliRun.run("run", "--moe-dispatch", "some");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("error: --moe-dispatch:1:1: 'some' is not a dispatch: write all or "
                + "chosen");
        r = CliRun.run("run", "--model", "llama-2-7b", "--moe-dispatch", "chosen");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("error: --moe-dispatch:1:1: chosen applies to MoE models, and "
                + "Llama-2-7B is dense (no experts): leave --moe-dispatch at all");
    }

    /** chips_minimum is a promise: the plan on that many chips must compile (every tensor placed in SRAM). */
    @Test
    void theMinimalMixtralPlanCompiles() {
        var system = dev.lockstep.isa.system.SystemSpecs.preset("tsp-576");
        DecodePlan min = DecodePlan.minimal(ModelConfigs.presetOrFile("mixtral-8x7b"), Precision.FP16, 3, 4096,
                system.chip());
        DecodePlan plan = DecodePlan.forChips(min.model(), Precision.FP16, 3, 4096, system.chip(), min.chips(), 8);
        assertThat(plan.chips()).isEqualTo(min.chips());
        var built = dev.lockstep.compiler.model.DecodeBuilder.build(plan, system, line -> { });
        assertThat(built.footprint().maxSramBytes()).isLessThanOrEqualTo(DecodePlan.capacity(system.chip()));
        assertThat(built.cyclesPerToken()).isEqualTo(plan.batch() * built.timeline().staggerCycles());
    }

    /** The blocks of a layer compile on one chip and simulate in exactly the predicted cycles. */
    @Test
    void attentionAndMoeBlocksCompileCycleExact() throws Exception {
        for (String[] args : new String[][] {{"compile", "--op", "attention", "--model", TINY, "--json"},
                {"compile", "--op", "moe-block", "--model", TINY, "--json"},
                {"compile", "--op", "moe-block", "--model", TINY, "--dtype", "int8", "--columns", "640", "--json"}}) {
            CliRun.Result r = CliRun.run(args);
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode j = json(r.out());
            assertThat(j.get("simulated_cycles")).isEqualTo(j.get("predicted_cycles"));
            assertThat(j.get("lower_bound_cycles").asLong()).isPositive()
                    .isLessThanOrEqualTo(j.get("predicted_cycles").asLong());
        }
        CliRun.Result bad = CliRun.run("compile", "--op", "moe-block", "--model", TINY, "--columns", "5000");
        assertThat(bad.err().strip()).isEqualTo("error: --columns must be 1..1280, got 5000");
    }

    /**
     * Tied embeddings: the table is the LM head's, on the last chips of the path; the embedding reaches layer 0,
     * at the other end, hop by hop. 12 layers (one chip each) and the head over two nodes of a rack.
     */
    @Test
    void aModelWithTiedEmbeddingsRunsAcrossNodes() throws Exception {
        CliRun.Result r = CliRun.run("run", "--model", "src/test/resources/models/tiny-llama-tied.json", "--system",
                "rack-72", "--chips", "16", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = json(r.out());
        assertThat(j.get("partition").get("embedding_chips").asInt()).isZero();
        // here tokens of different sequences collide: the embedding goes from the head's last chip to layer 0 by
        // the shortest route, through a chip of layer 8, which may be busy with another token; the run reports the
        // slowest, and the figure is never below one token's latency
        long perToken = j.get("cycles_per_token").asLong();
        assertThat(perToken).isGreaterThanOrEqualTo(j.get("longest_token_cycles").asLong())
                .isGreaterThanOrEqualTo(j.get("first_token_cycles").asLong());
        assertThat(j.get("steady_state_exact").asBoolean()).isEqualTo(perToken == 3 * j.get("stagger_cycles").asLong()
                && j.get("longest_token_cycles").equals(j.get("first_token_cycles")));
    }

    /** --trace writes a Chrome trace of the first layer's chips, each run again on its own. */
    @Test
    void traceWritesTheFirstLayersTimeline(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.json");
        CliRun.Result r = CliRun.run("run", "--model", TINY, "--system", "rack-72", "--chips", "24", "--trace",
                file.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("wrote " + file);
        JsonNode t = new ObjectMapper().readTree(file.toFile());
        assertThat(t.get("traceEvents").size()).isPositive();
        assertThat(json(r.out()).has("trace_hash")).isTrue();
        CliRun.Result bad = CliRun.run("run", "--model", TINY, "--system", "rack-72", "--chips", "24", "--trace",
                file.toString(), "--trace-chips", "5:2");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("--trace-chips must name 1 to 64 path positions");
    }

    /** A bad trace window or chip range is refused before anything is compiled. */
    @Test
    void badTraceOptionsAreRefusedBeforeTheRun(@org.junit.jupiter.api.io.TempDir Path dir) {
        String file = dir.resolve("t.json").toString();
        CliRun.Result window = CliRun.run("run", "--model", TINY, "--system", "rack-72", "--chips", "24", "--trace",
                file, "--trace-window", "9:2");
        assertThat(window.exit()).isEqualTo(1);
        assertThat(window.err()).startsWith("error: --trace-window:1:1: --trace-window FROM:TO needs 0 <= FROM < TO")
                .doesNotContain("lockstep run: ");
        CliRun.Result chips = CliRun.run("run", "--model", TINY, "--system", "rack-72", "--chips", "24", "--trace",
                file, "--trace-chips", "7:7");
        assertThat(chips.exit()).isEqualTo(1);
        assertThat(chips.err()).startsWith("error: --trace-chips:1:1: --trace-chips must name 1 to 64 path positions")
                .doesNotContain("lockstep run: ");
    }

    /** The example systems of programs/systems load, and the tiny model runs on their first chips. */
    @Test
    void theExampleSystemsRun() throws Exception {
        for (String f : new String[] {"systems/tsp-576-fast-links.json", "systems/tsp-576-2x-mxm.json"}) {
            CliRun.Result r = CliRun.run("run", "--model", TINY, "--system", f, "--chips", "16", "--json");
            assertThat(r.exit()).as(f + ": " + r.err()).isZero();
            assertThat(json(r.out()).get("system").asText()).startsWith("tsp-576-");
        }
    }

    @Test
    void speculativeBadInputIsOneLineEach() {
        String draft = "src/test/resources/models/tiny-draft.json";
        String[][] cases = {
            {"--speculate", "0", "--draft", draft},
            {"--speculate", "17", "--draft", draft},
            {"--speculate", "2"},
            {"--speculate", "2", "--draft", draft, "--acceptance", "1.5"},
            {"--speculate", "2", "--draft", "llama-3-8b"},
            {"--draft", draft},
            {"--speculate", "2", "--draft", draft, "--draft-chips", "72"},
            {"--speculate", "2", "--draft", draft, "--prompt-tokens", "6"},
            {"--speculate", "2", "--draft", draft, "--trace", "/tmp/never.json"},
        };
        String[] expected = {
            "error: --speculate:1:1: --speculate must be 1..16 draft tokens a step, got 0",
            "error: --speculate:1:1: --speculate must be 1..16 draft tokens a step, got 17",
            "error: --speculate:1:1: --speculate needs a draft model: add --draft PRESET|FILE",
            "error: --acceptance:1:1: --acceptance must be a rate in [0, 1], got 1.5",
            "error: --draft:1:1: the draft Llama-3-8B has a vocabulary of 128256 tokens and the target tiny-mixtral "
                    + "one of 1000",
            "error: --draft:1:1: --draft goes with --speculate K",
            "error: --draft-chips:1:1: --draft-chips must be 1..71 chips, got 72",
            "error: --prompt-tokens:1:1: --prompt-tokens goes with plain decoding",
            "error: --trace:1:1: --trace goes with plain decoding, not --speculate",
        };
        assertOneErrorLineEach(cases, expected);
    }

    @Test
    void pipelinesAndBatchBadInputIsOneLineEach() {
        String[][] cases = {
            {"--pipelines", "0"},
            {"--pipelines", "73"},
            {"--pipelines", "2", "--speculate", "2", "--draft", "src/test/resources/models/tiny-draft.json"},
            {"--batch", "lots"},
            {"--batch", "65"},
            {"--pipelines", "24"},
            {"--batch", "max", "--speculate", "2", "--draft", "src/test/resources/models/tiny-draft.json"},
        };
        String[] expected = {
            "error: --pipelines:1:1: --pipelines must be 1..72 pipelines (a chip each at least), got 0",
            "error: --pipelines:1:1: --pipelines must be 1..72 pipelines (a chip each at least), got 73",
            "error: --pipelines:1:1: --speculate runs one target and one draft",
            "error: --batch:1:1: --batch must be a number of sequences (1..64) or max, got 'lots'",
            "error: --batch:1:1: --batch must be 1..64 sequences in flight, got 65",
            "error: tiny-mixtral (fp16, batch 3 per pipeline, context 4096) needs at least 4 chips of tsp-v1 per "
                    + "pipeline; got 3 (72 chips for 24 pipelines: give fewer pipelines, at most 18)",
            "error: --batch:1:1: --batch max sizes one model on all the chips",
        };
        assertOneErrorLineEach(cases, expected);
    }

    @Test
    void aPromptGoesWithSeveralPipelinesInTextAndJson() throws Exception {
        CliRun.Result text = CliRun.run("run", "--model", TINY, "--system", "rack-72", "--pipelines", "3",
                "--prompt-tokens", "6");
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("first token").contains("3 side by side");
        CliRun.Result js = CliRun.run("run", "--model", TINY, "--system", "rack-72", "--pipelines", "3",
                "--prompt-tokens", "6", "--json");
        assertThat(js.exit()).as(js.err()).isZero();
        JsonNode j = json(js.out());
        assertThat(j.get("pipelines").asInt()).isEqualTo(3);
        assertThat(j.get("prefill").get("prompt_tokens").asInt()).isEqualTo(6);
        assertThat(j.get("prefill").get("simulated_cycles").asLong()).isPositive();
    }

    @Test
    void aSystemWithNoChipPathIsOneLineNamingTheSystemWhateverTheRun() {
        // racks wired rack to rack from too few ports: no path leaves each node from another chip than its entry
        String system = "src/test/resources/systems/no-chip-path.json";
        String[][] cases = {
            {},
            {"--pipelines", "2"},
            {"--batch", "max"},
            {"--prompt-tokens", "6"},
        };
        String[] expected = {
            "error: tiny-mixtral (fp16, batch 3, context 4096) on no-chip-path: no-chip-path has no path through the "
                    + "nodes of rack 0 to rack 1",
            "error: tiny-mixtral (fp16, batch 3 per pipeline, context 4096) on no-chip-path: no-chip-path has no path",
            "error: --system:1:1: no-chip-path has no path through the nodes of rack 0 to rack 1",
            "error: tiny-mixtral (fp16, batch 3, context 4096) on no-chip-path: no-chip-path has no path",
        };
        for (int i = 0; i < cases.length; i++) {
            String[] args = new String[cases[i].length + 5];
            System.arraycopy(new String[] {"run", "--model", TINY, "--system", system}, 0, args, 0, 5);
            System.arraycopy(cases[i], 0, args, 5, cases[i].length);
            CliRun.Result r = CliRun.run(args);
            assertThat(r.exit()).as(String.join(" ", cases[i])).isEqualTo(1);
            assertThat(r.err().lines().filter(l -> l.startsWith("error")).toList()).as(String.join(" ", cases[i]))
                    .singleElement().asString().startsWith(expected[i]).doesNotContain("does not compile");
        }
    }

    /**
     * Runs the tiny Mixtral on rack-72 with each case's options: exit 1 and one error line, starting as expected, no
     * exception.
     */
    private static void assertOneErrorLineEach(String[][] cases, String[] expected) {
        for (int i = 0; i < cases.length; i++) {
            String[] args = new String[cases[i].length + 5];
            System.arraycopy(new String[] {"run", "--model", TINY, "--system", "rack-72"}, 0, args, 0, 5);
            System.arraycopy(cases[i], 0, args, 5, cases[i].length);
            CliRun.Result r = CliRun.run(args);
            assertThat(r.exit()).as(String.join(" ", cases[i])).isEqualTo(1);
            assertThat(r.err().lines().filter(l -> l.startsWith("error")).toList()).as(String.join(" ", cases[i]))
                    .singleElement().asString().startsWith(expected[i]);
            assertThat(r.err()).doesNotContain("Exception");
        }
    }
}
