// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.ModelConfigs;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.model.DecodeBuilder;
import dev.lockstep.compiler.model.DecodePlan;
import dev.lockstep.compiler.model.ModelCopy;
import dev.lockstep.compiler.model.MoeDispatch;
import dev.lockstep.compiler.model.PlanSearch;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.sim.Activity;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.TraceHash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The run library called directly, as a benchmark or another tool would: the report's figures (the same as the
 * golden run-tiny-mixtral-prefill's), its refusals, and the one check of simulated against predicted cycles.
 */
class DecodeRunTest {
    private static final ModelConfig TINY = ModelConfigs.presetOrFile("src/test/resources/models/tiny-mixtral.json");
    private static final SystemSpec RACK = SystemSpecs.presetOrFile("rack-72");

    private static DecodeRequest request(ModelConfig m, SystemSpec s, int chips,
                                         Optional<DecodeRequest.PrefillRequest> prefill) {
        return new DecodeRequest(m, s, Precision.FP16, 3, 4096, chips, prefill, 1, true);
    }

    @Test
    void aReportCarriesThePlanTheFiguresAndTheProgress() {
        List<String> progress = new ArrayList<>();
        AtomicReference<DecodeBuilder.Result> compiled = new AtomicReference<>();
        DecodeReport r = DecodeRun.run(request(TINY, RACK, 24, Optional.of(new DecodeRequest.PrefillRequest(6, 4))),
                progress::add, compiled::set);
        assertThat(compiled.get()).as("the compiled step, seen before its simulation").isSameAs(r.built());
        assertThat(r.decodePlan().chips()).isEqualTo(24);
        assertThat(r.planSearch().minimal().chips()).isEqualTo(4);
        // the figures of compiler's DecodeBuilderTest for the same plan (re-pinned there after the hop model and again
        // after normed rows crossed links in fp16, after reductions ran segments side by side, and after broadcasts
        // along several nodes were routed first, after a two-node layer's output was summed on the next layer's
        // first chip, after that sum went in pieces, after broadcasts along nodes were relayed word by word, and after
        // each product's wiring and the caches' append were placed, after the layer's vector steps became those of
        // the run with data, after they read rows shaped as its, after they read the rows of a run in place, after a
        // run went on across exchanges among one chip, after a decode step's row was carried into each stage, after
        // the head's choice became the run with data's greedy choice, and after the embedding chip looked each token's
        // row up where its index says and the choice was carried back to it; the end 64,746 and the trace
        // 212225c67479ebd5 before the copies out of the receive lanes went on many streams at once and each chip's
        // gated sum read its own experts' routing weights, and a carried row was written in place, no copy out of the
        // receive lanes: 64,728 with the copies on many streams)
        assertThat(r.cyclesPerToken()).isEqualTo(34_947);
        assertThat(r.tokensPerSecondPerUser()).isEqualTo(900e6 / 34_947);
        assertThat(r.tokensPerSecondTotal()).isEqualTo(900e6 / 34_947 * 3);
        assertThat(r.boundTokensPerSecondPerUser()).isEqualTo(900e6 / 10_596);
        assertThat(r.sim().cycles()).isEqualTo(r.built().predictedEnd()).isEqualTo(64_717);
        assertThat(TraceHash.hex(r.sim().traceHash())).isEqualTo("efba465e3f2fb877");
        DecodeReport.TimeShares s = r.timeShares();
        assertThat(s.compute() + s.onChip() + s.links() + s.waiting()).isCloseTo(1.0, within(1e-12));
        assertThat(r.timeToFirstTokenSeconds()).hasValue(70_061 / 900e6);
        assertThat(r.prefill().orElseThrow().sim().cycles()).isEqualTo(71_655);
        assertThat(progress.get(0)).startsWith("tiny-mixtral on 24 chips of rack-72: 1 for the embedding table, "
                + "2 layers x 11 chips (attention on 1), 1 for the LM head");
        assertThat(progress).anyMatch(line -> line.startsWith("prefill compiled ("));
    }

    @Test
    void aPrefillChunkOfTheDefaultRowsThatDoesNotCompileFallsBackToFewerAndSaysSo() {
        // at a context of 32,768 a chunk of 4 rows does not fit the scratch words its attention shares; 2 rows do
        DecodeRequest byDefault = new DecodeRequest(TINY, RACK, Precision.FP16, 3, 32_768, 24,
                Optional.of(DecodeRequest.PrefillRequest.byDefault(8)), 1, true);
        DecodeReport.PrefillReport p = DecodeRun.run(byDefault, line -> { }).prefill().orElseThrow();
        assertThat(p.timing().chunkRows()).isEqualTo(2);
        assertThat(p.refused()).extracting(DecodeReport.ChunkRefused::rows).containsExactly(4);
        assertThat(p.refused().get(0).why()).contains("does not fit the scratch words");
        // asked for, 4 rows are refused
        DecodeRequest asked = new DecodeRequest(TINY, RACK, Precision.FP16, 3, 32_768, 24,
                Optional.of(new DecodeRequest.PrefillRequest(8, 4)), 1, true);
        assertThatThrownBy(() -> DecodeRun.run(asked, line -> { })).isInstanceOf(RunRefused.class)
                .hasMessageStartingWith("tiny-mixtral: a prompt of 8 tokens in chunks of 4: a chunk of 4 rows does not "
                        + "fit the scratch words");
    }

    @Test
    void pipelinesSideBySideEachRunTheirOwnSequences() {
        // three copies of the tiny Mixtral on 24 chips each, each confined to its share and compiled and simulated on
        // its own (24 chips are not whole racks, so none is the first moved): each takes the single copy's cycles per
        // token, and the total counts all 9 sequences; the hash is that of the three programs on their chips (the
        // routes kept in each share since 2026-12-04). With broadcasts relayed along the chain alone (RelayBroadcast,
        // before RelayTree) a copy took 26,379 cycles per token against the single copy's 25,005: confined to its
        // share it forwarded a route through chip 0 that the model alone routed outside the share, and chip 0 also
        // forwarded the first layer's broadcast
        DecodeRequest three = new DecodeRequest(TINY, RACK, Precision.FP16, 3, 4096, 72, Optional.empty(), 1, true,
                MoeDispatch.ALL, 3);
        assertThat(three.chipsPerPipeline()).isEqualTo(24);
        DecodeReport r = DecodeRun.run(three, line -> { });
        assertThat(r.chipsUsed()).isEqualTo(72);
        assertThat(r.cyclesPerToken()).isEqualTo(34_947);
        assertThat(r.tokensPerSecondTotal()).isEqualTo(900e6 / 34_947 * 3 * 3);
        assertThat(r.sim().cycles()).isEqualTo(64_717);
        assertThat(r.sim().chipIds()).hasSize(72);
        assertThat(TraceHash.hex(r.sim().traceHash())).isEqualTo("513f66264b1d8673");
        assertThat(r.sim().chipsRun()).as("every copy simulated, each chip's program its own").isEqualTo(72);
    }

    @Test
    void everyCopyPrefillsItsOwnPromptAndTheReportIsTheSlowestCopys() {
        // three copies on rack-72 (none the first moved): each prefills, confined to its share; the report is the
        // latest first token of the three. Eight on tsp-576 (copies 1..7 the first moved): one prefill, the same
        // report as with every copy's (--no-dedup)
        List<String> three = new ArrayList<>();
        DecodeReport r = DecodeRun.run(new DecodeRequest(TINY, RACK, Precision.FP16, 3, 4096, 72,
                Optional.of(new DecodeRequest.PrefillRequest(6, 4)), 1, true, MoeDispatch.ALL, 3), three::add);
        assertThat(three).filteredOn(line -> line.startsWith("prefill of pipeline ")).containsExactly(
                "prefill of pipeline 0 of 3", "prefill of pipeline 1 of 3", "prefill of pipeline 2 of 3");
        DecodeReport.PrefillReport p = r.prefill().orElseThrow();
        assertThat(p.sim().cycles()).isEqualTo(p.timing().predictedEndCycle());
        // the report's first token is the latest of the three copies' prefills, each compiled here on its own
        DecodePlan plan = r.decodePlan();
        long latest = 0;
        for (ModelCopy copy : ModelCopy.sideBySide(RACK, 3, 24)) {
            latest = Math.max(latest, DecodeBuilder.prefill(plan, RACK, copy, 6, 4, line -> { }).timing()
                    .firstTokenCycle());
        }
        assertThat(p.timing().firstTokenCycle()).isEqualTo(latest);
        assertThat(r.otherWallSeconds()).isNotNegative();
        SystemSpec tsp576 = SystemSpecs.presetOrFile("tsp-576");
        List<String> eight = new ArrayList<>();
        DecodeReport moved = DecodeRun.run(new DecodeRequest(TINY, tsp576, Precision.FP16, 3, 4096, 576,
                Optional.of(new DecodeRequest.PrefillRequest(6, 4)), 1, true, MoeDispatch.ALL, 8), eight::add);
        DecodeReport full = DecodeRun.run(new DecodeRequest(TINY, tsp576, Precision.FP16, 3, 4096, 576,
                Optional.of(new DecodeRequest.PrefillRequest(6, 4)), 1, false, MoeDispatch.ALL, 8), line -> { });
        assertThat(eight).filteredOn(line -> line.startsWith("prefill of pipeline ")).containsExactly(
                "prefill of pipeline 0 of 8");
        assertThat(moved.prefill().orElseThrow().timing()).isEqualTo(full.prefill().orElseThrow().timing());
        DecodeReport.Simulated a = moved.prefill().orElseThrow().sim();
        DecodeReport.Simulated b = full.prefill().orElseThrow().sim();
        assertThat(List.of(a.cycles(), a.instructions(), a.traceHash()))
                .isEqualTo(List.of(b.cycles(), b.instructions(), b.traceHash()));
        assertThat(moved.sim().traceHash()).isEqualTo(full.sim().traceHash());
    }

    @Test
    void copiesOfLessThanANodeKeepToTheirChipsToo() {
        // twelve copies of 6 chips on rack-72: shares cut across nodes, the links to the other copy's chips of a node
        // left out; each copy still ends where the compiler predicts (Verified), and the 72 chips are all used
        DecodeReport r = DecodeRun.run(new DecodeRequest(TINY, RACK, Precision.FP16, 3, 4096, 72, Optional.empty(), 1,
                true, MoeDispatch.ALL, 12), line -> { });
        assertThat(r.request().chipsPerPipeline()).isEqualTo(6);
        assertThat(r.sim().chipIds()).hasSize(72);
        // 35,964 before the head's choice was the greedy one (measured by putting the old argmax kernel back; the
        // copy held at its landing changes nothing here): a longer kernel, yet fewer cycles per token, where the
        // other pins rose a little; this tiny run's steady state (twelve copies, three sequences each) moves with
        // where its tokens' work meets (34,608 before a carried row was written in place as it passes, no copy out of
        // the receive lanes)
        assertThat(r.cyclesPerToken()).isEqualTo(34_200);
    }

    @Test
    void aCopyThatIsTheFirstMovedByWholeRacksGivesWhatCompilingAndSimulatingItGives() {
        // eight copies of the tiny Mixtral on tsp-576, a rack each: copies 1..7 are copy 0 moved by whole racks and
        // wired alike, so by default neither compiled nor simulated; --no-dedup compiles and simulates each, and every
        // figure and the trace hash must agree
        SystemSpec tsp576 = SystemSpecs.presetOrFile("tsp-576");
        List<String> progress = new ArrayList<>();
        DecodeReport moved = DecodeRun.run(new DecodeRequest(TINY, tsp576, Precision.FP16, 3, 4096, 576,
                Optional.empty(), 1, true, MoeDispatch.ALL, 8), progress::add);
        DecodeReport full = DecodeRun.run(new DecodeRequest(TINY, tsp576, Precision.FP16, 3, 4096, 576,
                Optional.empty(), 1, false, MoeDispatch.ALL, 8), line -> { });
        assertThat(progress).filteredOn(line -> line.contains("is pipeline 0 moved by")).hasSize(7);
        assertThat(progress).anyMatch(line -> line.startsWith("pipeline 7 of 8 is pipeline 0 moved by 504 chips"));
        assertThat(moved.sim().traceHash()).isEqualTo(full.sim().traceHash());
        assertThat(moved.sim().cycles()).isEqualTo(full.sim().cycles());
        assertThat(moved.sim().instructions()).isEqualTo(full.sim().instructions());
        assertThat(moved.sim().chipIds()).isEqualTo(full.sim().chipIds()).hasSize(576);
        assertThat(moved.cyclesPerToken()).isEqualTo(full.cyclesPerToken());
        assertThat(moved.built().timeline()).isEqualTo(full.built().timeline());
        assertThat(moved.built().footprint()).isEqualTo(full.built().footprint());
        for (Activity a : Activity.values()) {
            assertThat(moved.sim().activity(a)).as(a.name()).isEqualTo(full.sim().activity(a));
        }
        for (int c : full.sim().chipIds()) {
            assertThat(moved.sim().cycles(c)).isEqualTo(full.sim().cycles(c));
            assertThat(moved.sim().traceHash(c)).isEqualTo(full.sim().traceHash(c));
        }
        assertThat(full.sim().chipsRun()).isEqualTo(576);
        assertThat(moved.sim().chipsRun()).as("copy 0's distinct chip programs only").isLessThan(72);
    }

    /** A system of {@code racks} racks of {@code nodes} nodes of {@code chips} chips, {@code global} links each. */
    private static SystemSpec system(int racks, int nodes, int chips, int global) {
        String json = ("{\"name\": \"x\", \"chip\": \"tsp-v1\", \"racks\": %d, \"nodes_per_rack\": %d, "
                + "\"chips_per_node\": %d, \"global_links_per_chip\": %d}").formatted(racks, nodes, chips, global);
        return SystemSpecs.parse("x.json", json.getBytes(StandardCharsets.UTF_8), null);
    }

    @Test
    void copiesMovedAcrossRacksOverCablesBetweenRacksAgreeWithCompilingEach() {
        // shares of two racks, whose copies cross the cables between them: 4 racks of 2 nodes of 8 chips (every node
        // cabled to every other rack) in 2 copies of 32 chips, and 288 chips of tsp-10440 (racks wired rack to rack)
        // in 2 copies of 144
        record Case(SystemSpec system, int chips) {
        }
        for (Case c : List.of(new Case(system(4, 2, 8, 4), 64), new Case(SystemSpecs.preset("tsp-10440"), 288))) {
            List<String> progress = new ArrayList<>();
            DecodeReport moved = DecodeRun.run(new DecodeRequest(TINY, c.system(), Precision.FP16, 3, 4096, c.chips(),
                    Optional.empty(), 1, true, MoeDispatch.ALL, 2), progress::add);
            DecodeReport full = DecodeRun.run(new DecodeRequest(TINY, c.system(), Precision.FP16, 3, 4096, c.chips(),
                    Optional.empty(), 1, false, MoeDispatch.ALL, 2), line -> { });
            assertThat(progress).anyMatch(line -> line.startsWith("pipeline 1 of 2 is pipeline 0 moved by "
                    + c.chips() / 2 + " chips"));
            assertThat(TraceHash.hex(moved.sim().traceHash())).isEqualTo(TraceHash.hex(full.sim().traceHash()));
            assertThat(moved.sim().cycles()).isEqualTo(full.sim().cycles());
            assertThat(moved.cyclesPerToken()).isEqualTo(full.cyclesPerToken());
            assertThat(moved.sim().chipIds()).isEqualTo(full.sim().chipIds());
            assertThat(moved.sim().chipsRun()).isLessThan(full.sim().chipsRun());
            // each copy crossed a cable between its two racks
            int rack = c.system().chipsPerNode() * c.system().nodesPerRack();
            assertThat(moved.sim().chipIds()).anyMatch(id -> id % (2 * rack) >= rack);
            assertThat(moved.sim().activity(Activity.LINK_VECTORS)).isPositive();
        }
    }

    @Test
    void aSystemWithNoChipPathIsRefusedAsTheSystemsFault() {
        // racks wired rack to rack from too few ports: no path leaves each node from another chip than its entry
        SystemSpec x = system(8, 2, 2, 3);
        assertThatThrownBy(() -> DecodeRun.run(new DecodeRequest(TINY, x, Precision.FP16, 3, 4096, 32,
                Optional.empty(), 1, true, MoeDispatch.ALL, 2), line -> { })).isInstanceOf(RunRefused.class)
                .hasMessageStartingWith("tiny-mixtral (fp16, batch 3 per pipeline, context 4096) on x: x has no path "
                        + "through the nodes of rack 0 to rack 1")
                .hasMessageNotContaining("does not compile");
    }

    @Test
    void theLargestBatchIsTheMostWhoseCachesPack() {
        // on 24 chips the tiny Mixtral's plan packs 25 sequences' caches and not 26 (found by bisection)
        assertThat(PlanSearch.largestBatch(TINY, Precision.FP16, 4096, RACK, 24,
                MoeDispatch.ALL, 64)).hasValue(25);
        assertThatThrownBy(() -> DecodeBuilder.checkPacking(PlanSearch.forChips(TINY, Precision.FP16, 26, 4096, RACK,
                24).plan(), RACK)).isInstanceOf(dev.lockstep.compiler.CompileException.class);
    }

    @Test
    void aModelThatDoesNotFitIsRefusedWithTheChipsItNeeds() {
        ModelConfig llama = ModelConfigs.presetOrFile("llama-2-70b");
        SystemSpec tsp = SystemSpecs.presetOrFile("tsp-576");
        assertThatThrownBy(() -> DecodeRun.run(request(llama, tsp, 576, Optional.empty()), line -> { }))
                .isInstanceOf(RunRefused.class)
                .hasMessage("Llama-2-70B (fp16, batch 3, context 4096) needs at least 728 chips of tsp-v1; got 576");
    }

    @Test
    void aRequestOutsideItsSystemIsRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> request(TINY, RACK, 73, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("chips must be 1..72 for rack-72, got 73");
        assertThatThrownBy(() -> new DecodeRequest.PrefillRequest(0, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one token");
    }

    @Test
    void aSimulationThatEndsElsewhereThanPredictedIsABugNotAResult() {
        SystemBuild empty = new SystemBuild(SystemSpecs.presetOrFile("node-8"));
        var program = empty.toProgram();
        long cycles = Verified.simulate(empty.system(), program, SimOptions.timingOnly(),
                new dev.lockstep.sim.SystemSimulator.Parallelism(1, true), 0, "an empty program").cycles();
        assertThat(cycles).isZero();
        assertThatThrownBy(() -> Verified.simulate(empty.system(), program, SimOptions.timingOnly(),
                new dev.lockstep.sim.SystemSimulator.Parallelism(1, true), 5, "an empty program"))
                .isInstanceOf(Verified.ScheduleMismatch.class)
                .hasMessage("the compiler predicted 5 cycles for an empty program but the simulator took 0: a "
                        + "compiler or simulator bug");
    }
}
