// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.DataBlock;
import dev.lockstep.isa.program.QueueProgram;
import dev.lockstep.isa.program.QueueProgramBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * One chip's program under construction. Each kernel or transfer takes an interval of the chip's time, the
 * earliest free one that starts at or after the cycle its inputs are ready, so nothing placed on one chip overlaps
 * in time (work placed later may fill an earlier gap); each kernel's tensors go above the SRAM taken before it.
 * Kernels keep the exact timing they were compiled with; only their start moves. Longer than most files here:
 * placing in time, taking SRAM, repeating a prefill's work and making the program all go through the per-queue
 * instruction arrays and the busy windows kept here (the periods of repeats are apart: {@link RepeatPeriods}).
 */
public final class ChipBuild {
    private final int chipId;
    private final ChipSpec chip;
    /** Kernels' programs as placed, each with its start: copied into the queues' programs only when they are made. */
    private final List<PlacedKernel> placements = new ArrayList<>();
    /** Per queue, the instructions of {@link #placements}. */
    private final long[] placedSizes;
    /** Per queue, single instructions added ({@link #put}), in the order added. */
    private final long[][] cycles;
    private final long[][] words;
    private final int[] sizes;
    private final List<DataBlock> data = new ArrayList<>();
    private final List<dev.lockstep.isa.program.Region> regions = new ArrayList<>();
    private SramMap sram;
    /** Kernels placed before: placing one again reuses its tensors (the same weights, another token). */
    private final Set<CompiledKernel> placed = Collections.newSetFromMap(
            new IdentityHashMap<>());
    /** Kernels reserved (their initial data already added) but not yet placed. */
    private final Set<CompiledKernel> reservedOnly = Collections.newSetFromMap(
            new IdentityHashMap<>());
    /** Busy intervals [start, end), by start; disjoint. */
    private final TreeMap<Long, Long> busyIntervals = new TreeMap<>();
    private long busy;
    private long kernels;
    /** Copies of the work placed before {@link #repeat} (1: not repeated), their period, and each queue's share. */
    private int repeatCopies = 1;
    private long repeatPeriod;
    private int[] bodySizes;
    private long[] bodyPlacedSizes;
    private int bodyPlacements;
    /** Whether the instructions were let go when the program was made ({@link #toProgram(boolean)}). */
    private boolean released;
    /** Nothing may be placed before this cycle (the repeats' windows before it are not kept). */
    private long keptFrom = Long.MIN_VALUE;

    ChipBuild(int chipId, ChipSpec chip, SramMap reserved) {
        this.chipId = chipId;
        this.chip = chip;
        int queues = chip.floorplan().queues().size();
        this.cycles = new long[queues][];
        this.words = new long[queues][];
        this.sizes = new int[queues];
        this.placedSizes = new long[queues];
        this.sram = reserved;
    }

    public int chipId() {
        return chipId;
    }

    /** The first cycle at which nothing placed so far is still running. */
    public long cursor() {
        return busyIntervals.isEmpty() ? 0 : busyIntervals.lastEntry().getValue();
    }

    /** The earliest cycle at or after {@code notBefore} from which the chip is free for {@code length} cycles. */
    public long earliestFree(long notBefore, long length) {
        long t = notBefore;
        var before = busyIntervals.floorEntry(t);
        if (before != null && before.getValue() > t) {
            t = before.getValue();
        }
        for (var e : busyIntervals.tailMap(t, true).entrySet()) {
            if (e.getKey() >= t + length) {
                break;
            }
            t = Math.max(t, e.getValue());
        }
        return t;
    }

    public SramMap sram() {
        return sram;
    }

    /** This chip's busy windows so far, [start, end) in order: what {@link RepeatPeriods#least} takes. */
    public long[][] busyWindows() {
        return busyIntervals.entrySet().stream().map(e -> new long[] {e.getKey(), e.getValue()})
                .toArray(long[][]::new);
    }

    /**
     * Repeats everything placed on this chip so far {@code copies} more times, copy k shifted by k x
     * {@code period}: its instructions and its busy windows (repeated work as the chip runs it: the same program
     * shifted in time, stored once: {@link QueueProgram#repeated}). Kernels are not placed again: a copy reads and
     * writes where the original does. The work repeated is taken to have entered at cycle 0 (a prefill's first
     * chunk); work placed afterwards starts at the next copy's turn, {@code (copies + 1) x period}, or later, so the
     * copies' windows that end before it are counted ({@link #busyCycles}) but not kept. A chip's work is repeated
     * once.
     *
     * @throws IllegalArgumentException if a copy's windows meet another's (the period is shorter than
     *                                  {@link RepeatPeriods#least} of this chip's windows)
     */
    public void repeat(long period, int copies) {
        if (copies < 1) {
            return;
        }
        if (repeatCopies > 1) {
            throw new IllegalStateException("chip " + chipId + ": its work is already repeated");
        }
        long[][] windows = busyWindows();
        if (RepeatPeriods.least(windows, period, copies) != period) {
            throw new IllegalArgumentException("chip " + chipId + ": copies of its work " + period + " cycles apart "
                    + "meet (the least period is " + RepeatPeriods.least(windows, period, copies) + ")");
        }
        long next = (copies + 1) * period;
        for (int k = 1; k <= copies; k++) {
            for (long[] win : windows) {
                long start = win[0] + k * period;
                long end = win[1] + k * period;
                if (end > next) {
                    advance(start, end);
                } else {
                    busy += end - start;
                }
            }
        }
        keptFrom = next;
        bodySizes = sizes.clone();
        bodyPlacedSizes = placedSizes.clone();
        bodyPlacements = placements.size();
        repeatPeriod = period;
        repeatCopies = copies + 1;
        kernels *= copies + 1;
    }

    /** Cycles during which something placed on this chip runs. */
    public long busyCycles() {
        return busy;
    }

    /**
     * Places a kernel compiled against {@link #sram()} (chip 0 of its program) to start at the later of the cursor
     * and {@code notBefore}, or a kernel placed on this chip before again (its tensors stay where they are). Returns
     * the cycle after its last event.
     */
    public long place(CompiledKernel k, long notBefore) {
        return place(k, notBefore, 0);
    }

    /**
     * Places a kernel as {@link #place(CompiledKernel, long)} does, holding the chip for at least {@code slot}
     * cycles (so that kernels of equal shape whose tensors sit in different places, and so differ by a few cycles,
     * take equal time slots).
     */
    public long place(CompiledKernel k, long notBefore, long slot) {
        boolean again = placed.contains(k);
        if (!again && !k.sram().covers(sram)) {
            throw new IllegalArgumentException("the kernel was compiled against other SRAM than this chip's");
        }
        long length = Math.max(slot, k.predictedCycles());
        long start = earliestFree(notBefore, length);
        ChipProgram cp = k.program().chips().get(0);
        appendAt(cp, start, length);
        if (!again && !reservedOnly.contains(k)) {
            data.addAll(cp.data());
        }
        reservedOnly.remove(k);
        if (!again) {
            sram = sram.union(k.sram());
            placed.add(k);
        }
        kernels++;
        return advance(start, start + length);
    }

    /**
     * Places a kernel whose tensors are temporaries in SRAM that other kernels also use (compiled against less than
     * this chip's SRAM: a prefill's products, whose X and Y rows are many): it takes time on the chip but no SRAM,
     * and its initial data (a vector kernel's constants) is not loaded. Only for timing-only programs, where no
     * value is read: their words may be another kernel's. Returns the cycle after its last event.
     */
    public long placeTransient(CompiledKernel k, long notBefore) {
        long length = k.predictedCycles();
        long start = earliestFree(notBefore, length);
        appendAt(k.program().chips().get(0), start, length);
        kernels++;
        return advance(start, start + length);
    }

    /**
     * Takes SRAM for a kernel's tensors before it runs (large weights first, so that they pack whole slices); a
     * later {@link #place} of the kernel keeps them where they are.
     */
    public void reserve(CompiledKernel k) {
        if (placed.contains(k)) {
            return;
        }
        if (!k.sram().covers(sram)) {
            throw new IllegalArgumentException("the kernel was compiled against other SRAM than this chip's");
        }
        sram = sram.union(k.sram());
        placed.add(k);
        data.addAll(k.program().chips().get(0).data());
        reservedOnly.add(k);
    }

    /**
     * Counts {@code k} as placed with {@code owner}'s tensors: a kernel of the same schedule over the same SRAM
     * (another slot of a product over weights chosen by data), whose initial data {@code owner} brought.
     */
    public void reserveSharing(CompiledKernel k, CompiledKernel owner) {
        if (!placed.contains(owner) || !owner.sram().equals(k.sram())) {
            throw new IllegalArgumentException("a kernel shares the tensors of one reserved over the same SRAM");
        }
        placed.add(k);
    }

    /** Adds initial SRAM contents at words the caller took ({@link #takeWords}) for a tensor no kernel brings. */
    public void addData(DataBlock block) {
        checkNotReleased();
        data.add(block);
    }

    /** Names a region of this chip (names are unique across a program's chips). */
    public void addRegion(dev.lockstep.isa.program.Region region) {
        regions.add(region);
    }

    /**
     * Takes {@code words} words at one address in each of the given MEM slices (above everything taken in any of
     * them), for a tensor the caller places; returns the address.
     */
    public int takeWords(int[] positions, int words) {
        int address = 0;
        for (int p : positions) {
            address = Math.max(address, sram.top(p));
        }
        for (int p : positions) {
            if (address + words > sram.ceiling()) {
                throw new CompileException("chip " + chipId + ": no room for " + words + " words in slice " + p);
            }
            sram = sram.raise(p, address + words);
        }
        return address;
    }

    /** A kernel's program placed on this chip, from cycle {@code start} for {@code length} cycles. */
    public record PlacedKernel(ChipProgram program, long start, long length) {
    }

    /**
     * The kernels placed on this chip so far, in the order they were placed (not repeats, {@link #repeat}; not single
     * instructions, {@link #put}): to compare what two lowerings place, kernel by kernel.
     */
    public List<PlacedKernel> placedKernels() {
        checkNotReleased();
        return List.copyOf(placements);
    }

    /**
     * Adds a kernel's instructions, shifted to start at {@code start}: kept as a reference to its program, copied
     * once when the queues' programs are made (copying here made a default run's compile allocate and collect
     * gigabytes of growing arrays).
     */
    private void appendAt(ChipProgram cp, long start, long length) {
        checkNotReleased();
        placements.add(new PlacedKernel(cp, start, length));
        for (QueueProgram q : cp.queues()) {
            placedSizes[q.queueId()] += q.size();
        }
    }

    private void checkNotReleased() {
        if (released) {
            throw new IllegalStateException("chip " + chipId + ": its program was made and its build let go");
        }
    }

    /** Makes room for {@code capacity} single instructions on a queue (at least doubling, so appends stay linear). */
    private void reserve(int queue, int capacity) {
        checkNotReleased();
        if (cycles[queue] == null) {
            cycles[queue] = new long[Math.max(16, capacity)];
            words[queue] = new long[Math.max(16, capacity)];
        } else if (capacity > cycles[queue].length) {
            int grown = Math.max(capacity, cycles[queue].length * 2);
            cycles[queue] = Arrays.copyOf(cycles[queue], grown);
            words[queue] = Arrays.copyOf(words[queue], grown);
        }
    }

    /** Adds one instruction; instructions of one queue must come in increasing cycles. */
    void put(Queue queue, long cycle, Instruction ins) {
        append(queue.id(), cycle, ins.word());
    }

    /** Marks [start, end) as used by work placed by the caller, which must have found it free. */
    long advance(long start, long end) {
        if (start < keptFrom && end > start) {
            throw new IllegalStateException("chip " + chipId + ": work at " + start + " is placed before the turn "
                    + "of the next copy of its repeated work (" + keptFrom + ")");
        }
        if (end > start) {
            if (earliestFree(start, end - start) != start) {
                throw new IllegalStateException("chip " + chipId + ": work at " + start + ".." + end
                        + " overlaps earlier work");
            }
            busyIntervals.put(start, end);
        }
        busy += end - start;
        return end;
    }

    /**
     * Marks [start, end) as used, around work the caller placed inside it (a collective whose kernels run between
     * its transfers): every busy interval that meets it must lie within it, and they become one.
     */
    void holdAround(long start, long end) {
        if (end <= start) {
            return;
        }
        var before = busyIntervals.lowerEntry(start);
        if (before != null && before.getValue() > start) {
            throw new IllegalStateException("chip " + chipId + ": work at " + start + ".." + end
                    + " overlaps earlier work");
        }
        long inside = 0;
        var within = busyIntervals.subMap(start, true, end, false);
        for (var e : within.entrySet()) {
            if (e.getValue() > end) {
                throw new IllegalStateException("chip " + chipId + ": work at " + start + ".." + end
                        + " overlaps later work");
            }
            inside += e.getValue() - e.getKey();
        }
        within.clear();
        busy -= inside;
        advance(start, end);
    }

    /**
     * Takes the words {@code m} holds in every MEM slice but those at {@code skipping}: the tensors of kernels placed
     * as {@link #placeTransient} whose words must stay theirs.
     */
    void takeOutside(SramMap m, Set<Integer> skipping) {
        for (dev.lockstep.isa.chip.Slice s : chip.floorplan().slicesOf(dev.lockstep.isa.chip.SliceKind.MEM)) {
            if (!skipping.contains(s.position())) {
                sram = sram.raise(s.position(), m.top(s.position()));
            }
        }
    }

    /** From now on, kernels go above {@code floor} in every slice, up to the top of the slice. */
    public void scratchFrom(int floor) {
        sram = sram.atLeast(floor).withCeiling(chip.mem().wordsPerSlice());
    }

    private void append(int queue, long cycle, long word) {
        int n = sizes[queue];
        reserve(queue, n + 1);
        cycles[queue][n] = cycle;
        words[queue][n] = word;
        sizes[queue] = n + 1;
    }

    /** Instructions placed so far. */
    public long instructions() {
        long n = 0;
        for (int q = 0; q < sizes.length; q++) {
            n += sizes[q] + placedSizes[q]
                    + (repeatCopies > 1 ? (bodySizes[q] + bodyPlacedSizes[q]) * (repeatCopies - 1) : 0);
        }
        return n;
    }

    /** Kernels placed. */
    public long kernels() {
        return kernels;
    }

    /** This chip's program as placed so far. */
    public ChipProgram program() {
        return toProgram();
    }

    ChipProgram toProgram() {
        return toProgram(false);
    }

    /**
     * This chip's program; with {@code release}, each queue's instructions are let go as soon as its program is
     * made, and nothing can be placed on the chip afterwards.
     */
    ChipProgram toProgram(boolean release) {
        return toProgram(release, null);
    }

    /**
     * This chip's program, as {@link #toProgram(boolean)}; a queue made of the same pieces as one made before for
     * another chip, shifted in time, is that one shifted ({@code shared}, may be null).
     */
    ChipProgram toProgram(boolean release, SharedQueues shared) {
        checkNotReleased();
        int queues = cycles.length;
        boolean repeated = repeatCopies > 1;
        List<List<SharedQueues.Piece>> pieces = new ArrayList<>(Collections.nCopies(queues, null));
        for (int i = 0; i < placements.size(); i++) {
            PlacedKernel p = placements.get(i);
            for (QueueProgram qp : p.program().queues()) {
                if (pieces.get(qp.queueId()) == null) {
                    pieces.set(qp.queueId(), new ArrayList<>());
                }
                pieces.get(qp.queueId()).add(new SharedQueues.Piece(qp, p.start(), repeated && i >= bodyPlacements));
            }
        }
        List<QueueProgram> out = new ArrayList<>();
        for (int q = 0; q < queues; q++) {
            List<SharedQueues.Piece> mine = pieces.get(q) == null ? List.of() : pieces.get(q);
            if (mine.isEmpty() && sizes[q] == 0) {
                continue;
            }
            long base = mine.isEmpty() ? cycles[q][0] : mine.get(0).start();
            SharedQueues.Key key = shared == null ? null : shared.key(q, repeated ? repeatPeriod : 0, repeatCopies,
                    mine, cycles[q], words[q], repeated ? bodySizes[q] : sizes[q], sizes[q], base);
            QueueProgram made = key == null ? null : shared.find(key, base);
            if (made == null) {
                made = build(q, mine);
                if (key != null) {
                    shared.remember(key, base, made);
                }
            }
            out.add(made);
            pieces.set(q, null);
            if (release) {
                cycles[q] = null;
                words[q] = null;
            }
        }
        if (release) {
            placements.clear();
        }
        released = release;
        return new ChipProgram(chipId, out, data, regions);
    }

    /** Queue {@code q}'s program from its pieces and single instructions, each copied once. */
    private QueueProgram build(int q, List<SharedQueues.Piece> pieces) {
        boolean repeated = repeatCopies > 1;
        long bodyCount = repeated ? bodySizes[q] + bodyPlacedSizes[q] : sizes[q] + placedSizes[q];
        QueueProgramBuilder body = new QueueProgramBuilder(q, capacity(q, bodyCount));
        QueueProgramBuilder extra = repeated
                ? new QueueProgramBuilder(q, capacity(q, sizes[q] + placedSizes[q] - bodyCount)) : null;
        for (SharedQueues.Piece p : pieces) {
            (p.extra() ? extra : body).add(p.program(), p.start());
        }
        try {
            if (repeated) {
                if (sizes[q] > 0) {
                    body.add(cycles[q], words[q], 0, bodySizes[q]);
                    extra.add(cycles[q], words[q], bodySizes[q], sizes[q]);
                }
                return body.buildRepeated(repeatPeriod, repeatCopies, extra);
            }
            if (sizes[q] > 0) {
                body.add(cycles[q], words[q], 0, sizes[q]);
            }
            return body.build();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("chip " + chipId + ", " + e.getMessage(), e);
        }
    }

    private int capacity(int queue, long count) {
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("chip " + chipId + ", queue " + queue + ": " + count + " instructions, "
                    + "more than a queue holds");
        }
        return (int) count;
    }

    ChipSpec chip() {
        return chip;
    }
}
