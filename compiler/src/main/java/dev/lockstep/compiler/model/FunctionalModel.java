// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.dataflow.ChipDataflow;
import dev.lockstep.compiler.dataflow.ChipDataflow.Out;
import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.dataflow.Transfers;
import dev.lockstep.compiler.dataflow.VectorStep;
import dev.lockstep.compiler.system.ChipPath;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.compiler.vector.VectorKernels;
import dev.lockstep.isa.Opcode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Greedy generation with real weights over a pipeline of chips, as one program, stages along the system's chip
 * path ({@link ChipPath}: each chip linked to the next): the first looks up each token's embedding, stage 1 + l
 * runs layer l, stage L + 1 the final norm, the LM head and the greedy choice, whose token goes back to the first
 * stage by a shortest route, chip by chip, for the next step. Every row between chips crosses a link with its
 * values ({@link Transfers}).
 * <ul>
 *   <li>The prompt's tokens run one decode step each (positions 0 .. P - 1), filling the KV caches; the last
 *       one's logits give the first generated token; each generated token but the last runs one more step.</li>
 *   <li>The embedding lookup is a product of a one-hot row of the vocabulary with the table (exact: one term of
 *       each sum is not 0): for a prompt token the one-hot row is a constant of the program; for a generated token
 *       the first stage builds it from the received token index (compared with every lane's index).</li>
 *   <li>The greedy choice is the lowest index holding the largest logit: per vector its largest value and lane
 *       ({@code vrmax}, {@code vargmax}), then the first vector whose largest equals the overall largest.</li>
 * </ul>
 * Regions on the head's chip: {@code logits<i>_<j>} (vector j of the logits that chose generated token i) and
 * {@code token<i>_0} (that token's index, in lane 0, as f32).
 */
public final class FunctionalModel {
    private FunctionalModel() {
    }

    /**
     * The program's pieces.
     *
     * @param end       the predicted last cycle + 1 of the whole program
     * @param headChip  the chip holding the logits and token regions
     * @param chips     chips used (the stages, and the chips that forward the token back)
     * @param productCycles cycles all chips spent in products
     * @param vectorCycles  cycles all chips spent in vector steps
     * @param wiringCycles  cycles all chips spent writing rows into X tiles and caches (see
     *                      {@link ChipDataflow#wiringCycles})
     */
    public record Built(long end, int headChip, int chips, long productCycles, long vectorCycles,
                        long wiringCycles) {
        /** Generated token {@code i}, as the simulated head chip left it in {@code simulated}. */
        public int token(RegionValues simulated, int i) {
            return (int) read(simulated, "token" + i + "_0")[0];
        }

        /** The logits that chose generated token {@code i} (vocab values), as the simulated head chip left them. */
        public float[] logits(RegionValues simulated, int i, int vocab) {
            float[] out = new float[vocab];
            int lanes = VectorStep.LANES_PER_VECTOR;
            for (int j = 0; j * lanes < vocab; j++) {
                double[] v = read(simulated, "logits" + i + "_" + j);
                for (int l = 0; l < lanes && j * lanes + l < vocab; l++) {
                    out[j * lanes + l] = (float) v[l];
                }
            }
            return out;
        }

        private double[] read(RegionValues simulated, String region) {
            return simulated.region(headChip, region).orElseThrow(() -> new IllegalStateException("the simulation "
                    + "left no region " + region + " on chip " + headChip + ": not a functional run of this program"));
        }
    }

    /** A simulation's final SRAM contents by chip and region name (a functional simulator's result). */
    @FunctionalInterface
    public interface RegionValues {
        Optional<double[]> region(int chip, String name);
    }

    /** Chips the pipeline takes for a model: one for the embedding, one per layer, one for the head. */
    public static int chipsFor(ModelConfig m) {
        return m.layers() + 2;
    }

    public static Built build(SystemBuild b, ModelWeights w, int[] prompt, int tokens) {
        return build(b, w, prompt, tokens, MoeDispatch.ALL);
    }

    /** As above, each MoE layer's experts dispatched as {@code dispatch} ({@link FunctionalLayer}). */
    public static Built build(SystemBuild b, ModelWeights w, int[] prompt, int tokens, MoeDispatch dispatch) {
        ModelConfig m = w.config();
        int chips = chipsFor(m);
        if (prompt.length < 1 || tokens < 1) {
            throw new IllegalArgumentException("a prompt of at least one token and at least one token to generate");
        }
        for (int t : prompt) {
            if (t < 0 || t >= m.vocab()) {
                throw new IllegalArgumentException("prompt token " + t + " is outside the vocabulary 0.."
                        + (m.vocab() - 1));
            }
        }
        if (b.system().chips() < chips) {
            throw new CompileException("functional mode lays " + m.name() + " on " + chips + " chips (embedding, "
                    + m.layers() + " layers, head); " + b.system().name() + " has " + b.system().chips());
        }
        int steps = prompt.length + tokens - 1;
        if (m.slidingWindow() > 0 && steps > m.slidingWindow()) {
            throw new IllegalArgumentException("the prompt and generated tokens span " + steps + " positions, more "
                    + "than the sliding window of " + m.slidingWindow() + ", which functional mode does not apply");
        }
        // the stages along the system's chip path (each chip linked to the next); the token goes back from the head
        // to the embedding by a shortest route, forwarded by the chips on its way
        ChipPath path = new ChipPath(b.topology());
        Flows f = new Flows(b);
        for (int st = 0; st < chips; st++) {
            f.stage(path.chip(st));
        }
        List<FunctionalLayer> layers = new ArrayList<>();
        for (int l = 0; l < m.layers(); l++) {
            layers.add(new FunctionalLayer(m, w.layers().get(l), steps, "l" + l, dispatch));
        }
        Row token = null;
        for (int s = 0; s < steps; s++) {
            try {
                token = step(b, w, f, layers, prompt, steps, s, token);
            } catch (CompileException | IllegalStateException e) {
                // every step's activations stay in SRAM (nothing is freed): long runs fill a chip
                throw new CompileException("step " + s + " of " + steps + " (prompt and generated positions) does "
                        + "not fit: " + e.getMessage() + (s > 0 ? "; functional mode keeps every step's "
                        + "activations in SRAM, so give fewer tokens (" + s + " steps fit)" : ""));
            }
        }
        List<ChipDataflow> all = f.all();
        long end = all.stream().mapToLong(ChipDataflow::end).max().orElseThrow();
        return new Built(end, path.chip(chips - 1), all.size(), all.stream().mapToLong(ChipDataflow::productCycles)
                .sum(), all.stream().mapToLong(ChipDataflow::vectorCycles).sum(),
                all.stream().mapToLong(ChipDataflow::wiringCycles).sum());
    }

    /** The flows of the stages, in order, and of the chips that only forward the token, by chip id. */
    private static final class Flows {
        private final SystemBuild b;
        private final List<ChipDataflow> stages = new ArrayList<>();
        private final TreeMap<Integer, ChipDataflow> byChip = new TreeMap<>();

        Flows(SystemBuild b) {
            this.b = b;
        }

        void stage(int chip) {
            stages.add(of(chip));
        }

        ChipDataflow get(int stage) {
            return stages.get(stage);
        }

        int size() {
            return stages.size();
        }

        ChipDataflow of(int chip) {
            return byChip.computeIfAbsent(chip, c -> new ChipDataflow(b.chip(), b.chip(c), 0));
        }

        List<ChipDataflow> all() {
            return new ArrayList<>(byChip.values());
        }
    }

    /**
     * One step (one position) through every stage; returns the chosen token's row on the first stage's chip, if
     * the run goes on.
     */
    private static Row step(SystemBuild b, ModelWeights w, Flows f, List<FunctionalLayer> layers,
                            int[] prompt, int steps, int s, Row token) {
        ModelConfig m = w.config();
        ChipDataflow embed = f.get(0);
        ChipDataflow head = f.get(f.size() - 1);
        int vocab = m.vocab();
        Row oneHot;
        if (s < prompt.length) {
            double[] hot = new double[vocab];
            hot[prompt[s]] = 1;
            oneHot = embed.vectors(st -> List.of(new Out(VectorKernels.row(st.graph(), hot, 0), vocab))).get(0);
        } else {
            Row index = token;
            oneHot = embed.vectors(st -> List.of(new Out(oneHot(st, index, vocab), vocab))).get(0);
        }
        Row x = embed.matmul("embed", List.of(List.of(oneHot)), vocab, m.hidden(), w.embedding()).get(0);
        for (int l = 0; l < m.layers(); l++) {
            x = Transfers.run(b, List.of(new Transfers.Transfer(f.get(l), f.get(l + 1), List.of(x)))).get(0)
                    .get(0);
            x = layers.get(l).step(f.get(l + 1), x, s);
        }
        x = Transfers.run(b, List.of(new Transfers.Transfer(f.get(m.layers()), head, List.of(x)))).get(0).get(0);
        Row last = x;
        Row normed = head.vectors(st -> List.of(new Out(VectorKernels.rmsnorm(st.graph(), st.row(last),
                VectorKernels.row(st.graph(), w.finalNorm(), 0), m.hidden(), (float) m.rmsNormEps()),
                m.hidden()))).get(0);
        Row logits = head.matmul("head", List.of(List.of(normed)), m.hidden(), vocab, w.head()).get(0);
        if (s >= prompt.length - 1) {
            int i = s - (prompt.length - 1);
            // the head's results are overwritten by the next step: keep a copy
            head.name("logits" + i + "_", head.vectors(st -> List.of(new Out(st.row(logits), vocab))).get(0));
            Row chosen = head.vectors(st -> List.of(new Out(List.of(LayerVectors.greedy(st, logits, vocab)), 1)))
                    .get(0);
            head.name("token" + i + "_", chosen);
            if (s + 1 < steps) {
                // hop by hop along a shortest route to the embedding chip
                Row at = chosen;
                for (var hop : b.topology().route(head.build().chipId(), embed.build().chipId())) {
                    int next = b.topology().farChip(hop.chip(), hop.link());
                    at = Transfers.run(b, List.of(new Transfers.Transfer(f.of(hop.chip()), f.of(next), List.of(at))))
                            .get(0).get(0);
                }
                token = at;
            }
        }
        return token;
    }

    /** The one-hot row of a token index received in lane 0 (f32): 1 in the token's lane of the vocabulary. */
    private static List<VectorGraph.Ref> oneHot(VectorStep st, Row index, int vocab) {
        VectorGraph g = st.graph();
        VectorGraph.Ref all = g.distribute(st.row(index).get(0), 0);
        List<VectorGraph.Ref> out = new ArrayList<>();
        for (int j = 0; j * VectorStep.LANES_PER_VECTOR < vocab; j++) {
            double[] lanes = new double[VectorStep.LANES_PER_VECTOR];
            for (int l = 0; l < lanes.length; l++) {
                lanes[l] = j * VectorStep.LANES_PER_VECTOR + l;
            }
            out.add(g.binary(Opcode.VCMPEQ, all, st.constant(lanes, 0)));
        }
        return out;
    }
}
