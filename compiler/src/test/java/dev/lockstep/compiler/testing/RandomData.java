// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.testing;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Fp16;
import java.util.SplittableRandom;

/**
 * Seeded random inputs for the compiler's tests: the same seed gives the same values, so a failure can be replayed
 * and a test's expected figures stay put.
 */
public final class RandomData {
    private RandomData() {
    }

    /** {@code n} values uniform in [-scale, scale), drawn one after the other from {@code random}. */
    public static double[] uniform(SplittableRandom random, int n, double scale) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = random.nextDouble(-scale, scale);
        }
        return out;
    }

    /**
     * {@code n} values uniform in [lo, hi), each rounded to f32 (so that a kernel's f32 inputs hold them exactly),
     * drawn one after the other from {@code random}.
     */
    public static double[] floats(SplittableRandom random, int n, double lo, double hi) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextDouble(lo, hi);
        }
        return out;
    }

    /** As {@link #floats(SplittableRandom, int, double, double)}, from a new generator of {@code seed}. */
    public static double[] floats(long seed, int n, double lo, double hi) {
        return floats(new SplittableRandom(seed), n, lo, hi);
    }

    /**
     * One value that {@code type} holds exactly: for {@link DataType#F16} an fp16 value in [-1, 1], for any other
     * type an int8 value in -128..127.
     */
    public static double exactIn(SplittableRandom random, DataType type) {
        return type == DataType.F16 ? Fp16.toFloat(Fp16.fromDouble(random.nextDouble(-1, 1)))
                : random.nextInt(256) - 128;
    }
}
