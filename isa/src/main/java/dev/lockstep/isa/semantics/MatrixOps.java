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
        float[] y = new float[cols];
        for (int n = 0; n < cols; n++) {
            float acc = 0f;
            for (int k = 0; k < weights.length; k++) {
                acc = (float) (acc + (double) (float) (x[k] * weights[k][n]));
            }
            y[n] = previous == null ? acc : previous[n] + acc;
        }
        return y;
    }

    /**
     * int32 results of an int8 plane (weights and activations given as exact integer-valued doubles); adds to
     * {@code previous} when given (wrapping).
     */
    public static int[] int8(double[][] weights, double[] x, int[] previous) {
        int cols = weights.length == 0 ? x.length : weights[0].length;
        int[] y = new int[cols];
        for (int n = 0; n < cols; n++) {
            long acc = 0;
            for (int k = 0; k < weights.length; k++) {
                acc += (long) x[k] * (long) weights[k][n];
            }
            y[n] = previous == null ? (int) acc : previous[n] + (int) acc;
        }
        return y;
    }
}
