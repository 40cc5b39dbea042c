// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.config.ModelConfig;
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

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            best = v[i] > v[best] ? i : best;
        }
        return best;
    }

    @Test
    void aSmallModelGeneratesThePlainJavaTokensWithEveryTokensLogits() {
        ModelConfig m = TestModels.tiny(640, 10, 2, 320, 4, 2, 2);
        ModelWeights w = weights(m, 41);
        int[] prompt = {5, 17, 60};
        int tokens = 4;
        List<String> heard = new ArrayList<>();
        Generation.Built g = Generation.build(w, NODE, prompt, tokens, MoeDispatch.ALL, heard::add);
        assertThat(heard).isNotEmpty();
        assertThat(g.tokens()).isEqualTo(tokens);
        assertThat(g.plan().chips()).isEqualTo(4);
        SimResult sim = SystemSimulator.run(NODE, g.program(), SimOptions.functional().watching(g.allWatches()),
                new SystemSimulator.Parallelism(2, false));
        assertThat(sim.cycles()).as("simulated = predicted cycles").isEqualTo(g.end());

        // the plain-Java model, greedy, from the table's rows as the chip holds them (fp16)
        List<ReferenceLayer> layers = w.layers().stream().map(l -> ReferenceLayer.of(m, l)).toList();
        int positions = prompt.length + tokens - 1;
        int token = prompt[0];
        List<Integer> want = new ArrayList<>();
        for (int p = 0; p < positions; p++) {
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
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < tokens; i++) {
            got.add(g.token(sim::region, i));
        }
        assertThat(got).as("greedy tokens").isEqualTo(want);
        assertThat(got.stream().distinct().count()).as("the tokens are not all one").isGreaterThan(1);

        // each token's logits, watched at its choice: the plain-Java head's from its last layer's row as simulated
        int chip = new ChipPath(new SystemBuild(NODE).topology()).chip(g.plan().layerStart(m.layers() - 1));
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
        assertThat(g.logits(sim::watched, 0)).as("the first token's logits are not the last's (overwritten)")
                .isNotEqualTo(g.logits(sim::watched, tokens - 1));

        // the same tokens placed without data: the same cycles and trace hash
        TimingLowering timing = new TimingLowering(g.plan(), new SystemBuild(NODE));
        timing.allocate();
        long t = 0;
        for (int p = 0; p < positions; p++) {
            t = timing.token(0, t, StepShape.DECODE, p, p < prompt.length).nextEntryCycle();
        }
        assertThat(t).isEqualTo(g.end());
        SimResult timingOnly = Simulated.timingOnly(timing.build(), 1);
        assertThat(timingOnly.cycles()).isEqualTo(g.end());
        assertThat(sim.traceHash()).as("the trace hash of the run without data").isEqualTo(timingOnly.traceHash());
    }

    @Test
    void aWatchAtAnotherCycleReadsAnotherTokensLogits() {
        ModelConfig m = TestModels.tiny(512, 8, 2, 960, 1, 1, 1);
        Generation.Built g = Generation.build(weights(m, 7), NODE, new int[] {1, 2}, 2, MoeDispatch.ALL, s -> {
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

    @Test
    void whatItCannotLayOutIsRefusedInOneLine() {
        ModelConfig m = TestModels.tiny(640, 10, 2, 320, 4, 2, 9);
        assertThatThrownBy(() -> Generation.plan(m, NODE, 4, MoeDispatch.ALL)).isInstanceOf(CompileException.class)
                .hasMessage("a generation with data lays tiny on 11 chips (the table, 9 layers, the head); node-8 has 8");
        ModelConfig tied = new ModelConfig("tied", "MixtralForCausalLM", 640, 320, 1, 10, 2, 64, 4, 2, 10000.0, 0,
                true, 1e-5);
        assertThatThrownBy(() -> Generation.plan(tied, NODE, 4, MoeDispatch.ALL)).isInstanceOf(CompileException.class)
                .hasMessageContaining("takes 0 for the table");
    }
}
