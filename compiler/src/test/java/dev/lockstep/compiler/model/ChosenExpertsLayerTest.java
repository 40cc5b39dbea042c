// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import static dev.lockstep.compiler.testing.TestModels.tiny;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.dataflow.ChipDataflow;
import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.compiler.testing.RandomData;
import dev.lockstep.compiler.testing.ReferenceLayer;
import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.compiler.testing.TestModels;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.sim.SimResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * An MoE layer (hidden 320, 8 experts, top 2) with the experts chosen by data ({@link MoeDispatch#CHOSEN}), on one
 * chip with real weights: each of the 28 pairs of experts is chosen by one token (the router's weights read lanes
 * 0..7 of the normed row, and each token's input is large in its pair's lanes), and every token's output matches
 * the plain-Java layer within {@link FunctionalLayerTest#TOLERANCE}, its experts the reference's. The schedule is the
 * same whatever the choice: programs of one token, one for each pair, take the same cycles with the same trace
 * hash, timing-only or functional.
 */
class ChosenExpertsLayerTest {
    private static final SystemSpec ONE_CHIP = SystemSpecs.preset("node-8");
    private static final ModelConfig M = tiny(320, 4, 2, 320, 8, 2);

    /** Seeded weights whose router scores expert e by lane e of the normed row. */
    private static LayerWeights weights() {
        LayerWeights w = TestModels.weights(M, 61);
        double[] router = new double[M.hidden() * M.experts()];
        for (int e = 0; e < M.experts(); e++) {
            router[e * M.experts() + e] = 1;
        }
        return new LayerWeights(w.attentionNorm(), w.qkv(), w.output(), w.ffnNorm(), router, w.gateUp(), w.down());
    }

    /**
     * An input in +-1 with lanes a and b large (60 and 45, or 45 and 60 when a + b is odd, so that either expert of
     * a pair comes first as often as not): the router picks a and b.
     */
    private static double[] input(SplittableRandom r, int a, int b) {
        double[] x = RandomData.uniform(r, M.hidden(), 1);
        x[a] = (a + b) % 2 == 0 ? 60 : 45;
        x[b] = (a + b) % 2 == 0 ? 45 : 60;
        return x;
    }

    /** Builds tokens through the layer on chip 0, token s at position s; returns the end cycle. */
    private static long build(SystemBuild b, FunctionalLayer layer, List<double[]> xs) {
        ChipDataflow flow = new ChipDataflow(b.chip(), b.chip(0), 0);
        for (int s = 0; s < xs.size(); s++) {
            Row in = FunctionalLayerTest.input(flow, xs.get(s));
            FunctionalLayer.Attended a = layer.attention(flow, in, s);
            flow.name("index" + s + "_", a.index().orElseThrow());
            Row partial = layer.experts(flow, a, 0, M.intermediate());
            flow.name("out" + s + "_", FunctionalLayer.sum(flow, List.of(a.residual(), partial)));
        }
        return flow.end();
    }

    @Test
    void everyPairOfEightExpertsMatchesThePlainJavaLayer() {
        LayerWeights w = weights();
        SplittableRandom r = new SplittableRandom(62);
        List<double[]> xs = new ArrayList<>();
        List<Set<Integer>> pairs = new ArrayList<>();
        for (int a = 0; a < M.experts(); a++) {
            for (int b = a + 1; b < M.experts(); b++) {
                xs.add(input(r, a, b));
                pairs.add(Set.of(a, b));
            }
        }
        SystemBuild build = new SystemBuild(ONE_CHIP);
        long end = build(build, new FunctionalLayer(M, w, xs.size(), "l0", MoeDispatch.CHOSEN), xs);
        SimResult sim = Simulated.exactly(build, 2, end);
        assertThat(Simulated.timingOnly(build, 1).traceHash()).isEqualTo(sim.traceHash());
        ReferenceLayer ref = ReferenceLayer.of(M, w);
        for (int s = 0; s < xs.size(); s++) {
            ReferenceLayer.assertNear(Simulated.row(sim, 0, "out" + s + "_", M.hidden()), ref.step(xs.get(s)),
                    "token " + s);
            double[] index = sim.region(0, "index" + s + "_0").orElseThrow();
            Set<Integer> chosen = new TreeSet<>(List.of((int) index[0], (int) index[1]));
            Set<Integer> wanted = new TreeSet<>();
            for (int e : ref.lastChoice()) {
                wanted.add(e);
            }
            assertThat(chosen).as("token %d's experts", s).isEqualTo(wanted).isEqualTo(pairs.get(s));
        }
    }

    /**
     * A tie: expert 6's router column reads lane 3, as expert 3's does, so the two always score alike; a token large
     * in lanes 0 and 3 ranks expert 0 first and ties 3 with 6 for second. The chip, like the reference (and
     * Mixtral's torch.topk on a tie in practice), takes the lower one: experts 0 and 3, and matches the reference.
     */
    @Test
    void aTieForSecondPlaceGoesToTheLowerExpert() {
        LayerWeights w = weights();
        double[] router = w.router().clone();
        router[6 * M.experts() + 6] = 0;
        router[3 * M.experts() + 6] = 1;
        LayerWeights tied = new LayerWeights(w.attentionNorm(), w.qkv(), w.output(), w.ffnNorm(), router, w.gateUp(),
                w.down());
        double[] x = RandomData.uniform(new SplittableRandom(64), M.hidden(), 1);
        // lane 0 far above lane 3 whatever the norm's gains (1.5 to 3.5), lane 3 far above the rest
        x[0] = 200;
        x[3] = 45;
        SystemBuild build = new SystemBuild(ONE_CHIP);
        long end = build(build, new FunctionalLayer(M, tied, 1, "l0", MoeDispatch.CHOSEN), List.of(x));
        SimResult sim = Simulated.exactly(build, 1, end);
        ReferenceLayer ref = ReferenceLayer.of(M, tied);
        double[] want = ref.step(x);
        assertThat(ref.lastChoice()).containsExactly(0, 3);
        double[] index = sim.region(0, "index0_0").orElseThrow();
        assertThat(new int[] {(int) index[0], (int) index[1]}).containsExactly(0, 3);
        ReferenceLayer.assertNear(Simulated.row(sim, 0, "out0_", M.hidden()), want, "the tied token");
    }

    @Test
    void oneTokenTakesTheSameScheduleWhicheverPairItChooses() {
        // each pair's token alone: its index names the pair, and cycles and hash are the first pair's
        LayerWeights w = weights();
        long cycles = -1;
        long hash = 0;
        List<int[]> pairs = new ArrayList<>();
        for (int a = 0; a < M.experts(); a++) {
            for (int b = a + 1; b < M.experts(); b++) {
                pairs.add(new int[] {a, b});
            }
        }
        for (int[] pair : pairs) {
            SystemBuild build = new SystemBuild(ONE_CHIP);
            long end = build(build, new FunctionalLayer(M, w, 1, "l0", MoeDispatch.CHOSEN),
                    List.of(input(new SplittableRandom(63), pair[0], pair[1])));
            SimResult sim = Simulated.exactly(build, 1, end);
            double[] index = sim.region(0, "index0_0").orElseThrow();
            assertThat(new TreeSet<>(List.of((int) index[0], (int) index[1]))).containsExactly(pair[0], pair[1]);
            if (cycles < 0) {
                cycles = sim.cycles();
                hash = sim.traceHash();
            }
            assertThat(sim.cycles()).isEqualTo(cycles);
            assertThat(sim.traceHash()).isEqualTo(hash).isEqualTo(Simulated.timingOnly(build, 1).traceHash());
        }
    }
}
