// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.isa.Fp16;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * Hand-scheduled kernels run in functional mode and compared with plain-Java references written here, apart from
 * the simulator's semantics. The schedules use the tsp-v1 defaults (read latency 2, hop 1, install 20, array 20,
 * acc 2, fp 4, reduce 12, transcendental 8); the comments give the arithmetic. mem.wN is at position 45 - N,
 * mem.eN at 47 + N, the west MXM at 0, the VXM at 46.
 */
class KernelGoldenTest {
    private static final int L = 320;

    private static String list(double[] values) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (double v : values) {
            j.add(Double.toString(v));
        }
        return j.toString();
    }

    private static String list(long[] values) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (long v : values) {
            j.add(Long.toString(v));
        }
        return j.toString();
    }

    private static double f16(SplittableRandom r) {
        return Fp16.toFloat(Fp16.fromDouble(r.nextDouble(-1, 1)));
    }

    /**
     * [320 x 320] x [320 x 320] in fp16 with f32 accumulation on plane 0 of the west MXM: K = 320 is two fp16
     * pieces of K = 160, the second accumulated onto the first (ABC mode 1).
     */
    @Test
    void a320x320Fp16GemmTileMatchesItsReference() {
        SplittableRandom r = new SplittableRandom(20261125L);
        double[][] w = new double[L][L];
        double[][] x = new double[L][L];
        for (int i = 0; i < L; i++) {
            for (int j = 0; j < L; j++) {
                w[i][j] = f16(r);
                x[i][j] = f16(r);
            }
        }
        double[] w1 = new double[160 * L];
        double[] w2 = new double[160 * L];
        double[] x1 = new double[L * L];
        double[] x2 = new double[L * L];
        for (int k = 0; k < 160; k++) {
            for (int n = 0; n < L; n++) {
                w1[k * L + n] = w[k][n];
                w2[k * L + n] = w[160 + k][n];
            }
        }
        for (int m = 0; m < L; m++) {
            for (int k = 0; k < 160; k++) {
                x1[m * L + k] = x[m][k];
                x2[m * L + k] = x[m][160 + k];
            }
        }
        // W1 planes at positions 2 and 3 reach the MXM (0) at t + 2 + 2 and (t - 1) + 2 + 3: LW at 5 for reads at
        // 1 and 0. LW: rows 5..164, IW at 165 (array busy to 185). W2 from positions 4 and 5 (read at 164, 163),
        // LW at 170. ABC1 at 185 with X1 from 6 and 7 (read at 177, 176); it holds the array to 505. IW2 at 505,
        // ABC2 at 525 with X2 from 8 and 9 (read at 515, 514). Row j of the second pass is ready at 545 + j:
        // ACC at 545 puts it on e0..e3 at 547 + j; plane p is written at position 10 + p at 557 + p + j.
        String program = """
                .data Wa, mem.w43+mem.w42, 0, f16, %s, readonly
                .data Wb, mem.w41+mem.w40, 0, f16, %s, readonly
                .data X1, mem.w39+mem.w38, 0, f16, %s, readonly
                .data X2, mem.w37+mem.w36, 0, f16, %s, readonly
                .region Y, mem.w35+mem.w34+mem.w33+mem.w32, 0, f32, 102400
                .queue mem.w43
                @1 read w0, Wa, 160
                .queue mem.w42
                @0 read w1, Wa, 160
                .queue mem.w41
                @164 read w2, Wb, 160
                .queue mem.w40
                @163 read w3, Wb, 160
                .queue mem.w39
                @177 read w4, X1, 320
                .queue mem.w38
                @176 read w5, X1, 320
                .queue mem.w37
                @515 read w6, X2, 320
                .queue mem.w36
                @514 read w7, X2, 320
                .queue mxm.w0.0
                @5 lw.f16 0, w0, 160
                @170 lw.f16 0, w2, 160
                .queue mxm.w0.1
                @165 iw 0
                @505 iw 0
                .queue mxm.w0.2
                @185 abc.f16 0, w4, 320, 0
                @525 abc.f16 0, w6, 320, 1
                .queue mxm.w0.3
                @545 acc.f32 e0, 0, 320
                .queue mem.w35
                @557 write Y, e0, 320
                .queue mem.w34
                @558 write Y, e1, 320
                .queue mem.w33
                @559 write Y, e2, 320
                .queue mem.w32
                @560 write Y, e3, 320
                """.formatted(list(w1), list(w2), list(x1), list(x2));
        SimResult result = Programs.functional(program);
        assertThat(result.cycles()).isEqualTo(560 + 319 + 1 + 1);
        double[] y = result.region(0, "Y").orElseThrow();
        for (int m = 0; m < L; m++) {
            for (int n = 0; n < L; n++) {
                double exact = 0;
                double magnitude = 0;
                for (int k = 0; k < L; k++) {
                    exact += x[m][k] * w[k][n];
                    magnitude += Math.abs(x[m][k] * w[k][n]);
                }
                // f32 accumulation of 320 exact products: each addition errs by at most 2^-24 of the running sum
                assertThat(Math.abs(y[m * L + n] - exact)).as("Y[%d][%d]", m, n)
                        .isLessThanOrEqualTo(320 * 0x1p-24 * magnitude + 1e-30);
            }
        }
        assertThat(Programs.timing(program).traceHash()).isEqualTo(result.traceHash());
    }

    /** [320 x 320] x [320 x 320] in int8 with int32 accumulation: one piece of K = 320. */
    @Test
    void a320x320Int8GemmTileMatchesItsReferenceExactly() {
        SplittableRandom r = new SplittableRandom(7L);
        long[] w = new long[L * L];
        long[] x = new long[L * L];
        for (int i = 0; i < L * L; i++) {
            w[i] = r.nextInt(256) - 128;
            x[i] = r.nextInt(256) - 128;
        }
        // W from position 2 reaches the MXM at t + 4: read at 0, LW at 4..323, IW at 324 (to 344), X from
        // position 3 read at 339 reaches it at 344: ABC at 344..663; row j ready at 364 + j, ACC at 364 puts it on
        // e0..e3 at 366 + j; plane p is written at position 10 + p at 376 + p + j.
        String program = """
                .data W, mem.w43, 0, i8, %s
                .data X, mem.w42, 0, i8, %s
                .region Y, mem.w35+mem.w34+mem.w33+mem.w32, 0, i32, 102400
                .queue mem.w43
                @0 read w0, W, 320
                .queue mem.w42
                @339 read w1, X, 320
                .queue mxm.w0.0
                @4 lw.i8 0, w0, 320
                @324 iw 0
                .queue mxm.w0.1
                @344 abc.i8 0, w1, 320
                .queue mxm.w0.2
                @364 acc.i32 e0, 0, 320
                .queue mem.w35
                @376 write Y, e0, 320
                .queue mem.w34
                @377 write Y, e1, 320
                .queue mem.w33
                @378 write Y, e2, 320
                .queue mem.w32
                @379 write Y, e3, 320
                """.formatted(list(w), list(x));
        double[] y = Programs.functional(program).region(0, "Y").orElseThrow();
        for (int m = 0; m < L; m++) {
            for (int n = 0; n < L; n++) {
                long exact = 0;
                for (int k = 0; k < L; k++) {
                    exact += x[m * L + k] * w[k * L + n];
                }
                assertThat((long) y[m * L + n]).as("Y[%d][%d]", m, n).isEqualTo(exact);
            }
        }
    }

    /** softmax of one f32 row of 320 values, on the VXM, with the exponentials parked in SRAM for reuse. */
    @Test
    void aSoftmaxRowMatchesItsReference() {
        SplittableRandom r = new SplittableRandom(3L);
        double[] x = new double[L];
        for (int i = 0; i < L; i++) {
            x[i] = (float) r.nextDouble(-8, 8);
        }
        // x plane p lies at position 57 + p; read at t onto w(p) it reaches the VXM (46) at t + 13 + p.
        // 20: vrmax(x) -> m at 32. 32: x again (w8..w11), d = x - m -> 36. 36: e = exp(d) -> 44.
        // 44: s = sum(e) -> 56; e flows east and plane p is written at 47 + p at 45 + p.
        // 56: q = 1 / s -> 64. e plane p read back at 61 - p onto w12+p reaches the VXM at 64: y = e * q -> 68,
        // plane p written at 51 + p at 73 + p.
        String program = """
                .data x, mem.e10+mem.e11+mem.e12+mem.e13, 0, f32, %s
                .region e, mem.e0+mem.e1+mem.e2+mem.e3, 0, f32, 320
                .region y, mem.e4+mem.e5+mem.e6+mem.e7, 0, f32, 320
                .queue mem.e10
                @7 read w0, x
                @19 read w8, x
                .queue mem.e11
                @6 read w1, x
                @18 read w9, x
                .queue mem.e12
                @5 read w2, x
                @17 read w10, x
                .queue mem.e13
                @4 read w3, x
                @16 read w11, x
                .queue vxm.0
                @20 vrmax.f32 e4, w0
                .queue vxm.1
                @32 vsub.f32 e8, w8, e4
                .queue vxm.2
                @36 vexp.f32 e12, e8
                .queue vxm.3
                @44 vrsum.f32 e16, e12
                .queue vxm.4
                @56 vrecip.f32 e20, e16
                .queue vxm.5
                @64 vmul.f32 e24, w12, e20
                .queue mem.e0
                @45 write e, e12
                @61 read w12, e
                .queue mem.e1
                @46 write e, e13
                @60 read w13, e
                .queue mem.e2
                @47 write e, e14
                @59 read w14, e
                .queue mem.e3
                @48 write e, e15
                @58 read w15, e
                .queue mem.e4
                @73 write y, e24
                .queue mem.e5
                @74 write y, e25
                .queue mem.e6
                @75 write y, e26
                .queue mem.e7
                @76 write y, e27
                """.formatted(list(x));
        double[] y = Programs.functional(program).region(0, "y").orElseThrow();
        double max = java.util.Arrays.stream(x).max().orElseThrow();
        double sum = 0;
        for (double v : x) {
            sum += Math.exp(v - max);
        }
        double total = 0;
        for (int i = 0; i < L; i++) {
            double expected = Math.exp(x[i] - max) / sum;
            // five f32 roundings (sub, exp, sum, reciprocal, product): a few units of 2^-24 relative
            assertThat(y[i]).as("y[%d]", i).isCloseTo(expected, org.assertj.core.data.Offset.offset(8e-7 * expected
                    + 1e-30));
            total += y[i];
        }
        assertThat(total).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }
}
