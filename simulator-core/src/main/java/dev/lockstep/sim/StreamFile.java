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
    boolean produce(boolean west, int stream, int position, long cycle, StreamValue value) {
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
        s.add(position, value);
        return true;
    }

    /** The vector on a stream at a position and cycle, or null if nothing is there. */
    StreamValue read(boolean west, int stream, int position, long cycle) {
        long d = diagonal(west, position, cycle);
        Slot s = slots[row(west, stream)][(int) (d & (window - 1))];
        if (s == null || s.diagonal != d) {
            return null;
        }
        int best = -1;
        for (int k = 0; k < s.count; k++) {
            int x = s.positions[k];
            boolean upstream = west ? x >= position : x <= position;
            if (upstream && (best < 0 || (west ? x < s.positions[best] : x > s.positions[best]))) {
                best = k;
            }
        }
        return best < 0 ? null : s.values[best];
    }

    int positions() {
        return positions;
    }

    /** The producers on one diagonal. */
    private static final class Slot {
        long diagonal = Long.MIN_VALUE;
        int count;
        int[] positions = new int[2];
        StreamValue[] values = new StreamValue[2];

        void add(int position, StreamValue value) {
            if (count == positions.length) {
                positions = java.util.Arrays.copyOf(positions, count * 2);
                values = java.util.Arrays.copyOf(values, count * 2);
            }
            positions[count] = position;
            values[count] = value;
            count++;
        }
    }
}
