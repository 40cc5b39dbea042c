// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static dev.lockstep.compiler.testing.ReferenceLayer.fp16;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.matmul.MatMulCompiler;
import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.compiler.vector.VectorCompiler;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.program.Region;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.sim.SimResult;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Real data over links, end to end: a GEMV y = x . W with W split by columns over the 8 chips of node-8, each
 * chip's 320 results copied from its kernel's result region into a send lane's staging buffer, sent to chip 0 in
 * one exchange, and copied from chip 0's receive lanes into regions of their own; simulated in functional mode
 * and compared with a plain-Java product of the same fp16-rounded inputs. The compiler predicts the cycles; the
 * simulator must agree.
 */
class LinkDataTest {
    private static final SystemSpec NODE = SystemSpecs.preset("node-8");

    @Test
    void aColumnSplitGemvIsGatheredOntoOneChipWithItsRealValues() {
        int k = 640;
        int chips = 8;
        int n = 320 * chips;
        SplittableRandom r = new SplittableRandom(7);
        double[] x = r.doubles(k, -1, 1).toArray();
        double[] w = r.doubles((long) k * n, -1, 1).toArray();
        SystemBuild b = new SystemBuild(NODE);
        List<List<Moves.Word>> results = new ArrayList<>();
        long computed = 0;
        for (int c = 0; c < chips; c++) {
            double[] part = new double[k * 320];
            for (int row = 0; row < k; row++) {
                System.arraycopy(w, row * n + c * 320, part, row * 320, 320);
            }
            CompiledKernel kernel = MatMulCompiler.compile(NODE.chip(), new MatMul(1, k, 320, DataType.F16), x, part,
                    ScheduleOptions.DEFAULT, b.chip(c).sram());
            computed = Math.max(computed, b.chip(c).place(kernel, 0));
            Region y = kernel.program().chips().get(0).region("Y0_0").orElseThrow();
            results.add(words(y.slices(), y.address()));
            if (c == 0) {
                b.chip(0).addRegion(new Region("part0", y.slices(), y.address(), DataType.F32, 320, false));
            }
        }
        // each chip but 0 puts its 4 result words into send lane 0's staging buffer, then all send at once
        long sent = sendToChip0(b, results, computed);
        // chip 0 received chip c's words on receive lane c - 1; copy each into 4 slices east of the lanes
        long end = sent;
        int[] slices = {30, 31, 32, 33};
        for (int c = 1; c < chips; c++) {
            int address = b.chip(0).takeWords(slices, 1);
            List<Moves.Word> to = words(List.of(30, 31, 32, 33), address);
            end = Moves.fromReceiveStaging(b, 0, c - 1, to, end);
            b.chip(0).addRegion(new Region("part" + c, List.of(30, 31, 32, 33), address, DataType.F32, 320, false));
        }
        SimResult sim = Simulated.exactly(b, 2, end);
        for (int c = 0; c < chips; c++) {
            double[] got = sim.region(0, "part" + c).orElseThrow();
            for (int col = 0; col < 320; col++) {
                double want = 0;
                for (int row = 0; row < k; row++) {
                    want += fp16(x[row]) * fp16(w[row * n + c * 320 + col]);
                }
                assertThat(got[col]).as("chip %d column %d", c, col).isCloseTo(want,
                        Offset.offset(1e-3 * (1 + Math.abs(want))));
            }
        }
    }

    /**
     * A reduce with real data: each of the 8 chips computes y_c = x . W_c (320 columns, the same for every chip's
     * part of the sum), sends it to chip 0, which adds the 8 rows with a sum kernel that reads its inputs where the
     * copies put them (and its own row where its GEMV left it). The sum must be the plain-Java sum of the products.
     */
    @Test
    void partialSumsAreReducedOntoOneChipWithTheirRealValues() {
        int k = 320;
        int chips = 8;
        SplittableRandom r = new SplittableRandom(11);
        double[] x = r.doubles(k, -1, 1).toArray();
        double[][] w = new double[chips][];
        SystemBuild b = new SystemBuild(NODE);
        List<List<Moves.Word>> results = new ArrayList<>();
        Region own = null;
        long computed = 0;
        for (int c = 0; c < chips; c++) {
            w[c] = r.doubles((long) k * 320, -1, 1).toArray();
            CompiledKernel kernel = MatMulCompiler.compile(NODE.chip(), new MatMul(1, k, 320, DataType.F16), x, w[c],
                    ScheduleOptions.DEFAULT, b.chip(c).sram());
            computed = Math.max(computed, b.chip(c).place(kernel, 0));
            Region y = kernel.program().chips().get(0).region("Y0_0").orElseThrow();
            results.add(words(y.slices(), y.address()));
            if (c == 0) {
                own = y;
            }
        }
        long t = sendToChip0(b, results, computed);
        int[] slices = {30, 31, 32, 33};
        VectorGraph g = new VectorGraph(320);
        VectorGraph.Ref acc = g.inputAt(DataType.F32,
                own.slices().stream().mapToInt(Integer::intValue).toArray(), own.address());
        for (int c = 1; c < chips; c++) {
            int address = b.chip(0).takeWords(slices, 1);
            List<Moves.Word> to = words(List.of(30, 31, 32, 33), address);
            t = Moves.fromReceiveStaging(b, 0, c - 1, to, t);
            acc = g.binary(Opcode.VADD, acc, g.inputAt(DataType.F32, slices, address));
        }
        g.output("total", List.of(acc));
        CompiledKernel sum = VectorCompiler.compile(NODE.chip(), g, ScheduleOptions.DEFAULT, b.chip(0).sram());
        long end = b.chip(0).place(sum, t);
        Region total = sum.program().chips().get(0).region("total0").orElseThrow();
        b.chip(0).addRegion(total);
        SimResult sim = Simulated.exactly(b, 2, end);
        double[] got = sim.region(0, "total0").orElseThrow();
        for (int col = 0; col < 320; col++) {
            double want = 0;
            for (int c = 0; c < chips; c++) {
                for (int row = 0; row < k; row++) {
                    want += fp16(x[row]) * fp16(w[c][row * 320 + col]);
                }
            }
            assertThat(got[col]).as("column %d", col).isCloseTo(want, Offset.offset(1e-3 * (1 + Math.abs(want))));
        }
    }

    /** The 4 words of an f32 vector: byte plane p in slice p, all at one address. */
    private static List<Moves.Word> words(List<Integer> slices, int address) {
        List<Moves.Word> out = new ArrayList<>();
        for (int plane = 0; plane < 4; plane++) {
            out.add(new Moves.Word(slices.get(plane), address));
        }
        return out;
    }

    /**
     * Every chip but 0 copies its result words into send lane 0's staging buffer; then all send them to chip 0 in
     * one exchange (chip c's words arrive on chip 0's receive lane c - 1). Returns when the exchange ends.
     */
    private static long sendToChip0(SystemBuild b, List<List<Moves.Word>> results, long computed) {
        long staged = computed;
        List<Exchange.Flow> flows = new ArrayList<>();
        for (int c = 1; c < results.size(); c++) {
            staged = Math.max(staged, Moves.toSendStaging(b, c, results.get(c), computed));
            flows.add(new Exchange.Flow(c, 0, 4));
        }
        return Exchange.run(b, flows, staged);
    }
}
