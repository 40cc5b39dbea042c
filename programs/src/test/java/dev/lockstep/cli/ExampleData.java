// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Fp16;
import dev.lockstep.isa.io.Npy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes the .npy inputs of the GEMM and GEMV examples in programs/asm/data (seeded, so the files are reproducible).
 * Regenerate from the programs module: {@code java -cp target/test-classes:target/lockstep.jar
 * dev.lockstep.cli.ExampleData asm/data}.
 */
public final class ExampleData {
    private ExampleData() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "asm/data");
        SplittableRandom r = new SplittableRandom(20261125L);
        // fp16: W rows k < 160 (wa) and k >= 160 (wb), 320 columns; X rows m, k < 160 (xa) and k >= 160 (xb) in
        // lanes 0..159 of each 320-lane vector.
        short[] wa = new short[160 * 320];
        short[] wb = new short[160 * 320];
        short[] xa = new short[320 * 320];
        short[] xb = new short[320 * 320];
        for (int i = 0; i < wa.length; i++) {
            wa[i] = Fp16.fromDouble(r.nextDouble(-1, 1));
            wb[i] = Fp16.fromDouble(r.nextDouble(-1, 1));
        }
        for (int m = 0; m < 320; m++) {
            for (int k = 0; k < 160; k++) {
                xa[m * 320 + k] = Fp16.fromDouble(r.nextDouble(-1, 1));
                xb[m * 320 + k] = Fp16.fromDouble(r.nextDouble(-1, 1));
            }
        }
        f16(dir.resolve("gemm-fp16-wa.npy"), wa, 160);
        f16(dir.resolve("gemm-fp16-wb.npy"), wb, 160);
        f16(dir.resolve("gemm-fp16-xa.npy"), xa, 320);
        f16(dir.resolve("gemm-fp16-xb.npy"), xb, 320);
        byte[] w = new byte[320 * 320];
        byte[] x = new byte[320 * 320];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) (r.nextInt(256) - 128);
            x[i] = (byte) (r.nextInt(256) - 128);
        }
        Npy.write(dir.resolve("gemm-int8-w.npy"), DataType.I8, new long[] {320, 320}, w);
        Npy.write(dir.resolve("gemm-int8-x.npy"), DataType.I8, new long[] {320, 320}, x);
        // gemv-tile's two weight rows (not random): r0[n] = 1 and r1[n] = n / 64, exact in f16
        short[] r0 = new short[320];
        short[] r1 = new short[320];
        for (int n = 0; n < 320; n++) {
            r0[n] = Fp16.fromDouble(1);
            r1[n] = Fp16.fromDouble(n / 64.0);
        }
        f16(dir.resolve("gemv-tile-r0.npy"), r0, 1);
        f16(dir.resolve("gemv-tile-r1.npy"), r1, 1);
    }

    private static void f16(Path file, short[] values, int rows) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : values) {
            b.putShort(v);
        }
        Npy.write(file, DataType.F16, new long[] {rows, 320}, b.array());
    }
}
