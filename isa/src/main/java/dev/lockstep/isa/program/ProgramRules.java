// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.program;

import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.OperandKind;
import dev.lockstep.isa.OperandSpec;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.Unit;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.chip.Slice;
import dev.lockstep.isa.chip.SliceKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * The static rules a program must follow on a chip, shared by the assembler (which reports them at a line and
 * column), the binary decoder (at a byte offset) and {@link #check} (for programs built in code, such as the
 * compiler's). The dynamic rules (stream contents, bank conflicts, unit occupancy) belong to the simulator.
 * (Over 400 lines: each rule and the whole-program check that applies them, on one thread or several, share
 * private helpers such as the table of words found valid.)
 */
public final class ProgramRules {
    /** Largest chip id. */
    public static final int MAX_CHIP_ID = 0xFFFF;
    /** Largest issue cycle: far beyond any program, small enough that cycle arithmetic cannot overflow. */
    public static final long MAX_CYCLE = 1L << 48;

    private ProgramRules() {
    }

    /** A problem with one operand ({@code operandIndex}) of an instruction. */
    public record OperandProblem(int operandIndex, String message) {
    }

    /**
     * Whether {@code queue} may issue {@code ins} at {@code cycle}, after {@code previous} issued at
     * {@code previousCycle} (null for the queue's first instruction).
     */
    public static Optional<String> checkIssue(ChipSpec chip, Queue queue, Instruction ins, long cycle,
                                              Instruction previous, long previousCycle) {
        Opcode op = ins.opcode();
        if (!queue.issues(op.unit())) {
            String accepted = queue.units().stream().sorted().filter(u -> u != Unit.ICU).map(Enum::name)
                    .collect(Collectors.joining(" and "));
            return Optional.of("queue " + queue.name() + " cannot issue " + op.mnemonic() + " (a " + op.unit()
                    + " instruction); it issues " + accepted + " and ICU instructions");
        }
        if (cycle < 0 || cycle > MAX_CYCLE) {
            return Optional.of("issue cycle " + cycle + " is out of range 0.." + MAX_CYCLE);
        }
        if (previous == null) {
            if (op == Opcode.REPEAT) {
                return Optional.of("repeat is the first instruction of queue " + queue.name()
                        + "; it must follow the instruction it repeats");
            }
            return Optional.empty();
        }
        if (op == Opcode.REPEAT && (previous.opcode() == Opcode.REPEAT || previous.opcode() == Opcode.NOP)) {
            return Optional.of("repeat must follow the instruction it repeats, not a " + previous.opcode().mnemonic());
        }
        if (cycle == previousCycle) {
            return Optional.of("two instructions on queue " + queue.name() + " at cycle " + cycle
                    + "; a queue issues at most one instruction per cycle");
        }
        if (cycle < previousCycle) {
            return Optional.of("issue cycle " + cycle + " goes backwards: the previous instruction on queue "
                    + queue.name() + " issues at cycle " + previousCycle);
        }
        long free = previousCycle + previous.opcode().dispatch().cycles(chip, previous);
        if (cycle < free) {
            return Optional.of("queue " + queue.name() + " is busy until cycle " + free + " (the "
                    + previous.opcode().mnemonic() + " at cycle " + previousCycle + " dispatches for "
                    + (free - previousCycle) + " cycles); issue at " + free + " or later");
        }
        return Optional.empty();
    }

    /** The cycle from which a queue is free again after issuing {@code ins} at {@code cycle}. */
    public static long freeCycle(ChipSpec chip, Instruction ins, long cycle) {
        return cycle + ins.opcode().dispatch().cycles(chip, ins);
    }

    /** Whether the chip accepts every operand of {@code ins}, given the program's lane map count. */
    public static Optional<OperandProblem> checkOperands(ChipSpec chip, Instruction ins, int mapCount) {
        Opcode op = ins.opcode();
        List<OperandSpec> specs = op.operands();
        for (int i = 0; i < specs.size(); i++) {
            OperandSpec spec = specs.get(i);
            long value = ins.operand(i);
            Optional<String> p = spec.kind().checkOnChip(value, ins.span(i, chip), chip);
            if (p.isPresent()) {
                return Optional.of(new OperandProblem(i, p.get()));
            }
            if (spec.weightGroup() && Streams.index(value) != 0) {
                return Optional.of(new OperandProblem(i, op.mnemonic() + " takes its rows from the MXM slice's "
                        + chip.mxm().weightStreams() + " weight streams, 0.." + (chip.mxm().weightStreams() - 1)
                        + " of the direction toward it (the units of a slice share them and take turns): write "
                        + (Streams.isWest(value) ? "w0" : "e0") + ", not " + Streams.text(value)));
            }
            if (spec.kind() == OperandKind.MAP && value >= mapCount) {
                return Optional.of(new OperandProblem(i, "lane map " + value + " is not declared; the program "
                        + "declares " + mapCount + " map(s) with .map"));
            }
        }
        int addr = op.operandIndex("addr");
        int count = op.operandIndex("count");
        int stride = op.operandIndex("stride");
        if (addr >= 0 && count >= 0 && stride >= 0) {
            long last = ins.operand(addr) + (ins.operand(count) - 1) * ins.operand(stride);
            if (last < 0 || last >= chip.mem().wordsPerSlice()) {
                return Optional.of(new OperandProblem(count, "the run of " + ins.operand(count) + " words from "
                        + ins.operand(addr) + " with stride " + ins.operand(stride) + " ends at address " + last
                        + ", outside the slice's 0.." + (chip.mem().wordsPerSlice() - 1)));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether {@code name} can name a constant, lane map or region: letters, digits and '_', not starting with
     * a digit, at most 64 characters, and not a stream name ({@code e3}) or a reserved word.
     */
    public static Optional<String> checkName(String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
            return Optional.of("'" + name + "' is not a valid name: use letters, digits and '_', not starting with "
                    + "a digit, at most 64 characters");
        }
        if (name.matches("[eEwW][0-9]+")) {
            return Optional.of("'" + name + "' is a stream name; choose another name");
        }
        if (RESERVED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
            return Optional.of("'" + name + "' is reserved; choose another name");
        }
        return Optional.empty();
    }

    private static final Set<String> RESERVED = Set.of("inf", "nan", "readonly", "bits");

    /** The MEM slice at a floorplan position, or a problem. */
    public static Optional<String> checkMemSlice(ChipSpec chip, int position) {
        List<Slice> slices = chip.floorplan().slices();
        if (position < 0 || position >= slices.size()) {
            return Optional.of("slice position " + position + " is outside the floorplan (0.." + (slices.size() - 1)
                    + ")");
        }
        if (slices.get(position).kind() != SliceKind.MEM) {
            return Optional.of("slice " + slices.get(position).name() + " is not a MEM slice; only MEM slices hold "
                    + "data");
        }
        return Optional.empty();
    }

    /** Whether a region fits its slices and its name is new among {@code earlier}. */
    public static Optional<String> checkRegion(ChipSpec chip, Region region, List<Region> earlier) {
        for (Region r : earlier) {
            if (r.name().equals(region.name())) {
                return Optional.of("region '" + region.name() + "' is declared twice on one chip");
            }
        }
        int n = region.slices().size();
        if (n != 1 && n != region.dtype().bytes()) {
            return Optional.of("a region of type " + region.dtype().text() + " lies in 1 slice or in "
                    + region.dtype().bytes() + " (one per byte plane), not " + n);
        }
        if (new HashSet<>(region.slices()).size() != n) {
            return Optional.of("a region's slices must be distinct");
        }
        for (int s : region.slices()) {
            Optional<String> p = checkMemSlice(chip, s);
            if (p.isPresent()) {
                return p;
            }
        }
        if (region.elements() < 1) {
            return Optional.of("a region holds at least one element, got " + region.elements());
        }
        long end = region.address() + region.wordsPerSlice(chip.vectorBytes());
        if (region.address() < 0 || end > chip.mem().wordsPerSlice()) {
            return Optional.of("region '" + region.name() + "' needs words " + region.address() + ".." + (end - 1)
                    + " but a MEM slice has 0.." + (chip.mem().wordsPerSlice() - 1));
        }
        return Optional.empty();
    }

    /** Whether a data block fits its slice and overlaps none of {@code earlier}. */
    public static Optional<String> checkData(ChipSpec chip, DataBlock block, List<DataBlock> earlier) {
        Optional<String> p = checkMemSlice(chip, block.slice());
        if (p.isPresent()) {
            return p;
        }
        int vb = chip.vectorBytes();
        int length = block.bytes().length;
        if (length == 0 || length % vb != 0) {
            return Optional.of("initial data must be whole words of " + vb + " bytes, got " + length + " bytes");
        }
        long end = (long) block.address() + length / vb;
        if (block.address() < 0 || end > chip.mem().wordsPerSlice()) {
            return Optional.of("initial data at " + block.address() + " needs words up to " + (end - 1)
                    + " but a MEM slice has 0.." + (chip.mem().wordsPerSlice() - 1));
        }
        for (DataBlock d : earlier) {
            long dEnd = (long) d.address() + d.bytes().length / vb;
            if (d.slice() == block.slice() && block.address() < dEnd && d.address() < end) {
                return Optional.of("initial data at words " + block.address() + ".." + (end - 1) + " of "
                        + chip.floorplan().slices().get(block.slice()).name() + " overlaps earlier data at words "
                        + d.address() + ".." + (dEnd - 1));
            }
        }
        return Optional.empty();
    }

    /** Whether a lane map is a valid selection of lanes for this chip. */
    public static Optional<String> checkMap(ChipSpec chip, LaneMap map, List<LaneMap> earlier) {
        if (earlier.size() >= 256) {
            return Optional.of("a program declares at most 256 lane maps");
        }
        for (LaneMap m : earlier) {
            if (m.name().equals(map.name())) {
                return Optional.of("lane map '" + map.name() + "' is declared twice");
            }
        }
        if (map.size() != chip.vectorBytes()) {
            return Optional.of("lane map '" + map.name() + "' has " + map.size() + " entries; it needs one per lane ("
                    + chip.vectorBytes() + ")");
        }
        for (int l = 0; l < map.size(); l++) {
            if (map.lane(l) < 0 || map.lane(l) >= chip.vectorBytes()) {
                return Optional.of("lane map '" + map.name() + "' entry " + l + " is " + map.lane(l)
                        + "; entries are lanes 0.." + (chip.vectorBytes() - 1));
            }
        }
        return Optional.empty();
    }

    /**
     * Checks a whole program against a chip.
     *
     * @throws IllegalArgumentException with the first problem, naming chip, queue and instruction index
     */
    public static void check(Program program, ChipSpec chip) {
        check(program, chip, null, 1);
    }

    /**
     * Checks a whole program against a chip, the chips' programs in {@code tasks} interleaved shares side by side
     * on {@code pool} (one after another if it is null). The problem reported is the one a single pass finds first:
     * that of the first chip, in program order, that has one.
     *
     * @throws IllegalArgumentException with the first problem, naming chip, queue and instruction index
     */
    public static void check(Program program, ChipSpec chip, ExecutorService pool, int tasks) {
        if (program.vectorBytes() != chip.vectorBytes()) {
            throw new IllegalArgumentException("the program was written for " + program.vectorBytes()
                    + "-byte vectors but " + chip.name() + " has " + chip.vectorBytes());
        }
        Set<String> names = new HashSet<>();
        List<String> all = new ArrayList<>();
        program.constants().forEach(c -> all.add(c.name()));
        program.maps().forEach(m -> all.add(m.name()));
        program.chips().forEach(cp -> cp.regions().forEach(r -> all.add(r.name())));
        for (String name : all) {
            fail(checkName(name), "");
            if (!names.add(name)) {
                throw new IllegalArgumentException("the name '" + name + "' is declared twice (constants, lane maps "
                        + "and regions share one namespace)");
            }
        }
        for (int i = 0; i < program.maps().size(); i++) {
            fail(checkMap(chip, program.maps().get(i), program.maps().subList(0, i)), "");
        }
        int shares = pool == null ? 1 : Math.max(1, Math.min(tasks, program.chips().size()));
        List<Callable<ChipProblem>> checks = new ArrayList<>();
        for (int t = 0; t < shares; t++) {
            int share = t;
            checks.add(() -> {
                // each share has its own table of words found valid (a model's chips repeat the same words) and of
                // queues found valid (a pipeline's chips share queues, shifted in time)
                WordTable checked = new WordTable();
                Set<Object> validQueues = new HashSet<>();
                for (int c = share; c < program.chips().size(); c += shares) {
                    try {
                        checkChip(program, chip, program.chips().get(c), checked, validQueues);
                    } catch (RuntimeException e) {
                        return new ChipProblem(c, e);
                    }
                }
                return null;
            });
        }
        ChipProblem first = null;
        for (ChipProblem p : run(pool, checks)) {
            first = p != null && (first == null || p.chip() < first.chip()) ? p : first;
        }
        if (first != null) {
            throw first.problem();
        }
    }

    /** The first problem of a share of chips: the chip's index in the program, and the problem. */
    private record ChipProblem(int chip, RuntimeException problem) {
    }

    private static <T> List<T> run(ExecutorService pool, List<Callable<T>> tasks) {
        List<T> out = new ArrayList<>();
        try {
            if (pool == null) {
                for (Callable<T> t : tasks) {
                    out.add(t.call());
                }
                return out;
            }
            for (Future<T> f : pool.invokeAll(tasks)) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("program check interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                // out of memory, say: as if it had happened on the caller's thread
                throw err;
            }
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /** One chip's regions, data and queues. */
    private static void checkChip(Program program, ChipSpec chip, ChipProgram cp, WordTable checked,
                                  Set<Object> validQueues) {
        String at = "chip " + cp.chipId() + ": ";
        if (cp.chipId() < 0 || cp.chipId() > MAX_CHIP_ID) {
            throw new IllegalArgumentException("chip id " + cp.chipId() + " is out of range 0.." + MAX_CHIP_ID);
        }
        for (int i = 0; i < cp.regions().size(); i++) {
            fail(checkRegion(chip, cp.regions().get(i), cp.regions().subList(0, i)), at);
        }
        // data is sorted by slice and address: each block need only be checked against the one before it
        for (int i = 0; i < cp.data().size(); i++) {
            fail(checkData(chip, cp.data().get(i), cp.data().subList(Math.max(0, i - 1), i)), at);
        }
        QueueProgram before = null;
        for (QueueProgram qp : cp.queues()) {
            // a queue found valid before, shifted in time: only where it lies in time can differ (cycles increase,
            // so its first and last are the ones to check; if either is out of range, the whole check says where)
            Object storage = qp.storage();
            if (validQueues.contains(storage) && qp.cycle(0) >= 0 && qp.cycle(qp.size() - 1) <= MAX_CYCLE) {
                continue;
            }
            checkQueue(program, chip, at, qp, checked, before);
            validQueues.add(storage);
            before = qp;
        }
    }

    /**
     * The issue timing and operands of one queue's instructions (words found valid before skip the operands).
     * {@code before}, the queue of the chip checked just before (or null), was found valid: as long as this queue's
     * instructions and cycles are the same as its, index by index, on a queue that issues the same units, every check
     * gives what it gave there, so they are skipped.
     */
    private static void checkQueue(Program program, ChipSpec chip, String at, QueueProgram qp, WordTable checked,
                                   QueueProgram before) {
        if (qp.queueId() < 0 || qp.queueId() >= chip.floorplan().queues().size()) {
            throw new IllegalArgumentException(at + "queue " + qp.queueId() + " does not exist on "
                    + chip.name() + " (queues 0.." + (chip.floorplan().queues().size() - 1) + ")");
        }
        Queue queue = chip.floorplan().queues().get(qp.queueId());
        boolean[] issues = issuesByUnit(queue);
        // instructions equal to the queue before's, index by index, on a queue that issues the same units
        int start = before != null && chip.floorplan().queues().get(before.queueId()).units().equals(queue.units())
                ? qp.samePrefix(before) : 0;
        if (start > qp.skipFrom() && start < qp.skipTo()) {
            start = qp.skipTo();
        }
        long previousDispatch = 0;
        Instruction previous = null;
        long previousWord = 0;
        long previousCycle = 0;
        if (start > 0 && start < qp.size()) {
            // the instruction before was checked on the queue before (or is a repeat of one that was)
            previousWord = qp.word(start - 1);
            previousCycle = qp.cycle(start - 1);
            long known = checked.get(previousWord);
            previousDispatch = known >= 0 ? known : dispatch(chip, Instruction.decode(previousWord));
        }
        for (int i = start; i < qp.size(); i++) {
            if (i == qp.skipFrom() && qp.skipTo() > i) {
                // repeats of a block, each like the one before but a period later: the first two and the last are
                // checked, and what an instruction is checked against (the one before it) is the same in all
                i = qp.skipTo();
                previous = null;
                previousWord = qp.word(i - 1);
                previousCycle = qp.cycle(i - 1);
            }
            long word = qp.word(i);
            long cycle = qp.cycle(i);
            // a fast path for words already checked (a model's chips repeat the same instructions): the
            // operands are fine, the dispatch is known; only the queue and the timing remain
            if (i > 0 && cycle > previousCycle && cycle >= previousCycle + previousDispatch && cycle <= MAX_CYCLE
                    && issues[Opcode.unitOfWord(word).ordinal()] && !isRepeatAfterRepeatOrNop(word, previousWord)) {
                long known = checked.get(word);
                if (known >= 0) {
                    previousDispatch = known;
                    previous = null;
                    previousWord = word;
                    previousCycle = cycle;
                    continue;
                }
            }
            Instruction ins = Instruction.decode(word);
            if (i > 0 && previous == null) {
                previous = Instruction.decode(previousWord);
            }
            Optional<String> problem = checkIssue(chip, queue, ins, cycle, previous, i == 0 ? 0 : previousCycle)
                    .or(() -> checkOperands(chip, ins, program.maps().size()).map(OperandProblem::message));
            if (problem.isPresent()) {
                throw new IllegalArgumentException(at + "queue " + queue.name() + ", instruction " + i + " ("
                        + ins.opcode().mnemonic() + " at cycle " + cycle + "): " + problem.get());
            }
            previousDispatch = dispatch(chip, ins);
            checked.put(word, previousDispatch);
            previous = ins;
            previousWord = word;
            previousCycle = cycle;
        }
    }

    private static long dispatch(ChipSpec chip, Instruction ins) {
        return ins.opcode().dispatch().cycles(chip, ins);
    }

    /** Which units' instructions a queue issues, by {@link Unit#ordinal()} (a lookup per instruction checked). */
    private static boolean[] issuesByUnit(Queue queue) {
        boolean[] issues = new boolean[Unit.values().length];
        for (Unit u : Unit.values()) {
            issues[u.ordinal()] = queue.issues(u);
        }
        return issues;
    }

    private static boolean isRepeatAfterRepeatOrNop(long word, long previous) {
        int p = (int) (previous >>> 56);
        return (int) (word >>> 56) == Opcode.REPEAT.code() && (p == Opcode.REPEAT.code() || p == Opcode.NOP.code());
    }

    /**
     * Instruction words whose operands were found valid, with their dispatch cycles (open addressing; a slot is a word
     * and its dispatch plus one side by side, 0 marking an empty slot, so that a lookup reads one cache line).
     */
    private static final class WordTable {
        private long[] slots = new long[2 << 12];
        private int size;

        long get(long word) {
            long[] t = slots;
            int mask = t.length / 2 - 1;
            for (int i = mix(word) & mask; t[2 * i + 1] != 0; i = (i + 1) & mask) {
                if (t[2 * i] == word) {
                    return t[2 * i + 1] - 1;
                }
            }
            return -1;
        }

        void put(long word, long value) {
            if (2 * (size + 1) > slots.length / 2) {
                grow();
            }
            int mask = slots.length / 2 - 1;
            int i = mix(word) & mask;
            while (slots[2 * i + 1] != 0 && slots[2 * i] != word) {
                i = (i + 1) & mask;
            }
            if (slots[2 * i + 1] == 0) {
                size++;
            }
            slots[2 * i] = word;
            slots[2 * i + 1] = value + 1;
        }

        private void grow() {
            long[] old = slots;
            slots = new long[old.length * 2];
            size = 0;
            for (int i = 0; i < old.length; i += 2) {
                if (old[i + 1] != 0) {
                    put(old[i], old[i + 1] - 1);
                }
            }
        }

        /** Every bit of the word moves every bit of the index (linear probing needs it: words differ high). */
        private static int mix(long w) {
            return ValidWords.mix(w);
        }
    }

    private static void fail(Optional<String> problem, String where) {
        if (problem.isPresent()) {
            throw new IllegalArgumentException(where + problem.get());
        }
    }
}
