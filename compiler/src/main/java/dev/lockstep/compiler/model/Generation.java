// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.dataflow.VectorStep;
import dev.lockstep.compiler.system.ChipPath;
import dev.lockstep.compiler.system.Collectives;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.RegionWatch;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Greedy generation with a model's weights through the plan that timing-only runs lower ({@link TimingLowering}, with
 * {@link PlanData}): the embedding table on a chip of its own, each layer on one chip or on several of one node (the
 * normed rows broadcast in fp16 among them, their partial sums carried to a root and added there), the head on one,
 * fp16, one sequence, along the system's chip path. The prompt's tokens are placed one position after another, each
 * given on the table's chip; from the last of them on, each token's greedy choice is carried back to the table's
 * chip, where the next token's lookup reads it. Every token enters when the one before it has been chosen and
 * carried back; the run is the plan's own kernels, instructions and SRAM, so it takes the cycles and trace hash of
 * the same tokens placed without data by a lowering whose kernels take the same words
 * ({@link ScratchWords#ABOVE_THE_WEIGHTS}). A generated token's id is read where it landed on the table's chip
 * ({@link TimingLowering#chosenAt}); its logits, which the next token's head overwrites, where the head left them, at
 * the cycle of its choice (a {@link RegionWatch} per vector of them).
 */
public final class Generation {
    private Generation() {
    }

    /**
     * The most chips a layer of a generation takes: those among which a layer's broadcasts and reductions carry their
     * rows ({@link Collectives#MOST_CHIPS_CARRIED_AT_ONCE}).
     */
    public static final int MOST_CHIPS_PER_LAYER = Collectives.MOST_CHIPS_CARRIED_AT_ONCE;

    /** A simulation's SRAM contents by chip and region name, at its end (a functional simulator's result). */
    @FunctionalInterface
    public interface RegionValues {
        Optional<double[]> region(int chip, String name);
    }

    /** A simulation's readings of watched regions (a functional simulator's result). */
    @FunctionalInterface
    public interface WatchedValues {
        Optional<double[]> watched(RegionWatch watch);
    }

    /**
     * What a generation compiled to.
     *
     * @param program      every chip's program, with the weights, the table and the prompt's ids as initial data
     * @param plan         the plan it lowers: the table and the head on a chip each, each layer on one or more
     * @param end          the predicted last cycle + 1 of the whole program
     * @param tableChip    the chip of the table, where each generated token's id lands
     * @param headChip     the chip of the head, where each token's logits lie at its choice
     * @param promptLength tokens of the prompt
     * @param watches      per generated token, the watches of its logits' vectors
     * @param time         where the tokens' time went, summed over every position placed
     * @param chosenCycles per generated token, the cycle its greedy choice was made (the head's last kernel ended)
     */
    public record Built(Program program, DecodePlan plan, long end, int tableChip, int headChip, int promptLength,
                        List<List<RegionWatch>> watches, DecodeBuilder.Breakdown time, List<Long> chosenCycles) {
        public Built {
            watches = watches.stream().map(List::copyOf).toList();
            chosenCycles = List.copyOf(chosenCycles);
            if (chosenCycles.size() != watches.size()) {
                throw new IllegalArgumentException("a chosen cycle per generated token");
            }
        }

        /**
         * Cycles between two generated tokens' choices, on average (each a decode step of the one sequence: its lookup,
         * layers and head, and the choice carried back); empty with one token.
         */
        public OptionalDouble cyclesPerToken() {
            int n = chosenCycles.size();
            return n < 2 ? OptionalDouble.empty()
                    : OptionalDouble.of((double) (chosenCycles.get(n - 1) - chosenCycles.get(0)) / (n - 1));
        }

        /** Tokens generated. */
        public int tokens() {
            return watches.size();
        }

        /** Every watch the simulation must make for {@link #logits} to read. */
        public List<RegionWatch> allWatches() {
            return watches.stream().flatMap(List::stream).toList();
        }

        /** Generated token {@code i}, where it landed on the table's chip in {@code simulated}. */
        public int token(RegionValues simulated, int i) {
            String region = TimingLowering.chosenAt(promptLength + i) + "0";
            return (int) simulated.region(tableChip, region).orElseThrow(() -> new IllegalStateException("the "
                    + "simulation left no region " + region + " on chip " + tableChip + ": not a functional run of "
                    + "this program"))[0];
        }

        /** The logits that chose generated token {@code i}, as the head left them at its choice in a simulation. */
        public float[] logits(WatchedValues simulated, int i) {
            int vocab = plan.model().vocab();
            float[] out = new float[vocab];
            int lanes = VectorStep.LANES_PER_VECTOR;
            List<RegionWatch> mine = watches.get(i);
            for (int j = 0; j < mine.size(); j++) {
                RegionWatch w = mine.get(j);
                double[] v = simulated.watched(w).orElseThrow(() -> new IllegalStateException("the simulation did "
                        + "not watch " + w.region() + " on chip " + w.chip() + " at cycle " + w.cycle()));
                for (int l = 0; l < lanes && j * lanes + l < vocab; l++) {
                    out[j * lanes + l] = (float) v[l];
                }
            }
            return out;
        }
    }

    /**
     * The plan a generation of {@code positions} positions lowers on {@code system}: the table on a chip, each layer
     * on {@code chipsPerLayer} chips of one node (attention on as many of them as divide the KV heads), the head on
     * a chip, fp16, one sequence, caches of {@code positions} tokens. A model whose table is tied to its LM head is
     * laid out as its untied twin ({@link ModelConfig#untied}): the timing-only plan of a tied model has no table of
     * rows (its lookup stands in the head's weights), and a run with data looks tokens up in one, so its table takes
     * a chip of its own, holding the head's values.
     *
     * @throws CompileException         if the system has too few chips, a layer would span two nodes (the message
     *                                  names the chips per layer that keep each in one), or a chip's share does not
     *                                  fit
     * @throws IllegalArgumentException if {@code chipsPerLayer} is not 1 .. {@link #MOST_CHIPS_PER_LAYER}
     */
    public static DecodePlan plan(ModelConfig model, SystemSpec system, int positions, MoeDispatch dispatch,
                                  int chipsPerLayer) {
        ModelConfig m = model.untied();
        if (chipsPerLayer < 1 || chipsPerLayer > MOST_CHIPS_PER_LAYER) {
            throw new IllegalArgumentException("a generation with data lays a layer on 1 to " + MOST_CHIPS_PER_LAYER
                    + " chips; got " + chipsPerLayer);
        }
        int chips = m.layers() * chipsPerLayer + 2;
        if (system.chips() < chips) {
            throw new CompileException("a generation with data lays " + m.name() + " on " + chips + " chips (the "
                    + "table, " + m.layers() + " layers of " + chipsPerLayer + ", the head); " + system.name()
                    + " has " + system.chips());
        }
        DecodePlan least;
        try {
            least = DecodePlan.minimal(m, Precision.FP16, 1, positions, system.chip());
        } catch (DecodePlan.NoPlanFits e) {
            throw new CompileException("a generation with data cannot lay out " + m.name() + ": " + e.getMessage());
        }
        if (least.embeddingChips() != 1 || least.headChips() != 1) {
            throw new CompileException("a generation with data lays the table and the head on one chip each so far; "
                    + m.name() + " takes " + least.embeddingChips() + " for the table and " + least.headChips()
                    + " for the head");
        }
        if (least.chipsPerLayer() > chipsPerLayer) {
            throw new CompileException("a layer of " + m.name() + " takes at least " + least.chipsPerLayer()
                    + " chips; a generation with data given " + chipsPerLayer + " a layer cannot hold it");
        }
        int attention = 1;
        for (int a = 1; a <= chipsPerLayer; a++) {
            attention = m.kvHeads() % a == 0 ? a : attention;
        }
        DecodePlan plan = new DecodePlan(m, Precision.FP16, 1, positions, 1, chipsPerLayer, attention, 1,
                least.capacityBytes(), dispatch);
        ChipPath path = new ChipPath(new Topology(system));
        for (int l = 0; l < m.layers(); l++) {
            if (path.segments(plan.layerStart(l), plan.layerStart(l) + chipsPerLayer).size() > 1) {
                throw new CompileException("layer " + l + " would lie on chips " + path.chip(plan.layerStart(l))
                        + " to " + path.chip(plan.layerStart(l) + chipsPerLayer - 1) + " of " + system.name()
                        + ", across two nodes, whose broadcasts and reductions a run with data does not carry yet; "
                        + "chips per layer that keep every layer in one node: " + inOneNode(m, system, path,
                        least.chipsPerLayer()));
            }
        }
        return plan;
    }

    /**
     * The chips per layer, from {@code least} up to a node's (at most {@link #MOST_CHIPS_PER_LAYER}), that keep every
     * layer of {@code m} in one node of {@code system}.
     */
    private static String inOneNode(ModelConfig m, SystemSpec system, ChipPath path, int least) {
        List<String> out = new ArrayList<>();
        for (int c = least; c <= Math.min(system.chipsPerNode(), MOST_CHIPS_PER_LAYER); c++) {
            boolean fits = m.layers() * c + 2 <= system.chips();
            for (int l = 0; fits && l < m.layers(); l++) {
                fits = path.segments(1 + l * c, 1 + (l + 1) * c).size() == 1;
            }
            if (fits) {
                out.add(Integer.toString(c));
            }
        }
        return out.isEmpty() ? "none" : String.join(", ", out);
    }

    /**
     * Compiles greedy generation of {@code tokens} tokens after {@code prompt} with {@code w} on {@code system}, each
     * layer on {@code chipsPerLayer} chips ({@link #plan}); {@code progress} hears a line now and then.
     *
     * @throws CompileException if the plan does not fit ({@link #plan}), or {@link CompileException.TooManyPositions}
     *                          if a position's kernels do not
     */
    public static Built build(ModelWeights w, SystemSpec system, int[] prompt, int tokens, MoeDispatch dispatch,
                              int chipsPerLayer, Consumer<String> progress) {
        ModelConfig m = w.config();
        if (prompt.length < 1 || tokens < 1) {
            throw new IllegalArgumentException("a prompt of at least one token and at least one token to generate");
        }
        int positions = prompt.length + tokens - 1;
        if (m.slidingWindow() > 0 && positions > m.slidingWindow()) {
            throw new IllegalArgumentException("the prompt and tokens span " + positions + " positions, more than "
                    + m.name() + "'s sliding window of " + m.slidingWindow() + ", which a run with data does not "
                    + "apply");
        }
        DecodePlan plan = plan(m, system, positions, dispatch, chipsPerLayer);
        SystemBuild b = new SystemBuild(system);
        TimingLowering lowering = new TimingLowering(plan, b, new PlanData(w.layers(), w.embedding(),
                Optional.of(new PlanData.Head(w.finalNorm(), w.head()))), ScratchWords.ABOVE_THE_WEIGHTS);
        lowering.allocate();
        progress.accept("allocated the weights and caches of " + plan.chips() + " chips; placing " + positions
                + " positions");
        long t = 0;
        DecodeBuilder.Breakdown time = new DecodeBuilder.Breakdown(0, 0, 0, 0, 0);
        List<Long> chosen = new ArrayList<>();
        for (int p = 0; p < positions; p++) {
            long exchangesBefore = b.exchanges();
            TimingLowering.TokenTimes times;
            try {
                times = lowering.token(0, t, p, p < prompt.length ? OptionalInt.of(prompt[p]) : OptionalInt.empty());
            } catch (CompileException e) {
                if (p == 0) {
                    throw e;
                }
                throw new CompileException.TooManyPositions("position " + p + " of " + positions + " does not fit ("
                        + e.getMessage() + "): each position's kernels keep constants of their own, and " + p
                        + " positions fit", p);
            }
            time = time.plus(DecodeBuilder.Breakdown.of(times.costs(), b.exchanges() - exchangesBefore, b));
            if (p >= prompt.length - 1) {
                chosen.add(times.chosenCycle());
            }
            t = times.nextEntryCycle();
        }
        lowering.nameLastHeadRows();
        int headChip = lowering.path().chip(plan.headStart());
        int vectors = (m.vocab() + VectorStep.LANES_PER_VECTOR - 1) / VectorStep.LANES_PER_VECTOR;
        List<List<RegionWatch>> watches = new ArrayList<>();
        for (long c : chosen) {
            List<RegionWatch> mine = new ArrayList<>();
            for (int j = 0; j < vectors; j++) {
                mine.add(new RegionWatch(headChip, TimingLowering.LOGITS + j, c));
            }
            watches.add(mine);
        }
        return new Built(b.toProgram(), plan, t, lowering.path().chip(0), headChip, prompt.length, watches,
                time, chosen);
    }
}
