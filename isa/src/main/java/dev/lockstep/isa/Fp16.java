// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

/**
 * IEEE 754 binary16 conversions (Java 17 has none): float to half rounds to nearest, ties to even, overflows to
 * infinity, keeps NaN a NaN; half to float is exact.
 */
public final class Fp16 {
    private Fp16() {
    }

    /** The binary16 bits nearest to {@code f}. */
    public static short fromFloat(float f) {
        return fromDouble(f);
    }

    /**
     * The binary16 bits nearest to {@code d}, rounded once (a decimal parsed to double then converted here is
     * correctly rounded, unlike double to float to half).
     */
    public static short fromDouble(double d) {
        long bits = Double.doubleToRawLongBits(d);
        int sign = (int) ((bits >>> 48) & 0x8000);
        int exp = (int) ((bits >>> 52) & 0x7FF);
        long mant = bits & 0xF_FFFF_FFFF_FFFFL;
        if (exp == 0x7FF) {
            if (mant == 0) {
                return (short) (sign | 0x7C00);
            }
            return (short) (sign | 0x7C00 | 0x200 | (int) (mant >>> 42));
        }
        int e = exp - 1023 + 15;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        long half;
        long rem;
        long halfway;
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            long full = mant | (1L << 52);
            int shift = 43 - e;
            half = full >>> shift;
            rem = full & ((1L << shift) - 1);
            halfway = 1L << (shift - 1);
        } else {
            half = ((long) e << 10) | (mant >>> 42);
            rem = mant & ((1L << 42) - 1);
            halfway = 1L << 41;
        }
        if (rem > halfway || (rem == halfway && (half & 1) != 0)) {
            half++;
        }
        return (short) (sign | half);
    }

    /**
     * The binary16 bits nearest to a decimal number (as {@link Double#parseDouble} reads it), rounded once: when
     * the double nearest the decimal falls exactly halfway between two halves, the decimal itself decides.
     */
    public static short fromDecimal(String text) {
        double d = Double.parseDouble(text);
        short h = fromDouble(d);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return h;
        }
        int bits = h & 0x7FFF;
        int sign = h & 0x8000;
        for (int neighbour : new int[] {bits - 1, bits + 1}) {
            if (neighbour < 0 || neighbour > 0x7C00) {
                continue;
            }
            double mid = (magnitude(bits) + magnitude(neighbour)) / 2;
            if (Math.abs(d) == mid) {
                int cmp = new java.math.BigDecimal(text).abs().compareTo(new java.math.BigDecimal(mid));
                if (cmp == 0) {
                    return h;
                }
                return (short) (sign | (cmp > 0 ? Math.max(bits, neighbour) : Math.min(bits, neighbour)));
            }
        }
        return h;
    }

    /** The magnitude of non-negative half bits, infinity counted as 2^16 (where rounding to it starts). */
    private static double magnitude(int bits) {
        return bits == 0x7C00 ? 65536.0 : toFloat((short) bits);
    }

    /** The float equal to the binary16 value {@code h}. */
    public static float toFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
}
