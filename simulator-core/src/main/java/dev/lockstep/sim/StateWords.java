// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import java.util.Arrays;

/**
 * A growing run of longs: a chip simulation's state written out as numbers, every cycle in it counted from the
 * moment of the snapshot, so that two snapshots compare with {@link #equals} ({@link RepeatSkip}).
 */
final class StateWords {
    private long[] words = new long[256];
    private int size;

    StateWords add(long w) {
        if (size == words.length) {
            words = Arrays.copyOf(words, size * 2);
        }
        words[size++] = w;
        return this;
    }

    /**
     * A cycle counted from {@code now}, where every cycle not after {@code now} is the same (a unit free by then,
     * weights installed by then): those read 0; {@link Long#MAX_VALUE} (never) stays.
     */
    StateWords addUntil(long cycle, long now) {
        return add(cycle == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, cycle - now));
    }

    int size() {
        return size;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StateWords s && Arrays.equals(words, 0, size, s.words, 0, s.size);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < size; i++) {
            h = 31 * h + Long.hashCode(words[i]);
        }
        return h;
    }
}
