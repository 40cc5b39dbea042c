// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.dataflow.Transfers;
import dev.lockstep.compiler.graph.DecoderModel;
import dev.lockstep.compiler.graph.LayerStep;
import dev.lockstep.compiler.graph.LayerStep.CacheProduct;
import dev.lockstep.compiler.graph.LayerStep.PerExpert;
import dev.lockstep.compiler.graph.LayerStep.PerKvHead;
import dev.lockstep.compiler.graph.LayerStep.Product;
import dev.lockstep.compiler.graph.LayerStep.Where;
import dev.lockstep.compiler.graph.Tensor;
import dev.lockstep.compiler.system.ChipBuild;
import dev.lockstep.compiler.system.ChipPath;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.program.Region;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The first phase of the timing-only lowering ({@link TimingLowering}): every chip's weight and KV-cache products
 * compiled into its SRAM before any token, then the embedding table's rows; what is left above is each chip's scratch.
 * In a plan with data, each layer chip's kernels hold its layer's weights, the head chip's the head's
 * ({@link ChipKernels#hold}).
 */
final class WeightAllocation {
    /**
     * The order in which a layer's products are compiled into SRAM: largest first (the feed-forward columns, then the
     * attention weights and after them each attention chip's caches, then the router), so that they fill whole
     * slices from the bottom and a token's small kernels find room above them.
     */
    private static final List<Where> ALLOCATION_ORDER = List.of(Where.EVERY_CHIP, Where.ATTENTION_CHIPS,
            Where.FIRST_CHIP);

    /** A KV head on a chip. */
    record ChipKvHead(int chip, int kvHead) {
    }

    /**
     * What allocation leaves for the tokens: per chip, the words its weights and caches take; the (chip, KV head) pairs
     * whose V product is split into two halves of the cached tokens; per chip, where a row sent into its stage lands
     * (each stage's first chip: {@link #landing}) and where the row its stage sends on stands when no kernel of the
     * chip leaves it ({@link #outgoing}). Maps looked up, never iterated.
     *
     * @param landing  per first chip of a layer or of the head, the hidden row (f32) a decode step's row sent into its
     *                 stage is written to, which the stage's first kernels read in place
     * @param outgoing per chip of a stage but its first (and the only chip of a head that is the table too): a row
     *                 like the landing row, so that the stage's chips stay alike; on the chip that sends the stage's
     *                 output on where no kernel of it leaves the row (a layer's last chip where a reduction over
     *                 several nodes sums it, carrying no rows; with a tied table, the head's last chip), the row the
     *                 send reads, a stand-in (a layer over several chips of one node sends its reduction's sum)
     * @param tableChip the table's first chip, where a token's index lies (-1 with a table tied to the LM head)
     */
    record Allocated(Map<Integer, Long> weightWords, Set<ChipKvHead> splitV, Map<Integer, Row> landing,
                     Map<Integer, Row> outgoing, int tableChip) {
    }

    private final DecodePlan plan;
    private final ModelConfig m;
    private final DecoderModel graph;
    private final ChipPath path;
    private final SystemBuild build;
    private final ChipKernels kernels;
    private final Optional<PlanData> data;
    private final ScratchWords scratch;
    private final Map<Integer, Long> weightWords = new HashMap<>();
    private final Set<ChipKvHead> splitV = new HashSet<>();

    private WeightAllocation(DecodePlan plan, DecoderModel graph, ChipPath path, SystemBuild build,
                             ChipKernels kernels, Optional<PlanData> data, ScratchWords scratch) {
        this.scratch = scratch;
        this.plan = plan;
        this.m = plan.model();
        this.graph = graph;
        this.path = path;
        this.build = build;
        this.kernels = kernels;
        this.data = data;
    }

    /**
     * Allocates plan {@code plan}'s weights and caches along {@code path} into {@code build}, through {@code kernels};
     * the kernels of tokens then take {@code scratch}.
     */
    static Allocated of(DecodePlan plan, DecoderModel graph, ChipPath path, SystemBuild build, ChipKernels kernels,
                        Optional<PlanData> data, ScratchWords scratch) {
        return new WeightAllocation(plan, graph, path, build, kernels, data, scratch).allocate();
    }

    /**
     * Compiles every chip's weight and KV-cache products before any token, in {@link #ALLOCATION_ORDER}, then the
     * embedding table's rows; what is left above is each chip's scratch.
     */
    private Allocated allocate() {
        for (int l = 0; l < m.layers(); l++) {
            PlanStage st = PlanStage.layer(plan, l);
            for (Where pass : ALLOCATION_ORDER) {
                for (int i = 0; i < st.chips(pass); i++) {
                    Shard shard = new Shard(path.chip(st.start() + i), i, st.count(), null, 0);
                    int layer = l;
                    data.ifPresent(d -> kernels.hold(KernelValues.ofLayer(shard.chip(), d.layers().get(layer),
                            new LayerShare(m, shard.index(), plan.chipsPerLayer(), plan.attentionChips(),
                                    plan.dispatch()))));
                    reserveProducts(graph.layer().steps(), pass, shard);
                    if (pass == Where.ATTENTION_CHIPS) {
                        reserveCaches(graph.layer().steps(), shard);
                    }
                }
            }
        }
        PlanStage head = PlanStage.head(plan);
        for (int i = 0; i < head.count(); i++) {
            int chip = path.chip(head.start() + i);
            data.flatMap(PlanData::head).ifPresent(h -> kernels.hold(KernelValues.ofHead(chip, h)));
            reserveProducts(graph.head(), Where.EVERY_CHIP, new Shard(chip, i, head.count(), null, 0));
        }
        int words = build.chip().mem().wordsPerSlice();
        // the embedding table: its tokens split evenly over its chips, each chip's rows where its lookup reads them
        int rows = (m.vocab() + Math.max(1, plan.embeddingChips()) - 1) / Math.max(1, plan.embeddingChips());
        for (int p = 0; p < plan.embeddingChips(); p++) {
            int chip = path.chip(p);
            int first = p * rows;
            if (first >= m.vocab()) {
                // more chips than the tokens need: this one holds none
                continue;
            }
            TableLayout table = TableLayout.take(build.chip(), build.chip(chip), first, Math.min(rows, m.vocab()
                    - first), m.hidden(), plan.weights(), words - ChipKernels.SCRATCH_WORDS);
            kernels.holdTable(chip, table);
            data.ifPresent(d -> d.tableData(table, build.chip().vectorBytes()).forEach(build.chip(chip)::addData));
        }
        // the rows sent between stages: where each lands, and where a stage's sum stands for its send
        Map<Integer, Row> landing = new HashMap<>();
        Map<Integer, Row> outgoing = new HashMap<>();
        for (int l = 0; l < m.layers(); l++) {
            PlanStage st = PlanStage.layer(plan, l);
            landing.put(path.chip(st.start()), hiddenRow(path.chip(st.start())));
            // every chip but the first, so that the chips between stay in one state with the last
            for (int i = 1; i < st.count(); i++) {
                outgoing.put(path.chip(st.start() + i), hiddenRow(path.chip(st.start() + i)));
            }
        }
        landing.put(path.chip(head.start()), hiddenRow(path.chip(head.start())));
        // every head chip but the first alike; with a tied table, the last sends the token's row (one chip: its own)
        for (int i = plan.embeddingChips() == 0 ? Math.min(1, head.count() - 1) : 1; i < head.count(); i++) {
            outgoing.put(path.chip(head.start() + i), hiddenRow(path.chip(head.start() + i)));
        }
        for (int p = 0; p < plan.chips(); p++) {
            ChipBuild c = build.chip(path.chip(p));
            weightWords.put(c.chipId(), c.sram().usedWords());
            c.scratchFrom(scratch == ScratchWords.TOP_OF_EACH_SLICE ? words - ChipKernels.SCRATCH_WORDS : 0);
            kernels.scratchFrom(c.chipId(), c.sram());
        }
        return new Allocated(Map.copyOf(weightWords), Set.copyOf(splitV), Map.copyOf(landing),
                Map.copyOf(outgoing), plan.embeddingChips() > 0 ? path.chip(0) : -1);
    }

    /**
     * A hidden row in f32 taken on {@code chip}: in the 4 MEM slices of one hemisphere with the most room, outside the
     * link lanes' staging slices (chips in one state take it at one place).
     */
    private Row hiddenRow(int chip) {
        Row r = hiddenRow(build, build.chip(chip), m.hidden());
        Region last = r.vectors().get(r.vectors().size() - 1);
        int below = build.chip().mem().wordsPerSlice() - ChipKernels.SCRATCH_WORDS;
        if (last.address() >= below) {
            throw new CompileException("chip " + chip + ": no room for a row of " + m.hidden() + " values below "
                    + "its scratch words (" + below + " words a slice are for weights and caches)");
        }
        return r;
    }

    /** A row of {@code n} values in f32 taken on {@code c} as {@link #hiddenRow(int)} takes one. */
    static Row hiddenRow(SystemBuild build, ChipBuild c, int n) {
        int lanes = build.chip().vectorBytes();
        return Row.of(vectorsIn(build, c, DataType.F32, (n + lanes - 1) / lanes, lanes), n);
    }

    /**
     * {@code vectors} one-vector regions of {@code type} ({@code elements} lanes each) taken on {@code c} at
     * consecutive addresses of the slices with the most room ({@link Transfers#emptiest}), one per byte plane.
     */
    static List<Region> vectorsIn(SystemBuild build, ChipBuild c, DataType type, int vectors, int elements) {
        int[] slices = Transfers.emptiest(build, c, type.bytes());
        int address = c.takeWords(slices, vectors);
        List<Integer> planes = Arrays.stream(slices).boxed().toList();
        List<Region> out = new ArrayList<>();
        for (int v = 0; v < vectors; v++) {
            out.add(new Region("", planes, address + v, type, elements, false));
        }
        return out;
    }

    private void reserveProducts(List<LayerStep> steps, Where pass, Shard shard) {
        for (LayerStep step : steps) {
            if (step instanceof PerExpert e && pass == Where.EVERY_CHIP) {
                for (ExpertColumns piece : ExpertColumns.of(m, plan.chipsPerLayer(), shard.index(), plan.dispatch())) {
                    // chosen by data: one copy of the weights serves every slot
                    if (!piece.chosenByData() || piece.expert() == 0) {
                        reserveProducts(e.body(), pass, shard.withPiece(piece));
                    }
                }
            } else if (step instanceof Product p && p.where() == pass) {
                Shard.Shape s = shard.shape(p, m, plan.attentionChips());
                if (s.cols() > 0 && shard.piece() != null && shard.piece().chosenByData()) {
                    kernels.reserveChosenWeights(shard.chip(), p.weight(), s);
                } else if (s.cols() > 0) {
                    kernels.reserveWeights(shard.chip(), shard.tensor(p), s);
                }
            }
        }
    }

    private void reserveCaches(List<LayerStep> steps, Shard shard) {
        int kvh = m.kvHeads() / plan.attentionChips();
        for (LayerStep step : steps) {
            if (step instanceof PerKvHead h) {
                for (int k = 0; k < kvh; k++) {
                    for (LayerStep inner : h.body()) {
                        if (inner instanceof CacheProduct c && c.cache() == Tensor.K_CACHE) {
                            kernels.reserveCaches(shard.chip(), CacheKind.K, k, m.headDim(), plan.cachedTokens());
                        } else if (inner instanceof CacheProduct c && c.cache() == Tensor.V_CACHE
                                && kernels.reserveV(shard.chip(), k, m.headDim(), plan.cachedTokens())) {
                            splitV.add(new ChipKvHead(shard.chip(), k));
                        }
                    }
                }
            }
        }
    }
}
