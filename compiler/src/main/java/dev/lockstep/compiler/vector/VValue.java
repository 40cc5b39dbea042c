// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.vector;

import dev.lockstep.isa.DataType;

/**
 * One vector of the graph: its type, where it lives (one MEM slice per byte plane, all in one hemisphere, set by
 * allocation) and when it can be read (set by scheduling: the cycle its last plane's write commits, or 0 for
 * inputs).
 */
final class VValue {
    final int id;
    final DataType type;
    final double[] initial;
    int[] slices;
    int[] addresses;
    /** Whether the vector is already in SRAM where {@code slices} and {@code addresses} say (not allocated). */
    boolean placed;
    long readyCycle;
    /**
     * For a vector read where an index says ({@link VectorGraph#inputIndexed}): the i16 vector whose lane 0 sets its
     * slices' read base; else null.
     */
    VValue baseIndex;
    /** For a computed vector: the cycle it is on its stream where it was computed, that position and stream. */
    long produceCycle = -1;
    int producePosition = -1;
    long produceStream = -1;

    VValue(int id, DataType type, double[] initial) {
        this.id = id;
        this.type = type;
        this.initial = initial;
    }
}
