// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.system.ChipPath;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.compiler.testing.RandomData;
import dev.lockstep.compiler.testing.ReferenceLayer;
import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.compiler.testing.TestModels;
import dev.lockstep.isa.program.RegionWatch;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.SystemSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Greedy generation through the plan with data ({@link Generation}): a small model (two Mixtral-shaped layers, a
 * vocabulary of 64) on chips of node-8 generates what a plain-Java forward pass of the same weights chooses, each
 * token's logits read at its choice (watched: the next token's head overwrites them) near the plain-Java head's from
 * the last layer's row as simulated, in the cycles and with the trace hash of the same tokens placed without data.
 */
class GenerationTest {
    private static final SystemSpec NODE = SystemSpecs.preset("node-8");

    private static ModelWeights weights(ModelConfig m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] table = RandomData.uniform(r, m.vocab() * m.hidden(), 1);
        double[] finalNorm = RandomData.uniform(r, m.hidden(), 1);
        for (int i = 0; i < finalNorm.length; i++) {
            finalNorm[i] += 1.5;
        }
        double[] head = RandomData.uniform(r, m.hidden() * m.vocab(), 2 / Math.sqrt(m.hidden()));
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < m.layers(); l++) {
            layers.add(TestModels.weights(m, seed + 100 * l));
        }
        return new ModelWeights(m, table, layers, finalNorm, head);
    }

    /** The plain-Java model's greedy tokens, from the table's rows as the chip holds them (fp16). */
    private static List<Integer> reference(ModelWeights w, int[] prompt, int tokens) {
        ModelConfig m = w.config();
        List<ReferenceLayer> layers = w.layers().stream().map(l -> ReferenceLayer.of(m, l)).toList();
        int token = prompt[0];
        List<Integer> want = new ArrayList<>();
        for (int p = 0; p < prompt.length + tokens - 1; p++) {
            token = p < prompt.length ? prompt[p] : token;
            double[] x = new double[m.hidden()];
            for (int i = 0; i < x.length; i++) {
                x[i] = ReferenceLayer.fp16(w.embedding()[token * m.hidden() + i]);
            }
            for (ReferenceLayer l : layers) {
                x = l.step(x);
            }
            if (p >= prompt.length - 1) {
                token = argmax(ReferenceLayer.product(layers.get(0).rmsNorm(x, w.finalNorm()), w.head(), m.vocab()));
                want.add(token);
            }
        }
        return want;
    }

    /** The tokens a simulation of {@code g} generated. */
    private static List<Integer> tokens(Generation.Built g, SimResult sim) {
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < g.tokens(); i++) {
            got.add(g.token(sim::region, i));
        }
        return got;
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            best = v[i] > v[best] ? i : best;
        }
        return best;
    }

    @Test
    void aSmallModelGeneratesThePlainJavaTokensWithEveryTokensLogits() {
        generatesThePlainJavaTokens(1);
    }

    /**
     * The same model with each layer over three chips of the node (attention over two: the KV heads split), its
     * normed rows broadcast in fp16 among them, o_proj's and the experts' partial sums carried to a root and added:
     * the plain-Java tokens and logits, as with a chip per layer.
     */
    @Test
    void layersOverThreeChipsGenerateThePlainJavaTokens() {
        Generation.Built g = generatesThePlainJavaTokens(3);
        assertThat(g.plan().attentionChips()).isEqualTo(2);
    }

    /**
     * The model of {@link #aSmallModelGeneratesThePlainJavaTokensWithEveryTokensLogits}, each layer over
     * {@code chipsPerLayer} chips: the plain-Java tokens, each token's watched logits near the plain-Java head's, the
     * cycles and trace hash of the same tokens placed without data.
     */
    private static Generation.Built generatesThePlainJavaTokens(int chipsPerLayer) {
        ModelConfig m = TestModels.tiny(640, 10, 2, 320, 4, 2, 2);
        ModelWeights w = weights(m, 41);
        int[] prompt = {5, 17, 60};
        int tokens = 4;
        List<String> heard = new ArrayList<>();
        Generation.Built g = Generation.build(w, NODE, prompt, tokens, MoeDispatch.ALL, chipsPerLayer, heard::add);
        assertThat(heard).isNotEmpty();
        assertThat(g.tokens()).isEqualTo(tokens);
        assertThat(g.plan().chips()).isEqualTo(2 + 2 * chipsPerLayer);
        SimResult sim = SystemSimulator.run(NODE, g.program(), SimOptions.functional().watching(g.allWatches()),
                new SystemSimulator.Parallelism(2, false));
        assertThat(sim.cycles()).as("simulated = predicted cycles").isEqualTo(g.end());

        List<Integer> got = tokens(g, sim);
        assertThat(got).as("greedy tokens").isEqualTo(reference(w, prompt, tokens));
        assertThat(got.stream().distinct().count()).as("the tokens are not all one").isGreaterThan(1);
        List<ReferenceLayer> layers = w.layers().stream().map(l -> ReferenceLayer.of(m, l)).toList();
        int positions = prompt.length + tokens - 1;

        // each token's logits, watched at its choice: the plain-Java head's from its last layer's row as simulated
        // (on the layer's last chip: over several, where its reduction sums the output)
        int chip = new ChipPath(new SystemBuild(NODE).topology()).chip(g.plan().layerStart(m.layers() - 1)
                + chipsPerLayer - 1);
        for (int i = 0; i < tokens; i++) {
            int position = prompt.length - 1 + i;
            double[] last = Simulated.row(sim, chip, TimingLowering.outputRow(m.layers() - 1, position), m.hidden());
            double[] logits = ReferenceLayer.product(layers.get(0).rmsNorm(last, w.finalNorm()), w.head(), m.vocab());
            float[] watched = g.logits(sim::watched, i);
            double[] asDouble = new double[watched.length];
            for (int v = 0; v < watched.length; v++) {
                asDouble[v] = watched[v];
            }
            ReferenceLayer.assertNear(asDouble, logits, "token " + i + "'s logits");
            assertThat(argmax(asDouble)).as("token %d is its logits' greedy choice", i).isEqualTo(got.get(i));
        }
        for (int i = 0; i < tokens; i++) {
            long at = g.chosenCycles().get(i);
            assertThat(g.watches().get(i)).as("token %d's logits watched at its choice", i)
                    .allMatch(watch -> watch.cycle() == at);
        }
        assertThat(g.chosenCycles()).isSorted().doesNotHaveDuplicates();
        assertThat(g.logits(sim::watched, 0)).as("the first token's logits are not the last's (overwritten)")
                .isNotEqualTo(g.logits(sim::watched, tokens - 1));

        // the same tokens placed without data: the same cycles and trace hash
        TimingLowering timing = new TimingLowering(g.plan(), new SystemBuild(NODE), ScratchWords.ABOVE_THE_WEIGHTS);
        timing.allocate();
        long t = 0;
        for (int p = 0; p < positions; p++) {
            t = timing.token(0, t, StepShape.DECODE, p, p < prompt.length).nextEntryCycle();
        }
        assertThat(t).isEqualTo(g.end());
        SimResult timingOnly = Simulated.timingOnly(timing.build(), 1);
        assertThat(timingOnly.cycles()).isEqualTo(g.end());
        assertThat(sim.traceHash()).as("the trace hash of the run without data").isEqualTo(timingOnly.traceHash());
        return g;
    }

    @Test
    void aWatchAtAnotherCycleReadsAnotherTokensLogits() {
        ModelConfig m = TestModels.tiny(512, 8, 2, 960, 1, 1, 1);
        Generation.Built g = Generation.build(weights(m, 7), NODE, new int[] {1, 2}, 2, MoeDispatch.ALL, 1, s -> {
        });
        List<RegionWatch> first = g.watches().get(0);
        assertThat(first).allSatisfy(w -> assertThat(w.cycle()).isLessThan(g.watches().get(1).get(0).cycle()));
        SimResult sim = SystemSimulator.run(NODE, g.program(), SimOptions.functional().watching(g.allWatches()),
                new SystemSimulator.Parallelism(1, false));
        double[] end = Simulated.row(sim, g.headChip(), TimingLowering.LOGITS, m.vocab());
        float[] lastWatched = g.logits(sim::watched, 1);
        for (int v = 0; v < m.vocab(); v++) {
            assertThat((double) lastWatched[v]).as("the last token's logits are what the run left").isEqualTo(end[v]);
        }
        assertThatThrownBy(() -> g.logits(w -> Optional.empty(), 0))
                .hasMessageContaining("did not watch");
    }

    /**
     * A model whose table is its LM head (tied): the timing-only plan has no table of rows for it, so a generation lays
     * it out as its untied twin, the table on a chip of its own holding the head's values; the plain-Java tokens.
     */
    @Test
    void aTiedModelGeneratesWithItsTableOnAChipOfItsOwn() {
        ModelConfig tied = new ModelConfig("tied", "LlamaForCausalLM", 512, 960, 1, 8, 2, 64, 1, 1, 10000.0, 0, true,
                1e-5);
        ModelWeights untied = weights(tied.untied(), 19);
        double[] table = untied.embedding();
        double[] head = new double[table.length];
        for (int t = 0; t < tied.vocab(); t++) {
            for (int i = 0; i < tied.hidden(); i++) {
                head[i * tied.vocab() + t] = table[t * tied.hidden() + i];
            }
        }
        ModelWeights w = new ModelWeights(tied, table, untied.layers(), untied.finalNorm(), head);
        assertThat(DecodePlan.forChips(tied, Precision.FP16, 1, 4, NODE.chip(), 3,
                NODE.chipsPerNode()).embeddingChips()).as("the timing-only plan's table").isZero();
        Generation.Built g = Generation.build(w, NODE, new int[] {3, 30}, 3, MoeDispatch.ALL, 1, s -> {
        });
        assertThat(g.plan().embeddingChips()).isEqualTo(1);
        SimResult sim = SystemSimulator.run(NODE, g.program(), SimOptions.functional(),
                new SystemSimulator.Parallelism(2, false));
        assertThat(sim.cycles()).isEqualTo(g.end());
        assertThat(tokens(g, sim)).isEqualTo(reference(w, new int[] {3, 30}, 3));
    }

    /** A prefill chunk's transient kernels go into the top words of each slice: a generation's scratch refuses it. */
    @Test
    void aPrefillChunkRefusesTheScratchOfAGeneration() {
        ModelConfig m = TestModels.tiny(512, 8, 2, 960, 1, 1, 1);
        TimingLowering t = new TimingLowering(Generation.plan(m, NODE, 8, MoeDispatch.ALL, 1), new SystemBuild(NODE),
                ScratchWords.ABOVE_THE_WEIGHTS);
        t.allocate();
        assertThatThrownBy(() -> t.token(0, 0, StepShape.chunk(4, false), 3))
                .hasMessageContaining("top words of each slice");
    }

    @Test
    void whatItCannotLayOutIsRefusedInOneLine() {
        ModelConfig m = TestModels.tiny(640, 10, 2, 320, 4, 2, 9);
        assertThatThrownBy(() -> Generation.plan(m, NODE, 4, MoeDispatch.ALL, 1)).isInstanceOf(CompileException.class)
                .hasMessage("a generation with data lays tiny on 11 chips (the table, 9 layers of 1, the head); "
                        + "node-8 has 8");
        ModelConfig big = new ModelConfig("big", "MixtralForCausalLM", 4096, 14336, 1, 32, 8, 32000, 8, 2, 1e6, 0,
                false, 1e-5);
        assertThatThrownBy(() -> Generation.plan(big, NODE, 4, MoeDispatch.ALL, 1)).isInstanceOf(CompileException.class)
                .hasMessage("a generation with data lays the table and the head on one chip each so far; big takes 2 "
                        + "for the table and 2 for the head");
        ModelConfig wide = new ModelConfig("wide", "MixtralForCausalLM", 4096, 14336, 1, 32, 8, 64, 8, 2, 1e6, 0,
                false, 1e-5);
        assertThatThrownBy(() -> Generation.plan(wide, NODE, 4, MoeDispatch.ALL, 1))
                .isInstanceOf(CompileException.class)
                .hasMessageStartingWith("a layer of wide takes at least ")
                .hasMessageEndingWith(" chips; a generation with data given 1 a layer cannot hold it");
        // rack-72's nodes are 8 chips along its path, the table on the first: layers of 4 on chips 1-4 and 5-8
        ModelConfig two = TestModels.tiny(640, 10, 2, 320, 4, 2, 2);
        assertThatThrownBy(() -> Generation.plan(two, SystemSpecs.preset("rack-72"), 4, MoeDispatch.ALL, 4))
                .isInstanceOf(CompileException.class).hasMessageContaining("layer 1 would lie on chips ")
                .hasMessageContaining("across two nodes")
                .hasMessageEndingWith("chips per layer that keep every layer in one node: 1, 2, 3, 7");
    }
}
