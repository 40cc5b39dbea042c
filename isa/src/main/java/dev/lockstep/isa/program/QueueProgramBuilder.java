// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.program;

import java.util.Arrays;

/**
 * Gathers one queue's instructions from pieces given in any order (whole queue programs shifted in time, single
 * instructions) and makes a {@link QueueProgram} of them in cycle order. A compiler that places kernels of
 * millions of instructions gives the exact count up front: the pieces are then copied once, into arrays of that
 * size, which the program keeps (no growing, no second copy). Used once: after {@link #build} or
 * {@link #buildRepeated} nothing can be added.
 */
public final class QueueProgramBuilder {
    private final int queueId;
    private long[] cycles;
    private long[] words;
    private int size;

    /** A builder for queue {@code queueId} that expects about {@code capacity} instructions (it grows if more). */
    public QueueProgramBuilder(int queueId, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("a capacity of at least 0, got " + capacity);
        }
        this.queueId = queueId;
        this.cycles = new long[capacity];
        this.words = new long[capacity];
    }

    /** Adds every instruction of {@code q}, each {@code shift} cycles later. */
    public QueueProgramBuilder add(QueueProgram q, long shift) {
        room(q.size());
        q.copyInto(cycles, words, size, shift);
        size += q.size();
        return this;
    }

    /** Adds instructions {@code [from, to)} of {@code cycles} and {@code words} as they are. */
    public QueueProgramBuilder add(long[] cycles, long[] words, int from, int to) {
        room(to - from);
        System.arraycopy(cycles, from, this.cycles, size, to - from);
        System.arraycopy(words, from, this.words, size, to - from);
        size += to - from;
        return this;
    }

    /** Instructions added so far. */
    public int size() {
        return size;
    }

    /**
     * The queue's program: the instructions sorted by cycle.
     *
     * @throws IllegalStateException    if two are at one cycle
     * @throws IllegalArgumentException if a word is not a valid instruction
     */
    public QueueProgram build() {
        sort();
        QueueProgram q = QueueProgram.adopting(queueId, cycles, words);
        spend();
        return q;
    }

    /**
     * The queue that runs this builder's instructions {@code copies} times, copy k shifted by k x {@code period},
     * followed by {@code extra}'s: {@link QueueProgram#repeated}. Both builders are spent.
     */
    public QueueProgram buildRepeated(long period, int copies, QueueProgramBuilder extra) {
        if (extra.queueId != queueId) {
            throw new IllegalArgumentException("the extra instructions are of queue " + extra.queueId + ", not "
                    + queueId);
        }
        sort();
        extra.sort();
        QueueProgram q = QueueProgram.repeated(queueId, cycles, words, period, copies, extra.cycles, extra.words);
        spend();
        extra.spend();
        return q;
    }

    private void room(int more) {
        if (cycles == null) {
            throw new IllegalStateException("queue " + queueId + ": its program was built; nothing can be added");
        }
        long need = (long) size + more;
        if (need > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("queue " + queueId + ": " + need + " instructions, more than a queue "
                    + "holds");
        }
        if (need > cycles.length) {
            int grown = (int) Math.max(need, Math.min(Integer.MAX_VALUE - 8, 2L * cycles.length));
            cycles = Arrays.copyOf(cycles, grown);
            words = Arrays.copyOf(words, grown);
        }
    }

    /** Sorts the instructions by cycle (most often they already are), trimmed to their count. */
    private void sort() {
        if (cycles == null) {
            throw new IllegalStateException("queue " + queueId + ": its program was built already");
        }
        if (size != cycles.length) {
            cycles = Arrays.copyOf(cycles, size);
            words = Arrays.copyOf(words, size);
        }
        boolean sorted = true;
        for (int i = 1; i < size && sorted; i++) {
            sorted = cycles[i] > cycles[i - 1];
        }
        if (sorted) {
            return;
        }
        mergeSort(cycles, words, new long[size], new long[size], 0, size);
        for (int i = 1; i < size; i++) {
            if (cycles[i] == cycles[i - 1]) {
                throw new IllegalStateException("queue " + queueId + ": two instructions at cycle " + cycles[i]);
            }
        }
    }

    private void spend() {
        cycles = null;
        words = null;
    }

    /** Sorts [from, to) of {@code c} and {@code w} together by {@code c} (stable; runs already in order stay). */
    private static void mergeSort(long[] c, long[] w, long[] tc, long[] tw, int from, int to) {
        if (to - from < 2) {
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(c, w, tc, tw, from, mid);
        mergeSort(c, w, tc, tw, mid, to);
        if (c[mid - 1] <= c[mid]) {
            return;
        }
        System.arraycopy(c, from, tc, from, to - from);
        System.arraycopy(w, from, tw, from, to - from);
        int i = from;
        int j = mid;
        for (int k = from; k < to; k++) {
            if (j >= to || (i < mid && tc[i] <= tc[j])) {
                c[k] = tc[i];
                w[k] = tw[i++];
            } else {
                c[k] = tc[j];
                w[k] = tw[j++];
            }
        }
    }
}
