// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

/**
 * The stream registers of one chip, as space-time diagonals. A vector put on an eastward stream at position x at
 * cycle t is at position x + k at cycle t + k x hop; so every (position p, cycle c) lies on exactly one diagonal
 * (c - p x hop for eastward streams, c + p x hop for westward), and the vector there is the one from the nearest
 * producer on that diagonal at or upstream of p (a later producer along the way overwrites the stream from its
 * position on). Events arrive in cycle order, so only diagonals that can still be read are kept: a ring of slots
 * indexed by diagonal.
 */
final class StreamFile {
    private final int positions;
    private final long hop;
    private final int streams;
    private final int window;
    private final Slot[][] slots;

    StreamFile(int positions, long hop, int streamsPerDirection) {
        this.positions = positions;
        this.hop = hop;
        this.streams = streamsPerDirection;
        int w = 1;
        while (w < positions * hop + 2) {
            w <<= 1;
        }
        this.window = w;
        this.slots = new Slot[2 * streamsPerDirection][w];
    }

    private long diagonal(boolean west, int position, long cycle) {
        return west ? cycle + position * hop : cycle - position * hop;
    }

    private int row(boolean west, int stream) {
        return (west ? streams : 0) + stream;
    }

    /** Puts a vector on a stream at a position; false if another producer already wrote it there this cycle. */
    boolean produce(boolean west, int stream, int position, long cycle, long producer, byte[] data) {
        long d = diagonal(west, position, cycle);
        Slot[] ring = slots[row(west, stream)];
        int i = (int) (d & (window - 1));
        Slot s = ring[i];
        if (s == null) {
            s = new Slot();
            ring[i] = s;
        }
        if (s.diagonal != d) {
            s.diagonal = d;
            s.count = 0;
        }
        for (int k = 0; k < s.count; k++) {
            if (s.positions[k] == position) {
                return false;
            }
        }
        s.add(position, producer, data);
        return true;
    }

    /**
     * The slot index of the producer whose vector is on a stream at a position and cycle, or -1 if nothing is
     * there; its data is then {@link #lastData()}.
     */
    long read(boolean west, int stream, int position, long cycle) {
        long d = diagonal(west, position, cycle);
        Slot s = slots[row(west, stream)][(int) (d & (window - 1))];
        if (s == null || s.diagonal != d) {
            return -1;
        }
        int best = -1;
        for (int k = 0; k < s.count; k++) {
            int x = s.positions[k];
            boolean upstream = west ? x >= position : x <= position;
            if (upstream && (best < 0 || (west ? x < s.positions[best] : x > s.positions[best]))) {
                best = k;
            }
        }
        if (best < 0) {
            return -1;
        }
        lastData = s.data[best];
        return s.producers[best];
    }

    private byte[] lastData;

    /** The least diagonal of a stream that a read at {@code cycle} or later can still see. */
    private long firstReadable(boolean west, long cycle) {
        return west ? cycle : cycle - (positions - 1) * hop;
    }

    /**
     * Appends what a read at {@code cycle} or later can still find (per stream, each diagonal counted from
     * {@code cycle} and its producers' positions), for {@link RepeatSkip}: two chips' streams with equal states
     * answer every later read alike, up to the shift between the cycles. Call it with no production pending.
     */
    void state(long cycle, StateWords out) {
        for (int r = 0; r < slots.length; r++) {
            boolean west = r >= streams;
            long lo = firstReadable(west, cycle);
            for (long d = lo; d < lo + window; d++) {
                Slot s = slots[r][(int) (d & (window - 1))];
                if (s != null && s.diagonal == d && s.count > 0) {
                    out.add(r).add(d - cycle).add(s.count);
                    for (int k = 0; k < s.count; k++) {
                        out.add(s.positions[k]);
                    }
                }
            }
        }
    }

    /** Moves every vector a read at {@code cycle} or later can still find {@code by} cycles later. */
    void shift(long cycle, long by) {
        for (int r = 0; r < slots.length; r++) {
            boolean west = r >= streams;
            long lo = firstReadable(west, cycle);
            java.util.List<Slot> live = new java.util.ArrayList<>();
            for (long d = lo; d < lo + window; d++) {
                int i = (int) (d & (window - 1));
                Slot s = slots[r][i];
                if (s != null && s.diagonal == d) {
                    live.add(s);
                    slots[r][i] = null;
                }
            }
            for (Slot s : live) {
                s.diagonal += by;
                slots[r][(int) (s.diagonal & (window - 1))] = s;
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

    /** The producers on one diagonal. */
    private static final class Slot {
        long diagonal = Long.MIN_VALUE;
        int count;
        int[] positions = new int[2];
        long[] producers = new long[2];
        byte[][] data = new byte[2][];

        void add(int position, long producer, byte[] bytes) {
            if (count == positions.length) {
                positions = java.util.Arrays.copyOf(positions, count * 2);
                producers = java.util.Arrays.copyOf(producers, count * 2);
                data = java.util.Arrays.copyOf(data, count * 2);
            }
            positions[count] = position;
            producers[count] = producer;
            data[count] = bytes;
            count++;
        }
    }
}
