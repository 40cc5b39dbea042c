// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.program;

import dev.lockstep.isa.DataType;

/**
 * How typed arrays become SRAM words. Elements are grouped into vectors of one element per lane; an element of
 * {@code w} bytes is split into {@code w} byte planes (plane 0 the least significant byte), each plane a word, so
 * that plane p travels on stream s+p. In one slice, vector v's plane p is word {@code v*w + p}; spread over
 * {@code w} slices, it is word v of slice p. Lanes past the last element are zero.
 */
public final class VectorLayout {
    private VectorLayout() {
    }

    /** Vectors needed for {@code elements} elements. */
    public static int vectors(int elements, int vectorBytes) {
        return (elements + vectorBytes - 1) / vectorBytes;
    }

    /**
     * The byte planes of {@code elements} raw values (each the element's bits, low {@code dtype.bytes()} bytes
     * used): {@code result[p]} holds plane p of every vector, vector after vector.
     */
    public static byte[][] planes(DataType dtype, long[] bits, int vectorBytes) {
        int w = dtype.bytes();
        int vectors = vectors(bits.length, vectorBytes);
        byte[][] planes = new byte[w][vectors * vectorBytes];
        for (int i = 0; i < bits.length; i++) {
            for (int p = 0; p < w; p++) {
                planes[p][i] = (byte) (bits[i] >>> (8 * p));
            }
        }
        return planes;
    }

    /** All planes interleaved for one slice: vector v's plane p at word v*w + p. */
    public static byte[] interleave(byte[][] planes, int vectorBytes) {
        int w = planes.length;
        int vectors = planes[0].length / vectorBytes;
        byte[] out = new byte[vectors * w * vectorBytes];
        for (int v = 0; v < vectors; v++) {
            for (int p = 0; p < w; p++) {
                System.arraycopy(planes[p], v * vectorBytes, out, (v * w + p) * vectorBytes, vectorBytes);
            }
        }
        return out;
    }
}
