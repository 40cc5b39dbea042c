// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.vector.VectorCompiler;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.compiler.vector.VectorKernels;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.Simulator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Compiled VXM kernels against plain-Java references written here: each runs without a hazard in exactly the
 * predicted cycles, in both modes, and its results are within the stated tolerance of the reference.
 */
class CompiledVectorOpsTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();
    private static final int C = 700;

    private static double[] random(long seed, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[C];
        for (int i = 0; i < C; i++) {
            v[i] = (float) r.nextDouble(lo, hi);
        }
        return v;
    }

    /** Compiles, simulates, checks cycles and modes, and returns the C output values. */
    private static double[] run(VectorGraph g, List<VectorGraph.Ref> out) {
        g.output("y", out);
        CompiledKernel k = VectorCompiler.compile(TSP, g);
        SimResult f = Simulator.run(TSP, k.program(), SimOptions.functional());
        assertThat(f.cycles()).as("simulated = predicted").isEqualTo(k.predictedCycles());
        assertThat(Simulator.run(TSP, k.program(), SimOptions.timingOnly()).traceHash()).isEqualTo(f.traceHash());
        assertThat(k.predictedCycles()).isGreaterThanOrEqualTo(k.lowerBoundCycles());
        double[] y = new double[C];
        for (int i = 0; i < out.size(); i++) {
            double[] v = f.region(0, "y" + i).orElseThrow();
            System.arraycopy(v, 0, y, i * 320, Math.min(320, C - i * 320));
        }
        return y;
    }

    private static void close(double[] got, double[] expected, double relative) {
        for (int i = 0; i < expected.length; i++) {
            assertThat(Math.abs(got[i] - expected[i])).as("element %d: %s vs %s", i, got[i], expected[i])
                    .isLessThanOrEqualTo(relative * Math.abs(expected[i]) + 1e-30);
        }
    }

    @Test
    void addAndMultiplyAreExactToF32Rounding() {
        double[] a = random(1, -4, 4);
        double[] b = random(2, -4, 4);
        for (Opcode op : new Opcode[] {Opcode.VADD, Opcode.VMUL}) {
            BiFunction<Double, Double, Double> f = op == Opcode.VADD ? Double::sum : (x, y) -> x * y;
            VectorGraph g = new VectorGraph(320);
            double[] y = run(g, VectorKernels.elementwise(g, op, VectorKernels.row(g, a, 0), VectorKernels.row(g, b, 0)));
            double[] expected = new double[C];
            for (int i = 0; i < C; i++) {
                expected[i] = (float) (double) f.apply(a[i], b[i]);
            }
            assertThat(y).containsExactly(expected);
        }
    }

    @Test
    void swigluMatchesItsReference() {
        double[] gate = random(3, -6, 6);
        double[] up = random(4, -2, 2);
        VectorGraph g = new VectorGraph(320);
        double[] y = run(g, VectorKernels.swiglu(g, VectorKernels.row(g, gate, 0), VectorKernels.row(g, up, 0)));
        double[] expected = new double[C];
        for (int i = 0; i < C; i++) {
            expected[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
        }
        // three f32 roundings (sigmoid, two products): 2^-24 each, relative
        close(y, expected, 3 * 0x1p-24 * 1.01);
    }

    @Test
    void rmsnormMatchesItsReference() {
        double[] x = random(5, -3, 3);
        double[] gamma = random(6, 0.5, 1.5);
        VectorGraph g = new VectorGraph(320);
        double[] y = run(g, VectorKernels.rmsnorm(g, VectorKernels.row(g, x, 0), VectorKernels.row(g, gamma, 0), C,
                1e-5f));
        double ms = 0;
        for (double v : x) {
            ms += v * v;
        }
        double r = 1 / Math.sqrt(ms / C + 1e-5);
        double[] expected = new double[C];
        for (int i = 0; i < C; i++) {
            expected[i] = x[i] * r * gamma[i];
        }
        // squares, sums, mean, eps, rsqrt and two products each round to f32: within 1e-6 relative
        close(y, expected, 1e-6);
    }

    @Test
    void softmaxMatchesItsReference() {
        double[] x = random(7, -10, 10);
        VectorGraph g = new VectorGraph(320);
        double[] y = run(g, VectorKernels.softmax(g, VectorKernels.row(g, x, Double.NEGATIVE_INFINITY)));
        double max = java.util.Arrays.stream(x).max().orElseThrow();
        double sum = java.util.Arrays.stream(x).map(v -> Math.exp(v - max)).sum();
        for (int i = 0; i < C; i++) {
            double expected = Math.exp(x[i] - max) / sum;
            // x - max rounds to f32 (an absolute error of up to 2^-24 |x - max|, which exp turns into a relative
            // one), then exp, the sums, the reciprocal and the product round: a few units of 2^-24 more
            double tolerance = (Math.abs(x[i] - max) + 8) * 0x1p-24 * expected;
            assertThat(Math.abs(y[i] - expected)).as("element %d", i).isLessThanOrEqualTo(tolerance);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3})
    void topKRoutingPicksTheLargestExpertsAndRenormalisesTheirWeights(int k) {
        SplittableRandom r = new SplittableRandom(11 + k);
        for (int trial = 0; trial < 5; trial++) {
            double[] logits = new double[8];
            for (int e = 0; e < 8; e++) {
                logits[e] = (float) r.nextDouble(-3, 3);
            }
            double[] lanes = new double[320];
            for (int l = 0; l < 320; l++) {
                lanes[l] = l;
            }
            VectorGraph g = new VectorGraph(320);
            VectorGraph.Ref gates = VectorKernels.topK(g, g.input(logits, Double.NEGATIVE_INFINITY),
                    g.input(dev.lockstep.isa.DataType.I32, lanes, 0), k);
            g.output("gates", List.of(gates));
            CompiledKernel kernel = VectorCompiler.compile(TSP, g);
            SimResult f = Simulator.run(TSP, kernel.program(), SimOptions.functional());
            assertThat(f.cycles()).isEqualTo(kernel.predictedCycles());
            double[] got = f.region(0, "gates0").orElseThrow();
            // reference: the k largest logits, softmax weights renormalised over them
            Integer[] order = {0, 1, 2, 3, 4, 5, 6, 7};
            java.util.Arrays.sort(order, (a, b) -> Double.compare(logits[b], logits[a]));
            double sum = 0;
            for (int i = 0; i < k; i++) {
                sum += Math.exp(logits[order[i]]);
            }
            double[] expected = new double[320];
            for (int i = 0; i < k; i++) {
                expected[order[i]] = Math.exp(logits[order[i]]) / sum;
            }
            for (int l = 0; l < 320; l++) {
                assertThat(Math.abs(got[l] - expected[l])).as("trial %d lane %d: %s vs %s", trial, l, got[l],
                        expected[l]).isLessThanOrEqualTo(1e-6 * expected[l]);
            }
        }
    }

    @Test
    void longRowsCompileToo() {
        // a row's maximum meets every vector of the row: allocation must still find distinct slices for each pair
        SplittableRandom r = new SplittableRandom(9);
        double[] x = new double[6000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-5, 5);
        }
        VectorGraph g = new VectorGraph(320);
        List<VectorGraph.Ref> out = VectorKernels.softmax(g, VectorKernels.row(g, x, Double.NEGATIVE_INFINITY));
        g.output("y", out);
        CompiledKernel k = VectorCompiler.compile(TSP, g);
        SimResult f = Simulator.run(TSP, k.program(), SimOptions.functional());
        assertThat(f.cycles()).isEqualTo(k.predictedCycles());
        double max = java.util.Arrays.stream(x).max().orElseThrow();
        double sum = java.util.Arrays.stream(x).map(v -> Math.exp(v - max)).sum();
        for (int i = 0; i < x.length; i++) {
            double y = f.region(0, "y" + i / 320).orElseThrow()[i % 320];
            double expected = Math.exp(x[i] - max) / sum;
            assertThat(Math.abs(y - expected)).isLessThanOrEqualTo((Math.abs(x[i] - max) + 8) * 0x1p-24 * expected);
        }
    }

    @Test
    void ropeRotatesEachHeadsHalvesByItsPositionsAngles() {
        // 7 heads of 128 (896 values): heads straddle the 320-lane vectors
        int n = 896;
        int position = 37;
        SplittableRandom r = new SplittableRandom(13);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextDouble(-2, 2);
        }
        VectorGraph g = new VectorGraph(320);
        List<VectorGraph.Ref> out = VectorKernels.rope(g, VectorKernels.row(g, x, 0), n, 128, position, 10000.0);
        g.output("y", out);
        CompiledKernel k = VectorCompiler.compile(TSP, g);
        SimResult f = Simulator.run(TSP, k.program(), SimOptions.functional());
        assertThat(f.cycles()).isEqualTo(k.predictedCycles());
        for (int i = 0; i < n; i++) {
            int j = i % 128;
            double angle = position * Math.pow(10000.0, -2.0 * (j % 64) / 128);
            double partner = j < 64 ? -x[i + 64] : x[i - 64];
            double expected = x[i] * Math.cos(angle) + partner * Math.sin(angle);
            double got = f.region(0, "y" + i / 320).orElseThrow()[i % 320];
            // cos and sin are stored in f32, and two products and two sums round to f32
            assertThat(Math.abs(got - expected)).as("element %d", i)
                    .isLessThanOrEqualTo(8 * 0x1p-24 * (Math.abs(x[i]) + Math.abs(partner)));
        }
    }

    @Test
    void withoutChainingEveryInputComesBackFromSramAndTheResultIsTheSame() {
        double[] x = random(5, -3, 3);
        double[] gamma = random(6, 0.5, 1.5);
        VectorGraph chained = new VectorGraph(320);
        List<VectorGraph.Ref> a = VectorKernels.rmsnorm(chained, VectorKernels.row(chained, x, 0),
                VectorKernels.row(chained, gamma, 0), C, 1e-5f);
        double[] fast = run(chained, a);
        long fastCycles = VectorCompiler.compile(TSP, chained).predictedCycles();
        VectorGraph plain = new VectorGraph(320);
        List<VectorGraph.Ref> b = VectorKernels.rmsnorm(plain, VectorKernels.row(plain, x, 0),
                VectorKernels.row(plain, gamma, 0), C, 1e-5f);
        plain.output("y", b);
        CompiledKernel k = VectorCompiler.compile(TSP, plain, new dev.lockstep.compiler.ScheduleOptions(true, true,
                false));
        SimResult f = Simulator.run(TSP, k.program(), SimOptions.functional());
        assertThat(f.cycles()).isEqualTo(k.predictedCycles()).isGreaterThan(fastCycles);
        for (int i = 0; i < C; i++) {
            assertThat(f.region(0, "y" + i / 320).orElseThrow()[i % 320]).isEqualTo(fast[i]);
        }
    }

    /**
     * Inputs already in SRAM that share slices (two rows at two addresses of the same four slices) cannot both be
     * read in one cycle: the compiler copies one of them first, and the sum still comes out right; an f16 result
     * pinned where a later kernel reads it holds the sum rounded to f16.
     */
    @Test
    void placedInputsInOneSliceAreSeparatedAndAPinnedF16ResultLandsWhereAsked() {
        double[] a = random(7, -2, 2);
        double[] b = random(8, -2, 2);
        int[] slices = {10, 11, 12, 13};
        VectorGraph g = new VectorGraph(320);
        VectorGraph.Ref x = g.inputAt(dev.lockstep.isa.DataType.F32, slices, 0);
        VectorGraph.Ref y = g.inputAt(dev.lockstep.isa.DataType.F32, slices, 1);
        VectorGraph.Ref sum = g.binary(Opcode.VADD, x, y);
        g.pin(g.convert(sum, dev.lockstep.isa.DataType.F16), new int[] {20, 21}, 5);
        g.output("y", List.of(sum));
        dev.lockstep.compiler.SramMap taken = dev.lockstep.compiler.SramMap.empty(TSP);
        for (int p : new int[] {10, 11, 12, 13}) {
            taken = taken.raise(p, 2);
        }
        for (int p : new int[] {20, 21}) {
            taken = taken.raise(p, 6);
        }
        CompiledKernel k = VectorCompiler.compile(TSP, g, dev.lockstep.compiler.ScheduleOptions.DEFAULT, taken);
        var cp = k.program().chips().get(0);
        List<dev.lockstep.isa.program.DataBlock> data = new java.util.ArrayList<>(cp.data());
        for (int row = 0; row < 2; row++) {
            double[] v = java.util.Arrays.copyOf(row == 0 ? a : b, 320);
            byte[][] planes = dev.lockstep.isa.semantics.Lanes.fromFloats(dev.lockstep.isa.DataType.F32, v);
            for (int p = 0; p < 4; p++) {
                data.add(new dev.lockstep.isa.program.DataBlock(slices[p], row, planes[p]));
            }
        }
        List<dev.lockstep.isa.program.Region> regions = new java.util.ArrayList<>(cp.regions());
        regions.add(new dev.lockstep.isa.program.Region("h", List.of(20, 21), 5, dev.lockstep.isa.DataType.F16, 320,
                false));
        var program = new dev.lockstep.isa.program.Program(TSP.name(), 320, List.of(), List.of(),
                List.of(new dev.lockstep.isa.program.ChipProgram(0, cp.queues(), data, regions)));
        SimResult f = Simulator.run(TSP, program, SimOptions.functional());
        assertThat(f.cycles()).isEqualTo(k.predictedCycles());
        long moves = 0;
        for (var q : cp.queues()) {
            for (int i = 0; i < q.size(); i++) {
                moves += dev.lockstep.isa.Instruction.decode(q.word(i)).opcode() == Opcode.VMOV ? 1 : 0;
            }
        }
        assertThat(moves).as("one input copied out of the shared slices").isEqualTo(1);
        double[] got = f.region(0, "y0").orElseThrow();
        double[] half = f.region(0, "h").orElseThrow();
        for (int l = 0; l < 320; l++) {
            double want = (float) ((float) a[l] + (float) b[l]);
            assertThat(got[l]).as("lane %d", l).isEqualTo(want);
            assertThat(half[l]).as("lane %d in f16", l).isEqualTo(
                    (double) dev.lockstep.isa.Fp16.toFloat(dev.lockstep.isa.Fp16.fromDouble(want)));
        }
    }
}
