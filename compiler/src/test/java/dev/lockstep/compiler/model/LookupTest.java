// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.compiler.testing.RandomData;
import dev.lockstep.compiler.testing.TestSystems;
import dev.lockstep.compiler.vector.VectorCompiler;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.DataBlock;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.semantics.Lanes;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.Simulator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The embedding lookup ({@link LayerVectors#lookup}) on a chip that holds part of a vocabulary in several groups
 * ({@link TableLayout}): each group read at the token's place in it, clamped, masked by whether it holds the token, the
 * groups added; and how many tokens a chip's layout holds.
 */
class LookupTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();
    private static final int VOCAB = 40;
    /** Two vectors a row, the second cut mid-vector. */
    private static final int HIDDEN = 400;

    /**
     * Tokens 10 .. 15 of a vocabulary of 40 in two groups of three (each vector's two planes in slices of its own, the
     * groups at different addresses): a token of either group gives its row, rounded to fp16, bit for bit; a token
     * the chip does not hold, below or above its range, a row of zeros; in the predicted cycles.
     */
    @ParameterizedTest
    @ValueSource(ints = {10, 12, 13, 15, 3, 39})
    void aChipGivesItsTokensRowsAndZerosForOthers(int token) {
        TableLayout table = new TableLayout(10, 6, HIDDEN, DataType.F16, List.of(
                new TableLayout.Group(10, 3, 100, List.of(new int[] {47, 48}, new int[] {49, 50})),
                new TableLayout.Group(13, 3, 200, List.of(new int[] {60, 61}, new int[] {62, 63}))));
        double[] values = RandomData.floats(5, VOCAB * HIDDEN, -2, 2);
        VectorGraph g = new VectorGraph(320);
        List<VectorGraph.Ref> row = LayerVectors.lookup(g, g.input(new double[] {token}, 0), table, VOCAB, null);
        g.output("y", row);
        SramMap taken = SramMap.empty(TSP);
        for (int p : new int[] {47, 48, 49, 50}) {
            taken = taken.raise(p, 103);
        }
        for (int p : new int[] {60, 61, 62, 63}) {
            taken = taken.raise(p, 203);
        }
        SimResult f = simulate(VectorCompiler.compile(TSP, g, ScheduleOptions.DEFAULT, taken), table, values);
        boolean held = token >= 10 && token < 16;
        for (int v = 0; v < 2; v++) {
            double[] got = f.region(0, "y" + v).orElseThrow();
            for (int l = 0; l < 320; l++) {
                int i = v * 320 + l;
                double want = held && i < HIDDEN ? Lanes.round(DataType.F16, values[token * HIDDEN + i]) : 0;
                assertThat(got[l]).as("token %d, value %d", token, i).isEqualTo(want);
            }
        }
    }

    /**
     * On a layout {@link TableLayout#take} made (8,000 tokens of rows of 400 values: a first group of 7,808 in slices
     * that hold the link lanes' staging buffers, from word 128, and a second of 192), compiled into the chip's SRAM
     * after it: a token of either group gives its row, bit for bit.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 7807, 7808, 7999})
    void aTokenIsReadWhereTheLayoutPutIt(int token) {
        int tokens = 8000;
        SystemBuild b = new SystemBuild(TestSystems.ONE_CHIP);
        int ceiling = TSP.mem().wordsPerSlice() - ChipKernels.SCRATCH_WORDS;
        TableLayout table = TableLayout.take(TSP, b.chip(0), 0, tokens, HIDDEN, Precision.FP16, ceiling);
        assertThat(table.groups()).extracting(TableLayout.Group::tokens).containsExactly(7808, 192);
        assertThat(table.groups().get(0).address()).isEqualTo(128);
        double[] values = RandomData.floats(9, tokens * HIDDEN, -2, 2);
        VectorGraph g = new VectorGraph(320);
        g.output("y", LayerVectors.lookup(g, g.input(new double[] {token}, 0), table, tokens, null));
        SimResult f = simulate(VectorCompiler.compile(TSP, g, ScheduleOptions.DEFAULT, b.chip(0).sram()), table,
                values);
        for (int v = 0; v < 2; v++) {
            double[] got = f.region(0, "y" + v).orElseThrow();
            for (int l = 0; l < 320 && v * 320 + l < HIDDEN; l++) {
                assertThat(got[l]).as("token %d, value %d", token, v * 320 + l)
                        .isEqualTo(Lanes.round(DataType.F16, values[token * HIDDEN + v * 320 + l]));
            }
        }
    }

    /**
     * A chip's layout holds as many tokens as {@link TableLayout#tokensPerChip} says and refuses one more, naming the
     * cure; a row of 8,192 fp16 values (26 vectors, 52 slices a group) leaves one group a chip, fewer rows than its
     * bytes would say, which the plan's table chips follow (Llama-2-70B: 5 where its bytes take 3).
     */
    @Test
    void aChipHoldsWhatItsLayoutSaysAndThePlanFollowsIt() {
        int ceiling = TSP.mem().wordsPerSlice() - ChipKernels.SCRATCH_WORDS;
        int fits = TableLayout.tokensPerChip(TSP, 4096, Precision.FP16);
        assertThat(fits).as("three groups of 13 vectors of 2 slices in 84 slices").isEqualTo(3 * (ceiling - 128));
        TableLayout t = TableLayout.take(TSP, new SystemBuild(TestSystems.ONE_CHIP).chip(0), 0, fits, 4096,
                Precision.FP16, ceiling);
        assertThat(t.groups()).hasSize(3);
        assertThat(t.groups().stream().mapToInt(TableLayout.Group::tokens).sum()).isEqualTo(fits);
        // the most: the first group's slices hold the link lanes' staging buffers (128 words), the others' do not
        int most = 3 * ceiling - 128;
        assertThat(TableLayout.take(TSP, new SystemBuild(TestSystems.ONE_CHIP).chip(0), 0, most, 4096, Precision.FP16,
                ceiling).groups()).hasSize(3);
        assertThatThrownBy(() -> TableLayout.take(TSP, new SystemBuild(TestSystems.ONE_CHIP).chip(0), 0, most + 1,
                4096, Precision.FP16, ceiling)).isInstanceOf(CompileException.class)
                .hasMessageContaining("the table needs more chips");
        assertThat(TableLayout.tokensPerChip(TSP, 8192, Precision.FP16)).isEqualTo(ceiling - 128);
        // Llama-2-70B's shape
        ModelConfig m = new ModelConfig("llama-2-70b", "LlamaForCausalLM", 8192, 28672, 80, 64, 8, 32000, 1, 1,
                10000.0, 0, false, 1e-5);
        DecodePlan llama = DecodePlan.minimal(m, Precision.FP16, 1, 4096, TSP);
        assertThat(llama.embeddingChips()).isEqualTo(5);
        assertThat(llama.headChips()).as("the LM head: by its bytes").isEqualTo(3);
    }

    /** Kernel {@code k} simulated with data, {@code table}'s rows of {@code values} in SRAM, in its predicted cycles. */
    private static SimResult simulate(CompiledKernel k, TableLayout table, double[] values) {
        ChipProgram cp = k.program().chips().get(0);
        List<DataBlock> data = new ArrayList<>(cp.data());
        data.addAll(table.data(values, 320));
        SimResult f = Simulator.run(TSP, new Program(TSP.name(), 320, List.of(), List.of(),
                List.of(new ChipProgram(0, cp.queues(), data, cp.regions()))), SimOptions.functional());
        assertThat(f.cycles()).isEqualTo(k.predictedCycles());
        return f;
    }
}
