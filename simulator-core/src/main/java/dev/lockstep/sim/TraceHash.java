// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

/**
 * The 64-bit trace hash. A chip's hash folds every issue event of the chip (each instruction a queue executes, a
 * repeat's re-issues included, the repeat itself not) in order of cycle, then queue id; each event folds three
 * 64-bit words, the cycle counted from the chip's first issue, the queue id and the instruction word, a link
 * operand replaced by the link's rank of first use on the chip ({@link LinkLabels}): neither the chip id, nor its
 * start, nor its wiring enters, so chips running the same program at any start on any links have the same hash; with
 * {@code h = (h ^ w) * 0x9E3779B97F4A7C15; h ^= h >>> 32}, starting from {@link #INITIAL}. A program's hash folds,
 * in chip-id order, each chip's id, first issue cycle and hash the same way. Documented in docs/model.md.
 */
public final class TraceHash {
    public static final long INITIAL = 0xCBF29CE484222325L;
    private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;

    private TraceHash() {
    }

    static long word(long h, long w) {
        h = (h ^ w) * MULTIPLIER;
        return h ^ (h >>> 32);
    }

    /** Folds one issue event. */
    public static long step(long h, long cycle, int queue, long instructionWord) {
        return word(word(word(h, cycle), queue), instructionWord);
    }

    /** Folds one chip's hash into a program's. */
    public static long chip(long h, int chip, long firstIssue, long chipHash) {
        return word(word(word(h, chip), firstIssue), chipHash);
    }

    public static String hex(long h) {
        return String.format("%016x", h);
    }
}
