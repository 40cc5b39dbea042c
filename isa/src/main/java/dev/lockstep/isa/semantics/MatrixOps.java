// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.semantics;

/**
 * What an MXM plane computes for one activation vector: y[n] = sum over k of x[k] * W[k][n], with W the installed
 * weight rows (row k a vector, lane n its column n) and x the first K lanes of the activation vector.
 * <ul>
 *   <li>fp16: each product of two f16 values is exact; the sum is accumulated in f32 in k order (each addition
 *   rounded to f32, to nearest even), as the published fp16-in, fp32-accumulate datapath does; the order of the
 *   hardware's adder tree is not published, so k order is our choice.</li>
 *   <li>int8: products and sums are exact in int32, wrapping on overflow.</li>
 * </ul>
 */
public final class MatrixOps {
    private MatrixOps() {
    }

    /** f32 results of an fp16 plane; {@code accumulate} adds to {@code previous} (f32 rounding). */
    public static float[] fp16(double[][] weights, double[] x, float[] previous) {
        int cols = weights.length == 0 ? x.length : weights[0].length;
        // row by row (each column's sum still in k order, so the same roundings): the weights are read in order
        float[] acc = new float[cols];
        for (int k = 0; k < weights.length; k++) {
            double xk = x[k];
            double[] row = weights[k];
            for (int n = 0; n < cols; n++) {
                acc[n] = (float) (acc[n] + (double) (float) (xk * row[n]));
            }
        }
        if (previous != null) {
            for (int n = 0; n < cols; n++) {
                acc[n] = previous[n] + acc[n];
            }
        }
        return acc;
    }

    /**
     * int32 results of an int8 plane (weights and activations given as exact integer-valued doubles); adds to
     * {@code previous} when given (wrapping).
     */
    public static int[] int8(double[][] weights, double[] x, int[] previous) {
        int cols = weights.length == 0 ? x.length : weights[0].length;
        long[] acc = new long[cols];
        for (int k = 0; k < weights.length; k++) {
            long xk = (long) x[k];
            double[] row = weights[k];
            for (int n = 0; n < cols; n++) {
                acc[n] += xk * (long) row[n];
            }
        }
        int[] y = new int[cols];
        for (int n = 0; n < cols; n++) {
            y[n] = previous == null ? (int) acc[n] : previous[n] + (int) acc[n];
        }
        return y;
    }
}
