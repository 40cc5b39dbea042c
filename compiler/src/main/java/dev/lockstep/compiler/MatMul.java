// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.chip.MxmSpec;
import java.util.Locale;
import java.util.Optional;

/**
 * A matrix product Y[M x N] = X[M x K] . W[K x N] in fp16 (f32 results) or int8 (i32 results). M = 1 is a GEMV.
 *
 * @param m rows of X and Y
 * @param k columns of X, rows of W
 * @param n columns of W and Y
 */
public record MatMul(int m, int k, int n, DataType dtype) {
    public MatMul {
        if (m < 1 || k < 1 || n < 1) {
            throw new IllegalArgumentException("matmul dimensions must be positive, got " + m + "x" + k + "x" + n);
        }
        if (dtype != DataType.F16 && dtype != DataType.I8) {
            throw new IllegalArgumentException("matmul takes fp16 or int8, got " + dtype.text());
        }
    }

    /** Parses {@code MxKxN}, e.g. {@code 2304x4096x4096}; empty on a malformed shape. */
    public static Optional<int[]> parseShape(String text) {
        String[] parts = text.toLowerCase(Locale.ROOT).split("x");
        if (parts.length != 3) {
            return Optional.empty();
        }
        int[] out = new int[3];
        for (int i = 0; i < 3; i++) {
            if (!parts[i].matches("[0-9]{1,7}")) {
                return Optional.empty();
            }
            out[i] = Integer.parseInt(parts[i]);
            if (out[i] < 1) {
                return Optional.empty();
            }
        }
        return Optional.of(out);
    }

    /** Multiply-accumulates. */
    public long macs() {
        return (long) m * k * n;
    }

    /** The result type: f32 for fp16, i32 for int8. */
    public DataType resultType() {
        return MxmSpec.productType(dtype);
    }

    @Override
    public String toString() {
        return "matmul " + m + "x" + k + "x" + n + " " + dtype.text();
    }
}
