// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.ModelConfigs;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.QueueProgram;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.SystemSimulator;
import dev.lockstep.sim.TraceHash;
import org.junit.jupiter.api.Test;

/**
 * The tiny Mixtral of {@link DecodeBuilderTest} (4 experts, top 2, intermediate 1,280, 11 chips per layer) with
 * the experts chosen by data ({@link MoeDispatch#CHOSEN}): each layer chip holds 117 columns of every expert (the
 * last 110) and streams them for the 2 slots of the router's choice, where with every expert streamed it holds 466
 * consecutive columns of one or two experts. Predicted to the cycle, pinned; a prefill chunk's rows each read their
 * own choice, one row after another.
 */
class ChosenDispatchTest {
    private static final ModelConfig TINY = ModelConfigs.presetOrFile("src/test/resources/models/tiny-mixtral.json");
    private static final SystemSpec RACK = SystemSpecs.presetOrFile("rack-72");

    private static DecodePlan plan(MoeDispatch d) {
        return DecodePlan.forChips(TINY, Precision.FP16, 3, 4096, RACK.chip(), 24, RACK.chipsPerNode())
                .withDispatch(d);
    }

    private static SimResult simulate(Program program) {
        return SystemSimulator.run(RACK, program, SimOptions.timingOnly(), new SystemSimulator.Parallelism(1, true));
    }

    @Test
    void decodeWithChosenExpertsIsPredictedToTheCycleAndPinned() {
        DecodeBuilder.Result all = DecodeBuilder.build(plan(MoeDispatch.ALL), RACK, line -> { });
        DecodeBuilder.Result chosen = DecodeBuilder.build(plan(MoeDispatch.CHOSEN), RACK, line -> { });
        SimResult r = simulate(chosen.program());
        // since a layer's output is summed into the next layer in pieces (ReduceInPieces): 48,669, 25,721 cycles per
        // token and a first token of 22,955 before (the first token is faster, the steady state of this tiny run is
        // not exact and its later tokens collide more); since broadcasts along two nodes are relayed word by word
        // (RelayBroadcast): 48,463, 25,886 and 22,577 before; since each product's wiring (here with the router's
        // index) and the caches' append are placed (docs/model.md, "Wiring"): 47,473, 25,292 and 22,181 before;
        // since the layer's vector steps are those of the run with data (LayerVectors): 58,177, 31,384, 26,793 before;
        // since they read rows shaped as its (RowCuts): 59,695, 32,287, 27,408 before; since they read in place the
        // rows the kernels before them in a run left (RunRows): 62,628, 34,284, 28,344 before; since a run goes on
        // across exchanges among one chip (the head's, a one-chip attention's reduction) and each slot's gating scales
        // by its own routing weight (a kernel per slot; every slot took slot 0's weight before): 63,004, 34,113,
        // 28,891 before; since a decode step's row is carried into each stage: 62,790, 34,275, 28,515 before; since
        // the head's choice is the run with data's greedy choice: 62,771, 28,496 before
        // 63,265, 28,990 and f6d80b3f6cf7d987 before a carried row was written where it is to lie as it passes on the
        // receive lanes' streams (63,253, 28,978 with the copies out of them on many streams)
        assertThat(r.cycles()).isEqualTo(chosen.predictedEnd()).isEqualTo(63_238);
        assertThat(chosen.cyclesPerToken()).isEqualTo(34_275);
        assertThat(chosen.timeline().firstTokenCycles()).isEqualTo(28_963);
        assertThat(TraceHash.hex(r.traceHash())).isEqualTo("1e2ec0ffa319718c");
        // the tiny model's expert products are short (latency more than streaming): the compute of a token falls by
        // 879 cycles, its bound by 178 (821 and 178 before a decode step's row was carried into each stage; 530 and
        // 178 before a run went on across exchanges among one chip and each
        // slot's gating was a kernel of its own; 514 and 178 before the rows of a run were read in place; 163 and 178
        // before the rows were shaped as a run with data's; 270 and 190
        // before the layer's vector steps were the run with data's, whose gating is one kernel per slot here, one
        // after all experts there; 164 and 186 before the wiring was placed); the router's index (2 words) rides the
        // broadcast (314 and 12,556 with every expert before the sums in pieces, whose critical path counts a piece's
        // sums)
        assertThat(chosen.breakdown().computeCycles()).isEqualTo(18_600);
        assertThat(all.breakdown().computeCycles() - chosen.breakdown().computeCycles()).isEqualTo(879);
        assertThat(all.breakdown().boundCycles() - chosen.breakdown().boundCycles()).isEqualTo(178);
        assertThat(chosen.breakdown().boundCycles()).isLessThanOrEqualTo(chosen.cyclesPerToken());
        // every expert's slice of a chip in one block per expert: a few more words than consecutive columns (30,511,360
        // and 30,046,720 before the rows of a run were read in place: a kernel is compiled per rows it reads, so that
        // each KV head's softmax is one of its own; 30,656,640 and 30,195,200 before a run went on across exchanges
        // among one chip; 30,648,320 and 30,187,520 before a stage's first chip held the row carried into it)
        assertThat(chosen.footprint().maxSramBytes()).isEqualTo(30_650_880);
        assertThat(all.footprint().maxSramBytes()).isEqualTo(30_190_080);
        assertThat(count(chosen.program(), Opcode.BASE)).isPositive();
        assertThat(count(chosen.program(), Opcode.READB)).isPositive();
        // with every expert computed, only the lookups read where data says (the table's rows, at the token's index)
        assertThat(count(chosen.program(), Opcode.READB)).isGreaterThan(count(all.program(), Opcode.READB));
    }

    @Test
    void aPrefillChunksRowsEachReadTheirOwnExperts() {
        DecodeBuilder.Prefill built = DecodeBuilder.prefill(plan(MoeDispatch.CHOSEN), RACK, 6, 4, line -> { });
        DecodeBuilder.PrefillTiming all = DecodeBuilder.prefill(plan(MoeDispatch.ALL), RACK, 6, 4, line -> { })
                .timing();
        SimResult r = simulate(built.program());
        DecodeBuilder.PrefillTiming p = built.timing();
        // the chunk's 4 rows stream their experts one after another: a chunk's work grows, so the interval (the
        // least at which no chip's work meets its repeats) grows from 21,767 (every expert streamed once for all 4
        // rows) to 24,463, and the first token from 69,351 to 77,439 (69,416 to 77,504 before the head's run went on
        // across its exchanges among one chip; 69,402 to 77,490 before the head's rows of a run
        // were read in place; 21,119 to 24,168 and 67,389 to 76,536 before
        // the rows were shaped as a run with data's; 20,728 to 23,704 and 66,216 to 75,144 before the layer's vector
        // steps were the run with data's; 17,757 to 19,633 and 57,192 to 62,820 before
        // each row's products were wired; 19,673 to 21,725 and 60,210 to 66,190 before broadcasts along nodes were
        // relayed word by word) (before chunks entered at that least interval:
        // 11,538 against 9,130, 60,981 against 54,222; 78,967 and 77,439 before the head's choice was the run with
        // data's greedy choice)
        assertThat(r.cycles()).isEqualTo(p.predictedEndCycle()).isEqualTo(79_743);
        assertThat(p.intervalCycles()).isEqualTo(24_463);
        assertThat(p.firstTokenCycle()).isEqualTo(78_149);
        assertThat(all.intervalCycles()).isEqualTo(21_767);
        assertThat(all.firstTokenCycle()).isEqualTo(70_061);
    }

    private static long count(Program program, Opcode op) {
        long n = 0;
        for (ChipProgram c : program.chips()) {
            for (QueueProgram q : c.queues()) {
                for (int i = 0; i < q.size(); i++) {
                    n += q.instruction(i).opcode() == op ? 1 : 0;
                }
            }
        }
        return n;
    }
}
