// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.vector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.testing.RandomData;
import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Fp16;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.DataBlock;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.Region;
import dev.lockstep.isa.semantics.Lanes;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.Simulator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compiled VXM kernels against plain-Java references written here: each runs without a hazard in exactly the
 * predicted cycles, in both modes, and its results are within the stated tolerance of the reference.
 */
class CompiledVectorOpsTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();
    private static final int C = 700;

    /** C values uniform in [lo, hi), rounded to f32. */
    private static double[] random(long seed, double lo, double hi) {
        return RandomData.floats(seed, C, lo, hi);
    }

    /** Compiles, simulates, checks cycles and modes, and returns the C output values. */
    private static double[] run(VectorGraph g, List<VectorGraph.Ref> out) {
        g.output("y", out);
        CompiledKernel k = VectorCompiler.compile(TSP, g);
        SimResult f = Simulated.exactlyInBothModes(TSP, k);
        return Simulated.row(f, 0, "y", C);
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
        double max = Arrays.stream(x).max().orElseThrow();
        double sum = Arrays.stream(x).map(v -> Math.exp(v - max)).sum();
        for (int i = 0; i < C; i++) {
            double expected = Math.exp(x[i] - max) / sum;
            // x - max rounds to f32 (an absolute error of up to 2^-24 |x - max|, which exp turns into a relative
            // one), then exp, the sums, the reciprocal and the product round: a few units of 2^-24 more
            double tolerance = (Math.abs(x[i] - max) + 8) * 0x1p-24 * expected;
            assertThat(Math.abs(y[i] - expected)).as("element %d", i).isLessThanOrEqualTo(tolerance);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void topKRoutingPicksTheLargestExpertsAndRenormalisesTheirWeights(int k) {
        SplittableRandom r = new SplittableRandom(11 + k);
        for (int trial = 0; trial < 5; trial++) {
            double[] logits = RandomData.floats(r, 8, -3, 3);
            double[] lanes = new double[320];
            for (int l = 0; l < 320; l++) {
                lanes[l] = l;
            }
            VectorGraph g = new VectorGraph(320);
            VectorGraph.Ref gates = VectorKernels.topK(g, g.input(logits, Double.NEGATIVE_INFINITY),
                    g.input(DataType.I32, lanes, 0), k);
            g.output("gates", List.of(gates));
            SimResult f = Simulated.exactly(TSP, VectorCompiler.compile(TSP, g));
            double[] got = f.region(0, "gates0").orElseThrow();
            // reference: the k largest logits, softmax weights renormalised over them
            Integer[] order = {0, 1, 2, 3, 4, 5, 6, 7};
            Arrays.sort(order, (a, b) -> Double.compare(logits[b], logits[a]));
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
        double[] x = RandomData.floats(9, 6000, -5, 5);
        VectorGraph g = new VectorGraph(320);
        List<VectorGraph.Ref> out = VectorKernels.softmax(g, VectorKernels.row(g, x, Double.NEGATIVE_INFINITY));
        g.output("y", out);
        double[] y = Simulated.row(Simulated.exactly(TSP, VectorCompiler.compile(TSP, g)), 0, "y", x.length);
        double max = Arrays.stream(x).max().orElseThrow();
        double sum = Arrays.stream(x).map(v -> Math.exp(v - max)).sum();
        for (int i = 0; i < x.length; i++) {
            double expected = Math.exp(x[i] - max) / sum;
            assertThat(Math.abs(y[i] - expected)).isLessThanOrEqualTo((Math.abs(x[i] - max) + 8) * 0x1p-24 * expected);
        }
    }

    @Test
    void ropeRotatesEachHeadsHalvesByItsPositionsAngles() {
        // 7 heads of 128 (896 values): heads straddle the 320-lane vectors
        int n = 896;
        int position = 37;
        double[] x = RandomData.floats(13, n, -2, 2);
        VectorGraph g = new VectorGraph(320);
        List<VectorGraph.Ref> out = VectorKernels.rope(g, VectorKernels.row(g, x, 0), n, 128, position, 10000.0);
        g.output("y", out);
        double[] y = Simulated.row(Simulated.exactly(TSP, VectorCompiler.compile(TSP, g)), 0, "y", n);
        for (int i = 0; i < n; i++) {
            int j = i % 128;
            double angle = position * Math.pow(10000.0, -2.0 * (j % 64) / 128);
            double partner = j < 64 ? -x[i + 64] : x[i - 64];
            double expected = x[i] * Math.cos(angle) + partner * Math.sin(angle);
            double got = y[i];
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
        CompiledKernel k = VectorCompiler.compile(TSP, plain, new ScheduleOptions(true, true, false));
        SimResult f = Simulated.exactly(TSP, k);
        assertThat(f.cycles()).isGreaterThan(fastCycles);
        double[] slow = Simulated.row(f, 0, "y", C);
        for (int i = 0; i < C; i++) {
            assertThat(slow[i]).isEqualTo(fast[i]);
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
        VectorGraph.Ref x = g.inputAt(DataType.F32, slices, 0);
        VectorGraph.Ref y = g.inputAt(DataType.F32, slices, 1);
        VectorGraph.Ref sum = g.binary(Opcode.VADD, x, y);
        g.pin(g.convert(sum, DataType.F16), new int[] {20, 21}, 5);
        g.output("y", List.of(sum));
        SramMap taken = SramMap.empty(TSP);
        for (int p : new int[] {10, 11, 12, 13}) {
            taken = taken.raise(p, 2);
        }
        for (int p : new int[] {20, 21}) {
            taken = taken.raise(p, 6);
        }
        CompiledKernel k = VectorCompiler.compile(TSP, g, ScheduleOptions.DEFAULT, taken);
        ChipProgram cp = k.program().chips().get(0);
        List<DataBlock> data = new ArrayList<>(cp.data());
        for (int row = 0; row < 2; row++) {
            double[] v = Arrays.copyOf(row == 0 ? a : b, 320);
            byte[][] planes = Lanes.fromFloats(DataType.F32, v);
            for (int p = 0; p < 4; p++) {
                data.add(new DataBlock(slices[p], row, planes[p]));
            }
        }
        List<Region> regions = new ArrayList<>(cp.regions());
        regions.add(new Region("h", List.of(20, 21), 5, DataType.F16, 320, false));
        Program program = new Program(TSP.name(), 320, List.of(), List.of(),
                List.of(new ChipProgram(0, cp.queues(), data, regions)));
        SimResult f = Simulator.run(TSP, program, SimOptions.functional());
        assertThat(f.cycles()).isEqualTo(k.predictedCycles());
        long moves = 0;
        for (var q : cp.queues()) {
            for (int i = 0; i < q.size(); i++) {
                moves += Instruction.decode(q.word(i)).opcode() == Opcode.VMOV ? 1 : 0;
            }
        }
        assertThat(moves).as("one input copied out of the shared slices").isEqualTo(1);
        double[] got = f.region(0, "y0").orElseThrow();
        double[] half = f.region(0, "h").orElseThrow();
        for (int l = 0; l < 320; l++) {
            double want = (float) ((float) a[l] + (float) b[l]);
            assertThat(got[l]).as("lane %d", l).isEqualTo(want);
            assertThat(half[l]).as("lane %d in f16", l).isEqualTo((double) Fp16.toFloat(Fp16.fromDouble(want)));
        }
    }

    /**
     * A row read where an index says ({@link VectorGraph#inputIndexed}): a table of five f16 rows of two vectors, each
     * vector's planes in two slices at one address per token (one vector west of the VXM, one east), read at the
     * token an f32 input names, converted to i16 by the kernel (so the index's planes are placed by the compiler and
     * its prologue sets bases both ways) or given in place as i16: each token gives its own row, bit for bit, in the
     * predicted cycles, with {@code base} and {@code readb} doing it.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 3, 4})
    void aRowIsReadWhereAnIndexSays(int token) {
        int tokens = 5;
        int[][] planes = {{10, 11}, {70, 71}};
        int base = 40;
        double[][][] table = new double[tokens][2][];
        for (int t = 0; t < tokens; t++) {
            for (int v = 0; v < 2; v++) {
                table[t][v] = RandomData.floats(100 + 2 * t + v, 320, -2, 2);
            }
        }
        for (boolean computed : new boolean[] {true, false}) {
            VectorGraph g = new VectorGraph(320);
            VectorGraph.Ref index = computed ? g.convert(g.input(new double[] {token}, 0), DataType.I16)
                    : g.inputAt(DataType.I16, new int[] {30, 31}, 7);
            List<VectorGraph.Ref> row = new ArrayList<>();
            for (int v = 0; v < 2; v++) {
                row.add(g.convert(g.inputIndexed(DataType.F16, planes[v], base, index), DataType.F32));
            }
            g.output("y", row);
            SramMap taken = SramMap.empty(TSP);
            for (int[] pl : planes) {
                for (int p : pl) {
                    taken = taken.raise(p, base + tokens);
                }
            }
            taken = taken.raise(30, 8).raise(31, 8);
            CompiledKernel k = VectorCompiler.compile(TSP, g, ScheduleOptions.DEFAULT, taken);
            ChipProgram cp = k.program().chips().get(0);
            List<DataBlock> data = new ArrayList<>(cp.data());
            for (int t = 0; t < tokens; t++) {
                for (int v = 0; v < 2; v++) {
                    byte[][] b = Lanes.fromFloats(DataType.F16, table[t][v]);
                    data.add(new DataBlock(planes[v][0], base + t, b[0]));
                    data.add(new DataBlock(planes[v][1], base + t, b[1]));
                }
            }
            if (!computed) {
                long[] i16 = new long[320];
                i16[0] = token;
                byte[][] b = Lanes.fromInts(DataType.I16, i16);
                data.add(new DataBlock(30, 7, b[0]));
                data.add(new DataBlock(31, 7, b[1]));
            }
            Program program = new Program(TSP.name(), 320, List.of(), List.of(),
                    List.of(new ChipProgram(0, cp.queues(), data, cp.regions())));
            SimResult f = Simulator.run(TSP, program, SimOptions.functional());
            assertThat(f.cycles()).isEqualTo(k.predictedCycles());
            long bases = 0;
            long indexedReads = 0;
            for (var q : cp.queues()) {
                for (int i = 0; i < q.size(); i++) {
                    Opcode op = Instruction.decode(q.word(i)).opcode();
                    bases += op == Opcode.BASE ? 1 : 0;
                    indexedReads += op == Opcode.READB ? 1 : 0;
                }
            }
            assertThat(bases).as("a base on each of the four slices read").isEqualTo(4);
            assertThat(indexedReads).as("a readb of each plane").isEqualTo(4);
            for (int v = 0; v < 2; v++) {
                double[] got = f.region(0, "y" + v).orElseThrow();
                for (int l = 0; l < 320; l++) {
                    assertThat(got[l]).as("computed %s, vector %d lane %d", computed, v, l)
                            .isEqualTo((double) Fp16.toFloat(Fp16.fromDouble(table[token][v][l])));
                }
            }
        }
    }
}
