// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import java.util.Arrays;

/**
 * The stream registers of one chip, as space-time diagonals. A vector put on an eastward stream at position x at
 * cycle t is at position x + k at cycle t + k x hop; so every (position p, cycle c) lies on exactly one diagonal
 * (c - p x hop for eastward streams, c + p x hop for westward), and the vector there is the one from the nearest
 * producer on that diagonal at or upstream of p (a later producer along the way overwrites the stream from its
 * position on). A read sees only producers at its cycle or before (all production is in an earlier phase than any
 * read), so a vector may be put on a stream ahead of its cycle (a timing-only read train does, see ChipSimulator),
 * up to {@code lookahead} cycles. Only diagonals that can still be read, or are written ahead, are kept: per
 * stream, a ring of slots indexed by diagonal, in flat arrays (the first producer of a diagonal inline, the few
 * further ones, rare, in a side object).
 */
final class StreamFile {
    private final int positions;
    private final long hop;
    private final int streams;
    private final int window;
    /**
     * Per slot (row x window + diagonal mod window), {@link #FIELDS} longs side by side (a produce or read touches one
     * cache line): its diagonal (Long.MIN_VALUE: never used), and its producer count (high half) with the first
     * producer's position (low half).
     */
    private final long[] slots;
    private static final int FIELDS = 2;
    private static final int DIAGONAL = 0;
    private static final int COUNT_POSITION = 1;
    /**
     * Whether vectors carry data (functional mode); else {@link #firstProducers} and {@link #firstData} are null: a
     * timing-only run asks only whether a vector is there, so it keeps who put it there only in {@link More}.
     */
    private final boolean carriesData;
    /** Per slot: the first producer's id and data (functional mode). */
    private final long[] firstProducers;
    private final byte[][] firstData;
    /** Per slot: the producers after the first (null until a diagonal of the slot has two). */
    private final More[] more;
    private byte[] lastData;

    /**
     * @param lookahead   how many cycles ahead of the present vectors may be put on streams
     * @param carriesData whether vectors carry data (functional mode)
     */
    StreamFile(int positions, long hop, int streamsPerDirection, int lookahead, boolean carriesData) {
        this.positions = positions;
        this.hop = hop;
        this.streams = streamsPerDirection;
        this.carriesData = carriesData;
        int w = 1;
        while (w < positions * hop + 2 + lookahead) {
            w <<= 1;
        }
        this.window = w;
        int n = 2 * streamsPerDirection * w;
        this.slots = new long[n * FIELDS];
        for (int i = 0; i < n; i++) {
            slots[i * FIELDS + DIAGONAL] = Long.MIN_VALUE;
        }
        this.firstProducers = carriesData ? new long[n] : null;
        this.firstData = carriesData ? new byte[n][] : null;
        this.more = new More[n];
    }

    private long diagonal(boolean west, int position, long cycle) {
        return west ? cycle + position * hop : cycle - position * hop;
    }

    private int slot(boolean west, int stream, long diagonal) {
        return ((west ? streams : 0) + stream) * window + (int) (diagonal & (window - 1));
    }

    /** How many producers slot {@code i}'s diagonal has, given that the slot holds {@code diagonal}. */
    private int count(int i) {
        return (int) (slots[i * FIELDS + COUNT_POSITION] >>> 32);
    }

    private int firstPosition(int i) {
        return (int) slots[i * FIELDS + COUNT_POSITION];
    }

    /** Whether slot {@code i} holds diagonal {@code d} with at least one producer. */
    private boolean holds(int i, long d) {
        return slots[i * FIELDS + DIAGONAL] == d && count(i) > 0;
    }

    /** Puts a vector on a stream at a position; false if another producer already wrote it there this cycle. */
    boolean produce(boolean west, int stream, int position, long cycle, long producer, byte[] data) {
        long d = diagonal(west, position, cycle);
        int i = slot(west, stream, d);
        int f = i * FIELDS;
        if (slots[f + DIAGONAL] != d) {
            slots[f + DIAGONAL] = d;
            slots[f + COUNT_POSITION] = 0;
        }
        return produceAt(i, position, producer, data);
    }

    /** As {@link #produce}, on slot {@code i}, which holds the diagonal. */
    private boolean produceAt(int i, int position, long producer, byte[] data) {
        int f = i * FIELDS;
        int n = count(i);
        if (n == 0) {
            slots[f + COUNT_POSITION] = 1L << 32 | (position & 0xFFFFFFFFL);
            if (carriesData) {
                firstProducers[i] = producer;
                firstData[i] = data;
            }
            return true;
        }
        if (firstPosition(i) == position) {
            return false;
        }
        More m = more[i];
        if (m == null) {
            m = new More();
            more[i] = m;
        }
        for (int k = 0; k < n - 1; k++) {
            if (m.positions[k] == position) {
                return false;
            }
        }
        m.set(n - 1, position, producer, data);
        slots[f + COUNT_POSITION] += 1L << 32;
        return true;
    }

    /**
     * Puts vectors without data on a stream at a position in {@code n} consecutive cycles from {@code firstCycle}, as
     * {@link #produce} would one by one, stopping at the first that another producer already wrote there: returns
     * its index (nothing put for it), or {@code n}.
     */
    int produceRun(boolean west, int stream, int position, long firstCycle, int n, long producer) {
        long d = diagonal(west, position, firstCycle);
        int row = ((west ? streams : 0) + stream) * window;
        int mask = window - 1;
        for (int k = 0; k < n; k++, d++) {
            int i = row + (int) (d & mask);
            int f = i * FIELDS;
            if (slots[f + DIAGONAL] != d) {
                slots[f + DIAGONAL] = d;
                slots[f + COUNT_POSITION] = 1L << 32 | (position & 0xFFFFFFFFL);
                if (carriesData) {
                    firstProducers[i] = producer;
                    firstData[i] = null;
                }
            } else if (!produceAt(i, position, producer, null)) {
                return k;
            }
        }
        return n;
    }

    /**
     * How many consecutive cycles from {@code firstCycle} (at most {@code n}) a stream carries a vector at a position,
     * as {@link #read} would find one by one.
     */
    int presentRun(boolean west, int stream, int position, long firstCycle, int n) {
        long d = diagonal(west, position, firstCycle);
        int row = ((west ? streams : 0) + stream) * window;
        int mask = window - 1;
        for (int k = 0; k < n; k++, d++) {
            int i = row + (int) (d & mask);
            if (!holds(i, d)) {
                return k;
            }
            int x = firstPosition(i);
            if (!(west ? x >= position : x <= position) && read(west, stream, position, firstCycle + k) < 0) {
                return k;
            }
        }
        return n;
    }

    /**
     * Gives its data to a vector put on a stream ahead of its cycle by {@code producer} (a functional read train
     * reads its word at its access cycle); nothing if another producer holds that place.
     */
    void fill(boolean west, int stream, int position, long cycle, long producer, byte[] data) {
        if (!carriesData) {
            throw new IllegalStateException("only a stream file that carries data (functional mode) takes data");
        }
        long d = diagonal(west, position, cycle);
        int i = slot(west, stream, d);
        if (!holds(i, d)) {
            return;
        }
        if (firstPosition(i) == position && firstProducers[i] == producer) {
            firstData[i] = data;
            return;
        }
        More m = more[i];
        for (int k = 0; k < count(i) - 1; k++) {
            if (m.positions[k] == position && m.producers[k] == producer) {
                m.data[k] = data;
                return;
            }
        }
    }

    /**
     * The id of the producer whose vector is on a stream at a position and cycle (0 for the first producer of a
     * diagonal in timing-only mode, which does not keep it), or -1 if nothing is there; its data is then
     * {@link #lastData()}.
     */
    long read(boolean west, int stream, int position, long cycle) {
        long d = diagonal(west, position, cycle);
        int i = slot(west, stream, d);
        if (!holds(i, d)) {
            return -1;
        }
        // the nearest producer at or upstream of the position: -1 for none, 0 for the first, k + 1 for more's k
        int best = -1;
        int bestPosition = 0;
        int x = firstPosition(i);
        if (west ? x >= position : x <= position) {
            best = 0;
            bestPosition = x;
        }
        int n = count(i);
        for (int k = 0; k < n - 1; k++) {
            x = more[i].positions[k];
            boolean upstream = west ? x >= position : x <= position;
            if (upstream && (best < 0 || (west ? x < bestPosition : x > bestPosition))) {
                best = k + 1;
                bestPosition = x;
            }
        }
        if (best < 0) {
            return -1;
        }
        if (best == 0) {
            if (!carriesData) {
                return 0;
            }
            lastData = firstData[i];
            return firstProducers[i];
        }
        lastData = more[i].data[best - 1];
        return more[i].producers[best - 1];
    }

    /** The least diagonal of a stream that a read at {@code cycle} or later can still see. */
    private long firstReadable(boolean west, long cycle) {
        return west ? cycle : cycle - (positions - 1) * hop;
    }

    /**
     * Appends what a read at {@code cycle} or later can still find (per stream, each diagonal counted from
     * {@code cycle} and its producers' positions), for {@link RepeatSkip}: two chips' streams with equal states
     * answer every later read alike, up to the shift between the cycles. Call it with no production event pending
     * (vectors put on streams ahead of their cycle are part of the state).
     */
    void state(long cycle, StateWords out) {
        for (int r = 0; r < 2 * streams; r++) {
            boolean west = r >= streams;
            long lo = firstReadable(west, cycle);
            for (long d = lo; d < lo + window; d++) {
                int i = r * window + (int) (d & (window - 1));
                if (holds(i, d)) {
                    out.add(r).add(d - cycle).add(count(i)).add(firstPosition(i));
                    for (int k = 0; k < count(i) - 1; k++) {
                        out.add(more[i].positions[k]);
                    }
                }
            }
        }
    }

    /** Moves every vector a read at {@code cycle} or later can still find {@code by} cycles later. */
    void shift(long cycle, long by) {
        long[] live = new long[window * FIELDS];
        long[] liveProducers = new long[window];
        byte[][] liveData = new byte[window][];
        More[] liveMore = new More[window];
        for (int r = 0; r < 2 * streams; r++) {
            boolean west = r >= streams;
            long lo = firstReadable(west, cycle);
            int n = 0;
            for (long d = lo; d < lo + window; d++) {
                int i = r * window + (int) (d & (window - 1));
                int f = i * FIELDS;
                if (slots[f + DIAGONAL] == d) {
                    System.arraycopy(slots, f, live, n * FIELDS, FIELDS);
                    live[n * FIELDS + DIAGONAL] = d + by;
                    if (carriesData) {
                        liveProducers[n] = firstProducers[i];
                        liveData[n] = firstData[i];
                    }
                    liveMore[n] = more[i];
                    n++;
                    slots[f + DIAGONAL] = Long.MIN_VALUE;
                    slots[f + COUNT_POSITION] = 0;
                    more[i] = null;
                }
            }
            for (int k = 0; k < n; k++) {
                int i = r * window + (int) (live[k * FIELDS + DIAGONAL] & (window - 1));
                System.arraycopy(live, k * FIELDS, slots, i * FIELDS, FIELDS);
                if (carriesData) {
                    firstProducers[i] = liveProducers[k];
                    firstData[i] = liveData[k];
                }
                more[i] = liveMore[k];
            }
        }
    }

    /** The bytes of the vector the last successful {@link #read} found (null in timing-only mode). */
    byte[] lastData() {
        return lastData;
    }

    int positions() {
        return positions;
    }

    /** The producers of one diagonal after its first. */
    private static final class More {
        int[] positions = new int[2];
        long[] producers = new long[2];
        byte[][] data = new byte[2][];

        void set(int k, int position, long producer, byte[] bytes) {
            if (k == positions.length) {
                positions = Arrays.copyOf(positions, k * 2);
                producers = Arrays.copyOf(producers, k * 2);
                data = Arrays.copyOf(data, k * 2);
            }
            positions[k] = position;
            producers[k] = producer;
            data[k] = bytes;
        }
    }
}
