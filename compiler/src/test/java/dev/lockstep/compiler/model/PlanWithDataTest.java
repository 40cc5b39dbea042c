// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.dataflow.ChipDataflow;
import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.system.ChipBuild;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.compiler.testing.RandomData;
import dev.lockstep.compiler.testing.ReferenceLayer;
import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.compiler.testing.TestModels;
import dev.lockstep.compiler.testing.TestSystems;
import dev.lockstep.compiler.vector.VectorKernels;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.semantics.Lanes;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.sim.SimResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The timing-only plan with data ({@link PlanData}): the plan's own kernels, compiled with the layers' weights and
 * gains, placed for tokens at their positions, simulated in functional mode. It places the same kernels as the plan
 * without data at the same positions, kernel for kernel, so it ends at the same cycle with the same trace hash; and its
 * layers compute the plain-Java layers' rows, bit for bit those of the lowering with data ({@link FunctionalLayer}).
 * Each layer on one chip of node-8 (an embedding chip before them, a head chip after); each token's id is given on the
 * embedding chip (or is the choice of the token before, carried back from the head), whose lookup reads the table's
 * row where the id says, carried over a link into the first layer, each layer's output over a link into the next;
 * every other row is read where the kernel before it left it, the K and V caches where the tokens before appended to
 * them.
 */
class PlanWithDataTest {
    private static final SystemSpec NODE = SystemSpecs.preset("node-8");
    private static final int CONTEXT = 64;

    /** Four tokens through a MoE layer, each reading back the K and V rows the ones before it appended. */
    @Test
    void aMoeLayerComputesThePlainJavaRowsInTheTimingOnlyRunsCycles() {
        checkAgainstReference(TestModels.tiny(640, 10, 2, 320, 4, 2), MoeDispatch.ALL, new int[] {0, 1, 2, 3}, 7);
    }

    /** Three tokens through two MoE layers, each layer's output carried over a link into the next. */
    @Test
    void twoLayersOnTwoChipsComputeThePlainJavaRows() {
        checkAgainstReference(TestModels.tiny(640, 10, 2, 320, 4, 2, 2), MoeDispatch.ALL, new int[] {0, 1, 2}, 17);
    }

    /**
     * A small model both ways: two MoE layers and the head (the final norm, the LM head, the greedy choice), each on a
     * chip of its own, two tokens given and three generated (each the choice of the token before, carried back to the
     * table's chip, whose lookup reads the table's row where it says); every token's choice is the plain-Java head's
     * (from each token's last layer's row as simulated), and the last token's logits are within tolerance of it.
     */
    @Test
    void aSmallModelGeneratesThePlainJavaChoices() {
        checkSmallModel(TestModels.tiny(640, 10, 2, 320, 4, 2, 2), new int[] {0, 1, 2, 3, 4}, 3, 23);
    }

    /** Three dense layers whose rows end mid-vector, a token early in the caches and one later, both given. */
    @Test
    void aSmallDenseModelComputesThePlainJavaLogitsAndChoice() {
        checkSmallModel(TestModels.tiny(512, 8, 2, 960, 1, 1, 3), new int[] {1, 40}, 0, 31);
    }

    /**
     * Model {@code m}'s layers and head (each on a chip), tokens at {@code positions}, the last {@code generated} of
     * them chosen by the ones before, weights from {@code seed}: each layer's rows as {@link #checkAgainstReference}
     * checks them, every token's choice the plain-Java head's greedy choice from its last layer's row, and the last
     * token's logits within tolerance of the plain-Java head's.
     */
    private static void checkSmallModel(ModelConfig m, int[] positions, int generated, long seed) {
        checkSmallModel(plan(m, MoeDispatch.ALL, CONTEXT), positions, generated, seed);
    }

    /** As {@link #checkSmallModel(ModelConfig, int[], int, long)}, over {@code plan}. */
    private static void checkSmallModel(DecodePlan plan, int[] positions, int generated, long seed) {
        ModelConfig m = plan.model();
        SplittableRandom r = new SplittableRandom(seed);
        double[] finalNorm = RandomData.uniform(r, m.hidden(), 1);
        for (int i = 0; i < finalNorm.length; i++) {
            finalNorm[i] += 1.5;
        }
        double[] lmHead = RandomData.uniform(r, m.hidden() * m.vocab(), 2 / Math.sqrt(m.hidden()));
        PlanData.Head head = new PlanData.Head(finalNorm, lmHead);
        Ran ran = checkAgainstReference(plan, positions, generated, seed + 6, Optional.of(head));
        // the head's reference from the last layer's output as simulated (each layer's is checked above)
        ReferenceLayer norm = ReferenceLayer.of(m, TestModels.weights(m, seed));
        double[] want = null;
        for (int s = 0; s < positions.length; s++) {
            want = ReferenceLayer.product(norm.rmsNorm(ran.outputs().get(s), finalNorm), lmHead, m.vocab());
            int best = 0;
            for (int i = 1; i < want.length; i++) {
                best = want[i] > want[best] ? i : best;
            }
            assertThat(ran.chosen()[s]).as("token %d's greedy choice", s).isEqualTo(best);
        }
        ReferenceLayer.assertNear(ran.logits(), want, "the last token's logits");
        assertThat(ran.choice()).as("the last token's choice on the head's chip").isEqualTo(ran.chosen()[
                positions.length - 1]);
    }

    /**
     * Two MoE layers over two chips of node-8 each, attention over both: the normed rows broadcast in fp16, o_proj's
     * partial sums and each chip's share of the experts' output carried to their roots and added there; the head
     * chooses three of five tokens.
     */
    @Test
    void layersOverTwoChipsOfANodeGenerateThePlainJavaChoices() {
        ModelConfig m = TestModels.tiny(640, 10, 2, 320, 4, 2, 2);
        checkSmallModel(over(m, 2, 2, MoeDispatch.ALL), new int[] {0, 1, 2, 3, 4}, 3, 23);
    }

    /**
     * A dense layer over four chips (attention over two), and a MoE layer over three with the experts chosen by data
     * (each chip a third of every expert's columns).
     */
    @Test
    void aLayerOverSeveralChipsComputesThePlainJavaRows() {
        checkAgainstReference(over(TestModels.tiny(512, 8, 2, 960, 1, 1), 4, 2, MoeDispatch.ALL),
                new int[] {1, 2, 40}, 0, 43, Optional.empty());
        checkAgainstReference(over(TestModels.tiny(640, 10, 2, 320, 4, 2), 3, 1, MoeDispatch.CHOSEN),
                new int[] {0, 1, 2}, 0, 47, Optional.empty());
    }

    @Test
    void aLayerWithTheExpertsChosenByDataComputesThePlainJavaRows() {
        checkAgainstReference(TestModels.tiny(640, 10, 2, 320, 4, 2), MoeDispatch.CHOSEN, new int[] {0, 1, 2}, 11);
    }

    /**
     * A dense layer whose rows end mid-vector: a token early in the cache and one at its last position (the
     * timing-only default; the softmax masks nothing there), the caches holding zeros between.
     */
    @Test
    void aDenseLayerEarlyAndLateInTheCacheComputesThePlainJavaRows() {
        ModelConfig m = TestModels.tiny(512, 8, 2, 960, 1, 1);
        checkAgainstReference(m, MoeDispatch.ALL, new int[] {2, m.cachedTokens(CONTEXT) - 1}, 13);
    }

    /**
     * The position is the plan's (above, with data; here without): a token early in the cache masks more of the
     * softmax's vectors than one at its end (the timing-only default), so it takes other cycles.
     */
    @Test
    void aTokensPositionChangesItsKernelsInTheTimingOnlyRun() {
        ModelConfig m = TestModels.tiny(512, 8, 2, 960, 1, 1);
        DecodePlan plan = plan(m, MoeDispatch.ALL, 400);
        long early = timingOnly(plan, 5).cycles();
        long last = timingOnly(plan, m.cachedTokens(400) - 1).cycles();
        assertThat(early).isNotEqualTo(last);
        TimingLowering byDefault = new TimingLowering(plan, new SystemBuild(NODE));
        byDefault.allocate();
        assertThat(byDefault.token(0, 0, StepShape.DECODE).nextEntryCycle()).as("the default: the last position")
                .isEqualTo(last);
    }

    /**
     * A kernel with values reads every row in place: one that would read a placeholder row (a row that came over a
     * link that is not carried) is refused, where it would compute on zeros.
     */
    @Test
    void aKernelWithValuesRefusesAPlaceholderRow() {
        ModelConfig m = TestModels.tiny(640, 10, 2, 320, 4, 2);
        SystemBuild b = new SystemBuild(TestSystems.ONE_CHIP);
        KernelLibrary lib = new KernelLibrary(b.chip()).withValues(KernelValues.ofLayer(0, TestModels.weights(m, 7),
                new LayerShare(m, 0, 1, 1, MoeDispatch.ALL)));
        assertThatThrownBy(() -> lib.vectors().softmax(5, 64, m.headDim(), 5, List.of(), b.chip(0).sram()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("came over a link");
        assertThatThrownBy(() -> lib.vectors().swiglu(320, List.of(), b.chip(0).sram()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("a row of 640 values");
        // without values, the same kernels read constants (timing-only)
        KernelLibrary timingOnly = new KernelLibrary(b.chip());
        assertThat(timingOnly.vectors().softmax(5, 64, m.headDim(), 5, List.of(), b.chip(0).sram())).isNotNull();
    }

    @Test
    void aPlanWithDataRefusesWhatItCannotCarryYet() {
        ModelConfig m = TestModels.tiny(640, 10, 2, 320, 4, 2);
        LayerWeights w = TestModels.weights(m, 7);
        double[] table = new double[m.vocab() * m.hidden()];
        // a layer over chips 1 to 8 of rack-72's path: two nodes, whose broadcasts and reductions carry no rows
        DecodePlan eight = over(m, 8, 2, MoeDispatch.ALL);
        SystemSpec rack = SystemSpecs.preset("rack-72");
        assertThatThrownBy(() -> new TimingLowering(eight, new SystemBuild(rack), new PlanData(List.of(w), table)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("within one node so far")
                .hasMessageContaining("layer 0 spans 2 nodes");
        // more chips than a root has lanes for
        DecodePlan sixteen = over(m, 16, 2, MoeDispatch.ALL);
        assertThatThrownBy(() -> new TimingLowering(sixteen, new SystemBuild(rack), new PlanData(List.of(w), table)))
                .hasMessage("a plan with data carries the rows among at most 8 chips a layer (a chip sends or "
                        + "receives 7 rows at once); this one has 16");
        // attention over 3 chips of a model with 2 KV heads: a chip's share of the heads would not be whole
        DecodePlan uneven = over(m, 3, 3, MoeDispatch.ALL);
        assertThatThrownBy(() -> new TimingLowering(uneven, new SystemBuild(NODE), new PlanData(List.of(w), table)))
                .hasMessage("attention over 3 chips splits 10 heads and 2 KV heads unevenly");
        ModelConfig tied = new ModelConfig("tied", "MixtralForCausalLM", 640, 320, 1, 10, 2, 64, 4, 2, 10000.0, 0,
                true, 1e-5);
        DecodePlan tiedPlan = DecodePlan.forChips(tied, Precision.FP16, 1, CONTEXT, NODE.chip(), 2,
                NODE.chipsPerNode());
        assertThatThrownBy(() -> new TimingLowering(tiedPlan, new SystemBuild(NODE), new PlanData(List.of(w), table)))
                .hasMessageContaining("tied to the LM head");
        DecodePlan one = plan(m, MoeDispatch.ALL, CONTEXT);
        DecodePlan twoHeadChips = new DecodePlan(m, Precision.FP16, 1, CONTEXT, 1, 1, 1, 2, one.capacityBytes());
        PlanData.Head head = new PlanData.Head(new double[m.hidden()], new double[m.hidden() * m.vocab()]);
        assertThatThrownBy(() -> new TimingLowering(twoHeadChips, new SystemBuild(NODE),
                new PlanData(List.of(w), table, Optional.of(head))))
                .hasMessageContaining("the head on one chip so far");
        assertThatThrownBy(() -> new TimingLowering(one, new SystemBuild(NODE), new PlanData(List.of(w), table,
                Optional.of(new PlanData.Head(new double[3], new double[0]))))).hasMessageContaining("hidden gains");
        DecodePlan int8 = DecodePlan.forChips(m, Precision.INT8, 1, CONTEXT, NODE.chip(), 3, NODE.chipsPerNode());
        assertThatThrownBy(() -> new TimingLowering(int8, new SystemBuild(NODE), new PlanData(List.of(w), table)))
                .hasMessageContaining("fp16 weights so far");
        TimingLowering t = new TimingLowering(plan(m, MoeDispatch.ALL, CONTEXT), new SystemBuild(NODE),
                new PlanData(List.of(w), table));
        t.allocate();
        assertThatThrownBy(() -> t.token(0, 0, StepShape.DECODE, 5)).hasMessageContaining("with its input");
        assertThatThrownBy(() -> t.token(0, 0, 5, OptionalInt.empty())).hasMessageContaining("the choice of the token "
                + "before");
        assertThatThrownBy(() -> t.token(0, 0, 5, OptionalInt.of(m.vocab()))).hasMessageContaining("outside the "
                + "vocabulary");
        t.token(0, 0, 5, OptionalInt.of(3));
        assertThatThrownBy(() -> t.token(0, 100_000, 5, OptionalInt.of(3)))
                .hasMessageContaining("increasing positions");
        assertThatThrownBy(() -> new TimingLowering(plan(m, MoeDispatch.ALL, CONTEXT), new SystemBuild(NODE),
                new PlanData(List.of(w), new double[5]))).hasMessageContaining("vocab x hidden");
        DecodePlan twoSequences = DecodePlan.forChips(m, Precision.FP16, 2, CONTEXT, NODE.chip(), 3,
                NODE.chipsPerNode());
        assertThatThrownBy(() -> new TimingLowering(twoSequences, new SystemBuild(NODE),
                new PlanData(List.of(w), table)))
                .hasMessageContaining("one sequence so far");
    }

    /**
     * Model {@code m}'s layers ({@code dispatch}), a token at each of {@code positions} one after the other, weights
     * and inputs from {@code seed}: with data, the same cycles, trace hash and kernels as without, and each layer's
     * output for each token within the reference's tolerance and bit for bit that of the lowering with data.
     */
    private static void checkAgainstReference(ModelConfig m, MoeDispatch dispatch, int[] positions, long seed) {
        checkAgainstReference(m, dispatch, positions, 0, seed, Optional.empty());
    }

    /**
     * What a run of {@link #checkAgainstReference} gave: the last layer's output row of each token (a generated one's
     * input: the table's row of the choice of the token before); with a head, each token's choice where it landed on
     * the table's chip, the last token's logits and its greedy choice on the head's chip (else empty and -1).
     */
    private record Ran(List<double[]> outputs, int[] chosen, double[] logits, int choice) {
    }

    /**
     * As {@link #checkAgainstReference(ModelConfig, MoeDispatch, int[], long)}, the head computing with {@code head}
     * where given, the last {@code generated} tokens not given but the choice of the token before (a head with
     * weights). The table's rows are random, each token's input its row rounded to fp16, as the table holds it.
     */
    private static Ran checkAgainstReference(ModelConfig m, MoeDispatch dispatch, int[] positions, int generated,
                                             long seed, Optional<PlanData.Head> head) {
        return checkAgainstReference(plan(m, dispatch, CONTEXT), positions, generated, seed, head);
    }

    /**
     * As {@link #checkAgainstReference(ModelConfig, MoeDispatch, int[], int, long, Optional)}, over {@code plan}: a
     * layer over several chips computes its rows in other orders (each chip's partial sums added on the root), so it
     * is checked against the plain-Java layer's tolerance, not bit for bit against the lowering on one chip.
     */
    private static Ran checkAgainstReference(DecodePlan plan, int[] positions, int generated, long seed,
                                             Optional<PlanData.Head> head) {
        ModelConfig m = plan.model();
        MoeDispatch dispatch = plan.dispatch();
        List<LayerWeights> w = new ArrayList<>();
        for (int l = 0; l < m.layers(); l++) {
            w.add(TestModels.weights(m, seed + 100 * l));
        }
        SplittableRandom random = new SplittableRandom(seed + 1);
        double[] table = RandomData.uniform(random, m.vocab() * m.hidden(), 1);
        int[] ids = new int[positions.length];
        for (int s = 0; s < positions.length; s++) {
            ids[s] = random.nextInt(m.vocab());
        }
        TimingLowering timing = new TimingLowering(plan, new SystemBuild(NODE));
        timing.allocate();
        TimingLowering data = new TimingLowering(plan, new SystemBuild(NODE), new PlanData(w, table, head));
        data.allocate();
        long t = 0;
        int given = positions.length - generated;
        for (int s = 0; s < positions.length; s++) {
            TimingLowering.TokenTimes times = timing.token(0, t, StepShape.DECODE, positions[s], s < given);
            assertThat(data.token(0, t, positions[s], s < given ? OptionalInt.of(ids[s]) : OptionalInt.empty()))
                    .isEqualTo(times);
            t = times.nextEntryCycle();
        }
        head.ifPresent(h -> data.nameLastHeadRows());
        SimResult timingOnly = Simulated.timingOnly(timing.build(), 1);
        assertThat(timingOnly.cycles()).as("simulated = predicted cycles").isEqualTo(t);
        SimResult sim = Simulated.exactly(data.build(), 2, t);
        assertThat(sim.traceHash()).as("the trace hash of the run without data").isEqualTo(timingOnly.traceHash());
        int tableChip = data.path().chip(0);
        int[] chosen = new int[positions.length];
        for (int s = 0; s < positions.length; s++) {
            chosen[s] = head.isEmpty() ? -1 : (int) Simulated.row(sim, tableChip,
                    TimingLowering.chosenAt(positions[s] + 1), 1)[0];
            if (s >= given) {
                ids[s] = chosen[s - 1];
            }
        }
        List<double[]> xs = new ArrayList<>();
        for (int id : ids) {
            double[] x = new double[m.hidden()];
            for (int i = 0; i < x.length; i++) {
                x[i] = Lanes.round(DataType.F16, table[id * m.hidden() + i]);
            }
            xs.add(x);
        }
        List<double[]> in = xs;
        boolean oneChip = plan.chipsPerLayer() == 1;
        for (int l = 0; l < m.layers(); l++) {
            for (int p = plan.layerStart(l); p < plan.layerStart(l) + plan.chipsPerLayer(); p++) {
                int c = data.path().chip(p);
                assertThat(lengths(data.build().chip(c))).isEqualTo(lengths(timing.build().chip(c)));
            }
            // the layer's output: on its last chip (a layer of several: its reduction's sum)
            int chip = data.path().chip(plan.layerStart(l) + plan.chipsPerLayer() - 1);
            ReferenceLayer ref = ReferenceLayer.of(m, w.get(l));
            List<double[]> functional = oneChip ? functional(m, dispatch, w.get(l), in, positions) : List.of();
            List<double[]> out = new ArrayList<>();
            for (int s = 0; s < positions.length; s++) {
                double[] got = Simulated.row(sim, chip, TimingLowering.outputRow(l, positions[s]), m.hidden());
                ref.skipTo(positions[s]);
                ReferenceLayer.assertNear(got, ref.step(in.get(s)), "layer " + l + ", token " + s + "'s output");
                if (oneChip) {
                    assertThat(got).as("layer %d, token %d: bit for bit the row of the lowering with data", l, s)
                            .containsExactly(functional.get(s));
                }
                out.add(got);
            }
            // the next layer's reference and lowering with data start from this layer's rows as simulated
            in = out;
        }
        if (head.isEmpty()) {
            return new Ran(in, chosen, new double[0], -1);
        }
        int chip = data.path().chip(plan.headStart());
        return new Ran(in, chosen, Simulated.row(sim, chip, TimingLowering.LOGITS, m.vocab()),
                (int) Simulated.row(sim, chip, TimingLowering.CHOICE, 1)[0]);
    }

    /** Each token's output row from the lowering with data ({@link FunctionalLayer}) on one chip. */
    private static List<double[]> functional(ModelConfig m, MoeDispatch dispatch, LayerWeights w, List<double[]> xs,
                                             int[] positions) {
        SystemBuild b = new SystemBuild(TestSystems.ONE_CHIP);
        ChipDataflow f = new ChipDataflow(b.chip(), b.chip(0), 0);
        FunctionalLayer layer = new FunctionalLayer(m, w, m.cachedTokens(CONTEXT), "l0", dispatch);
        for (int s = 0; s < xs.size(); s++) {
            double[] x = xs.get(s);
            Row in = f.vectors(st -> List.of(new ChipDataflow.Out(VectorKernels.row(st.graph(), x, 0), m.hidden())))
                    .get(0);
            f.name("out" + s + "_", layer.step(f, in, positions[s]));
        }
        SimResult sim = Simulated.exactly(b, 1, f.end());
        List<double[]> out = new ArrayList<>();
        for (int s = 0; s < xs.size(); s++) {
            out.add(Simulated.row(sim, 0, "out" + s + "_", m.hidden()));
        }
        return out;
    }

    private static List<Long> lengths(ChipBuild chip) {
        return chip.placedKernels().stream().map(ChipBuild.PlacedKernel::length).toList();
    }

    /** Model {@code m}'s plan on node-8 with each layer over {@code chips} chips, attention over {@code attention}. */
    private static DecodePlan over(ModelConfig m, int chips, int attention, MoeDispatch dispatch) {
        DecodePlan one = plan(m, dispatch, CONTEXT);
        return new DecodePlan(m, Precision.FP16, 1, CONTEXT, 1, chips, attention, 1, one.capacityBytes(), dispatch);
    }

    private static DecodePlan plan(ModelConfig m, MoeDispatch dispatch, int context) {
        DecodePlan plan = DecodePlan.forChips(m, Precision.FP16, 1, context, NODE.chip(), 2 + m.layers(),
                NODE.chipsPerNode()).withDispatch(dispatch);
        assertThat(plan.chipsPerLayer()).isEqualTo(1);
        return plan;
    }

    private static SimResult timingOnly(DecodePlan plan, int position) {
        TimingLowering t = new TimingLowering(plan, new SystemBuild(NODE));
        t.allocate();
        long end = t.token(0, 0, StepShape.DECODE, position).nextEntryCycle();
        SimResult sim = Simulated.timingOnly(t.build(), 1);
        assertThat(sim.cycles()).isEqualTo(end);
        return sim;
    }
}
