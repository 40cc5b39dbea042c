// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

import static dev.lockstep.compiler.testing.ReferenceLayer.fp16;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.compiler.testing.TestSystems;
import dev.lockstep.isa.DataType;
import dev.lockstep.sim.SimResult;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * A product over another product's weights (what a prefill chunk runs): a GEMV is compiled with W as its data;
 * then a product of 24 rows reads that W where it lies, with its own X; both run one after the other on one chip,
 * and the second's results equal the plain-Java product of its rows with W, in exactly the predicted cycles.
 */
class OnWeightsTest {
    @Test
    void aProductOfManyRowsReadsTheWeightsAGemvPlaced() {
        int k = 480;
        int n = 1000;
        int m = 24;
        SplittableRandom r = new SplittableRandom(17);
        double[] w = r.doubles((long) k * n, -1, 1).toArray();
        double[] x1 = r.doubles(k, -1, 1).toArray();
        double[] xm = r.doubles((long) m * k, -1, 1).toArray();
        SystemBuild b = new SystemBuild(TestSystems.ONE_CHIP);
        MatMulCompiler.WithWeights gemv = MatMulCompiler.compileKeepingWeights(b.chip(), new MatMul(1, k, n,
                DataType.F16), x1, w, ScheduleOptions.DEFAULT, b.chip(0).sram());
        long t = b.chip(0).place(gemv.kernel(), 0);
        CompiledKernel rows = MatMulCompiler.compileOnWeights(b.chip(), gemv.weights(), m, 0, xm,
                ScheduleOptions.DEFAULT, b.chip(0).sram());
        long end = b.chip(0).place(rows, t);
        var cp = rows.program().chips().get(0);
        cp.regions().forEach(b.chip(0)::addRegion);
        SimResult sim = Simulated.exactly(b, 1, end);
        for (int nt = 0; nt * 320 < n; nt++) {
            double[] y = sim.region(0, "Y" + nt + "_0").orElseThrow();
            for (int row = 0; row < m; row++) {
                for (int c = 0; c < 320 && nt * 320 + c < n; c++) {
                    double want = 0;
                    for (int i = 0; i < k; i++) {
                        want += fp16(xm[row * k + i]) * fp16(w[i * n + nt * 320 + c]);
                    }
                    assertThat(y[row * 320 + c]).as("row %d column %d", row, nt * 320 + c)
                            .isCloseTo(want, Offset.offset(1e-3 * (1 + Math.abs(want))));
                }
            }
        }
    }
}
