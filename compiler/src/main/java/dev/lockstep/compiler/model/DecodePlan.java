// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.graph.DecoderLayer;
import dev.lockstep.compiler.graph.DecoderModel;
import dev.lockstep.compiler.graph.LayerStep.Where;
import dev.lockstep.isa.chip.ChipSpec;

/**
 * How a model's decode step is spread over chips, in pipeline order along the system's chip path: first the
 * embedding chips, then each layer on {@code chipsPerLayer} chips (attention on the first {@code attentionChips}
 * of them, split by key-value heads; the feed-forward part, every expert's columns, split evenly over all of
 * them), then the LM head on {@code headChips} chips (split by vocabulary columns). Capacity is checked per chip
 * in bytes: weights, the KV cache of every sequence in flight, and {@link #RESERVE_BYTES} for everything else.
 */
public record DecodePlan(ModelConfig model, Precision weights, int batch, int context, int embeddingChips,
                         int chipsPerLayer, int attentionChips, int headChips, long capacityBytes,
                         MoeDispatch dispatch) {

    /** A plan that streams every expert's weights for every token ({@link MoeDispatch#ALL}). */
    public DecodePlan(ModelConfig model, Precision weights, int batch, int context, int embeddingChips,
                      int chipsPerLayer, int attentionChips, int headChips, long capacityBytes) {
        this(model, weights, batch, context, embeddingChips, chipsPerLayer, attentionChips, headChips, capacityBytes,
                MoeDispatch.ALL);
    }

    /**
     * This plan with MoE dispatch {@code d}: the same chips, each layer's expert columns laid out for it. The byte
     * accounting is the same for both; it does not count what CHOSEN's narrower slices of each expert round up to
     * (whole N tiles of 320 columns per expert), which compiling checks.
     */
    public DecodePlan withDispatch(MoeDispatch d) {
        return new DecodePlan(model, weights, batch, context, embeddingChips, chipsPerLayer, attentionChips,
                headChips, capacityBytes, d);
    }

    /**
     * Bytes of each chip's weight space (below {@link ChipKernels#SCRATCH_WORDS}) kept for the link staging
     * buffers (14 slices x 128 words x 320 B = 0.57 MB) and for what packing tensors into slices wastes (about 1 %
     * in the runs of docs/model.md). A planning margin, not a published number; compiling checks the plan, and the
     * run reports the SRAM actually used.
     */
    public static final long RESERVE_BYTES = 3L << 20;

    /**
     * The largest share of a chip's weight space a plan fills. Matrix tiles go into pairs of slices (fp16) in
     * whole tiles of 160 rows, each unit's tiles in its own hemisphere, and a product's activations and results
     * need slices of their own; near full, that packing fails before the bytes run out (a plan at 97.5 % did not
     * compile, one at 92 % did). A planning choice, checked by compiling.
     */
    public static final double FILL = 0.95;

    public int chips() {
        return embeddingChips + model.layers() * chipsPerLayer + headChips;
    }

    /** First chip (in path order) of layer {@code l}. */
    public int layerStart(int l) {
        return embeddingChips + l * chipsPerLayer;
    }

    public int headStart() {
        return embeddingChips + model.layers() * chipsPerLayer;
    }

    /** The layer every layer of the plan is, declared once. */
    public DecoderLayer layer() {
        return DecoderLayer.of(model);
    }

    /** Tokens each KV cache holds: the context, or the sliding window where the model has one. */
    public int cachedTokens() {
        return model.cachedTokens(context);
    }

    /** KV cache bytes of one layer: K and V for every key-value head, cached token and sequence, in fp16. */
    public long kvBytesPerLayer() {
        return layer().cacheBytes(cachedTokens(), batch);
    }

    long tableBytes() {
        return DecoderModel.of(model).tableBytes(weights);
    }

    /** Whether a chip holding {@code bytes} fits this plan's capacity at {@link #FILL}. */
    boolean fits(long bytes) {
        return bytes <= (long) (capacityBytes * FILL);
    }

    /**
     * Bytes on the busiest chip of a layer (an attention chip): its share of the feed-forward weights, of the attention
     * weights and KV caches, and the reserve. The products on the layer's first chip (the router) are counted as
     * the planner has always counted them: in fp16 and shared over the layer's chips, although the router sits whole
     * on the first chip at the weights' precision. Counting it where it is moves the plans of some inputs (Mixtral at
     * batch 1 and context 256, or at context 7000): a change of figures for the calibration issue, not for the
     * refactor that declared the layer once.
     */
    public long layerChipBytes() {
        DecoderLayer layer = layer();
        long everyChip = layer.weightBytes(weights, Where.EVERY_CHIP)
                + layer.weightBytes(Precision.FP16, Where.FIRST_CHIP);
        return ceil(everyChip, chipsPerLayer)
                + ceil(layer.weightBytes(weights, Where.ATTENTION_CHIPS)
                + layer.cacheBytes(cachedTokens(), batch), attentionChips)
                + RESERVE_BYTES;
    }

    public long embeddingChipBytes() {
        return embeddingChips == 0 ? 0 : ceil(tableBytes(), embeddingChips) + RESERVE_BYTES;
    }

    public long headChipBytes() {
        return ceil(tableBytes(), headChips) + RESERVE_BYTES;
    }

    /** The most bytes any chip of the plan holds. */
    public long maxChipBytes() {
        return Math.max(layerChipBytes(), Math.max(embeddingChipBytes(), headChipBytes()));
    }

    static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }

    /** A chip's SRAM in bytes. */
    public static long capacity(ChipSpec chip) {
        return SramMap.capacityWords(chip) * chip.vectorBytes();
    }

    /** The bytes of a chip that hold weights and KV caches: all but the scratch words at the top of each slice. */
    public static long weightCapacity(ChipSpec chip) {
        long slices = SramMap.capacityWords(chip) / chip.mem().wordsPerSlice();
        return slices * (chip.mem().wordsPerSlice() - ChipKernels.SCRATCH_WORDS) * chip.vectorBytes();
    }

    /**
     * The plan with the fewest chips that holds the model: the fewest chips per layer (with the fewest attention
     * chips that divide the key-value heads), for the table and for the head.
     *
     * @throws NoPlanFits if no number of chips holds one layer (one KV head's caches, say, are larger than a chip)
     */
    public static DecodePlan minimal(ModelConfig m, Precision w, int batch, int context, ChipSpec chip) {
        long cap = weightCapacity(chip);
        if ((long) (cap * FILL) - RESERVE_BYTES <= 0) {
            throw new NoPlanFits(chip.name() + " has too little SRAM to hold any part of a model ("
                    + cap + " bytes for weights)");
        }
        DecodePlan probe = new DecodePlan(m, w, batch, context, 1, 1, 1, 1, cap);
        int table = (int) Math.max(1, ceil(probe.tableBytes(), (long) (cap * FILL) - RESERVE_BYTES));
        // the table's own chips also as many as its layout needs: a word per token in each slice of a group, the
        // lookup reading every group (TableLayout), holds fewer rows than the bytes say where a row's slices leave
        // some of a chip's unused
        int tableChips = 0;
        if (!m.tiedEmbeddings()) {
            int perChip = TableLayout.tokensPerChip(chip, m.hidden(), w);
            if (perChip == 0) {
                throw new NoPlanFits("a row of the embedding table (" + m.hidden() + " values) takes more slices than "
                        + "a " + chip.name() + " chip has for it");
            }
            tableChips = Math.max(table, (int) ceil(m.vocab(), perChip));
        }
        for (int g = 1; g <= 4096; g++) {
            for (int a = 1; a <= Math.min(g, m.kvHeads()); a++) {
                if (m.kvHeads() % a != 0) {
                    continue;
                }
                DecodePlan p = new DecodePlan(m, w, batch, context, tableChips, g, a, table, cap);
                if (p.fits(p.layerChipBytes())) {
                    return p;
                }
            }
        }
        DecodePlan widest = new DecodePlan(m, w, batch, context, 0, 4096, m.kvHeads(), 1, cap);
        throw new NoPlanFits("does not fit any number of chips: attention splits at most by KV heads ("
                + m.kvHeads() + "), and then a chip holds " + widest.layerChipBytes() / 1_000_000 + " MB of a "
                + "layer (" + ceil(widest.kvBytesPerLayer(), m.kvHeads()) / 1_000_000 + " MB of it one KV head's "
                + "caches for every sequence) where " + (long) (cap * FILL) / 1_000_000 + " MB fit; use fewer "
                + "sequences or a shorter context");
    }

    /**
     * The plan for {@code chips} chips: as many chips per layer as fit; when that is a node or more, rounded down to
     * whole nodes with the table on whole nodes too, if that still fits (so that every layer sits on whole nodes and
     * all layers get the same program); the table on its fewest chips otherwise; the head on the rest, up to one
     * chip per 320 vocabulary columns.
     *
     * @throws TooFewChips if the minimal plan needs more chips
     */
    public static DecodePlan forChips(ModelConfig m, Precision w, int batch, int context, ChipSpec chip, int chips,
                                      int chipsPerNode) {
        return forChips(m, w, batch, context, chip, chips, chipsPerNode, true);
    }

    /**
     * As {@link #forChips(ModelConfig, Precision, int, int, ChipSpec, int, int)}, rounding layers to whole nodes
     * only when {@code alignToNodes} (the plan without rounding has more chips per layer, so less on each: the
     * fallback when the rounded plan fits by bytes but its tensors do not pack into the slices).
     */
    public static DecodePlan forChips(ModelConfig m, Precision w, int batch, int context, ChipSpec chip, int chips,
                                      int chipsPerNode, boolean alignToNodes) {
        DecodePlan min = minimal(m, w, batch, context, chip);
        if (min.chips() > chips) {
            throw new TooFewChips(min, chips);
        }
        int table = min.embeddingChips();
        int g = (chips - table - min.headChips()) / m.layers();
        if (alignToNodes && g >= chipsPerNode) {
            int aligned = g / chipsPerNode * chipsPerNode;
            int alignedTable = table == 0 ? 0 : (int) ceil(table, chipsPerNode) * chipsPerNode;
            if (aligned >= min.chipsPerLayer() && alignedTable + aligned * m.layers() + min.headChips() <= chips) {
                g = aligned;
                table = alignedTable;
            }
        }
        g = Math.max(g, min.chipsPerLayer());
        int a = min.attentionChips();
        DecodePlan p = new DecodePlan(m, w, batch, context, table, g, a, min.headChips(), min.capacityBytes());
        while (!p.fits(p.layerChipBytes())) {
            a = nextDivisor(m.kvHeads(), a);
            p = new DecodePlan(m, w, batch, context, table, g, a, min.headChips(), min.capacityBytes());
        }
        int head = Math.min(chips - p.embeddingChips() - m.layers() * g, Math.max(min.headChips(),
                (int) ceil(m.vocab(), chip.vectorBytes())));
        return new DecodePlan(m, w, batch, context, table, g, a, head, min.capacityBytes());
    }

    private static int nextDivisor(int n, int after) {
        for (int d = after + 1; d <= n; d++) {
            if (n % d == 0) {
                return d;
            }
        }
        throw new IllegalStateException("no attention split fits");
    }

    /** No number of chips holds the model (one KV head's caches are larger than a chip, say); the message says why. */
    public static final class NoPlanFits extends RuntimeException {
        NoPlanFits(String message) {
            super(message);
        }
    }

    /** The model needs more chips than there are. */
    public static final class TooFewChips extends RuntimeException {
        private final transient DecodePlan minimal;
        private final int chips;

        TooFewChips(DecodePlan minimal, int chips) {
            super(minimal.model().name() + " (" + minimal.weights().text() + ", batch " + minimal.batch()
                    + ", context " + minimal.context() + ") needs at least " + minimal.chips() + " chips of ");
            this.minimal = minimal;
            this.chips = chips;
        }

        public DecodePlan minimal() {
            return minimal;
        }

        public int chips() {
            return chips;
        }
    }
}
