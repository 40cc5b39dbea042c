// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.ModelConfigs;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.system.ChipPath;
import dev.lockstep.compiler.system.Exchange;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.isa.Resource;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.QueueProgram;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.isa.system.Topology;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.SystemSimulator;
import dev.lockstep.sim.TraceHash;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The timing-only lowering of a small Mixtral (2 layers, 4 experts, hidden 640) over 24 chips of rack-72, pinned
 * exactly: the compiler's prediction, the simulator's agreement to the cycle, and the figures `lockstep run` reports
 * for it (the same as programs' golden/figures.json, run-tiny-mixtral-prefill).
 */
class DecodeBuilderTest {
    private static final ModelConfig TINY = ModelConfigs.presetOrFile("src/test/resources/models/tiny-mixtral.json");
    private static final SystemSpec RACK = SystemSpecs.presetOrFile("rack-72");

    private static DecodePlan plan() {
        return DecodePlan.forChips(TINY, Precision.FP16, 3, 4096, RACK.chip(), 24, RACK.chipsPerNode());
    }

    private static SimResult simulate(dev.lockstep.isa.program.Program program) {
        return SystemSimulator.run(RACK, program, SimOptions.timingOnly(), new SystemSimulator.Parallelism(1, true));
    }

    @Test
    void decodeIsPredictedToTheCycleAndPinned() {
        DecodePlan plan = plan();
        assertThat(plan.embeddingChips()).isEqualTo(1);
        assertThat(plan.chipsPerLayer()).isEqualTo(11);
        assertThat(plan.attentionChips()).isEqualTo(1);
        assertThat(plan.headChips()).isEqualTo(1);
        DecodeBuilder.Result built = DecodeBuilder.build(plan, RACK, line -> { });
        SimResult r = simulate(built.program());
        // pinned from the simulation; they moved with the weight path (16 weight streams per MXM slice) and the hop
        // model (docs/model.md, "Hops"): before both, 107,282, 60,645 cycles per token, a first token of 46,637 and
        // a bound of 21,234; then with normed rows crossing links in fp16 (docs/model.md, "Activations on links"):
        // before it 54,373, 27,459 cycles per token, a first token of 26,914; then with segments reducing side by
        // side and their sums routed (Collectives.reduceAlongToLast): before it 53,124 and a first token of 26,418
        // (the cycles per token did not move: the stagger fell, but later tokens collide and take the gain; the
        // steady state is not exact here); then with broadcasts along several nodes routed first and side by side:
        // before it 52,072, 26,706 cycles per token and a first token of 25,366; then with a layer's output summed
        // on the next layer's first chip (Collectives.reduceAlongInto): before it 50,234, 25,605 cycles per token
        // (now more: the first token is faster, so the stagger is shorter and later tokens collide) and a first
        // token of 24,629; the end 48,365 before a forwarding chip stayed busy until its last frame was on the next
        // link; then with that sum in pieces (ReduceInPieces: each node's sum leaves for the next layer's first
        // chip a piece at a time as it is added): before it 48,636, 25,829 cycles per token, a first token of 23,093;
        // then with broadcasts along two nodes relayed word by word (RelayBroadcast): before it 47,803, 25,415 and
        // 22,565; then with each product's wiring and the caches' append placed (docs/model.md, "Wiring"): before
        // it 46,762, 25,005 and 22,257 (the tiny model's products are short, so its wiring is a large share); then
        // with the layer's vector steps those of the run with data (LayerVectors): before it 56,882, 29,907, 26,975;
        // then with the rows they read shaped as a run with data's (RowCuts): before it 59,144, 31,691, 27,483; then
        // with the rows that the kernels before them in a run left read in place (RunRows): before it 62,795, 34,025,
        // 28,770; then with a run going on across exchanges among one chip (a one-chip attention's reduction, the
        // head's broadcast: the residual reads the attention's output in place, the LM head's wiring the normed row):
        // before it 61,717, 32,384, 29,333 (the first token is sooner, but later tokens collide more); then with a
        // decode step's row carried into each stage (read where it lies, copied from the receive lanes to the first
        // chip's place, where its first kernels read it): before it 61,858, 32,610, 29,248; then with the head's choice
        // the run with data's greedy choice (LayerVectors.greedy) and a carried row's copy at once where it landed:
        // before it 61,915, 32,610, 29,305; then with the embedding chip looking each token's row up where its index
        // says (the lookup: a kernel on the table's chip) and the head's choice carried back to where the next token's
        // lookup reads it (an f32 vector over the shortest route, copied out of the receive lanes): before it 62,323,
        // 32,814, 29,509 (the embedding chip now works between exchanges: with the lookup alone or the choice carried
        // alone, 34,947 cycles per token too, where the three sequences' windows on it meet; with neither, 32,814);
        // then with a carried row written where it is to lie as it passes on the receive lanes' streams, no copy out of
        // them: before it 64,746 and a first token of 29,799 (64,728 and 29,781 with the copies on many streams)
        assertThat(r.cycles()).isEqualTo(built.predictedEnd()).isEqualTo(64_717);
        assertThat(built.cyclesPerToken()).isEqualTo(34_947);
        assertThat(built.timeline().firstTokenCycles()).isEqualTo(29_770);
        DecodeBuilder.Breakdown b = built.breakdown();
        // the bound: the kernels' own bounds (3,992 with 16 weight streams, the norms' results converted to fp16 (2
        // cycles more for each of the token's 5 norms) and of the sums of a reduction whose segments run side by
        // side only those on one path (36 fewer); 16,896 with one weight row per cycle)
        // and the least any exchange takes, once per
        // exchange: 241 cycles (port 4 + link 216 + one 320-byte vector 21) x 18 before; now 637 (send end 80 +
        // one 328-byte frame 22 + link 217 + receive end 318) x 16: the token's way back to the embedding chip, 3
        // hops, is one forwarded route where it was three exchanges; 14 since the two-segment reductions take two
        // (the segments side by side, then the route) where they took three; 12 since the two-segment broadcasts
        // take two (the route, then the segments side by side); 10 since a two-node layer's output is summed on
        // the next layer's first chip (the nodes side by side, then both sums at once) instead of on its own last
        // chip and sent on; the kernels' part 4,004 since then (3,992 before: the sums now on the next layer's
        // first chip), and 3,992 again since that sum goes in pieces (a piece's sums on the critical path, not the
        // whole row's); 4,116 since each product's wiring and the caches' append are placed (their bounds on the
        // critical path: 124 cycles); 4,184 since the layer's vector steps are the run with data's (LayerVectors: the
        // attention's scale and mask, the experts' gated sum, rows' tails cleared, a residual fused with its norm),
        // 4,198 since they read rows shaped as its (RowCuts), 4,202 since the rows of a run are read in place
        // (RunRows), unchanged since a run goes on across exchanges among one chip, 4,220 since the head's choice is
        // the run with data's greedy choice (the lowest index of the largest logit: LayerVectors.greedy), 4,226 since
        // the embedding chip looks the token's row up where its index says (the lookup's bound)
        assertThat(b.exchanges()).isEqualTo(10);
        assertThat(Exchange.minimumCycles(new SystemBuild(RACK))).isEqualTo(80 + 22 + 217 + 318);
        assertThat(b.boundCycles()).isEqualTo(4_226 + 10 * 637);
        // on-chip moves: each exchange's staging read and write, and nothing more: the rows carried into the stages
        // (the first layer's, from the table; the head's; the choice back to the table) are written where they are to
        // lie as they pass (142 cycles more when they were copied out of the receive lanes on one stream, 124 on many)
        assertThat(b.onChipCycles()).isEqualTo(10 * Exchange.onChipCycles(new SystemBuild(RACK)));
        // 30,187,520 before a stage's first chip held the row carried into it
        assertThat(built.footprint().maxSramBytes()).isEqualTo(30_190_080);
        // 212225c67479ebd5 before a chip's gated sum weighed its experts' rows by their own routing weights (lanes of
        // the chip's first expert on, where every chip read lanes 0 on) and a carried row was written in place
        assertThat(TraceHash.hex(r.traceHash())).isEqualTo("efba465e3f2fb877");
        // the compute and link cycles of the first token cover it: nothing waits in a one-token pipeline
        assertThat(b.computeCycles() + b.linkCycles()).isEqualTo(built.timeline().firstTokenCycles());
    }

    /**
     * A chip's kernels, its products' wiring and its caches' append included, are compiled once and placed again for
     * every token: three sequences in flight (four tokens placed) compile as many kernels as one (two tokens).
     */
    @Test
    void everyTokenReusesTheKernelsOfTheFirst() {
        DecodeBuilder.Result three = DecodeBuilder.build(plan(), RACK, line -> { });
        DecodeBuilder.Result one = DecodeBuilder.build(DecodePlan.forChips(TINY, Precision.FP16, 1, 4096, RACK.chip(),
                24, RACK.chipsPerNode()), RACK, line -> { });
        assertThat(three.plan().batch()).isEqualTo(3);
        assertThat(one.plan().batch()).isEqualTo(1);
        assertThat(three.footprint().kernelsCompiled()).isEqualTo(one.footprint().kernelsCompiled());
    }

    @Test
    void prefillChunksArePredictedToTheCycleAndPinned() {
        DecodeBuilder.Prefill built = DecodeBuilder.prefill(plan(), RACK, 6, 4, line -> { });
        SimResult r = simulate(built.program());
        DecodeBuilder.PrefillTiming p = built.timing();
        // pinned from the simulation; they moved with the hop model (docs/model.md, "Hops"): before it, 88,272,
        // an interval of 20,734, latencies of 58,444 and 64,855, the first token at 87,540; then with normed rows in
        // fp16 on links: before it 64,786, 9,182, 47,246 and 52,806, 63,258; then with reductions side by side:
        // before it 62,811, latencies of 45,010 and 51,239, the first token at 61,283; then with broadcasts routed
        // first: before it 57,388, an interval of 8,768 (now longer), latencies of 41,742 and 45,816, 55,860; then
        // with transfers over several paths and forwarding chips busy until their last frame is on the next link:
        // before it 56,569, 9,475, 39,949 and 44,290, 55,041; then with chunks at the least period at which
        // none waits (repeated work compiled once): before it 55,750, an interval of 9,130 (the busiest chip's cycles
        // for one chunk), latencies of 39,261 and 43,816 (the second waited), the first token at 54,222; then with
        // broadcasts along two nodes relayed word by word: before it 61,738, an interval of 19,673, latencies of
        // 39,261, the first token at 60,210; then with the wiring and the append placed: before it 58,720, an
        // interval of 17,757, latencies of 38,159, the first token at 57,192; then with the layer's vector steps
        // those of the run with data (LayerVectors): before it 67,744, 20,728, 44,101, 66,216; then with the rows
        // they read shaped as a run with data's (RowCuts): before it 68,917, 21,119, 44,883, 67,389; then with the
        // rows of a run read in place (RunRows; only the last row's head, the chunks' kernels are transients that
        // read placeholder rows): before it 70,930 and the first token at 69,402; then with the head's run going on
        // across its exchanges among one chip: before it 70,944, 69,416; then with the head's choice the run with
        // data's greedy choice: before it 70,879, 69,351
        assertThat(r.cycles()).isEqualTo(p.predictedEndCycle()).isEqualTo(71_655);
        assertThat(p.chunks()).isEqualTo(2);
        assertThat(p.chunkRows()).isEqualTo(4);
        assertThat(p.intervalCycles()).isEqualTo(21_767);
        assertThat(p.firstLatencyCycles()).isEqualTo(46_699);
        assertThat(p.longestLatencyCycles()).isEqualTo(46_699);
        assertThat(p.firstTokenCycle()).isEqualTo(70_061);
        // 1c359455081dc374 before each chip's gated sum read its own experts' routing weights (the cycles the same)
        assertThat(TraceHash.hex(r.traceHash())).isEqualTo("f3d2756ef41f5cb3");
    }

    /**
     * 16 tokens in chunks of 4: the busiest chip worked 9,130 cycles for one chunk (when this was written), but some
     * chips' work for one chunk spreads over more (a chip forwards other layers' transfers long after its own layer's
     * work), so at that interval a chunk's work would meet the next one's. Chunks enter at the least interval at which
     * no chip's work, repeated for every later chunk, meets itself (19,673; 17,757 since broadcasts along two nodes are
     * relayed word by word; 20,728 since the wiring and the append are placed; 21,119 since the layer's vector steps
     * are the run with data's; 21,767 since they read rows shaped as its), and none waits: chunks 1 and 2 are
     * chunk 0 shifted, the last placed step by step takes the first one's time. Before, the chunks were placed one by
     * one at 9,130, waited 10,744 cycles for each other, were compiled again at 17,408 and still waited 852; the first
     * token came at 93,613 (then 99,556: the interval is longer, no chunk waits, and repeated work is compiled once;
     * 92,706 before the wiring and the append were placed, 107,672 before the layer's vector steps were the run with
     * data's, 109,627 before they read rows shaped as its, 112,936 before the head's rows of a run were read in
     * place, 112,950 before the head's run went on across its exchanges among one chip, 112,885 before the head's
     * choice was the run with data's greedy choice, now 113,075).
     */
    @Test
    void chunksEnterWhereNoChipsWorkMeetsItsRepeats() {
        DecodeBuilder.Prefill built = DecodeBuilder.prefill(plan(), RACK, 16, 4, line -> { });
        SimResult r = simulate(built.program());
        DecodeBuilder.PrefillTiming p = built.timing();
        assertThat(r.cycles()).isEqualTo(p.predictedEndCycle()).isEqualTo(115_189);
        assertThat(p.chunks()).isEqualTo(4);
        assertThat(p.intervalCycles()).isEqualTo(21_767);
        assertThat(p.firstLatencyCycles()).isEqualTo(46_699);
        assertThat(p.exact()).isTrue();
        assertThat(p.firstTokenCycle()).isEqualTo(113_595);
        // b8708f86db89a1c4 before each chip's gated sum read its own experts' routing weights (the cycles the same)
        assertThat(TraceHash.hex(r.traceHash())).isEqualTo("99dafbe8a2780b1c");
    }

    /**
     * A prefill's chunks 1 to n - 2 are chunk 0 shifted, stored once per queue (a block and the chunks that start
     * and end the repeats); the simulation reads every instruction through it. The same program with every
     * instruction stored gives the same simulation, cycle for cycle and hash for hash, chip by chip.
     */
    @Test
    void repeatedChunksSimulateAsIfEveryInstructionWereStored() {
        DecodeBuilder.Prefill built = DecodeBuilder.prefill(plan(), RACK, 64, 4, line -> { });
        dev.lockstep.isa.program.Program program = built.program();
        long stored = 0;
        long issued = 0;
        List<ChipProgram> chips = new ArrayList<>();
        for (ChipProgram cp : program.chips()) {
            List<QueueProgram> queues = new ArrayList<>();
            for (QueueProgram q : cp.queues()) {
                stored += q.storedSize();
                issued += q.size();
                queues.add(q.expanded());
            }
            chips.add(new ChipProgram(cp.chipId(), queues, cp.data(), cp.regions()));
        }
        dev.lockstep.isa.program.Program full = new dev.lockstep.isa.program.Program(program.chipName(),
                program.vectorBytes(), program.constants(), program.maps(), chips);
        assertThat(built.timing().chunks()).isEqualTo(16);
        assertThat(stored * 3).isLessThan(issued);
        SimResult repeated = simulate(program);
        SimResult whole = SystemSimulator.run(RACK, full, SimOptions.timingOnly(),
                new SystemSimulator.Parallelism(2, false));
        assertThat(repeated.cycles()).isEqualTo(whole.cycles()).isEqualTo(built.timing().predictedEndCycle());
        assertThat(repeated.traceHash()).isEqualTo(whole.traceHash());
        assertThat(repeated.instructions()).isEqualTo(whole.instructions()).isEqualTo(issued);
        for (Resource res : Resource.values()) {
            assertThat(repeated.busyCycles(res)).as("%s", res).isEqualTo(whole.busyCycles(res));
        }
        for (int chip : whole.chipIds()) {
            assertThat(repeated.traceHash(chip)).as("chip %d", chip).isEqualTo(whole.traceHash(chip));
            assertThat(repeated.cycles(chip)).as("chip %d", chip).isEqualTo(whole.cycles(chip));
            for (QueueProgram q : program.chip(chip).orElseThrow().queues()) {
                assertThat(repeated.issued(chip, q.queueId())).isEqualTo(whole.issued(chip, q.queueId()));
                assertThat(repeated.busy(chip, q.queueId())).isEqualTo(whole.busy(chip, q.queueId()));
            }
        }
        // the repeated periods were skipped, not run: the run with every event ran every instruction
        assertThat(whole.instructionsRun()).isEqualTo(issued);
        assertThat(repeated.instructionsRun() * 2).isLessThan(whole.instructionsRun());
    }

    @Test
    void aPlanLargerThanTheSystemIsRefused() {
        DecodePlan plan = DecodePlan.forChips(TINY, Precision.FP16, 3, 4096, RACK.chip(), 72, RACK.chipsPerNode());
        SystemSpec node = SystemSpecs.presetOrFile("node-8");
        assertThatThrownBy(() -> DecodeBuilder.build(plan, node, line -> { }))
                .hasMessageContaining("the plan needs " + plan.chips() + " chips; node-8 has 8");
    }

    @Test
    void copiesThatAreTheFirstMovedByWholeRacksAreFound() {
        // tsp-1152: racks 8 .. 15 are racks 0 .. 7 moved, wired alike; so are tsp-10440's shares of 8 racks
        List<ModelCopy> two = ModelCopy.sideBySide(SystemSpecs.preset("tsp-1152"), 2, 576);
        assertThat(two.get(0).moved()).isFalse();
        assertThat(two.get(1).shift()).isEqualTo(576);
        assertThat(two.get(1).path().chip(17)).isEqualTo(two.get(0).path().chip(17) + 576);
        assertThat(ModelCopy.sideBySide(SystemSpecs.preset("tsp-10440"), 8, 576)).extracting(ModelCopy::shift)
                .containsExactly(0, 576, 1152, 1728, 2304, 2880, 3456, 4032);
        // 24 chips are not whole racks: each copy takes its positions of the system's chip path
        List<ModelCopy> three = ModelCopy.sideBySide(RACK, 3, 24);
        assertThat(three).noneMatch(ModelCopy::moved);
        assertThat(three.get(1).path().order()).isEqualTo(new ChipPath(new Topology(RACK)).order().subList(24, 48));
        assertThatThrownBy(() -> ModelCopy.sideBySide(RACK, 4, 24)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCopyStaysOnItsShareAndACopyMovedCompilesToTheFirstsProgramsOnItsChips() {
        SystemSpec tsp576 = SystemSpecs.preset("tsp-576");
        DecodePlan plan = DecodePlan.forChips(TINY, Precision.FP16, 3, 4096, tsp576.chip(), 72,
                tsp576.chipsPerNode());
        List<ModelCopy> copies = ModelCopy.sideBySide(tsp576, 8, 72);
        DecodeBuilder.Result first = DecodeBuilder.buildCopy(plan, tsp576, line -> { }, StepShape.DECODE,
                copies.get(0));
        DecodeBuilder.Result third = DecodeBuilder.buildCopy(plan, tsp576, line -> { }, StepShape.DECODE,
                copies.get(2));
        assertThat(copies.get(2).shift()).isEqualTo(144);
        assertThat(first.program().chips()).allMatch(c -> c.chipId() < 72);
        assertThat(third.program().chips()).hasSameSizeAs(first.program().chips());
        for (int i = 0; i < first.program().chips().size(); i++) {
            ChipProgram a = first.program().chips().get(i);
            ChipProgram b = third.program().chips().get(i);
            assertThat(b).as("chip " + b.chipId()).isEqualTo(new ChipProgram(a.chipId() + 144, a.queues(), a.data(),
                    a.regions()));
        }
        assertThat(third.timeline()).isEqualTo(first.timeline());
        assertThat(third.breakdown()).isEqualTo(first.breakdown());
        // a copy that is not moved, copy 1 of three on rack-72 (path positions 24 .. 47), ends where predicted
        ModelCopy second = ModelCopy.sideBySide(RACK, 3, 24).get(1);
        DecodeBuilder.Result r = DecodeBuilder.buildCopy(plan(), RACK, line -> { }, StepShape.DECODE, second);
        assertThat(simulate(r.program()).cycles()).isEqualTo(r.predictedEnd());
    }
}
