// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.semantics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Fp16;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast paths of the functional semantics against their plain definitions: every binary16 bit pattern read from
 * planes, and the MXM's products summed row by row against a column-by-column sum, bit for bit.
 */
class LanesAndProductsTest {
    @Test
    void everyBinary16PatternReadsAsFp16ToFloatGivesIt() {
        int lanes = 1 << 16;
        byte[][] planes = new byte[2][lanes];
        for (int b = 0; b < lanes; b++) {
            planes[0][b] = (byte) b;
            planes[1][b] = (byte) (b >>> 8);
        }
        double[] got = Lanes.floats(DataType.F16, planes);
        for (int b = 0; b < lanes; b++) {
            double want = Fp16.toFloat((short) b);
            assertThat(Double.doubleToRawLongBits(got[b])).as("bits %04x", b)
                    .isEqualTo(Double.doubleToRawLongBits(want));
        }
    }

    @Test
    void productsEqualTheColumnByColumnSumBitForBit() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 20; trial++) {
            int k = 1 + r.nextInt(40);
            int cols = 1 + r.nextInt(40);
            double[][] w = new double[k][cols];
            double[][] wi = new double[k][cols];
            double[] x = new double[k];
            double[] xi = new double[k];
            for (int i = 0; i < k; i++) {
                x[i] = Fp16.toFloat(Fp16.fromDouble(r.nextDouble(-4, 4)));
                xi[i] = r.nextInt(-128, 128);
                for (int n = 0; n < cols; n++) {
                    w[i][n] = Fp16.toFloat(Fp16.fromDouble(r.nextDouble(-4, 4)));
                    wi[i][n] = r.nextInt(-128, 128);
                }
            }
            float[] prevF = new float[cols];
            int[] prevI = new int[cols];
            for (int n = 0; n < cols; n++) {
                prevF[n] = (float) r.nextDouble(-10, 10);
                prevI[n] = r.nextInt();
            }
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] gotF = MatrixOps.fp16(w, x, accumulate ? prevF : null);
                int[] gotI = MatrixOps.int8(wi, xi, accumulate ? prevI : null);
                for (int n = 0; n < cols; n++) {
                    float acc = 0f;
                    long acci = 0;
                    for (int i = 0; i < k; i++) {
                        acc = (float) (acc + (double) (float) (x[i] * w[i][n]));
                        acci += (long) xi[i] * (long) wi[i][n];
                    }
                    float wantF = accumulate ? prevF[n] + acc : acc;
                    int wantI = accumulate ? prevI[n] + (int) acci : (int) acci;
                    assertThat(Float.floatToRawIntBits(gotF[n])).isEqualTo(Float.floatToRawIntBits(wantF));
                    assertThat(gotI[n]).isEqualTo(wantI);
                }
            }
        }
    }
}
