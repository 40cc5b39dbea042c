// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.program;

import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import java.util.Arrays;

/**
 * The instructions of one queue with the exact cycle each issues at (compact: a queue of a compiled model holds
 * millions). Immutable; cycles strictly increase. Whether the timing is legal on a chip is checked by
 * {@link ProgramRules}.
 *
 * <p>Stored as three parts, read as one sequence: a prologue, a block repeated {@link #repeats()} times one
 * period apart, and an epilogue. A plain queue is all prologue. A queue whose work repeats (a prefill's
 * chunks, each the first one shifted in time: {@link #repeated}) stores the block once, so that its size does not
 * grow with the repeats; {@link #cycle(int)} and {@link #word(int)} give every instruction as if all were stored,
 * so that a simulation reads the same sequence either way.
 */
public final class QueueProgram {
    private final int queueId;
    /** Stored cycles: the prologue's and the epilogue's as they are, the block's from the block's start. */
    private final long[] cycles;
    private final long[] words;
    private final int prologue;
    private final int block;
    private final int repeats;
    private final long blockStart;
    private final long period;
    private final int size;
    /**
     * Added to every stored cycle outside the block (the block's own are counted from {@link #blockStart}): a queue
     * {@link #shifted} in time shares its arrays with the one it was made from.
     */
    private final long offset;

    public QueueProgram(int queueId, long[] cycles, long[] words) {
        this(queueId, cycles.clone(), words.clone(), cycles.length, 0, 0, 0, 0);
    }

    /**
     * A plain queue that keeps the arrays it is given instead of copying them: for {@link QueueProgramBuilder}, which
     * sorted them and lets them go.
     */
    static QueueProgram adopting(int queueId, long[] cycles, long[] words) {
        return new QueueProgram(queueId, cycles, words, cycles.length, 0, 0, 0, 0);
    }

    private QueueProgram(int queueId, long[] cycles, long[] words, int prologue, int block, int repeats,
                         long blockStart, long period) {
        this(queueId, cycles, words, prologue, block, repeats, blockStart, period, 0);
        ValidWords.check(this.words);
    }

    /** Without checking the words: for a queue made from one whose words were checked. */
    private QueueProgram(int queueId, long[] cycles, long[] words, int prologue, int block, int repeats,
                         long blockStart, long period, long offset) {
        if (cycles.length != words.length) {
            throw new IllegalArgumentException("cycles and words differ in length");
        }
        this.queueId = queueId;
        this.cycles = cycles;
        this.words = words;
        this.prologue = prologue;
        this.block = block;
        this.repeats = repeats;
        this.blockStart = blockStart;
        this.period = period;
        long total = cycles.length - block + (long) block * repeats;
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("queue " + queueId + ": " + total + " instructions, more than a queue "
                    + "holds (" + Integer.MAX_VALUE + ")");
        }
        this.size = (int) total;
        this.offset = offset;
    }

    /**
     * The same instructions, each {@code by} cycles later, sharing this queue's stored arrays: what a compiler
     * needs when chips run the same queue at different times (a pipeline's layers).
     */
    public QueueProgram shifted(long by) {
        if (by == 0) {
            return this;
        }
        return new QueueProgram(queueId, cycles, words, prologue, block, repeats, repeats == 0 ? 0 : blockStart + by,
                period, offset + by);
    }

    /**
     * The queue that runs {@code copies} copies of a body (instructions in cycle order), copy k shifted by k x
     * {@code period}, and after them {@code extra} instructions (in cycle order). Where the copies overlap in time
     * they interleave, by cycle; two instructions at one cycle are refused. The windows of {@code period} cycles
     * in which every body instruction occurs once (the steady state) are stored once, as the block; what comes
     * before them (copies starting) and after (copies ending, and the extra instructions) is stored as it is. If
     * an extra instruction comes before the steady state ends, or it would repeat fewer than twice, all is stored.
     */
    public static QueueProgram repeated(int queueId, long[] bodyCycles, long[] bodyWords, long period, int copies,
                                        long[] extraCycles, long[] extraWords) {
        if (bodyCycles.length != bodyWords.length || extraCycles.length != extraWords.length) {
            throw new IllegalArgumentException("cycles and words differ in length");
        }
        if (period < 1 || copies < 1) {
            throw new IllegalArgumentException("a repeat needs a period of at least 1 and at least one copy, got "
                    + period + " and " + copies);
        }
        int n = bodyCycles.length;
        if (n == 0) {
            return new QueueProgram(queueId, extraCycles, extraWords);
        }
        long c0 = bodyCycles[0];
        // each body instruction's window (whole periods after the first) and its cycle within the window
        long[] within = new long[n];
        int[] window = new int[n];
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) {
            long r = bodyCycles[j] - c0;
            window[j] = Math.toIntExact(r / period);
            within[j] = r % period;
            order[j] = j;
        }
        // by cycle within the window, then by window: instructions that meet are next to each other
        Arrays.sort(order, (a, b) -> within[a] != within[b] ? Long.compare(within[a], within[b])
                : Integer.compare(window[a], window[b]));
        for (int j = 1; j < n; j++) {
            if (within[order[j]] == within[order[j - 1]]
                    && window[order[j]] - window[order[j - 1]] < copies) {
                throw new IllegalArgumentException("queue " + queueId + ": copies " + period + " cycles apart put two "
                        + "instructions at one cycle (body cycles " + bodyCycles[order[j - 1]] + " and "
                        + bodyCycles[order[j]] + ")");
            }
        }
        int lastWindow = window[n - 1];
        int steady = copies - lastWindow;
        boolean extrasAfter = extraCycles.length == 0 || extraCycles[0] >= c0 + (long) copies * period;
        if (steady < 2 || !extrasAfter) {
            long[][] all = windows(bodyWords, within, window, order, c0, period, copies, 0, copies + lastWindow);
            long[][] merged = merge(all[0], all[1], extraCycles, extraWords, queueId);
            return new QueueProgram(queueId, merged[0], merged[1], merged[0].length, 0, 0, 0, 0);
        }
        long[][] pro = windows(bodyWords, within, window, order, c0, period, copies, 0, lastWindow);
        long[][] epi = windows(bodyWords, within, window, order, c0, period, copies, copies, copies + lastWindow);
        long[][] tail = merge(epi[0], epi[1], extraCycles, extraWords, queueId);
        long[] c = new long[pro[0].length + n + tail[0].length];
        long[] w = new long[c.length];
        System.arraycopy(pro[0], 0, c, 0, pro[0].length);
        System.arraycopy(pro[1], 0, w, 0, pro[0].length);
        for (int j = 0; j < n; j++) {
            c[pro[0].length + j] = within[order[j]];
            w[pro[0].length + j] = bodyWords[order[j]];
        }
        System.arraycopy(tail[0], 0, c, pro[0].length + n, tail[0].length);
        System.arraycopy(tail[1], 0, w, pro[0].length + n, tail[0].length);
        return new QueueProgram(queueId, c, w, pro[0].length, n, steady, c0 + (long) lastWindow * period, period);
    }

    /** The copies' instructions in windows [from, to), in cycle order. */
    private static long[][] windows(long[] bodyWords, long[] within, int[] window, Integer[] order, long c0,
                                    long period, int copies, int from, int to) {
        int count = 0;
        for (int wdw = from; wdw < to; wdw++) {
            for (int j : order) {
                int k = wdw - window[j];
                count += k >= 0 && k < copies ? 1 : 0;
            }
        }
        long[] c = new long[count];
        long[] w = new long[count];
        int at = 0;
        for (int wdw = from; wdw < to; wdw++) {
            for (int j : order) {
                int k = wdw - window[j];
                if (k >= 0 && k < copies) {
                    c[at] = c0 + (long) wdw * period + within[j];
                    w[at++] = bodyWords[j];
                }
            }
        }
        return new long[][] {c, w};
    }

    /** Two runs of instructions in cycle order, merged; two at one cycle are refused. */
    private static long[][] merge(long[] ac, long[] aw, long[] bc, long[] bw, int queueId) {
        long[] c = new long[ac.length + bc.length];
        long[] w = new long[c.length];
        int i = 0;
        int j = 0;
        for (int k = 0; k < c.length; k++) {
            if (j >= bc.length || (i < ac.length && ac[i] < bc[j])) {
                c[k] = ac[i];
                w[k] = aw[i++];
            } else {
                if (i < ac.length && ac[i] == bc[j]) {
                    throw new IllegalArgumentException("queue " + queueId + ": two instructions at one cycle, "
                            + bc[j]);
                }
                c[k] = bc[j];
                w[k] = bw[j++];
            }
        }
        return new long[][] {c, w};
    }

    public int queueId() {
        return queueId;
    }

    /** Instructions in the queue, every repeat of the block counted. */
    public int size() {
        return size;
    }

    public long cycle(int index) {
        if (index < prologue) {
            return cycles[index] + offset;
        }
        int b = index - prologue;
        int span = block * repeats;
        if (b < span) {
            int k = b / block;
            return blockStart + k * period + cycles[index - k * block];
        }
        return cycles[index - span + block] + offset;
    }

    public long word(int index) {
        return words[stored(index)];
    }

    /**
     * How many of the first instructions of this queue and {@code other} are the same, word and cycle, index by
     * index (compared a stretch at a time when both are plain queues); for a queue whose repeats a check may skip
     * ({@link #skipFrom()}), at most up to the first skipped one, so that the count costs no more than the check.
     */
    public int samePrefix(QueueProgram other) {
        int n = Math.min(size, other.size);
        if (block == 0 && other.block == 0 && offset == other.offset) {
            int w = Arrays.mismatch(words, 0, n, other.words, 0, n);
            int c = Arrays.mismatch(cycles, 0, n, other.cycles, 0, n);
            return Math.min(w < 0 ? n : w, c < 0 ? n : c);
        }
        // at most to this queue's first skipped repeat: a check walks only what is stored, and so does this
        int limit = Math.min(n, skipTo() > skipFrom() ? skipFrom() : size);
        int i = 0;
        while (i < limit && word(i) == other.word(i) && cycle(i) == other.cycle(i)) {
            i++;
        }
        return i;
    }

    /** Where instruction {@code index} is stored. */
    private int stored(int index) {
        if (index < prologue) {
            return index;
        }
        int b = index - prologue;
        int span = block * repeats;
        return b < span ? prologue + b % block : index - span + block;
    }

    /**
     * Instruction {@code index}, made from its word each time (the words were checked when the queue was made; a
     * cache of decoded instructions would cost a simulation more memory than the program itself).
     */
    public Instruction instruction(int index) {
        return Instruction.ofValidWord(words[stored(index)]);
    }

    /** Instructions stored (the block once): what a queue costs in memory. */
    public int storedSize() {
        return words.length;
    }

    /** The word of stored instruction {@code s} (every distinct word of the queue is among them). */
    public long storedWord(int s) {
        return words[s];
    }

    /**
     * The cycle of stored instruction {@code s} counted from {@code base}, or for an instruction of the block, from
     * the block's start: two queues with equal {@link #shape(long)} and equal stored words and cycles so counted are
     * the same program shifted by the difference of their bases.
     */
    public long storedCycle(int s, long base) {
        return s >= prologue && s < prologue + block ? cycles[s] : cycles[s] + offset - base;
    }

    /** The repeat's structure counted from {@code base}: prologue, block, repeats, period and the block's start. */
    public long[] shape(long base) {
        return new long[] {prologue, block, repeats, period, repeats == 0 ? 0 : blockStart - base};
    }

    /** Instructions in the block (0 for a plain queue). */
    public int blockSize() {
        return block;
    }

    /**
     * The cycle of the block's first window: repeat k issues the block's instructions in the window of
     * {@link #period()} cycles from {@code blockStart() + k x period()}, and no other instruction of the queue issues
     * in those windows.
     */
    public long blockStart() {
        return blockStart;
    }

    /** Cycles from one repeat of the block to the next (0 for a plain queue). */
    public long period() {
        return period;
    }

    /** The block's repeats (0 for a plain queue). */
    public int repeats() {
        return repeats;
    }

    /**
     * Instructions [{@code skipFrom()}, {@code skipTo()}) are repeats of the block identical to the one before them
     * but for a shift of one period: a check of each instruction against the one before it may skip them (the first
     * two repeats and the last are checked). Equal when there is nothing to skip.
     */
    public int skipFrom() {
        return repeats > 3 ? prologue + 2 * block : 0;
    }

    /** See {@link #skipFrom()}. */
    public int skipTo() {
        return repeats > 3 ? prologue + (repeats - 1) * block : 0;
    }

    /**
     * What this queue's instructions are stored as: equal for two queues made one from the other by
     * {@link #shifted} (they share one stored copy), and then they are the same instructions shifted in time, so a
     * check that does not depend on where a queue lies in time need only be made once for all of them. Queues equal
     * but stored apart have unequal storage. Compare with {@code equals}; nothing else is defined.
     */
    public Object storage() {
        return new Storage(queueId, cycles, words, prologue, block, repeats, period);
    }

    /** Arrays compared by identity (a record's components are compared with equals, which for arrays is ==). */
    private record Storage(int queueId, long[] cycles, long[] words, int prologue, int block, int repeats,
                           long period) {
    }

    /** The same instructions, all stored. */
    public QueueProgram expanded() {
        long[] c = new long[size];
        long[] w = new long[size];
        copyInto(c, w, 0, 0);
        return new QueueProgram(queueId, c, w, size, 0, 0, 0, 0);
    }

    /**
     * Writes every instruction, each repeat of the block counted, into {@code cycles} and {@code words} from index
     * {@code at}, each cycle {@code shift} later: what {@code cycle(i) + shift} and {@code word(i)} give, for i in
     * [0, size), copied in bulk (a compiler places kernels by copying millions of instructions).
     */
    public void copyInto(long[] cycles, long[] words, int at, long shift) {
        if (prologue == size) {
            // stored as it runs: instruction i at index i
            System.arraycopy(this.words, 0, words, at, size);
            for (int i = 0; i < size; i++) {
                cycles[at + i] = this.cycles[i] + offset + shift;
            }
            return;
        }
        for (int i = 0; i < size; i++) {
            cycles[at + i] = cycle(i) + shift;
            words[at + i] = word(i);
        }
    }

    /** Whether any instruction of the queue has the opcode (its stored words read, each repeat alike). */
    public boolean uses(Opcode opcode) {
        for (long w : words) {
            if ((int) (w >>> 56) == opcode.code()) {
                return true;
            }
        }
        return false;
    }

    /** Equal when the queues issue the same instructions at the same cycles, however stored. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof QueueProgram q) || q.queueId != queueId || q.size != size) {
            return false;
        }
        if (q.prologue == prologue && q.block == block && q.repeats == repeats && q.blockStart == blockStart
                && q.period == period && q.offset == offset) {
            return Arrays.equals(q.cycles, cycles) && Arrays.equals(q.words, words);
        }
        for (int i = 0; i < size; i++) {
            if (q.cycle(i) != cycle(i) || q.word(i) != word(i)) {
                return false;
            }
        }
        return true;
    }

    /** From the first and last instructions and the size (equal queues stored differently hash alike). */
    @Override
    public int hashCode() {
        int h = queueId * 31 + size;
        if (size > 0) {
            h = h * 31 + Long.hashCode(cycle(0));
            h = h * 31 + Long.hashCode(word(0));
            h = h * 31 + Long.hashCode(cycle(size - 1));
            h = h * 31 + Long.hashCode(word(size - 1));
        }
        return h;
    }
}
