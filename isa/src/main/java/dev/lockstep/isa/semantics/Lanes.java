// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.semantics;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Fp16;

/**
 * Typed vectors and their byte planes. A vector of L lanes of a w-byte type travels as w planes (streams), plane p
 * holding byte p (little-endian) of every lane. Values are held as doubles for float types (exact for f16 and
 * f32) and as sign-extended longs for integer types.
 */
public final class Lanes {
    private Lanes() {
    }

    /** Every binary16 value by its bits, as {@link Fp16#toFloat} gives it (a weight load reads thousands a word). */
    private static final double[] F16_VALUES = new double[1 << 16];

    static {
        for (int b = 0; b < F16_VALUES.length; b++) {
            F16_VALUES[b] = Fp16.toFloat((short) b);
        }
    }

    /** Element l's raw bits from planes. */
    public static long bits(byte[][] planes, int lane) {
        long v = 0;
        for (int p = 0; p < planes.length; p++) {
            v |= (planes[p][lane] & 0xFFL) << (8 * p);
        }
        return v;
    }

    /** Integer lanes, sign-extended from the type's width. */
    public static long[] ints(DataType type, byte[][] planes) {
        int lanes = planes[0].length;
        long[] out = new long[lanes];
        int shift = 64 - 8 * type.bytes();
        for (int l = 0; l < lanes; l++) {
            out[l] = (bits(planes, l) << shift) >> shift;
        }
        return out;
    }

    /** Float lanes, exactly. */
    public static double[] floats(DataType type, byte[][] planes) {
        int lanes = planes[0].length;
        double[] out = new double[lanes];
        if (type == DataType.F16 && planes.length == 2) {
            byte[] lo = planes[0];
            byte[] hi = planes[1];
            for (int l = 0; l < lanes; l++) {
                out[l] = F16_VALUES[(lo[l] & 0xFF) | (hi[l] & 0xFF) << 8];
            }
            return out;
        }
        for (int l = 0; l < lanes; l++) {
            long b = bits(planes, l);
            out[l] = type == DataType.F16 ? Fp16.toFloat((short) b) : Float.intBitsToFloat((int) b);
        }
        return out;
    }

    /** Any type's lanes as doubles (exact for every type but i32 beyond 2^53, which cannot occur). */
    public static double[] values(DataType type, byte[][] planes) {
        if (type.isFloating()) {
            return floats(type, planes);
        }
        long[] ints = ints(type, planes);
        double[] out = new double[ints.length];
        for (int i = 0; i < ints.length; i++) {
            out[i] = ints[i];
        }
        return out;
    }

    /** Planes from raw element bits. */
    public static byte[][] planes(DataType type, long[] bits) {
        byte[][] planes = new byte[type.bytes()][bits.length];
        for (int l = 0; l < bits.length; l++) {
            for (int p = 0; p < planes.length; p++) {
                planes[p][l] = (byte) (bits[l] >>> (8 * p));
            }
        }
        return planes;
    }

    /** Planes from integers, wrapped to the type's width. */
    public static byte[][] fromInts(DataType type, long[] values) {
        return planes(type, values);
    }

    /** Planes from real values, each rounded once to the (float) type, to nearest even. */
    public static byte[][] fromFloats(DataType type, double[] values) {
        long[] bits = new long[values.length];
        for (int l = 0; l < values.length; l++) {
            bits[l] = roundBits(type, values[l]);
        }
        return planes(type, bits);
    }

    /** The bits of {@code v} rounded once to float type {@code type}. */
    public static long roundBits(DataType type, double v) {
        return type == DataType.F16 ? Fp16.fromDouble(v) & 0xFFFFL : Float.floatToRawIntBits((float) v) & 0xFFFF_FFFFL;
    }

    /** {@code v} rounded to float type {@code type}, as a double. */
    public static double round(DataType type, double v) {
        return type == DataType.F16 ? Fp16.toFloat(Fp16.fromDouble(v)) : (float) v;
    }
}
