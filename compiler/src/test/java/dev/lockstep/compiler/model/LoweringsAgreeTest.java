// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.dataflow.ChipDataflow;
import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.system.ChipBuild;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.compiler.testing.TestModels;
import dev.lockstep.compiler.testing.TestSystems;
import dev.lockstep.compiler.vector.VectorKernels;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.Unit;
import dev.lockstep.isa.program.QueueProgram;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * One decoder layer on one chip, lowered both ways: the timing-only lowering ({@link TimingLowering}, over a plan
 * with one chip per layer) and the lowering with data ({@link FunctionalLayer}) place the same kernels in the same
 * order, with the same MXM, VXM and SXM instructions, but for the differences each case lists (where two rows read in
 * place share a slice, the lowering that finds them so copies one). Their cycles differ, kernel by kernel, by where
 * each reads its rows: both read in place what the kernels before them on the chip left (on a layer of one chip, every
 * row; the layer's input where it landed, carried over a link from the chip before, or, with data, where the test
 * put it), but the two lay their kernels out in different SRAM (the lowering with data compiles a kernel per use
 * into fresh SRAM, the plan one per chip, reused); so do their MEM reads and writes differ; the totals are pinned, so
 * that a change to either lowering shows here. The plan run with data ({@link PlanWithDataTest}) has no such
 * differences: the same kernels, cycles and trace hash as without data. Not covered: a layer over several chips (norms'
 * rows in fp16 for a broadcast), a split V product, a prefill chunk. With a cache of more than one vector the
 * timing-only softmax at its default position (the caches' last) masks as for a full cache: one case pins what that
 * leaves out.
 */
class LoweringsAgreeTest {
    private static final SystemSpec NODE = SystemSpecs.preset("node-8");
    /** The caches' positions: one vector of scores. */
    private static final int CONTEXT = 64;
    private static final int POSITION = 5;

    /** A kernel's MXM, VXM and SXM instructions by opcode (MEM reads and writes follow from where its rows lie). */
    private record Ops(long cycles, Map<Opcode, Long> ops) {
    }

    /** One difference: kernel {@code kernel} of the sequence has {@code more} more {@code op} with data. */
    private record Difference(int kernel, Opcode op, long more) {
    }

    /**
     * Mixtral-shaped: 10 query heads over 2 KV heads, 4 experts of 320 columns, top-2; 44 kernels each. The last, the
     * sum of the residual and the experts' rows, reads two rows that a run with data finds in one slice: it copies
     * one first (1 vmov). Before both lowerings shared the vector steps' bodies and the rows' shapes, the timing-only
     * kernels took 7,289 cycles (they left out the softmax's scale and mask, the tails' clearing, the experts' sum,
     * the steps of rows cut mid-vector); before they read in place the rows that the kernels before them in their run
     * left ({@link RunRows}: products' results, RoPE's, the softmax's and SwiGLU's rows), 7,886; before a layer on
     * one chip was one run (its residuals reading the attention's output and the residual stream in place, across
     * exchanges among one chip), 7,811; before the layer's input was carried over a link into the chip (read in
     * place where it landed, where the timing-only kernels read constants before), 7,538.
     */
    @Test
    void aMoeLayerOnOneChipPlacesTheSameKernelsBothWays() {
        agree(TestModels.tiny(640, 10, 2, 320, 4, 2), MoeDispatch.ALL, 44, 7730, 7696,
                new Difference(43, Opcode.VMOV, 1));
    }

    /**
     * As above, with the experts chosen by data: a gating step after each slot's block (6,502 cycles timing-only
     * before the rows of a run were read in place, 6,411 before the layer was one run and the products' wiring read
     * the router's index where it left it; 6,087 before the layer's input was carried in).
     */
    @Test
    void aLayerWithTheExpertsChosenByDataPlacesTheSameKernelsBothWays() {
        agree(TestModels.tiny(640, 10, 2, 320, 4, 2), MoeDispatch.CHOSEN, 35, 6314, 6350);
    }

    /**
     * A dense layer of 512 values (8 heads over 2 KV heads): no gating, its norms' rows ending mid-vector (5,137 cycles
     * timing-only before the rows of a run were read in place, 4,885 before the layer was one run, 4,815 before its
     * input was carried in). The residual after the attention reads the layer's input where it landed and o_proj's row,
     * which share a slice in the timing-only layout, not in the run with data's: the timing-only kernel copies one.
     */
    @Test
    void aDenseLayerOnOneChipPlacesTheSameKernelsBothWays() {
        agree(TestModels.tiny(512, 8, 2, 960, 1, 1), MoeDispatch.ALL, 25, 4796, 4744,
                new Difference(18, Opcode.VMOV, -1));
    }

    /**
     * The dense layer with caches of 400 positions, two vectors of scores per query head, the token at position 5: a
     * run with data masks both vectors (the positions after the token), the timing-only run, at its default position
     * (the caches' last), only the second's lanes past the cache: one add more per score row with data, 4 rows per KV
     * head.
     */
    @Test
    void aTokenEarlyInALongCacheMasksMoreWithData() {
        ModelConfig m = TestModels.tiny(512, 8, 2, 960, 1, 1);
        List<Ops> timing = timingOnly(m, MoeDispatch.ALL, 400);
        List<Ops> functional = withData(m, MoeDispatch.ALL, 400);
        assertThat(timing).hasSize(25);
        assertThat(functional).hasSize(25);
        // kernels 7 and 13: the two KV heads' softmax; kernel 18, the residual and the norm after it, reads two rows
        // that a run with data finds in the same slices, and copies them first
        assertThat(differences(timing, functional)).containsExactly(
                new Difference(7, Opcode.VADD, 4),
                new Difference(13, Opcode.VADD, 4),
                new Difference(18, Opcode.VMOV, 2));
    }

    /**
     * Lowers one layer of {@code m} both ways: {@code kernels} kernels each, differing by {@code expected} only, the
     * timing-only ones taking {@code timingCycles} in all and those with data {@code functionalCycles}.
     */
    private static void agree(ModelConfig m, MoeDispatch dispatch, int kernels, long timingCycles,
                              long functionalCycles, Difference... expected) {
        List<Ops> timing = timingOnly(m, dispatch, CONTEXT);
        List<Ops> functional = withData(m, dispatch, CONTEXT);
        assertThat(functional).hasSize(kernels);
        assertThat(timing).hasSize(kernels);
        assertThat(differences(timing, functional)).containsExactly(expected);
        assertThat(cycles(timing)).isEqualTo(timingCycles);
        assertThat(cycles(functional)).isEqualTo(functionalCycles);
    }

    /** Every kernel's ops that differ, in kernel order then opcode order: functional minus timing-only. */
    private static List<Difference> differences(List<Ops> timing, List<Ops> functional) {
        List<Difference> out = new ArrayList<>();
        for (int i = 0; i < timing.size(); i++) {
            TreeMap<Opcode, Long> d = new TreeMap<>(functional.get(i).ops());
            timing.get(i).ops().forEach((op, n) -> d.merge(op, -n, Long::sum));
            int kernel = i;
            d.forEach((op, n) -> {
                if (n != 0) {
                    out.add(new Difference(kernel, op, n));
                }
            });
        }
        return out;
    }

    private static long cycles(List<Ops> kernels) {
        return kernels.stream().mapToLong(Ops::cycles).sum();
    }

    /**
     * The kernels the timing-only run places on the layer's chip for one token of one sequence: the plan's first
     * layer on one chip (an embedding chip before it, a head chip after), simulated to the predicted cycle.
     */
    private static List<Ops> timingOnly(ModelConfig m, MoeDispatch dispatch, int context) {
        DecodePlan plan = DecodePlan.forChips(m, Precision.FP16, 1, context, NODE.chip(), 3, NODE.chipsPerNode())
                .withDispatch(dispatch);
        assertThat(plan.chipsPerLayer()).isEqualTo(1);
        TimingLowering t = new TimingLowering(plan, new SystemBuild(NODE));
        t.allocate();
        TimingLowering.TokenTimes times = t.token(0, 0, StepShape.DECODE);
        assertThat(Simulated.timingOnly(t.build(), 1).cycles()).as("simulated = predicted cycles")
                .isEqualTo(times.nextEntryCycle());
        return ops(t.build().chip(t.path().chip(plan.layerStart(0))).placedKernels());
    }

    /** The kernels a run with data places for the token at {@link #POSITION}, simulated to the predicted cycle. */
    private static List<Ops> withData(ModelConfig m, MoeDispatch dispatch, int context) {
        SystemBuild b = new SystemBuild(TestSystems.ONE_CHIP);
        ChipDataflow f = new ChipDataflow(b.chip(), b.chip(0), 0);
        Row in = f.vectors(s -> List.of(new ChipDataflow.Out(VectorKernels.row(s.graph(), new double[m.hidden()],
                0.5), m.hidden()))).get(0);
        new FunctionalLayer(m, TestModels.weights(m, 7), m.cachedTokens(context), "l0", dispatch).step(f, in,
                POSITION);
        Simulated.exactly(b, 1, f.end());
        List<ChipBuild.PlacedKernel> placed = b.chip(0).placedKernels();
        // the first kernel makes the layer's input row
        return ops(placed.subList(1, placed.size()));
    }

    private static List<Ops> ops(List<ChipBuild.PlacedKernel> kernels) {
        List<Ops> out = new ArrayList<>();
        for (ChipBuild.PlacedKernel k : kernels) {
            Map<Opcode, Long> ops = new TreeMap<>();
            for (QueueProgram q : k.program().queues()) {
                for (int i = 0; i < q.size(); i++) {
                    Opcode op = q.instruction(i).opcode();
                    if (op.unit() == Unit.VXM || op.unit() == Unit.MXM || op.unit() == Unit.SXM) {
                        ops.merge(op, 1L, Long::sum);
                    }
                }
            }
            out.add(new Ops(k.length(), ops));
        }
        return out;
    }
}
