// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The NumPy {@code .npy} format, version 1.0, for a float32 matrix: the magic {@code \x93NUMPY}, the version, a
 * little-endian header length, a Python-dict header padded with spaces to a multiple of 64 bytes and ending in a
 * newline, then the values row-major, little-endian.
 */
final class Npy {
    private Npy() {
    }

    static byte[] float32(float[][] rows, int cols) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows.length + ", " + cols + "), }";
        int unpadded = 10 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        long size = 10L + header.length() + 4L * rows.length * cols;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(rows.length + " x " + cols + " float32 values do not fit one array");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        for (float[] row : rows) {
            if (row.length != cols) {
                throw new IllegalArgumentException("every row needs " + cols + " values");
            }
            for (float v : row) {
                b.putFloat(v);
            }
        }
        return b.array();
    }
}
