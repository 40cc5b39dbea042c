// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.dataflow;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.matmul.MatMulCompiler;
import dev.lockstep.compiler.matmul.MatMulLayout;
import dev.lockstep.compiler.system.ChipBuild;
import dev.lockstep.compiler.vector.VectorCompiler;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.program.Region;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Kernels with real data, one after another on one chip, each reading what the ones before it left in SRAM:
 * <ul>
 *   <li>a <b>vector step</b> compiles one {@link VectorGraph} that reads its input rows in place and leaves its
 *       output rows for later steps;</li>
 *   <li>a <b>product</b> (fp16) is compiled once with its weights as initial data and placed again on every later
 *       use; before each use, a vector step converts the X rows to f16 and writes them into the product's X tiles
 *       (one copy per unit), so its results are Y rows for later steps.</li>
 * </ul>
 * Each piece starts when the one before it has ended (the chip's cursor); the program's cycles are exact, and so
 * is the predicted end, which the simulator must reproduce.
 */
public final class ChipDataflow {
    private final ChipSpec chip;
    private final ChipBuild build;
    /** Each product by name: its layout, and the shape and weights array it was compiled with. */
    private final Map<String, Product> products = new LinkedHashMap<>();

    private record Product(MatMulLayout layout, List<Integer> shape, double[] weights) {
    }

    /** Each product over weights chosen by data, by name: its kernels and index, and what it was compiled with. */
    private final Map<String, ChosenProduct> chosenProducts = new LinkedHashMap<>();

    private record ChosenProduct(MatMulCompiler.ChosenWired wired, List<Integer> shape, double[][] weights) {
    }

    private long t;
    private int steps;
    private long productCycles;
    private long wiringCycles;
    private long vectorCycles;

    public ChipDataflow(ChipSpec chip, ChipBuild build, long start) {
        this.chip = chip;
        this.build = build;
        this.t = start;
    }

    /** The cycle at which everything placed so far has ended. */
    public long end() {
        return t;
    }

    /** Cycles spent in products (the MXM kernels themselves). */
    public long productCycles() {
        return productCycles;
    }

    /**
     * Cycles spent wiring: converting rows to f16 into products' X tiles and updating caches in place (the steps of
     * {@link #effects}; the timing-only run places the same steps, on rows where earlier kernels of its run left them
     * or on placeholder rows: {@link VectorStep#placeholder}, {@link CacheAppend}).
     */
    public long wiringCycles() {
        return wiringCycles;
    }

    /** Cycles spent in vector steps with outputs (norms, RoPE, softmax, SwiGLU, residuals, routing, ...). */
    public long vectorCycles() {
        return vectorCycles;
    }

    /** The chip's build (for exchanges between steps). */
    public ChipBuild build() {
        return build;
    }

    /** Moves the cursor to {@code cycle} if that is later (work placed on the chip by others, e.g. copies). */
    public void waitUntil(long cycle) {
        t = Math.max(t, cycle);
    }

    /** Output of a vector step: its vectors, aligned, and how many values they hold. */
    public record Out(List<VectorGraph.Ref> vectors, int length) {
    }

    /**
     * A vector step: its outputs become rows (lanes past their values cleared) in SRAM of their own (an output that
     * is an input read in place is copied). An output in f16 must come from an f32 row whose lanes past its values
     * are 0 already ({@link VectorStep#row}; {@link #toF16}).
     */
    public List<Row> vectors(Function<VectorStep, List<Out>> body) {
        long before = t;
        List<Row> rows = compileAndPlace(body);
        vectorCycles += t - before;
        return rows;
    }

    private List<Row> compileAndPlace(Function<VectorStep, List<Out>> body) {
        VectorStep s = new VectorStep(chip.vectorBytes());
        List<Out> outs = body.apply(s);
        String prefix = "s" + steps++ + "_";
        for (int o = 0; o < outs.size(); o++) {
            s.graph().output(prefix + o + "_", s.output(outs.get(o).vectors(), outs.get(o).length()));
        }
        CompiledKernel k = VectorCompiler.compile(chip, s.graph(), ScheduleOptions.DEFAULT, build.sram());
        t = build.place(k, t);
        List<Row> rows = new ArrayList<>();
        for (int o = 0; o < outs.size(); o++) {
            List<Region> vectors = new ArrayList<>();
            for (int i = 0; i < outs.get(o).vectors().size(); i++) {
                vectors.add(k.program().chips().get(0).region(prefix + o + "_" + i).orElseThrow());
            }
            rows.add(Row.of(vectors, outs.get(o).length()));
        }
        return rows;
    }

    /**
     * The row in f16, for a consumer that takes f16 (a product's X tiles) on another chip: half the words to carry.
     * The product rounds its inputs to f16 anyway, so its inputs are bit for bit the same as from the f32 row.
     */
    public Row toF16(Row r) {
        return vectors(s -> {
            List<VectorGraph.Ref> half = new ArrayList<>();
            for (VectorGraph.Ref v : s.row(r)) {
                half.add(s.graph().convert(v, DataType.F16));
            }
            return List.of(new Out(half, r.length()));
        }).get(0);
    }

    /** A vector step with no output rows (it writes where it pins its results). */
    public void effects(Consumer<VectorStep> body) {
        long before = t;
        compileAndPlace(s -> {
            body.accept(s);
            return List.of();
        });
        wiringCycles += t - before;
    }

    /**
     * The product (its kernel, tiles) named {@code name}: compiled on first use with W ([K x N], row-major, fp16)
     * as initial data, reused after.
     */
    public MatMulLayout product(String name, int m, int k, int n, double[] w) {
        Product p = products.get(name);
        List<Integer> shape = List.of(m, k, n);
        if (p == null) {
            MatMulLayout l = MatMulCompiler.compileWired(chip, new MatMul(m, k, n, DataType.F16), w,
                    ScheduleOptions.DEFAULT, build.sram());
            build.reserve(l.kernel());
            p = new Product(l, shape, w);
            products.put(name, p);
        } else if (!p.shape().equals(shape) || p.weights() != w) {
            // a product is compiled once with its weights array; a later use must pass the same shape and array
            throw new IllegalArgumentException("product " + name + " was compiled as M, K, N = " + p.shape()
                    + " with other weights or shape than this use's " + shape);
        }
        return p.layout();
    }

    /**
     * Y = X . W for the product {@code name} (see {@link #product}): X has one row per entry of {@code x}, each the
     * concatenation of its parts (K values in all); returns Y's rows (N values each).
     */
    public List<Row> matmul(String name, List<List<Row>> x, int k, int n, double[] w) {
        MatMulLayout l = product(name, x.size(), k, n, w);
        effects(s -> s.writeX(x, l.xTiles()));
        long before = t;
        t = build.place(l.kernel(), t);
        productCycles += t - before;
        List<Row> out = new ArrayList<>();
        for (int r = 0; r < x.size(); r++) {
            List<Region> vectors = new ArrayList<>();
            for (Region y : l.y()) {
                vectors.add(new Region("", y.slices(), y.address() + r, y.dtype(), VectorStep.LANES, false));
            }
            out.add(Row.of(vectors, n));
        }
        return out;
    }

    /**
     * Y = X . W[e] for the product {@code name} over copies {@code w} (one [K x N] matrix each, fp16) of which
     * lane {@code slot} (of {@code slots}) of {@code index} (a row of u16 values, as
     * {@link dev.lockstep.compiler.vector.VectorKernels#topKChosen} leaves it) names e: compiled on first use, one
     * schedule for every choice; before each use a vector step writes X into its X tiles and the index where the
     * product's prologue reads it. One row of X.
     */
    public Row matmulChosen(String name, Row x, int k, int n, double[][] w, Row index, int slots, int slot) {
        ChosenProduct p = chosenProducts.get(name);
        List<Integer> shape = List.of(k, n, w.length);
        if (p == null) {
            MatMulCompiler.ChosenWired c = MatMulCompiler.compileChosenWired(chip, new MatMul(1, k, n,
                    DataType.F16), w, ScheduleOptions.DEFAULT, build.sram(), w.length, slots);
            build.reserve(c.slots().get(0));
            for (CompiledKernel other : c.slots().subList(1, c.slots().size())) {
                build.reserveSharing(other, c.slots().get(0));
            }
            p = new ChosenProduct(c, shape, w);
            chosenProducts.put(name, p);
        } else if (!p.shape().equals(shape) || p.weights() != w) {
            throw new IllegalArgumentException("product " + name + " was compiled as K, N, copies = " + p.shape()
                    + " with other weights or shape than this use's " + shape);
        }
        MatMulCompiler.ChosenWired c = p.wired();
        MatMulLayout l = c.layout();
        effects(s -> {
            s.writeX(List.of(List.of(x)), l.xTiles());
            VectorGraph.Ref idx = s.graph().unary(Opcode.VMOV, s.at(index.vectors().get(0)));
            s.graph().pin(idx, c.index().slices().stream().mapToInt(Integer::intValue).toArray(),
                    c.index().address());
        });
        long before = t;
        t = build.place(c.slots().get(slot), t);
        productCycles += t - before;
        List<Region> vectors = new ArrayList<>();
        for (Region y : l.y()) {
            vectors.add(new Region("", y.slices(), y.address(), y.dtype(), VectorStep.LANES, false));
        }
        return Row.of(vectors, n);
    }

    /** Names the row's vectors as regions {@code name<i>} of the chip's program (to read them after a run). */
    public void name(String name, Row row) {
        if (row.offset() != 0) {
            throw new IllegalArgumentException("name a whole row");
        }
        for (int i = 0; i < row.vectors().size(); i++) {
            Region v = row.vectors().get(i);
            build.addRegion(new Region(name + i, v.slices(), v.address(), v.dtype(), VectorStep.LANES, false));
        }
    }
}
