// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.system.ChipBuild;
import dev.lockstep.compiler.system.ChipPath;
import dev.lockstep.compiler.system.Collectives;
import dev.lockstep.compiler.system.Exchange;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.system.SystemSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Compiles the decode step of a {@link DecodePlan} into a program for every chip: one token of each of the
 * {@code batch} sequences in flight, sequence j entering the pipeline {@code j x stagger} cycles after the first,
 * where the stagger is the first token's latency divided by the batch (rounded up), and then sequence 0's next
 * token at {@code batch x stagger}, so that the steady state (every sequence getting a token every
 * {@code batch x stagger} cycles, if no chip is asked to do two things at once) is compiled and simulated, not
 * assumed. Every step is placed at an exact cycle on exact
 * chips; the simulator must agree with the predicted end to the cycle (docs/model.md, "From a model to a
 * schedule").
 */
public final class DecodeBuilder {
    /** What was built, and what the compiler predicts for it. */
    public record Result(Program program, DecodePlan plan, ChipPath path, long stagger, long firstTokenCycles,
                         long secondTokenEnd, long longestTokenCycles, long predictedEnd, long computeCycles,
                         long linkCycles, long onChipCycles, long boundCycles, long exchanges, long kernelsCompiled,
                         long maxSramBytes, long maxProgramBytes, int splitVProducts) {
        /**
         * Cycles between two tokens of one sequence in steady state: from the end of sequence 0's first token to
         * the end of its second, or the longest latency of any token compiled if that is longer (a sequence whose
         * token takes longer than its turn cannot keep it).
         */
        public long cyclesPerToken() {
            return Math.max(secondTokenEnd - firstTokenCycles, longestTokenCycles);
        }

        /** Whether every token took the first one's time and sequence 0's turn came round exactly on time. */
        public boolean steadyStateExact() {
            return longestTokenCycles == firstTokenCycles
                    && secondTokenEnd - firstTokenCycles == plan.batch() * stagger;
        }
    }

    private final DecodePlan plan;
    private final ModelConfig m;
    private final SystemBuild build;
    private final Collectives col;
    private final ChipPath path;
    private final KernelLibrary lib;
    private final Map<Integer, Map<String, CompiledKernel>> placed = new HashMap<>();
    private final int hv;
    private final Map<Integer, Long> weightWords = new HashMap<>();

    /**
     * Words at the top of every MEM slice kept for the kernels of a token (norms, RoPE, softmax, SwiGLU, sums:
     * their inputs, outputs and constants): 256 words x 88 slices x 320 B = 7.2 MB of a 230.7 MB chip. Weights and
     * KV caches go below. A planning choice, checked by compiling: a token's kernels that do not fit fail to
     * compile.
     */
    public static final int SCRATCH_WORDS = 256;
    private long compute;
    private long links;
    /** Sum over the first token's compute steps of the step's largest per-chip sum of kernel lower bounds. */
    private long bound;
    private long seenSums;
    private long seenSumBounds;
    private final Map<Integer, Long> stepBound = new HashMap<>();
    /**
     * Bytes of memory per instruction a prefill program takes while it is built: 16 in the chips' builds, 16 in
     * the program made from them, and 8 for the rest (the simulation's per-chip state, garbage). Measured: a
     * Mixtral-8x7B prefill of 8 tokens on 576 chips (68 M instructions) runs in a 3 GiB heap.
     */
    static final long PREFILL_BYTES_PER_INSTRUCTION = 40;

    /**
     * Rows of activations each step carries: 1 for decode; a prefill chunk's rows (its products multiply that many
     * rows at once, its vector kernels are compiled for all its rows, its reductions run once per row).
     */
    private int rows = 1;
    /** Whether the step ends after the last layer (a prefill chunk whose logits nobody needs). */
    private boolean skipHead;
    /** When the last step placed left its last layer. */
    private long lastLayersEnd;
    /** Per chip, its SRAM after weights and caches: where a prefill's transient products put their X and Y. */
    private final Map<Integer, dev.lockstep.compiler.SramMap> scratchBase = new HashMap<>();

    /** When the last token placed was chosen: the end of the head's reduction of the logits' maxima. */
    private long lastChosen;

    private DecodeBuilder(DecodePlan plan, SystemSpec system) {
        this.plan = plan;
        this.m = plan.model();
        this.build = new SystemBuild(system);
        this.col = new Collectives(build);
        this.path = new ChipPath(build.topology());
        this.lib = new KernelLibrary(system.chip());
        this.hv = lib.vectorsOf(m.hidden());
    }

    /**
     * Whether the plan's weights and KV caches pack into every chip's slices (the planner counts bytes; packing
     * whole tiles into slices can fail near full): compiles their products, nothing else.
     *
     * @throws CompileException naming the chip and tensor that does not fit
     */
    public static void checkPacking(DecodePlan plan, SystemSpec system) {
        new DecodeBuilder(plan, system).allocateWeights();
    }

    /** Builds the programs; {@code progress} hears one line per sequence. */
    public static Result build(DecodePlan plan, SystemSpec system, Consumer<String> progress) {
        if (plan.chips() > system.chips()) {
            throw new IllegalArgumentException("the plan needs " + plan.chips() + " chips; " + system.name()
                    + " has " + system.chips());
        }
        DecodeBuilder b = new DecodeBuilder(plan, system);
        b.allocateWeights();
        progress.accept("allocated the weights and KV caches of " + plan.chips() + " chips; compiling sequence 0 of "
                + plan.batch());
        long first = b.token(0, 0);
        long firstCompute = b.compute;
        long firstLinks = b.links;
        long exchanges = b.build.exchanges();
        long onChip = exchanges * Exchange.onChipCycles(b.build);
        long bound = b.bound + exchanges * Exchange.minimumCycles(b.build);
        long stagger = (first + plan.batch() - 1) / plan.batch();
        long end = first;
        long latest = first;
        for (int j = 1; j < plan.batch(); j++) {
            progress.accept("compiled sequence " + j + " of " + plan.batch());
            long e = b.token(j, j * stagger);
            latest = Math.max(latest, e - j * stagger);
            end = Math.max(end, e);
        }
        // the steady state: sequence 0's next token enters when its turn comes round again, after the tokens of
        // every other sequence; it must find every chip free, and the cycles between its two tokens are the figure
        progress.accept("compiled sequence 0's second token");
        long second = b.token(0, plan.batch() * stagger);
        latest = Math.max(latest, second - plan.batch() * stagger);
        end = Math.max(end, second);
        long sram = 0;
        long programBytes = 0;
        int floor = system.chip().mem().wordsPerSlice() - SCRATCH_WORDS;
        for (ChipBuild c : b.build.chips()) {
            long scratch = 0;
            for (int p = 0; p < system.chip().floorplan().slices().size(); p++) {
                scratch += Math.max(0, c.sram().top(p) - floor);
            }
            long words = b.weightWords.getOrDefault(c.chipId(), 0L) + scratch;
            sram = Math.max(sram, words * system.chip().vectorBytes());
        }
        Program program = b.build.toProgram();
        for (var cp : program.chips()) {
            programBytes = Math.max(programBytes, cp.instructionCount() * 8);
        }
        return new Result(program, plan, b.path, stagger, first, second, latest, end, firstCompute, firstLinks,
                onChip, bound, exchanges, b.lib.compiled() + b.col.sumsCompiled(), sram, programBytes,
                b.splitV.size());
    }

    /**
     * What a prefill built.
     *
     * @param program        every chip's program
     * @param promptTokens   tokens of the prompt
     * @param chunkRows      prompt tokens per chunk (the rows its products multiply at once)
     * @param interval       cycles between two chunks entering the pipeline
     * @param firstLatency   cycles from the first chunk's entry to its leaving the last layer
     * @param longestLatency the longest such latency of any chunk of full size (more than the first's if chunks
     *                       collide)
     * @param firstTokenAt   the cycle at which the first generated token is chosen (the head, after the last chunk)
     * @param predictedEnd   the predicted end of the whole program
     */
    public record Prefill(Program program, int promptTokens, int chunkRows, long interval, long firstLatency,
                          long longestLatency, long firstTokenAt, long predictedEnd) {
        /** Whether every chunk of full size took the first one's time (none waited for another's work). */
        public boolean exact() {
            return longestLatency == firstLatency;
        }
    }

    /**
     * The prefill of one sequence's prompt of {@code promptTokens} tokens, in chunks of {@code chunkRows} tokens
     * (the last padded to as many), chunk i entering the pipeline {@code i x interval} cycles after the first, the
     * interval being the busiest chip's cycles for one chunk (no shorter interval could keep up; a chip's work may
     * still span longer, and then a chunk waits for the one before it, which {@link Prefill#longestLatency}
     * reports; a wait of a whole interval, which could let chunks overtake each other, is refused).
     * <ul>
     *   <li>A chunk's products multiply all its rows at once: the decode products' weights and caches, read where
     *       they lie, with M = chunkRows (M = query heads per KV head x chunkRows against a cache), their X and Y in the
     *       scratch words at the top of each slice, which a chunk's products share (timing-only: no value is read;
     *       {@link ChipBuild#placeTransient}).</li>
     *   <li>Its vector kernels (norms, RoPE, softmax, SwiGLU, residuals, routing) are compiled for all its rows at
     *       once, in the same scratch; its reductions run once per row; its sends and broadcasts carry all its
     *       rows.</li>
     *   <li>Attention reads the whole cache of {@code context} tokens for every row, as decode does.</li>
     *   <li>Only the last chunk goes through the head, for its last row: the first generated token is chosen
     *       there, the time to first token.</li>
     * </ul>
     * With {@code chunkRows} 1 every prompt token is a decode step.
     */
    public static Prefill prefill(DecodePlan plan, SystemSpec system, int promptTokens, int chunkRows,
                                  Consumer<String> progress) {
        if (promptTokens < 1 || chunkRows < 1) {
            throw new IllegalArgumentException("a prompt has at least one token and a chunk at least one row, got "
                    + promptTokens + " and " + chunkRows);
        }
        if (plan.chips() > system.chips()) {
            throw new IllegalArgumentException("the plan needs " + plan.chips() + " chips; " + system.name()
                    + " has " + system.chips());
        }
        DecodeBuilder b = new DecodeBuilder(plan, system);
        b.allocateWeights();
        int chunks = (promptTokens + chunkRows - 1) / chunkRows;
        progress.accept("prefill: compiling chunk 0 of " + chunks + " (" + chunkRows + " tokens each)");
        b.rows = Math.min(chunkRows, promptTokens);
        b.skipHead = chunks > 1;
        long end;
        try {
            end = b.token(0, 0);
        } catch (CompileException e) {
            throw new CompileException("a chunk of " + b.rows + " rows does not fit the scratch words its products "
                    + "share (" + e.getMessage() + "); give a smaller chunk");
        }
        long first = b.lastLayersEnd;
        long chosen = b.lastChosen;
        long interval = 0;
        long perChunk = 0;
        for (ChipBuild c : b.build.chips()) {
            interval = Math.max(interval, c.busyCycles());
            perChunk += c.instructions();
        }
        // the program is held twice while it is turned into a Program (16 bytes per instruction each)
        long needed = perChunk * chunks * PREFILL_BYTES_PER_INSTRUCTION;
        if (needed > Runtime.getRuntime().maxMemory()) {
            throw new CompileException("a prefill of " + promptTokens + " tokens in " + chunks + " chunks is "
                    + perChunk + " instructions per chunk, about " + needed / (1 << 20) + " MiB to hold; this JVM may "
                    + "use " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB: give fewer tokens, larger "
                    + "chunks, or more heap (LOCKSTEP_JAVA_OPTS=-Xmx...)");
        }
        long longest = first;
        long shortest = first;
        for (int i = 1; i < chunks; i++) {
            if (i % 8 == 0) {
                progress.accept("prefill: compiled chunk " + i + " of " + chunks);
            }
            long t0 = i * interval;
            // every chunk has the first one's rows: the last is padded (its extra rows are work for nothing, and
            // keep every chunk's schedule alike, so that none catches up with the one before it)
            b.skipHead = i + 1 < chunks;
            end = Math.max(end, b.token(0, t0));
            long latency = b.lastLayersEnd - t0;
            shortest = Math.min(shortest, latency);
            longest = Math.max(longest, latency);
            chosen = b.lastChosen;
        }
        if (longest - shortest >= interval) {
            // a chunk delayed by a whole interval could reach a layer after the next one and read a KV cache the
            // earlier chunk has not written yet
            throw new CompileException("prompt chunks waited " + (longest - shortest) + " cycles, more than the "
                    + interval + " between them: their order through the layers is not guaranteed");
        }
        return new Prefill(b.build.toProgram(), promptTokens, Math.min(chunkRows, promptTokens), interval, first,
                longest, chosen, end);
    }

    // ------------------------------------------------------------------------------------------ weights first

    /**
     * Compiles every chip's weight and KV-cache products before any token, largest first (feed-forward, then
     * attention weights, then the caches of every sequence), so that they fill whole slices from the bottom; the
     * small kernels of a token find room above them.
     */
    private void allocateWeights() {
        for (int l = 0; l < m.layers(); l++) {
            int start = plan.layerStart(l);
            for (int g = 0; g < plan.chipsPerLayer(); g++) {
                int c = path.chip(start + g);
                for (long[] piece : ffnPieces(g)) {
                    int e = (int) piece[0];
                    int cols = (int) piece[1];
                    reserveWeights(c, "up." + e, 1, m.hidden(), 2 * cols);
                    reserveWeights(c, "down." + e, 1, cols, m.hidden());
                }
            }
            int a = plan.attentionChips();
            int qh = m.heads() / a;
            int kvh = m.kvHeads() / a;
            int hd = m.headDim();
            int cached = m.cachedTokens(plan.context());
            for (int i = 0; i < a; i++) {
                int c = path.chip(start + i);
                reserveWeights(c, "qkv", 1, m.hidden(), (qh + 2 * kvh) * hd);
                reserveWeights(c, "o", 1, qh * hd, m.hidden());
                // each KV head's caches, one per sequence, are one tensor read by one schedule at an offset per
                // sequence: every sequence's product takes the same time and the caches pack like one matrix
                for (int k = 0; k < kvh; k++) {
                    reserveCopies(c, "k", k, s -> lib.matmulCopies("k", qPerKv(), hd, cached, plan.batch(), s));
                    reserveV(c, k, hd, cached);
                }
            }
            if (m.moe()) {
                reserveWeights(path.chip(start), "router", 1, m.hidden(), m.experts());
            }
        }
        int per = (m.vocab() + plan.headChips() - 1) / plan.headChips();
        for (int i = 0; i < plan.headChips(); i++) {
            int cols = Math.min(per, m.vocab() - i * per);
            if (cols > 0) {
                reserveWeights(path.chip(plan.headStart() + i), "lm_head", 1, m.hidden(), cols);
            }
        }
        int words = build.chip().mem().wordsPerSlice();
        // the embedding table (rows split over its chips; a token's row is what their exchanges read)
        long rows = (m.vocab() + Math.max(1, plan.embeddingChips()) - 1) / Math.max(1, plan.embeddingChips());
        long rowWords = ((long) m.hidden() * plan.weights().bytes() + build.chip().vectorBytes() - 1)
                / build.chip().vectorBytes();
        for (int p = 0; p < plan.embeddingChips(); p++) {
            build.chip(path.chip(p)).reserveWords(rows * rowWords, words - SCRATCH_WORDS);
        }
        for (int p = 0; p < plan.chips(); p++) {
            ChipBuild c = build.chip(path.chip(p));
            weightWords.put(c.chipId(), c.sram().usedWords());
            c.scratchFrom(words - SCRATCH_WORDS);
            scratchBase.put(c.chipId(), c.sram());
        }
    }

    /** The most experts whose columns one layer chip holds (1: each chip works for one expert only). */
    public static int expertsPerChip(DecodePlan plan) {
        ModelConfig m = plan.model();
        long columns = (long) m.experts() * m.intermediate();
        long per = (columns + plan.chipsPerLayer() - 1) / plan.chipsPerLayer();
        int most = 0;
        for (int g = 0; g < plan.chipsPerLayer(); g++) {
            long lo = g * per;
            long hi = Math.min(columns, lo + per);
            if (hi > lo) {
                most = (int) Math.max(most, (hi - 1) / m.intermediate() - lo / m.intermediate() + 1);
            }
        }
        return most;
    }

    private int qPerKv() {
        return m.heads() / m.kvHeads();
    }

    /** The feed-forward columns of layer chip g: {expert, columns} pieces of the experts' concatenated columns. */
    private List<long[]> ffnPieces(int g) {
        long columns = (long) m.experts() * m.intermediate();
        long per = (columns + plan.chipsPerLayer() - 1) / plan.chipsPerLayer();
        long lo = g * per;
        long hi = Math.min(columns, lo + per);
        List<long[]> out = new java.util.ArrayList<>();
        for (long p = lo; p < hi; ) {
            int e = (int) (p / m.intermediate());
            long cols = Math.min(hi, (e + 1L) * m.intermediate()) - p;
            out.add(new long[] {e, cols});
            p += cols;
        }
        return out;
    }

    private void reserveWeights(int chip, String name, int mm, int k, int n) {
        DataType type = plan.weights().mxmType();
        String tensor = name.replaceAll("\\.[0-9]+$", "");
        reserve(chip, name, s -> lib.matmul(tensor, mm, k, n, type, s));
    }

    /**
     * The V caches of KV head {@code head}: one product over all cached tokens when its tiles fit the half of the
     * chip that its single MXM unit reads from (the V product has one tile of 320 columns, head_dim used);
     * otherwise two, each over half the tokens, which land in the two halves of the chip, their results added by
     * a VXM kernel.
     */
    private void reserveV(int chip, int head, int hd, int cached) {
        try {
            reserveCopies(chip, "v", head, s -> lib.matmulCopies("v", qPerKv(), cached, hd, plan.batch(), s));
        } catch (CompileException whole) {
            int low = (cached / 2 + 159) / 160 * 160;
            if (low >= cached) {
                throw whole;
            }
            reserveCopies(chip, "vlo", head, s -> lib.matmulCopies("vlo", qPerKv(), low, hd, plan.batch(), s));
            reserveCopies(chip, "vhi", head, s -> lib.matmulCopies("vhi", qPerKv(), cached - low, hd, plan.batch(),
                    s));
            splitV.add(List.of(chip, head));
        }
    }

    /** (chip, KV head) whose V product is split into two halves of the cached tokens; looked up, not iterated. */
    private final java.util.Set<List<Integer>> splitV = new java.util.HashSet<>();

    private void reserveCopies(int chip, String tensor, int head, java.util.function.Function<
            dev.lockstep.compiler.SramMap, List<CompiledKernel>> make) {
        ChipBuild c = build.chip(chip);
        int ceiling = build.chip().mem().wordsPerSlice() - SCRATCH_WORDS;
        List<CompiledKernel> copies;
        try {
            copies = make.apply(c.sram().withCeiling(ceiling));
        } catch (CompileException e) {
            throw new CompileException("chip " + chip + ", the " + tensor + " caches of KV head " + head + ": "
                    + e.getMessage());
        }
        Map<String, CompiledKernel> mine = placed.computeIfAbsent(chip, x -> new HashMap<>());
        for (int seq = 0; seq < copies.size(); seq++) {
            mine.put(tensor + "." + seq + "." + head, copies.get(seq));
            c.reserve(copies.get(seq));
        }
    }

    private void reserve(int chip, String name, java.util.function.Function<dev.lockstep.compiler.SramMap,
            CompiledKernel> make) {
        ChipBuild c = build.chip(chip);
        int ceiling = build.chip().mem().wordsPerSlice() - SCRATCH_WORDS;
        CompiledKernel k;
        try {
            k = placed.computeIfAbsent(chip, x -> new HashMap<>()).computeIfAbsent(name,
                    x -> make.apply(c.sram().withCeiling(ceiling)));
        } catch (CompileException e) {
            throw new CompileException("chip " + chip + ", the " + name + " weights: " + e.getMessage());
        }
        c.reserve(k);
    }

    // ------------------------------------------------------------------------------------------ one token

    private List<List<Integer>> segments(int from, int to) {
        return path.segments(from, to);
    }

    private static int last(List<List<Integer>> segs) {
        List<Integer> s = segs.get(segs.size() - 1);
        return s.get(s.size() - 1);
    }

    /** Places one token of sequence {@code seq} entering at {@code t0}; returns when its next token may enter. */
    private long token(int seq, long t0) {
        boolean countTime = seq == 0;
        List<List<Integer>> table = plan.embeddingChips() > 0 ? segments(0, plan.embeddingChips())
                : segments(plan.headStart(), plan.chips());
        long t = links(countTime, t0, col.broadcastAlong(table, rows, t0));
        for (int r = 0; r < rows; r++) {
            t = links(countTime, t, col.reduceAlongToLast(table, hv, t));
        }
        int prev = last(table);
        for (int l = 0; l < m.layers(); l++) {
            t = layer(seq, l, prev, t, countTime);
            prev = path.chip(plan.layerStart(l) + plan.chipsPerLayer() - 1);
        }
        lastLayersEnd = t;
        if (skipHead) {
            lastChosen = t;
            return t;
        }
        int chunkRows = rows;
        rows = 1;
        try {
            t = head(prev, t, countTime);
        } finally {
            rows = chunkRows;
        }
        lastChosen = t;
        int headLast = path.chip(plan.chips() - 1);
        return links(countTime, t, col.route(headLast, table.get(0).get(0), 1, t));
    }

    private long layer(int seq, int l, int prev, long t0, boolean count) {
        int start = plan.layerStart(l);
        int first = path.chip(start);
        long t = t0;
        if (prev != first) {
            t = links(count, t, col.send(prev, first, hv * 4 * rows, t));
        }
        List<List<Integer>> attn = segments(start, start + plan.attentionChips());
        t = links(count, t, col.broadcastAlong(attn, hv * 4 * rows, t));
        int a = plan.attentionChips();
        int qh = m.heads() / a;
        int kvh = m.kvHeads() / a;
        int qPerKv = m.heads() / m.kvHeads();
        int hd = m.headDim();
        int cached = m.cachedTokens(plan.context());
        DataType w = plan.weights().mxmType();
        long end = t;
        for (int i = 0; i < a; i++) {
            int c = path.chip(start + i);
            long tc = place(c, "attn.norm", s -> lib.rmsnorm(m.hidden(), (float) m.rmsNormEps(), s), t);
            tc = weights(c, "qkv", 1, m.hidden(), (qh + 2 * kvh) * hd, tc);
            tc = place(c, "rope", s -> lib.rope((qh + kvh) * hd, hd, m.ropeTheta(), s), tc);
            for (int k = 0; k < kvh; k++) {
                // every sequence's cache product gets the same slot (the longest of them), so that tokens of all
                // sequences take the same time and the schedule repeats exactly
                tc = placeSlot(c, "k." + seq + "." + k, "k.*." + k, tc);
                tc = place(c, "softmax", s -> lib.softmax(qPerKv, cached, s), tc);
                if (splitV.contains(List.of(c, k))) {
                    tc = placeSlot(c, "vlo." + seq + "." + k, "vlo.*." + k, tc);
                    tc = placeSlot(c, "vhi." + seq + "." + k, "vhi.*." + k, tc);
                    tc = place(c, "vsum", s -> lib.elementwise(Opcode.VADD, qPerKv * 320, s), tc);
                } else {
                    tc = placeSlot(c, "v." + seq + "." + k, "v.*." + k, tc);
                }
            }
            tc = weights(c, "o", 1, qh * hd, m.hidden(), tc);
            end = Math.max(end, tc);
        }
        compute(count, t, end);
        t = end;
        for (int r = 0; r < rows; r++) {
            t = links(count, t, col.reduceAlongToFirst(attn, hv, t));
        }
        long k0 = t;
        t = place(first, "residual", s -> lib.elementwise(Opcode.VADD, m.hidden(), s), t);
        t = place(first, "ffn.norm", s -> lib.rmsnorm(m.hidden(), (float) m.rmsNormEps(), s), t);
        if (m.moe()) {
            t = weights(first, "router", 1, m.hidden(), m.experts(), t);
            t = place(first, "route", s -> lib.route(m.experts(), m.expertsPerToken(), s), t);
        }
        compute(count, k0, t);
        List<List<Integer>> all = segments(start, start + plan.chipsPerLayer());
        t = links(count, t, col.broadcastAlong(all, (hv * 4 + (m.moe() ? 4 : 0)) * rows, t));
        end = t;
        for (int g = 0; g < plan.chipsPerLayer(); g++) {
            int c = path.chip(start + g);
            long tc = t;
            for (long[] piece : ffnPieces(g)) {
                int e = (int) piece[0];
                int cols = (int) piece[1];
                tc = weights(c, "up." + e, 1, m.hidden(), 2 * cols, tc);
                tc = place(c, "swiglu." + cols, s -> lib.swiglu(cols, s), tc);
                tc = weights(c, "down." + e, 1, cols, m.hidden(), tc);
                if (m.moe()) {
                    tc = place(c, "gate", s -> lib.elementwise(Opcode.VMUL, m.hidden(), s), tc);
                }
            }
            if (g == 0) {
                tc = place(c, "residual", s -> lib.elementwise(Opcode.VADD, m.hidden(), s), tc);
            }
            end = Math.max(end, tc);
        }
        compute(count, t, end);
        t = end;
        for (int r = 0; r < rows; r++) {
            t = links(count, t, col.reduceAlongToLast(all, hv, t));
        }
        return t;
    }

    private long head(int prev, long t0, boolean count) {
        int start = plan.headStart();
        int first = path.chip(start);
        long t = t0;
        if (prev != first) {
            t = links(count, t, col.send(prev, first, hv * 4, t));
        }
        long k0 = t;
        t = place(first, "final.norm", s -> lib.rmsnorm(m.hidden(), (float) m.rmsNormEps(), s), t);
        compute(count, k0, t);
        List<List<Integer>> segs = segments(start, plan.chips());
        t = links(count, t, col.broadcastAlong(segs, hv * 4, t));
        long end = t;
        int per = (m.vocab() + plan.headChips() - 1) / plan.headChips();
        for (int i = 0; i < plan.headChips(); i++) {
            int c = path.chip(start + i);
            int cols = Math.min(per, m.vocab() - i * per);
            if (cols <= 0) {
                continue;
            }
            long tc = weights(c, "lm_head", 1, m.hidden(), cols, t);
            tc = place(c, "argmax", s -> lib.argmax(cols, s), tc);
            end = Math.max(end, tc);
        }
        compute(count, t, end);
        return links(count, end, col.reduceAlongToLast(segs, 1, end));
    }

    /** A weight matrix product (and, for int8 weights, the per-column scaling of its results). */
    private long weights(int chip, String name, int mm, int k, int n, long t) {
        DataType type = plan.weights().mxmType();
        String tensor = name.replaceAll("\\.[0-9]+$", "");
        if (rows > 1) {
            t = onScratch(chip, placed.get(chip).get(name), rows, 0, t);
        } else {
            t = place(chip, name, s -> lib.matmul(tensor, mm, k, n, type, s), t);
        }
        if (plan.weights() == Precision.INT8) {
            t = place(chip, "scale." + n, s -> lib.elementwise(Opcode.VMUL, n, s), t);
        }
        return t;
    }

    /** Places the chip's reserved kernel {@code name} in a slot as long as the longest kernel matching the pattern. */
    private long placeSlot(int chip, String name, String pattern, long t) {
        Map<String, CompiledKernel> mine = placed.get(chip);
        long slot = 0;
        for (int seq = 0; seq < plan.batch(); seq++) {
            slot = Math.max(slot, mine.get(pattern.replace("*", String.valueOf(seq))).predictedCycles());
        }
        CompiledKernel k = mine.get(name);
        if (rows > 1) {
            // a prefill chunk: every row's queries against the sequence's cache, read where it lies
            int seq = Integer.parseInt(name.split("\\.")[1]);
            return onScratch(chip, k, qPerKv() * rows, seq, t);
        }
        stepBound.merge(chip, k.lowerBoundCycles(), Long::sum);
        return build.chip(chip).place(k, t, slot);
    }

    /**
     * A prefill chunk's product over a decode product's weights (or caches), with {@code m} rows, its X and Y in
     * the chip's scratch words, which the chunk's other products and the vector kernels also use: timing-only, where
     * no value is read (docs/model.md, "Prefill").
     */
    private long onScratch(int chip, CompiledKernel decode, int m, int copy, long t) {
        CompiledKernel k = lib.onWeights(decode, m, copy, scratchBase.get(chip));
        stepBound.merge(chip, k.lowerBoundCycles(), Long::sum);
        return build.chip(chip).placeTransient(k, t);
    }

    /** Places the chip's kernel {@code name}: compiled into its free SRAM on first use, reused after. */
    private long place(int chip, String name, java.util.function.Function<dev.lockstep.compiler.SramMap,
            CompiledKernel> make, long t) {
        ChipBuild c = build.chip(chip);
        if (rows > 1) {
            // a prefill chunk: one kernel for all its rows, in the scratch words its products share
            lib.rows(rows);
            CompiledKernel k;
            try {
                k = make.apply(scratchBase.get(chip));
            } finally {
                lib.rows(1);
            }
            stepBound.merge(chip, k.lowerBoundCycles(), Long::sum);
            return c.placeTransient(k, t);
        }
        CompiledKernel k = placed.computeIfAbsent(chip, x -> new HashMap<>()).computeIfAbsent(name,
                x -> make.apply(c.sram()));
        stepBound.merge(chip, k.lowerBoundCycles(), Long::sum);
        return c.place(k, t);
    }

    private void compute(boolean count, long from, long to) {
        if (count) {
            compute += to - from;
            bound += stepBound.values().stream().mapToLong(Long::longValue).max().orElse(0);
        }
        stepBound.clear();
    }

    /** Accounts a link step (an exchange or a collective), the sums of its reductions as compute. */
    private long links(boolean count, long from, long to) {
        long sums = col.sumCycles() - seenSums;
        long sumBounds = col.sumBound() - seenSumBounds;
        seenSums = col.sumCycles();
        seenSumBounds = col.sumBound();
        if (count) {
            links += to - from - sums;
            compute += sums;
            bound += sumBounds;
        }
        return to;
    }

}
