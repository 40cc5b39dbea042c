// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.isa.program.QueueProgram;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Queue programs made once for all the chips of a build that run the same queue at different times: a pipeline's
 * layers place the same kernels at the same distances from each other, so their MEM, MXM and VXM queues are one
 * program shifted in time ({@link QueueProgram#shifted}, sharing its arrays). A queue is shared only when
 * everything it is made of is equal up to the shift: the kernels' queue programs (the same objects), their starts,
 * whether each is repeated work or comes after it, and the single instructions put on it. Only the compiler's
 * memory and time change; every chip's program is the one it would be made alone.
 */
final class SharedQueues {
    /** A kernel's queue program placed at {@code start}; {@code extra}: after the repeated work. */
    record Piece(QueueProgram program, long start, boolean extra) {
    }

    private record Made(QueueProgram program, long base) {
    }

    /** Kernels' queue programs numbered in the order first seen (identity, never a hash, reaches the keys). */
    private final Map<QueueProgram, Integer> numbers = new IdentityHashMap<>();
    private final Map<Key, Made> made = new HashMap<>();

    /**
     * The queue program for {@code key}'s contents whose first piece (or first single instruction) is at
     * {@code base}: one made before, shifted, or null if none was.
     */
    QueueProgram find(Key key, long base) {
        Made m = made.get(key);
        return m == null ? null : m.program().shifted(base - m.base());
    }

    void remember(Key key, long base, QueueProgram program) {
        made.putIfAbsent(key, new Made(program, base));
    }

    /**
     * What a queue is made of, counted from {@code base}: its pieces in the order placed, and its single
     * instructions ({@code [0, body)} repeated with the work, {@code [body, size)} after it).
     */
    Key key(int queue, long period, int copies, List<Piece> pieces, long[] cycles, long[] words, int body, int size,
            long base) {
        long[] p = new long[3 * pieces.size()];
        for (int i = 0; i < pieces.size(); i++) {
            Piece piece = pieces.get(i);
            p[3 * i] = numbers.computeIfAbsent(piece.program(), x -> numbers.size());
            p[3 * i + 1] = piece.start() - base;
            p[3 * i + 2] = piece.extra() ? 1 : 0;
        }
        long[] c = new long[size];
        for (int i = 0; i < size; i++) {
            c[i] = cycles[i] - base;
        }
        long[] w = size == 0 ? new long[0] : Arrays.copyOf(words, size);
        return new Key(queue, period, copies, body, p, c, w);
    }

    /** See {@link #key}. */
    static final class Key {
        private final int queue;
        private final long period;
        private final int copies;
        private final int body;
        private final long[] pieces;
        private final long[] cycles;
        private final long[] words;
        private final int hash;

        private Key(int queue, long period, int copies, int body, long[] pieces, long[] cycles, long[] words) {
            this.queue = queue;
            this.period = period;
            this.copies = copies;
            this.body = body;
            this.pieces = pieces;
            this.cycles = cycles;
            this.words = words;
            int h = queue;
            h = 31 * h + Long.hashCode(period);
            h = 31 * h + copies;
            h = 31 * h + body;
            h = 31 * h + Arrays.hashCode(pieces);
            h = 31 * h + Arrays.hashCode(cycles);
            this.hash = 31 * h + Arrays.hashCode(words);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && k.queue == queue && k.period == period
                    && k.copies == copies && k.body == body && Arrays.equals(k.pieces, pieces)
                    && Arrays.equals(k.cycles, cycles) && Arrays.equals(k.words, words);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
