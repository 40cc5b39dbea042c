// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.DataBlock;
import dev.lockstep.isa.program.QueueProgram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One chip's program under construction. Work is laid end to end: each kernel or transfer starts at or after the
 * chip's cursor (the cycle after everything placed so far has finished), so nothing placed on one chip overlaps
 * in time, and each kernel's tensors go above the SRAM taken before it. Kernels keep the exact timing they were
 * compiled with; only their start moves.
 */
public final class ChipBuild {
    private final int chipId;
    private final ChipSpec chip;
    private final long[][] cycles;
    private final long[][] words;
    private final int[] sizes;
    private final List<DataBlock> data = new ArrayList<>();
    private SramMap sram;
    /** Kernels placed before: placing one again reuses its tensors (the same weights, another token). */
    private final java.util.Set<CompiledKernel> placed = java.util.Collections.newSetFromMap(
            new java.util.IdentityHashMap<>());
    /** Kernels reserved (their initial data already added) but not yet placed. */
    private final java.util.Set<CompiledKernel> reservedOnly = java.util.Collections.newSetFromMap(
            new java.util.IdentityHashMap<>());
    private long cursor;
    private long busy;
    private long kernels;

    ChipBuild(int chipId, ChipSpec chip, SramMap reserved) {
        this.chipId = chipId;
        this.chip = chip;
        int queues = chip.floorplan().queues().size();
        this.cycles = new long[queues][];
        this.words = new long[queues][];
        this.sizes = new int[queues];
        this.sram = reserved;
    }

    public int chipId() {
        return chipId;
    }

    /** The first cycle at which nothing placed so far is still running. */
    public long cursor() {
        return cursor;
    }

    public SramMap sram() {
        return sram;
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
        boolean again = placed.contains(k);
        if (!again && !k.sram().covers(sram)) {
            throw new IllegalArgumentException("the kernel was compiled against other SRAM than this chip's");
        }
        long start = Math.max(cursor, notBefore);
        ChipProgram cp = k.program().chips().get(0);
        for (QueueProgram q : cp.queues()) {
            for (int i = 0; i < q.size(); i++) {
                append(q.queueId(), start + q.cycle(i), q.word(i));
            }
        }
        if (!again && !reservedOnly.contains(k)) {
            data.addAll(cp.data());
        }
        reservedOnly.remove(k);
        if (!again) {
            sram = sram.union(k.sram());
            placed.add(k);
        }
        kernels++;
        return advance(start, start + k.predictedCycles());
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

    /** Adds one instruction; instructions of one queue must come in increasing cycles. */
    void put(Queue queue, long cycle, Instruction ins) {
        append(queue.id(), cycle, ins.word());
    }

    /** Marks [start, end) as used by work placed by the caller and moves the cursor to {@code end}. */
    long advance(long start, long end) {
        if (start < cursor) {
            throw new IllegalStateException("chip " + chipId + ": work at " + start + " before the cursor " + cursor);
        }
        busy += end - start;
        cursor = end;
        return end;
    }

    /** From now on, kernels go above {@code floor} in every slice, up to the top of the slice. */
    public void scratchFrom(int floor) {
        sram = sram.atLeast(floor).withCeiling(chip.mem().wordsPerSlice());
    }

    private void append(int queue, long cycle, long word) {
        if (cycles[queue] == null) {
            cycles[queue] = new long[16];
            words[queue] = new long[16];
        }
        int n = sizes[queue];
        if (n > 0 && cycles[queue][n - 1] >= cycle) {
            throw new IllegalStateException("chip " + chipId + ", queue " + queue + ": an instruction at cycle "
                    + cycle + " after one at " + cycles[queue][n - 1]);
        }
        if (n == cycles[queue].length) {
            cycles[queue] = Arrays.copyOf(cycles[queue], n * 2);
            words[queue] = Arrays.copyOf(words[queue], n * 2);
        }
        cycles[queue][n] = cycle;
        words[queue][n] = word;
        sizes[queue] = n + 1;
    }

    /** Kernels placed. */
    public long kernels() {
        return kernels;
    }

    ChipProgram toProgram() {
        List<QueueProgram> queues = new ArrayList<>();
        for (int q = 0; q < cycles.length; q++) {
            if (sizes[q] > 0) {
                queues.add(new QueueProgram(q, Arrays.copyOf(cycles[q], sizes[q]), Arrays.copyOf(words[q], sizes[q])));
            }
        }
        return new ChipProgram(chipId, queues, data, List.of());
    }

    ChipSpec chip() {
        return chip;
    }
}
