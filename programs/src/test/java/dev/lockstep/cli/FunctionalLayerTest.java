// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.dataflow.ChipDataflow;
import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.model.FunctionalLayer;
import dev.lockstep.compiler.model.LayerWeights;
import dev.lockstep.compiler.model.ModelConfig;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.compiler.vector.VectorKernels;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.system.LinkKind;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.Simulator;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A fused decoder layer with real weights on one chip: several tokens in a row through RMSNorm, QKV, RoPE, the KV
 * caches (appended on the chip, read back by the next token), attention, o_proj, residual, RMSNorm, router, top-2 of
 * 4 SwiGLU experts and their weighted sum; compiled as wired kernels, simulated in functional mode, and compared
 * token by token with {@link ReferenceLayer}.
 */
class FunctionalLayerTest {
    static final ChipSpec TSP = ChipSpecs.preset("tsp-v1");

    static ModelConfig tiny(int d, int heads, int kv, int inter, int experts, int topK) {
        return new ModelConfig("tiny", "MixtralForCausalLM", d, inter, 1, heads, kv, 64, experts, topK, 10000.0, 0,
                false, 1e-5);
    }

    static double[] random(SplittableRandom r, int n, double scale) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextDouble(-scale, scale);
        }
        return out;
    }

    static LayerWeights weights(ModelConfig m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int d = m.hidden();
        int hd = m.headDim();
        double[][] gateUp = new double[m.experts()][];
        double[][] down = new double[m.experts()][];
        for (int e = 0; e < m.experts(); e++) {
            gateUp[e] = random(r, 2 * d * m.intermediate(), 2 / Math.sqrt(d));
            down[e] = random(r, m.intermediate() * d, 2 / Math.sqrt(m.intermediate()));
        }
        double[] norm1 = random(r, d, 1);
        double[] norm2 = random(r, d, 1);
        for (int i = 0; i < d; i++) {
            norm1[i] += 1.5;
            norm2[i] += 1.5;
        }
        return new LayerWeights(norm1, random(r, d * (m.heads() + 2 * m.kvHeads()) * hd, 2 / Math.sqrt(d)),
                random(r, m.heads() * hd * d, 2 / Math.sqrt(d)), norm2,
                m.moe() ? random(r, d * m.experts(), 2 / Math.sqrt(d)) : new double[0], gateUp, down);
    }

    static SystemBuild oneChip() {
        Map<LinkKind, Long> latency = new EnumMap<>(LinkKind.class);
        for (LinkKind k : LinkKind.values()) {
            latency.put(k, TSP.links().latencyCycles());
        }
        return new SystemBuild(new SystemSpec("one-chip", TSP, 1, 1, 1, 0, latency));
    }

    /**
     * Runs {@code tokens} tokens through one layer on the chip and through the reference; checks the cycles, the
     * outputs (within {@link #TOLERANCE}) and, for MoE, that the chip routed each token to the reference's experts.
     * Returns the expert sets chosen.
     */
    static List<java.util.Set<Integer>> compare(ModelConfig m, int capacity, int tokens, long seed) {
        LayerWeights w = weights(m, seed);
        SplittableRandom r = new SplittableRandom(seed + 1);
        List<double[]> xs = new ArrayList<>();
        for (int s = 0; s < tokens; s++) {
            xs.add(random(r, m.hidden(), 1));
        }
        SystemBuild b = oneChip();
        ChipDataflow flow = new ChipDataflow(TSP, b.chip(0), 0);
        FunctionalLayer layer = new FunctionalLayer(m, w, capacity, flow, "l0");
        for (int s = 0; s < tokens; s++) {
            double[] x = xs.get(s);
            Row in = flow.vectors(st -> List.of(new ChipDataflow.Out(VectorKernels.row(st.graph(), x, 0),
                    x.length))).get(0);
            flow.name("out" + s + "_", layer.step(in, s));
            int token = s;
            layer.lastGates().ifPresent(g -> flow.name("gates" + token + "_", g));
        }
        SimResult sim = Simulator.run(TSP, b.toProgram(), SimOptions.functional());
        assertThat(sim.cycles()).as("simulated = predicted").isEqualTo(flow.end());
        assertThat(Simulator.run(TSP, b.toProgram(), SimOptions.timingOnly()).traceHash())
                .as("timing-only and functional runs agree").isEqualTo(sim.traceHash());
        ReferenceLayer ref = new ReferenceLayer(m.hidden(), m.heads(), m.kvHeads(), m.intermediate(), m.experts(),
                m.expertsPerToken(), m.ropeTheta(), m.rmsNormEps(), w.attentionNorm(), w.qkv(), w.output(),
                w.ffnNorm(), w.router(), w.gateUp(), w.down());
        List<java.util.Set<Integer>> choices = new ArrayList<>();
        for (int s = 0; s < tokens; s++) {
            double[] want = ref.step(xs.get(s));
            double[] got = new double[m.hidden()];
            for (int v = 0; v * 320 < m.hidden(); v++) {
                double[] part = sim.region(0, "out" + s + "_" + v).orElseThrow();
                System.arraycopy(part, 0, got, v * 320, Math.min(320, m.hidden() - v * 320));
            }
            double scale = 0;
            for (double v : want) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < m.hidden(); i++) {
                assertThat(Math.abs(got[i] - want[i]) / scale)
                        .as("token %d, value %d: chip %s, reference %s", s, i, got[i], want[i]).isLessThan(TOLERANCE);
            }
            if (m.moe()) {
                double[] gates = sim.region(0, "gates" + s + "_0").orElseThrow();
                java.util.Set<Integer> chosen = new java.util.TreeSet<>();
                for (int e = 0; e < m.experts(); e++) {
                    if (gates[e] != 0) {
                        chosen.add(e);
                    }
                }
                java.util.Set<Integer> wanted = new java.util.TreeSet<>();
                for (int e : ref.lastChoice) {
                    wanted.add(e);
                }
                assertThat(chosen).as("token %d's experts", s).isEqualTo(wanted);
                choices.add(chosen);
            }
        }
        return choices;
    }

    /**
     * Allowed difference, as a share of the largest magnitude in the token's output row. Both sides round the same
     * values to fp16 (every product's inputs, the caches); the rest differs only by f32 against double arithmetic,
     * which can move a product input across an fp16 rounding boundary, one fp16 step being 2^-11 (4.9e-4) of it.
     * The output values are sums of terms (residual, attention, experts) as large as the row's largest value, so
     * the error is measured against that, not against the value itself (which may be a small difference of large
     * terms). The worst seen in these tests is 2.4e-4.
     */
    static final double TOLERANCE = 1e-3;

    @Test
    void aMoeLayerMatchesThePlainJavaLayerTokenAfterToken() {
        // hidden 320 (heads of 80: two groups of two query heads), 4 experts, top 2; the K and V caches hold 8
        // tokens and the 5 tokens read back what the chip appended for the ones before
        List<java.util.Set<Integer>> choices = compare(tiny(320, 4, 2, 320, 4, 2), 8, 5, 5);
        assertThat(new java.util.HashSet<>(choices)).as("the tokens are routed to different experts").hasSizeGreaterThan(1);
    }

    @Test
    void aDenseLayerWithHeadsAcrossVectorsMatchesThePlainJavaLayer() {
        // hidden 512 (not a multiple of 320; heads of 128 straddle vectors), one KV group of 4 query heads,
        // intermediate 400, caches of 6 tokens
        compare(tiny(512, 4, 1, 400, 1, 1), 6, 3, 21);
    }
}
