// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.program;

import dev.lockstep.isa.Instruction;

/**
 * Checks that instruction words decode ({@link Instruction#validate}), remembering the last words found valid in a
 * small direct-mapped table per thread. Whether a word decodes depends on the word alone, so a remembered answer is
 * always right; the table only saves work: a compiled model's queues hold tens of millions of words but a few tens
 * of thousands of distinct ones, repeated across queues and chips.
 */
final class ValidWords {
    /** Slots of the table (a power of two): 65,536 words, 576 KB per thread. */
    private static final int SLOTS = 1 << 16;

    private static final ThreadLocal<ValidWords> TABLE = ThreadLocal.withInitial(ValidWords::new);

    private final long[] words = new long[SLOTS];
    private final boolean[] filled = new boolean[SLOTS];

    private ValidWords() {
    }

    /**
     * @throws dev.lockstep.isa.EncodingException when a word is not a valid instruction
     */
    static void check(long[] words) {
        ValidWords table = TABLE.get();
        for (long w : words) {
            int slot = mix(w) & (SLOTS - 1);
            if (table.filled[slot] && table.words[slot] == w) {
                continue;
            }
            Instruction.validate(w);
            table.words[slot] = w;
            table.filled[slot] = true;
        }
    }

    /** Every bit of the word moves every bit of the slot (murmur3's 64-bit finaliser). */
    static int mix(long w) {
        long h = w ^ (w >>> 33);
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return (int) (h ^ (h >>> 33));
    }
}
