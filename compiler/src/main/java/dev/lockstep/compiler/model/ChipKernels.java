// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.dataflow.RowCuts;
import dev.lockstep.compiler.dataflow.VectorStep;
import dev.lockstep.compiler.graph.LayerStep;
import dev.lockstep.compiler.graph.LayerStep.CacheProduct;
import dev.lockstep.compiler.graph.LayerStep.Product;
import dev.lockstep.compiler.graph.Tensor;
import dev.lockstep.compiler.graph.TensorId;
import dev.lockstep.compiler.model.TimingLowering.TokenPlacement;
import dev.lockstep.compiler.system.ChipBuild;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.isa.Opcode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a step of the layer graph means on one chip, for the timing-only lowering: its kernels (compiled on first use
 * into the chip's free SRAM, or, for weights and caches, reserved before any token), placed at the cycle the step may
 * start; before each product, the wiring of its X, and before a KV head's scores, the caches' append (docs/model.md,
 * "Wiring"). A decode step (one row) places each chip's own kernels; a prefill chunk (several rows) compiles products
 * over the decode products' weights and vector kernels for all its rows into the chip's scratch words ({@link
 * ChipBuild#placeTransient}; timing-only, where no value is read). In a plan with data ({@link PlanData}) a layer
 * chip's kernels are compiled with its values ({@link KernelValues}) into the same SRAM, its own. Longer than most
 * files here because a step's meaning on a chip, from its weights reserved before any token to its
 * kernels placed every token, goes through one map of the chip's kernels by {@link KernelKey} and one library view
 * per chip; split by phase, that map would be handed between classes.
 */
final class ChipKernels {
    /**
     * Words at the top of every MEM slice kept for the kernels of a token (norms, RoPE, softmax, SwiGLU, sums:
     * their inputs, outputs and constants): 256 words x 88 slices x 320 B = 7.2 MB of a 230.7 MB chip. Weights and
     * KV caches go below. A planning choice, checked by compiling: a token's kernels that do not fit fail to
     * compile.
     */
    static final int SCRATCH_WORDS = 256;

    private final DecodePlan plan;
    private final ModelConfig m;
    private final SystemBuild build;
    private final KernelLibrary lib;
    /** Where an attention chip's values lie in the rows its steps leave. */
    private final AttentionRows rows;
    private final Map<Integer, Map<KernelKey, CompiledKernel>> placed = new HashMap<>();
    /** Per chip, its SRAM after weights and caches: where a prefill's transient products put their X and Y. */
    private final Map<Integer, SramMap> scratchBase = new HashMap<>();
    /** In a plan with data, per chip of a layer, what its kernels hold (looked up, never iterated). */
    private final Map<Integer, KernelValues> valuesOf = new HashMap<>();
    /** Per chip of the embedding table, where it holds its tokens' rows (looked up, never iterated). */
    private final Map<Integer, TableLayout> tables = new HashMap<>();

    ChipKernels(DecodePlan plan, SystemBuild build) {
        this.plan = plan;
        this.m = plan.model();
        this.build = build;
        this.lib = new KernelLibrary(build.chip());
        this.rows = AttentionRows.of(m, plan.attentionChips());
    }

    KernelLibrary library() {
        return lib;
    }

    /**
     * In a plan with data: the chip of {@code values} has its kernels hold them (call before its weights are
     * reserved).
     */
    void hold(KernelValues values) {
        valuesOf.put(values.chip(), values);
    }

    /** Chip {@code chip} holds its part of the embedding table as {@code table} (its lookup reads it there). */
    void holdTable(int chip, TableLayout table) {
        tables.put(chip, table);
    }

    /** The library that compiles chip {@code chip}'s kernels: with its values in a plan with data, else the shared. */
    private KernelLibrary libraryOf(int chip) {
        KernelValues v = valuesOf.get(chip);
        return v == null ? lib : lib.withValues(v);
    }

    /** Records chip {@code chip}'s SRAM after weights and caches, where prefill products put X and Y. */
    void scratchFrom(int chip, SramMap sram) {
        scratchBase.put(chip, sram);
    }

    private int qPerKv() {
        return m.heads() / m.kvHeads();
    }

    private SramMap belowScratch(ChipBuild c) {
        return c.sram().withCeiling(build.chip().mem().wordsPerSlice() - SCRATCH_WORDS);
    }

    private Map<KernelKey, CompiledKernel> of(int chip) {
        return placed.computeIfAbsent(chip, x -> new HashMap<>());
    }

    // ------------------------------------------------------------------------------------------ reserved first

    /** Compiles the product over weight tensor {@code tensor} of {@code shape} into the chip, below its scratch. */
    void reserveWeights(int chip, TensorId tensor, Shard.Shape shape) {
        ChipBuild c = build.chip(chip);
        CompiledKernel k;
        try {
            k = of(chip).computeIfAbsent(new KernelKey.Weights(tensor), x -> libraryOf(chip)
                    .matmul(tensor, 1, shape.rows(), shape.cols(), plan.weights().mxmType(), belowScratch(c)));
        } catch (CompileException e) {
            throw new CompileException("chip " + chip + ", the " + name(tensor) + " weights: " + e.getMessage());
        }
        c.reserve(k);
    }

    /**
     * Compiles the products over every expert's slice of {@code tensor} of {@code shape} that read the experts the
     * router chose, one kernel per slot over one copy of the weights, into the chip below its scratch.
     */
    void reserveChosenWeights(int chip, Tensor tensor, Shard.Shape shape) {
        ChipBuild c = build.chip(chip);
        List<CompiledKernel> slots;
        try {
            slots = libraryOf(chip).matmulChosen(tensor, 1, shape.rows(), shape.cols(),
                    plan.weights().mxmType(), m.experts(), m.expertsPerToken(), belowScratch(c));
        } catch (CompileException e) {
            throw new CompileException("chip " + chip + ", the " + tensor.name().toLowerCase(Locale.ROOT)
                    + " weights of every expert: " + e.getMessage());
        }
        for (int slot = 0; slot < slots.size(); slot++) {
            of(chip).put(new KernelKey.ChosenWeights(tensor, slot), slots.get(slot));
            // one copy of the weights: the first slot brings them (with data, as initial contents), the others share
            if (slot == 0) {
                c.reserve(slots.get(slot));
            } else {
                c.reserveSharing(slots.get(slot), slots.get(0));
            }
        }
    }

    private static String name(TensorId t) {
        String n = t.tensor().name().toLowerCase(Locale.ROOT);
        return t.tensor() == Tensor.GATE_UP || t.tensor() == Tensor.DOWN ? n + " (expert " + t.expert() + ")" : n;
    }

    /**
     * Compiles KV head {@code head}'s caches of one kind for every sequence: one tensor read by one schedule at an
     * offset per sequence, so that every sequence's product takes the same time and the caches pack like one matrix.
     */
    void reserveCaches(int chip, CacheKind cache, int head, int headDim, int cached) {
        if (cache == CacheKind.K) {
            reserveCopies(chip, cache, head, s -> lib.matmulCopies(cache, qPerKv(), headDim, cached, plan.batch(),
                    s));
        } else {
            reserveCopies(chip, cache, head, s -> lib.matmulCopies(cache, qPerKv(), cached, headDim, plan.batch(),
                    s));
        }
    }

    /**
     * The V caches of KV head {@code head}: one product over all cached tokens when its tiles fit the half of the
     * chip that its single MXM unit reads from (the V product has one tile of 320 columns, head_dim used);
     * otherwise two, each over half the tokens, which land in the two halves of the chip, their results added by
     * a VXM kernel. Returns whether it split.
     */
    boolean reserveV(int chip, int head, int headDim, int cached) {
        try {
            reserveCaches(chip, CacheKind.V, head, headDim, cached);
            return false;
        } catch (CompileException whole) {
            // the lower half ends on a whole K piece of the fp16 cache product
            int piece = build.chip().mxm().fp16K();
            int low = (cached / 2 + piece - 1) / piece * piece;
            if (low >= cached) {
                throw whole;
            }
            reserveCaches(chip, CacheKind.V_LOW, head, headDim, low);
            reserveCaches(chip, CacheKind.V_HIGH, head, headDim, cached - low);
            return true;
        }
    }

    private void reserveCopies(int chip, CacheKind cache, int head,
                               Function<SramMap, List<CompiledKernel>> make) {
        ChipBuild c = build.chip(chip);
        List<CompiledKernel> copies;
        try {
            copies = make.apply(belowScratch(c));
        } catch (CompileException e) {
            throw new CompileException("chip " + chip + ", the " + cache.text() + " caches of KV head " + head + ": "
                    + e.getMessage());
        }
        Map<KernelKey, CompiledKernel> mine = of(chip);
        for (int seq = 0; seq < copies.size(); seq++) {
            mine.put(new KernelKey.Cache(cache, seq, head), copies.get(seq));
            c.reserve(copies.get(seq));
        }
    }

    // ------------------------------------------------------------------------------------------ per token

    /**
     * Places compute step {@code step} (not a block) on {@code shard}'s chip from cycle {@code t}; returns when it
     * ends. {@code vSplit}: the shard's KV head has its V product in two halves; {@code crosses}: a norm's row goes to
     * other chips next (so it is left in fp16); {@code run}: the rows the run's kernels before it left on the chip,
     * which a decode step's kernel reads in place and to which it adds its own.
     */
    long step(LayerStep step, Shard shard, TokenPlacement tok, boolean vSplit, boolean crosses, RunRows run,
              long t) {
        int chip = shard.chip();
        int h = shard.kvHead();
        if (step instanceof LayerStep.Lookup) {
            return lookup(step, shard, tok, run, t);
        }
        if (step instanceof CacheProduct c && c.cache() == Tensor.K_CACHE) {
            long tc = append(chip, h, vSplit, tok, run, t);
            return cacheProduct(chip, CacheKind.K, h, tok, run, tc);
        } else if (step instanceof CacheProduct) {
            if (!vSplit) {
                long tc = cacheProduct(chip, CacheKind.V, h, tok, run, t);
                run.headOutputsFromV(h, qPerKv());
                return tc;
            }
            long tc = cacheProduct(chip, CacheKind.V_LOW, h, tok, run, t);
            tc = cacheProduct(chip, CacheKind.V_HIGH, h, tok, run, tc);
            int n = qPerKv() * build.chip().mxm().cols();
            Placed sum = place(chip, new KernelKey.Vector(KernelKey.VectorStepKind.V_SUM, 0), tok,
                    (l, s, in) -> l.vectors().elementwise(Opcode.VADD, n, in, s),
                    List.of(side(run, CacheKind.V_LOW, h, n), side(run, CacheKind.V_HIGH, h, n)), tc);
            // query head r's output: the first head_dim values of the sum's vector r
            Row summed = lib.outputs(sum.kernel()).get(0);
            List<Row> heads = new ArrayList<>();
            for (int r = 0; r < qPerKv(); r++) {
                heads.add(summed.part(r * VectorStep.LANES_PER_VECTOR, m.headDim()));
            }
            run.leave(new RunRows.HeadOutputs(h), heads);
            return sum.end();
        }
        Optional<StepKernels.Kernel> kernel = StepKernels.of(step, shard, m, plan.weights(), plan.attentionChips(),
                plan.cachedTokens(), tok.position(), plan.dispatch(), crosses);
        if (kernel.isEmpty()) {
            return t;
        }
        StepKernels.Kernel k = kernel.get();
        long tc;
        Optional<RunRows.Left> left = RunRows.leaves(step, shard);
        if (k.key() instanceof KernelKey.ChosenWeights && tok.rows() > 1) {
            // experts chosen by data, several rows: each row's own choice, one row after another (docs/model.md,
            // "Experts chosen by data")
            tc = t;
            CompiledKernel decode = of(chip).get(k.key());
            for (int row = 0; row < tok.rows(); row++) {
                tc = wireTransient(chip, decode, RowCuts.whole(1, lib.kOf(decode)), scratchBase.get(chip), tok, tc);
                tok.ledger().kernel(chip, decode.lowerBoundCycles());
                tc = build.chip(chip).place(decode, tc);
            }
        } else if (k.weights() && tok.rows() > 1) {
            // a prefill chunk: its rows against the decode product's weights, read where they lie
            CompiledKernel decode = of(chip).get(k.key());
            tc = onScratch(chip, decode, tok.rows(), 0, productX(step, decode, tok.rows()), tok, t);
        } else if (k.weights()) {
            CompiledKernel product = of(chip).get(k.key());
            tc = wire(chip, k.key(), productX(step, product, 1), run.productReads(step, shard, rows), tok, t);
            tc = place(chip, k.key(), tok, k.make(), List.of(), tc).end();
            lib.results(product).ifPresent(y -> left.ifPresent(l -> run.leave(l, y)));
        } else {
            Placed p = place(chip, k.key(), tok, k.make(), run.reads(step, shard, qPerKv()), t);
            left.ifPresent(l -> run.leave(l, lib.outputs(p.kernel())));
            tc = p.end();
        }
        if (k.scaledColumns() > 0) {
            // an int8 product's i32 sums, read where it leaves them and scaled: what later kernels read as its
            // results (a kernel per product, each reading its own sums and leaving its own row; the experts' slots
            // share one product, whose row each slot's kernels read before the next slot's product overwrites it)
            StepKernels.Kernel scale = StepKernels.scale(k.scaledColumns());
            List<Optional<Row>> sums = k.weights() && tok.rows() == 1
                    ? List.of(lib.sums(of(chip).get(k.key())).map(y -> y.get(0))) : List.of();
            Placed p = place(chip, scale.key(), tok, scale.make(), sums, tc);
            left.ifPresent(l -> run.leave(l, lib.outputs(p.kernel())));
            tc = p.end();
        }
        return tc;
    }

    /**
     * Places the lookup on {@code shard}'s table chip: its kernel once per row of the token (a kernel sets its slices'
     * read bases from one index: a chunk's rows one after another); a decode step's reads the token's index where
     * {@code run} says and leaves its row there. A chip that holds no rows places none: a table tied to the LM head is
     * the head's weights, laid out for its product, not as rows (its lookup is its exchanges alone).
     */
    private long lookup(LayerStep step, Shard shard, TokenPlacement tok, RunRows run, long t) {
        int chip = shard.chip();
        TableLayout table = tables.get(chip);
        if (table == null) {
            return t;
        }
        StepKernels.Kernel k = StepKernels.lookup(table, m.vocab());
        List<Optional<Row>> in = tok.rows() == 1 ? run.reads(step, shard, qPerKv()) : List.of();
        ChipBuild c = build.chip(chip);
        CompiledKernel kernel = of(chip).computeIfAbsent(reading(k.key(), in), x -> k.make().compile(lib, c.sram(),
                in));
        long tc = t;
        for (int row = 0; row < tok.rows(); row++) {
            tok.ledger().kernel(chip, kernel.lowerBoundCycles());
            tc = c.place(kernel, tc);
        }
        if (tok.rows() == 1) {
            run.leave(new RunRows.Out(KernelKey.VectorStepKind.LOOKUP, 0), lib.outputs(kernel));
        }
        return tc;
    }

    /**
     * A half of a split V product's results as the sum of the halves reads them: its query heads' rows, one vector
     * each, as one row of {@code n} values; empty if the half left none in the run.
     */
    private Optional<Row> side(RunRows run, CacheKind half, int kvHead, int n) {
        List<Optional<Row>> r = run.rows(new RunRows.CacheY(half, kvHead), qPerKv());
        if (r.get(0).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Row.of(r.stream().map(x -> x.orElseThrow().vectors().get(0)).toList(), n));
    }

    /**
     * What weight product {@code product} of step {@code step} reads as X for {@code tokens} tokens: o_proj the heads'
     * outputs side by side, every other product a whole row per token.
     */
    private RowCuts productX(LayerStep step, CompiledKernel product, int tokens) {
        return step instanceof Product p && p.weight() == Tensor.O ? rows.headOutputs(tokens)
                : RowCuts.whole(tokens, lib.kOf(product));
    }

    /**
     * Places sequence {@code tok.seq()}'s product over its cache in a slot as long as the longest of every
     * sequence's (so that tokens of all sequences take the same time and the schedule repeats exactly); a prefill
     * chunk multiplies every row's queries against the cache, read where it lies. Its X is wired from the rows of
     * {@code run}: the queries from RoPE's row, the weights from the softmax's.
     */
    private long cacheProduct(int chip, CacheKind cache, int head, TokenPlacement tok, RunRows run, long t) {
        Map<KernelKey, CompiledKernel> mine = of(chip);
        CompiledKernel k = mine.get(new KernelKey.Cache(cache, tok.seq(), head));
        RowCuts x = cacheX(chip, cache, head, tok.rows());
        if (tok.rows() > 1) {
            return onScratch(chip, k, qPerKv() * tok.rows(), tok.seq(), x, tok, t);
        }
        long slot = 0;
        for (int seq = 0; seq < plan.batch(); seq++) {
            slot = Math.max(slot, mine.get(new KernelKey.Cache(cache, seq, head)).predictedCycles());
        }
        List<Optional<Row>> in = cache == CacheKind.K
                ? List.of(run.row(new RunRows.Out(KernelKey.VectorStepKind.ROPE, 0), 0))
                : run.rows(new RunRows.Out(KernelKey.VectorStepKind.SOFTMAX, head), qPerKv());
        // every sequence's cache product reads the same X tiles: one wiring per chip and cache
        long tc = wire(chip, new KernelKey.Cache(cache, 0, head), x, in, tok, t);
        tok.ledger().kernel(chip, k.lowerBoundCycles());
        long end = build.chip(chip).place(k, tc, slot);
        lib.results(k).ifPresent(y -> run.leave(new RunRows.CacheY(cache, head), y));
        return end;
    }

    /**
     * What a cache product of KV head {@code head} reads as X for {@code tokens} tokens: the scores, the query heads
     * cut from RoPE's row; the weighted sums, the softmax's rows (the halves of a split V product, their halves).
     */
    private RowCuts cacheX(int chip, CacheKind cache, int head, int tokens) {
        if (cache == CacheKind.K) {
            return rows.queries(head, tokens);
        }
        int cached = plan.cachedTokens();
        int low = cache == CacheKind.V ? cached : lib.kOf(of(chip).get(new KernelKey.Cache(CacheKind.V_LOW, 0,
                head)));
        return cache == CacheKind.V_HIGH ? rows.probabilities(tokens, cached, low, cached - low)
                : rows.probabilities(tokens, cached, 0, low);
    }

    /**
     * Places the append of the token's rows of K and V to KV head {@code head}'s caches (before its scores), the last
     * row's at the token's position (a prefill chunk's rows ending there); with V split in two halves of the cached
     * tokens, into the half that holds that position. K from RoPE's row and V from the QKV product's, where
     * {@code run} says they lie. Decode: compiled into the chip's SRAM on first use (per position); a prefill chunk:
     * into its scratch.
     */
    private long append(int chip, int head, boolean vSplit, TokenPlacement tok, RunRows run, long t) {
        Map<KernelKey, CompiledKernel> mine = of(chip);
        CompiledKernel k = mine.get(new KernelKey.Cache(CacheKind.K, 0, head));
        int position = tok.position();
        int vPosition = position;
        CompiledKernel v = mine.get(new KernelKey.Cache(vSplit ? CacheKind.V_LOW : CacheKind.V, 0, head));
        int low = lib.kOf(v);
        if (vSplit && position >= low) {
            if (position - tok.rows() + 1 < low) {
                throw new IllegalArgumentException("the rows of a chunk at positions " + (position - tok.rows() + 1)
                        + " to " + position + " straddle the two halves of KV head " + head + "'s V caches (split at "
                        + low + "): a chunk's rows lie within one half");
            }
            vPosition = position - low;
            v = mine.get(new KernelKey.Cache(CacheKind.V_HIGH, 0, head));
        }
        CompiledKernel vCache = v;
        int vAt = vPosition;
        ChipBuild c = build.chip(chip);
        RowCuts keys = rows.keys(head, tok.rows());
        RowCuts values = rows.values(head, tok.rows());
        if (tok.rows() > 1) {
            CompiledKernel a = tok.library().append(k, v, position, vPosition, keys, values, List.of(), List.of(),
                    scratchBase.get(chip));
            tok.ledger().kernel(chip, a.lowerBoundCycles());
            return c.placeTransient(a, t);
        }
        List<Optional<Row>> kIn = List.of(run.row(new RunRows.Out(KernelKey.VectorStepKind.ROPE, 0), 0));
        List<Optional<Row>> vIn = List.of(run.row(new RunRows.Y(Tensor.QKV, 0), 0));
        CompiledKernel a = mine.computeIfAbsent(reading(new KernelKey.Append(head, position), concat(kIn, vIn)),
                x -> libraryOf(chip).append(k, vCache, position, vAt, keys, values, kIn, vIn, c.sram()));
        tok.ledger().kernel(chip, a.lowerBoundCycles());
        return c.place(a, t);
    }

    private static List<Optional<Row>> concat(List<Optional<Row>> a, List<Optional<Row>> b) {
        List<Optional<Row>> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /**
     * A prefill chunk's product over a decode product's weights (or caches), X (of {@code xRows} rows shaped as
     * {@code x}) and Y in the chip's scratch words.
     */
    private long onScratch(int chip, CompiledKernel decode, int xRows, int copy, RowCuts x, TokenPlacement tok,
                           long t) {
        CompiledKernel k = lib.onWeights(decode, xRows, copy, scratchBase.get(chip));
        long tc = wireTransient(chip, k, x, k.sram(), tok, t);
        tok.ledger().kernel(chip, k.lowerBoundCycles());
        return build.chip(chip).placeTransient(k, tc);
    }

    /**
     * Places the wiring of the chip's decode product {@code product} (the rows that feed it, shaped as {@code x}, whose
     * sources lie where {@code in} says, written into its X tiles, docs/model.md "Wiring"), compiled into the chip's
     * free SRAM on first use and reused after: one per product and rows read, whose slots (experts chosen by data)
     * share it, as they share their X tiles and index.
     */
    private long wire(int chip, KernelKey product, RowCuts x, List<Optional<Row>> in, TokenPlacement tok, long t) {
        ChipBuild c = build.chip(chip);
        CompiledKernel p = of(chip).get(product);
        KernelKey shared = product instanceof KernelKey.ChosenWeights w ? new KernelKey.ChosenWeights(w.tensor(), 0)
                : product;
        CompiledKernel k = of(chip).computeIfAbsent(reading(new KernelKey.Wiring(shared), in),
                y -> libraryOf(chip).wiring(p, x, in, c.sram()));
        tok.ledger().kernel(chip, k.lowerBoundCycles());
        return c.place(k, t);
    }

    /** As {@link #wire}, for a prefill chunk's product: the wiring compiled into {@code sram}, a transient. */
    private long wireTransient(int chip, CompiledKernel product, RowCuts x, SramMap sram, TokenPlacement tok,
                               long t) {
        CompiledKernel k = lib.wiring(product, x, List.of(), sram);
        tok.ledger().kernel(chip, k.lowerBoundCycles());
        return build.chip(chip).placeTransient(k, t);
    }

    /**
     * Places a vector kernel that is not one step's ({@link StepKernels#residualThenNorm}, the gating), reading the
     * rows {@code in} gives; returns it and its end.
     */
    Placed place(int chip, StepKernels.Kernel k, TokenPlacement tok, List<Optional<Row>> in, long t) {
        return place(chip, k.key(), tok, k.make(), tok.rows() == 1 ? in : List.of(), t);
    }

    /** A kernel placed on a chip, and the cycle it ends. */
    record Placed(CompiledKernel kernel, long end) {
    }

    /**
     * Places the chip's kernel {@code key} reading the rows {@code in} gives: for one row, compiled into the chip's
     * free SRAM on first use (per rows read) and reused after; for a chunk's rows, one kernel for all of them in the
     * scratch words its products share.
     */
    private Placed place(int chip, KernelKey key, TokenPlacement tok, StepKernels.Make make, List<Optional<Row>> in,
                         long t) {
        ChipBuild c = build.chip(chip);
        if (tok.rows() > 1) {
            CompiledKernel k = make.compile(tok.library(), scratchBase.get(chip), List.of());
            tok.ledger().kernel(chip, k.lowerBoundCycles());
            return new Placed(k, c.placeTransient(k, t));
        }
        CompiledKernel k = of(chip).computeIfAbsent(reading(key, in), x -> make.compile(libraryOf(chip),
                c.sram(), in));
        tok.ledger().kernel(chip, k.lowerBoundCycles());
        return new Placed(k, c.place(k, t));
    }

    /** Kernel {@code key} reading the rows {@code in} gives: a key of its own where it reads any in place. */
    private static KernelKey reading(KernelKey key, List<Optional<Row>> in) {
        return in.stream().anyMatch(Optional::isPresent) ? new KernelKey.Reading(key, List.copyOf(in)) : key;
    }
}
