// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

/**
 * The 64-bit trace hash. A chip's hash folds every issue event of the chip (each instruction a queue executes, a
 * repeat's re-issues included, the repeat itself not) in order of cycle, then queue id. It is a polynomial
 * fingerprint over the prime field of p = 2^61 - 1: starting from {@link #CHIP_INITIAL}, each event does
 * {@code h = h x B + v (mod p)} with the event's value {@code v = cycle + x(queue, word) (mod p)}, the cycle counted
 * from the chip's first issue and {@code x} a fixed mix of the queue id and the instruction word, a link operand
 * replaced by the link's rank of first use on the chip ({@link LinkLabels}). Neither the chip id, nor its start,
 * nor its wiring enters, so chips running the same program at any start on any links have the same hash. Two
 * different traces of n events collide with a probability of about n / 2^61.
 *
 * <p>Why a polynomial: a run of events that repeats, each copy {@code s} cycles after the one before, can be folded
 * without visiting its events ({@link Period#fold}), which is how a simulation that skips repeated periods
 * ({@link RepeatSkip}) gives the same hash as one that runs every event. A program's hash folds, in chip-id order,
 * each chip's id, first issue cycle and hash with {@code h = (h ^ w) * 0x9E3779B97F4A7C15; h ^= h >>> 32}, starting
 * from {@link #INITIAL}. Documented in docs/model.md.
 */
public final class TraceHash {
    public static final long INITIAL = 0xCBF29CE484222325L;
    /** The prime modulus 2^61 - 1. */
    static final long P = (1L << 61) - 1;
    /** A chip's hash before its first event (nonzero, so that the number of events counts). */
    static final long CHIP_INITIAL = 1;
    /** The polynomial's base: a fixed value below p. */
    static final long B = 0x1A3C_5E7F_9B2D_4C6BL & P;
    private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;

    private TraceHash() {
    }

    static long word(long h, long w) {
        h = (h ^ w) * MULTIPLIER;
        return h ^ (h >>> 32);
    }

    /** Folds one issue event into a chip's hash. */
    public static long step(long h, long cycle, int queue, long instructionWord) {
        return add(mul(h, B), value(cycle, queue, instructionWord));
    }

    /** An event's value: its cycle plus a mix of its queue and word, modulo p. */
    static long value(long cycle, int queue, long instructionWord) {
        long z = instructionWord ^ (queue * MULTIPLIER);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return add(reduce(z), reduce(cycle));
    }

    /** Folds one chip's hash into a program's. */
    public static long chip(long h, int chip, long firstIssue, long chipHash) {
        return word(word(word(h, chip), firstIssue), chipHash);
    }

    public static String hex(long h) {
        return String.format("%016x", h);
    }

    // ------------------------------------------------------------------------------------ arithmetic modulo p

    /** {@code a x b mod p} for a, b in [0, p). */
    static long mul(long a, long b) {
        long lo = a * b;
        long hi = Math.multiplyHigh(a, b);
        long r = (lo & P) + ((lo >>> 61) | (hi << 3));
        r = (r & P) + (r >>> 61);
        return r >= P ? r - P : r;
    }

    static long add(long a, long b) {
        long r = a + b;
        return r >= P ? r - P : r;
    }

    static long sub(long a, long b) {
        long r = a - b;
        return r < 0 ? r + P : r;
    }

    /** Any long as a residue in [0, p) (negative values taken as unsigned). */
    static long reduce(long z) {
        long r = (z & P) + (z >>> 61);
        return r >= P ? r - P : r;
    }

    static long pow(long base, long e) {
        long r = 1;
        long b = base;
        while (e > 0) {
            if ((e & 1) != 0) {
                r = mul(r, b);
            }
            b = mul(b, b);
            e >>= 1;
        }
        return r;
    }

    /**
     * The events of one period of a chip's trace, as the fold needs them: {@code h} their hash from 0, {@code g}
     * the sum of B^i over their positions (what shifting every event's cycle by one adds to {@code h}), and
     * {@code x} = B^events.
     */
    record Period(long h, long g, long x) {
        /**
         * The period between two states of a chip's running hash: {@code hashBefore} after {@code eventsBefore}
         * events, {@code hashAfter} after {@code eventsAfter}.
         */
        static Period between(long hashBefore, long eventsBefore, long hashAfter, long eventsAfter) {
            long n = eventsAfter - eventsBefore;
            long x = pow(B, n);
            long h = sub(hashAfter, mul(hashBefore, x));
            // g = (B^n - 1) / (B - 1)
            long g = mul(sub(x, 1), pow(sub(B, 1), P - 2));
            return new Period(h, g, x);
        }

        /**
         * The hash after {@code copies} more copies of this period's events, copy j (from 1) every cycle
         * {@code j x shift} later than the period's, folded onto {@code hash}.
         */
        long fold(long hash, long shift, int copies) {
            long s = reduce(shift);
            long out = hash;
            for (int j = 1; j <= copies; j++) {
                out = add(mul(out, x), add(h, mul(mul(reduce(j), s), g)));
            }
            return out;
        }
    }
}
