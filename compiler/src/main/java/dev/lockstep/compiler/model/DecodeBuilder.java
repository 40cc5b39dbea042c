// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.system.ChipBuild;
import dev.lockstep.compiler.system.ChipPath;
import dev.lockstep.compiler.system.Exchange;
import dev.lockstep.compiler.system.RepeatPeriods;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Compiles the decode step of a {@link DecodePlan} into a program for every chip: one token of each of the
 * {@code batch} sequences in flight, sequence j entering the pipeline {@code j x stagger} cycles after the first,
 * where the stagger is the first token's latency divided by the batch (rounded up), and then sequence 0's next
 * token at {@code batch x stagger}, so that the steady state (every sequence getting a token every
 * {@code batch x stagger} cycles, if no chip is asked to do two things at once) is compiled and simulated, not
 * assumed. Every step is placed at an exact cycle on exact
 * chips; the simulator must agree with the predicted end to the cycle (docs/model.md, "From a model to a
 * schedule"). The steps come from the model's layer graph ({@link dev.lockstep.compiler.graph.DecoderModel}),
 * lowered by {@link TimingLowering}.
 */
public final class DecodeBuilder {
    /**
     * Bytes of heap per instruction a prefill program stores (its repeated block once), for the check made before
     * its last chunk is compiled: 16 in the program, 16 more while the build that makes it still holds them (let go
     * queue by queue as the program is made), and the rest for the simulation (the chips' simulators as they run,
     * link records, garbage). Measured: Llama-2-70B int8 with a 550-token prompt on 576 chips stores 79.4 M
     * instructions (estimated 87.6 M); with this check left out it ran in a 3 GiB heap, 37 bytes per estimated
     * instruction. 40 leaves a margin, so that run asks for 3,342 MiB: refused in 3 GiB, run in 4.
     */
    static final long PREFILL_BYTES_PER_INSTRUCTION = 40;

    private DecodeBuilder() {
    }

    /**
     * When the tokens compiled ran.
     *
     * @param staggerCycles      cycles between two sequences entering the pipeline
     * @param firstTokenCycles   sequence 0's first token, from entry to its next token's entry
     * @param secondTokenEndCycle when sequence 0's second token (entering at batch x stagger) was done
     * @param longestTokenCycles the longest latency of any token compiled
     * @param predictedEndCycle  the predicted end of the whole program
     */
    public record Timeline(long staggerCycles, long firstTokenCycles, long secondTokenEndCycle,
                           long longestTokenCycles, long predictedEndCycle) {
    }

    /**
     * Where the first token's time went.
     *
     * @param computeCycles on compute stages and the sums of reductions
     * @param linkCycles    on exchanges and collectives (on-chip moves included)
     * @param onChipCycles  the part of the link cycles spent moving data on chips (each exchange's reads onto and
     *                      writes from the link lanes' streams)
     * @param boundCycles   kernel lower bounds and link latencies on the critical path
     * @param exchanges     exchanges on the critical path
     */
    public record Breakdown(long computeCycles, long linkCycles, long onChipCycles, long boundCycles,
                            long exchanges) {
        /**
         * A token's breakdown from its costs ({@code c}) and the {@code exchanges} it placed in {@code sb}: each
         * exchange's on-chip part and least cycles added to the moves and the bound.
         */
        static Breakdown of(Ledger.TokenCosts c, long exchanges, SystemBuild sb) {
            return new Breakdown(c.computeCycles(), c.linkCycles(), exchanges * Exchange.onChipCycles(sb),
                    c.boundCycles() + exchanges * Exchange.minimumCycles(sb), exchanges);
        }

        /** This breakdown and {@code o}'s, added (tokens one after another). */
        Breakdown plus(Breakdown o) {
            return new Breakdown(computeCycles + o.computeCycles, linkCycles + o.linkCycles,
                    onChipCycles + o.onChipCycles, boundCycles + o.boundCycles, exchanges + o.exchanges);
        }
    }

    /**
     * What the program takes.
     *
     * @param kernelsCompiled distinct kernels compiled (and reduction sums)
     * @param maxSramBytes    the most SRAM any chip uses: weights, caches and its kernels' scratch
     * @param maxProgramBytes the largest chip program, 8 bytes an instruction
     * @param splitVProducts  V products split into two halves of the cached tokens
     */
    public record Footprint(long kernelsCompiled, long maxSramBytes, long maxProgramBytes, int splitVProducts) {
    }

    /** What was built, and what the compiler predicts for it. */
    public record Result(Program program, DecodePlan plan, ChipPath path, Timeline timeline, Breakdown breakdown,
                         Footprint footprint) {
        /**
         * Cycles between two tokens of one sequence in steady state: from the end of sequence 0's first token to
         * the end of its second, or the longest latency of any token compiled if that is longer (a sequence whose
         * token takes longer than its turn cannot keep it).
         */
        public long cyclesPerToken() {
            return Math.max(timeline.secondTokenEndCycle() - timeline.firstTokenCycles(),
                    timeline.longestTokenCycles());
        }

        /** Whether every token took the first one's time and sequence 0's turn came round exactly on time. */
        public boolean steadyStateExact() {
            return timeline.longestTokenCycles() == timeline.firstTokenCycles()
                    && timeline.secondTokenEndCycle() - timeline.firstTokenCycles()
                    == plan.batch() * timeline.staggerCycles();
        }

        /** The cycle the simulation must end at. */
        public long predictedEnd() {
            return timeline.predictedEndCycle();
        }
    }

    /**
     * Whether the plan's weights and KV caches pack into every chip's slices (the planner counts bytes; packing
     * whole tiles into slices can fail near full): compiles their products, nothing else.
     *
     * @throws CompileException naming the chip and tensor that does not fit
     */
    public static void checkPacking(DecodePlan plan, SystemSpec system) {
        new TimingLowering(plan, new SystemBuild(system)).allocate();
    }

    private static void checkChips(DecodePlan plan, SystemSpec system) {
        if (plan.chips() > system.chips()) {
            throw new IllegalArgumentException("the plan needs " + plan.chips() + " chips; " + system.name()
                    + " has " + system.chips());
        }
    }

    /** Builds the programs; {@code progress} hears one line per sequence. */
    public static Result build(DecodePlan plan, SystemSpec system, Consumer<String> progress) {
        return build(plan, system, progress, StepShape.DECODE);
    }

    /**
     * As {@link #build(DecodePlan, SystemSpec, Consumer)}, each sequence's step being {@code step} (through the head):
     * a decode step, or a speculative verify step of several rows. The figures are then per step, not per token.
     * Transfers may be routed over any chip of the system.
     */
    public static Result build(DecodePlan plan, SystemSpec system, Consumer<String> progress, StepShape step) {
        checkStep(plan, system, step);
        SystemBuild sb = new SystemBuild(system);
        return result(sb, place(new TimingLowering(plan, sb), sb, step, progress));
    }

    /**
     * A copy of the model ({@link ModelCopy#sideBySide}) compiled in a build of its own, confined to its share of the
     * chips: its transfers are routed over the wiring among them only ({@link Topology#within}). Copies then share no
     * chip and no link, none waits for another, and each can be compiled and simulated on its own, so that a run need
     * not hold every copy's program at once.
     */
    public static Result buildCopy(DecodePlan plan, SystemSpec system, Consumer<String> progress, StepShape step,
                                   ModelCopy copy) {
        checkStep(plan, system, step);
        checkShare(plan, copy);
        SystemBuild sb = copyBuild(system, copy);
        Result r = result(sb, place(new TimingLowering(plan, copy.path(), sb), sb, step, progress));
        checkOnShare(sb, copy);
        return r;
    }

    /** A build of a copy's own, routed over the system's wiring among the copy's chips only. */
    private static SystemBuild copyBuild(SystemSpec system, ModelCopy copy) {
        return new SystemBuild(system, new Topology(system).within(copy.path().order()));
    }

    /** Every chip {@code sb} placed work on is in the copy's share, or the compiler has a bug. */
    private static void checkOnShare(SystemBuild sb, ModelCopy copy) {
        for (ChipBuild c : sb.chips()) {
            if (copy.path().position(c.chipId()) < 0) {
                throw new IllegalStateException("copy " + copy.index() + " placed work on chip " + c.chipId()
                        + ", outside its share: a compiler bug");
            }
        }
    }

    private static void checkShare(DecodePlan plan, ModelCopy copy) {
        if (copy.path().order().size() < plan.chips()) {
            throw new IllegalArgumentException("copy " + copy.index() + " has " + copy.path().order().size()
                    + " chips; the plan needs " + plan.chips());
        }
    }

    private static void checkStep(DecodePlan plan, SystemSpec system, StepShape step) {
        if (!step.throughHead()) {
            throw new IllegalArgumentException("a decode step goes through the head");
        }
        checkChips(plan, system);
    }

    /** The result of the copy placed in {@code sb}, with its program (made now, the build let go). */
    private static Result result(SystemBuild sb, Placed p) {
        long sram = sramBytes(sb, p);
        Program program = sb.toProgramReleasing();
        long programBytes = 0;
        for (var cp : program.chips()) {
            programBytes = Math.max(programBytes, cp.instructionCount() * 8);
        }
        return new Result(program, p.lowering().plan(), p.lowering().path(), p.timeline(), p.breakdown(),
                new Footprint(p.kernels(), sram, programBytes, p.splitVProducts()));
    }

    /** One copy of the plan placed: its lowering and all of a {@link Result} but the program and the SRAM. */
    private record Placed(TimingLowering lowering, Timeline timeline, Breakdown breakdown, long kernels,
                          int splitVProducts) {
    }

    /**
     * The most SRAM any chip of the build uses, once the copy is placed: its weights and caches and the scratch its
     * kernels and transfers took.
     */
    private static long sramBytes(SystemBuild sb, Placed placed) {
        SystemSpec system = sb.system();
        long sram = 0;
        int floor = system.chip().mem().wordsPerSlice() - ChipKernels.SCRATCH_WORDS;
        for (ChipBuild c : sb.chips()) {
            long scratch = 0;
            for (int p = 0; p < system.chip().floorplan().slices().size(); p++) {
                scratch += Math.max(0, c.sram().top(p) - floor);
            }
            sram = Math.max(sram, (placed.lowering().weightWords(c.chipId()) + scratch) * system.chip().vectorBytes());
        }
        return sram;
    }

    private static Placed place(TimingLowering b, SystemBuild sb, StepShape step, Consumer<String> progress) {
        DecodePlan plan = b.plan();
        SystemSpec system = sb.system();
        b.allocate();
        progress.accept("allocated the weights and KV caches of " + plan.chips() + " chips; compiling sequence 0 of "
                + plan.batch());
        long exchangesBefore = sb.exchanges();
        TimingLowering.TokenTimes firstToken = b.token(0, 0, step);
        long first = firstToken.nextEntryCycle();
        long exchanges = sb.exchanges() - exchangesBefore;
        Breakdown breakdown = Breakdown.of(firstToken.costs(), exchanges, sb);
        long stagger = (first + plan.batch() - 1) / plan.batch();
        long end = first;
        long latest = first;
        for (int j = 1; j < plan.batch(); j++) {
            progress.accept("compiled sequence " + j + " of " + plan.batch());
            long e = b.token(j, j * stagger, step).nextEntryCycle();
            latest = Math.max(latest, e - j * stagger);
            end = Math.max(end, e);
        }
        // the steady state: sequence 0's next token enters when its turn comes round again, after the tokens of
        // every other sequence; it must find every chip free, and the cycles between its two tokens are the figure
        progress.accept("compiled sequence 0's second token");
        long second = b.token(0, plan.batch() * stagger, step).nextEntryCycle();
        latest = Math.max(latest, second - plan.batch() * stagger);
        end = Math.max(end, second);
        return new Placed(b, new Timeline(stagger, first, second, latest, end), breakdown,
                b.kernels().library().compiled() + b.collectives().sumsCompiled(), b.splitVProducts());
    }

    /**
     * When a prefill's chunks ran.
     *
     * @param promptTokens         tokens of the prompt
     * @param chunkRows            prompt tokens per chunk (the rows its products multiply at once)
     * @param intervalCycles       cycles between two chunks entering the pipeline
     * @param firstLatencyCycles   cycles from the first chunk's entry to its leaving the last layer
     * @param longestLatencyCycles the longest such latency of any chunk of full size (more than the first's if
     *                             chunks collide)
     * @param firstTokenCycle      the cycle at which the first generated token is chosen (the head, after the last
     *                             chunk)
     * @param predictedEndCycle    the predicted end of the whole program
     */
    public record PrefillTiming(int promptTokens, int chunkRows, long intervalCycles, long firstLatencyCycles,
                                long longestLatencyCycles, long firstTokenCycle, long predictedEndCycle) {
        /** Whether every chunk of full size took the first one's time (none waited for another's work). */
        public boolean exact() {
            return longestLatencyCycles == firstLatencyCycles;
        }

        /** Chunks the prompt went through in. */
        public int chunks() {
            return (promptTokens + chunkRows - 1) / chunkRows;
        }
    }

    /** What a prefill built: every chip's program, and when its chunks run. */
    public record Prefill(Program program, PrefillTiming timing) {
    }

    /**
     * The prefill of one sequence's prompt of {@code promptTokens} tokens, in chunks of {@code chunkRows} tokens
     * (the last padded to as many), chunk i entering the pipeline {@code i x interval} cycles after the first.
     * <ul>
     *   <li>A chunk's products multiply all its rows at once: the decode products' weights and caches, read where
     *       they lie, with M = chunkRows (M = query heads per KV head x chunkRows against a cache), their X and Y in
     *       the scratch words at the top of each slice, which a chunk's products share (timing-only: no value is read;
     *       {@link ChipBuild#placeTransient}).</li>
     *   <li>Its vector kernels (norms, RoPE, softmax, SwiGLU, residuals, routing) are compiled for all its rows at
     *       once, in the same scratch; its reductions run once per row; its sends and broadcasts carry all its
     *       rows.</li>
     *   <li>Attention reads the whole cache of {@code context} tokens for every row, as decode does.</li>
     *   <li>Only the last chunk goes through the head, for its last row: the first generated token is chosen
     *       there, the time to first token.</li>
     * </ul>
     * Repeated work is compiled once: chunk 0 is placed, and the interval is the least period at which no chip's
     * chunk-0 work, repeated for every later chunk, meets itself ({@link RepeatPeriods#leastCommon}; at least the
     * busiest chip's cycles for one chunk, which no shorter interval could keep up with). Chunks 1 to n - 2 are then
     * chunk 0's program shifted by i x interval on every chip ({@link ChipBuild#repeat}): no chip is asked to do two
     * things at once, so none waits, and all take chunk 0's time. The last chunk is placed step by step like the
     * first, after the others (it goes on through the head), at its turn; its latency through the layers is
     * reported as the longest if it waited. With {@code chunkRows} 1 every prompt token is a decode step.
     */
    public static Prefill prefill(DecodePlan plan, SystemSpec system, int promptTokens, int chunkRows,
                                  Consumer<String> progress) {
        checkChips(plan, system);
        SystemBuild sb = new SystemBuild(system);
        return prefill(TimingLowering.forPrefill(plan, new ChipPath(sb.topology()), sb), promptTokens, chunkRows,
                progress);
    }

    /**
     * As {@link #prefill(DecodePlan, SystemSpec, int, int, Consumer)}, on one copy of the model among several, confined
     * to its share of the chips as {@link #buildCopy} confines its decode step.
     */
    public static Prefill prefill(DecodePlan plan, SystemSpec system, ModelCopy copy, int promptTokens, int chunkRows,
                                  Consumer<String> progress) {
        checkChips(plan, system);
        checkShare(plan, copy);
        SystemBuild sb = copyBuild(system, copy);
        Prefill p = prefill(TimingLowering.forPrefill(plan, copy.path(), sb), promptTokens, chunkRows, progress);
        checkOnShare(sb, copy);
        return p;
    }

    private static Prefill prefill(TimingLowering b, int promptTokens, int chunkRows, Consumer<String> progress) {
        if (promptTokens < 1 || chunkRows < 1) {
            throw new IllegalArgumentException("a prompt has at least one token and a chunk at least one row, got "
                    + promptTokens + " and " + chunkRows);
        }
        b.allocate();
        int chunks = (promptTokens + chunkRows - 1) / chunkRows;
        int rows = Math.min(chunkRows, promptTokens);
        progress.accept("prefill: compiling chunk 0 of " + chunks + " (" + rows + " tokens each)");
        TimingLowering.TokenTimes firstChunk;
        try {
            firstChunk = b.token(0, 0, StepShape.chunk(rows, chunks == 1));
        } catch (CompileException e) {
            throw new CompileException.ChunkSize("a chunk of " + rows + " rows does not fit the scratch words its "
                    + "products share (" + e.getMessage() + "); give a smaller chunk");
        }
        long first = firstChunk.layersEndCycle();
        long busiest = 0;
        long perChunk = 0;
        List<long[][]> windows = new ArrayList<>();
        for (ChipBuild c : b.build().chips()) {
            busiest = Math.max(busiest, c.busyCycles());
            perChunk += c.instructions();
            windows.add(c.busyWindows());
        }
        long interval = RepeatPeriods.leastCommon(windows, busiest, chunks - 1);
        // what the program stores: the last chunk as placed, and each queue's repeats stored as one block and the
        // copies that start and end them (together, each instruction as many times again as one chunk's work on the
        // chip spans whole intervals). A queue on which the last chunk comes before the repeats have ended is stored
        // in full (QueueProgram.repeated), which this does not foresee
        long stored = perChunk;
        int chip = 0;
        for (ChipBuild c : b.build().chips()) {
            long[][] w = windows.get(chip++);
            long spanned = w.length == 0 ? 0 : (w[w.length - 1][1] - w[0][0]) / interval;
            stored += c.instructions() * Math.min(chunks, spanned + 1);
        }
        long needed = stored * PREFILL_BYTES_PER_INSTRUCTION;
        if (needed > Runtime.getRuntime().maxMemory()) {
            throw new CompileException("a prefill of " + promptTokens + " tokens in " + chunks + " chunks is "
                    + perChunk + " instructions per chunk, about " + needed / (1 << 20) + " MiB to hold; this JVM may "
                    + "use " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB: give larger chunks or more heap "
                    + "(LOCKSTEP_JAVA_OPTS=-Xmx...)");
        }
        if (chunks == 1) {
            return new Prefill(b.build().toProgramReleasing(), new PrefillTiming(promptTokens, rows, interval, first,
                    first, firstChunk.chosenCycle(), firstChunk.nextEntryCycle()));
        }
        // chunks 1 .. n - 2: chunk 0 shifted, on every chip
        if (chunks > 2) {
            progress.accept("prefill: chunk 0 repeated " + (chunks - 2) + " times, one every " + interval
                    + " cycles");
        }
        for (ChipBuild c : b.build().chips()) {
            c.repeat(interval, chunks - 2);
        }
        long t0 = (chunks - 1) * interval;
        TimingLowering.TokenTimes last;
        try {
            last = b.token(0, t0, StepShape.chunk(rows, true));
        } catch (CompileException e) {
            // the last chunk goes on through the head, whose kernels take scratch words too
            throw new CompileException.ChunkSize("the last chunk of " + rows + " rows does not fit the scratch words "
                    + "its products and the head share (" + e.getMessage() + "); give a smaller chunk");
        }
        long latency = last.layersEndCycle() - t0;
        if (latency - first >= interval) {
            // a chunk delayed by a whole interval could reach a layer after the next one and read a KV cache the
            // earlier chunk has not written yet; the last has no next, but the guard stays with the claim above
            throw new CompileException.ChunkSize("the last prompt chunk waited " + (latency - first) + " cycles, "
                    + "more than the interval of " + interval + " between chunks; give another chunk size");
        }
        long end = Math.max(firstChunk.nextEntryCycle() + (chunks - 2) * interval, last.nextEntryCycle());
        return new Prefill(b.build().toProgramReleasing(), new PrefillTiming(promptTokens, rows, interval, first,
                Math.max(first, latency), last.chosenCycle(), end));
    }

    /** The most experts whose columns one layer chip holds (1: each chip works for one expert only). */
    public static int expertsPerChip(DecodePlan plan) {
        return ExpertColumns.mostPerChip(plan.model(), plan.chipsPerLayer());
    }
}
