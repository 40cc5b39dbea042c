// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.dataflow.CacheAppend;
import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.dataflow.RowCuts;
import dev.lockstep.compiler.dataflow.VectorStep;
import dev.lockstep.compiler.graph.Tensor;
import dev.lockstep.compiler.graph.TensorId;
import dev.lockstep.compiler.matmul.MatMulCompiler;
import dev.lockstep.compiler.matmul.WeightTiles;
import dev.lockstep.compiler.matmul.XTiles;
import dev.lockstep.compiler.vector.VectorCompiler;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.program.Region;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The kernels of a decode step, compiled without data (for timing-only simulation) into the SRAM a chip has left,
 * and cached: chips that hold the same tensors in the same places share one compiled kernel. Here the products (over
 * weights, chosen experts' weights, caches; a prefill chunk's over a decode product's weights), their wiring and the
 * caches' append; the vector kernels in {@link VectorLibrary} ({@link #vectors}), which reads its source rows as
 * {@link SourceRows} says. A library compiles its vector kernels for its rows at once (1 for decode, a prefill chunk's
 * rows); {@link #withRows} gives a view for other rows that shares the cache. {@link #withValues} gives a view that
 * compiles one chip's kernels with data ({@link KernelValues}: weights and norm gains as initial contents): the same
 * graphs and schedules, the same SRAM, other constants; such a view reads no placeholder row but the layer's input.
 */
final class KernelLibrary {
    /**
     * A weight product's identity: its tensor, shape, type, the SRAM it was compiled into, and the chip whose values it
     * holds ({@link #owner}).
     */
    private record MatMulKey(TensorId tensor, int m, int k, int n, DataType type, SramMap sram, int owner) {
    }

    /** A product over another product's weights: rows, which copy, the SRAM its X and Y take. */
    private record OnWeightsKey(int m, int copy, SramMap scratch) {
    }

    /**
     * The products over copies of a weight tensor of which data chooses one, a kernel per slot (and the chip whose
     * values they hold, {@link #owner}).
     */
    private record ChosenKey(Tensor tensor, int m, int k, int n, DataType type, int copies, int slots, SramMap sram,
                             int owner) {
    }

    /** The products over one cache per sequence. */
    private record CopiesKey(CacheKind cache, int m, int k, int n, int copies, SramMap sram) {
    }

    /**
     * The wiring of a product's rows (by its X tiles, {@link Shared#wiring}; no owner: with values a wiring reads every
     * row in place and holds no constants): its index (null for none), the rows' shapes, the rows it reads in place,
     * its SRAM.
     */
    private record WiringKey(Region index, RowCuts x, List<Optional<Row>> in, SramMap sram) {
    }

    /** The append of rows of K and V to one KV head's caches (by the cache products' identity), from rows so shaped. */
    private record AppendKey(WeightTiles kCache, WeightTiles vCache, int kPosition, int vPosition, RowCuts k,
                             RowCuts v, List<Optional<Row>> kIn, List<Optional<Row>> vIn, SramMap sram) {
    }

    /** Where a product leaves its results: per N tile (row r at address + r), for its M rows of N values. */
    private record Results(List<Region> y, int m, int n) {
    }

    /** What every view of one library shares (and its {@link VectorLibrary}). */
    static final class Shared {
        final Map<MatMulKey, CompiledKernel> products = new HashMap<>();
        final Map<VectorLibrary.VectorKey, CompiledKernel> vectors = new HashMap<>();
        final Map<CopiesKey, List<CompiledKernel>> copies = new HashMap<>();
        final Map<ChosenKey, List<CompiledKernel>> chosen = new HashMap<>();
        /** Where each weights kernel's W lies (looked up by kernel identity, never iterated). */
        final Map<CompiledKernel, WeightTiles> weightsOf = new IdentityHashMap<>();
        final Map<CompiledKernel, Map<OnWeightsKey, CompiledKernel>> onWeights = new IdentityHashMap<>();
        /** Where each product compiled here reads its X, and for weights chosen by data its index. */
        final Map<CompiledKernel, XTiles> xOf = new IdentityHashMap<>();
        final Map<CompiledKernel, Region> indexOf = new IdentityHashMap<>();
        /** By the products' X tiles (their identity: a product's slots and copies share one), then by key. */
        final Map<XTiles, Map<WiringKey, CompiledKernel>> wiring = new IdentityHashMap<>();
        final Map<AppendKey, CompiledKernel> appends = new HashMap<>();
        /** Where each product compiled here leaves Y, and each vector kernel (its {@link #vectors}) its output rows. */
        final Map<CompiledKernel, Results> resultsOf = new IdentityHashMap<>();
        final Map<CompiledKernel, List<Row>> outputsOf = new IdentityHashMap<>();
        long compiled;
    }

    private final ChipSpec chip;
    private final Shared shared;
    private final int rows;
    /** The values its kernels hold; null for none (timing-only: zeros). */
    private final KernelValues values;

    KernelLibrary(ChipSpec chip) {
        this(chip, new Shared(), 1, null);
    }

    private KernelLibrary(ChipSpec chip, Shared shared, int rows, KernelValues values) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be at least 1, got " + rows);
        }
        this.chip = chip;
        this.shared = shared;
        this.rows = rows;
        this.values = values;
    }

    /** This library compiling vector kernels for {@code r} rows at once, sharing this one's cache. */
    KernelLibrary withRows(int r) {
        return r == rows ? this : new KernelLibrary(chip, shared, r, values);
    }

    /**
     * This library compiling one chip's kernels with {@code v}'s values (one row), sharing this one's cache: keyed by
     * the chip, where kernels without values are shared by every chip in the same state.
     */
    KernelLibrary withValues(KernelValues v) {
        if (rows != 1) {
            throw new IllegalArgumentException("kernels with values are a decode step's (one row); this library's "
                    + "are for " + rows);
        }
        return new KernelLibrary(chip, shared, 1, v);
    }

    /** The chip whose values this library's kernels hold; -1 for none. */
    private int owner() {
        return values == null ? -1 : values.chip();
    }

    /** Distinct kernels compiled. */
    long compiled() {
        return shared.compiled;
    }

    private CompiledKernel get(MatMulKey key, Supplier<CompiledKernel> make) {
        CompiledKernel k = shared.products.get(key);
        if (k == null) {
            k = make.get();
            shared.products.put(key, k);
            shared.compiled++;
        }
        return k;
    }

    /** This library's vector kernels, compiled for its rows with its values (a view sharing its cache). */
    VectorLibrary vectors() {
        return new VectorLibrary(chip, shared, rows, reads(), owner());
    }

    /** How this library's kernels read their source rows (with its values, if any). */
    private SourceRows reads() {
        return new SourceRows(values);
    }

    /**
     * Y[M x N] = X[M x K] . W[K x N] with W, the weights {@code tensor}, in SRAM (with values, the tensor's as initial
     * contents; a cache's are zeros either way).
     */
    CompiledKernel matmul(TensorId tensor, int m, int k, int n, DataType type, SramMap sram) {
        return get(new MatMulKey(tensor, m, k, n, type, sram, owner()), () -> {
            double[] data = values == null || tensor.tensor() == Tensor.K_CACHE || tensor.tensor() == Tensor.V_CACHE
                    ? null : values.weights(tensor);
            MatMulCompiler.WithWeights w = MatMulCompiler.compileKeepingWeights(chip, new MatMul(m, k, n, type), null,
                    data, ScheduleOptions.DEFAULT, sram);
            shared.weightsOf.put(w.kernel(), w.weights());
            shared.xOf.put(w.kernel(), w.x());
            shared.resultsOf.put(w.kernel(), new Results(w.y(), m, n));
            return w.kernel();
        });
    }

    /**
     * The product over the weights of {@code kernel} (a weights or cache product compiled here) with {@code m}
     * rows of X, reading copy {@code copy}, its X and Y in the SRAM left free by {@code scratch}.
     */
    CompiledKernel onWeights(CompiledKernel kernel, int m, int copy, SramMap scratch) {
        WeightTiles w = shared.weightsOf.get(kernel);
        if (w == null) {
            throw new IllegalArgumentException("not a product compiled by this library");
        }
        return shared.onWeights.computeIfAbsent(kernel, k -> new HashMap<>()).computeIfAbsent(
                new OnWeightsKey(m, copy, scratch), key -> {
                    shared.compiled++;
                    MatMulCompiler.WithX c = MatMulCompiler.compileOnWeightsWithX(chip, w, m, copy,
                            ScheduleOptions.DEFAULT, scratch);
                    shared.xOf.put(c.kernel(), c.x());
                    return c.kernel();
                });
    }

    /**
     * One schedule over {@code copies} matrices of weights {@code tensor} (every expert's slice) of which the
     * router's index chooses one per slot: kernel j reads the copy that lane j of the index names
     * ({@link MatMulCompiler#compileChosen}).
     */
    List<CompiledKernel> matmulChosen(Tensor tensor, int m, int k, int n, DataType type, int copies, int slots,
                                      SramMap sram) {
        ChosenKey id = new ChosenKey(tensor, m, k, n, type, copies, slots, sram, owner());
        return shared.chosen.computeIfAbsent(id, key -> {
            shared.compiled++;
            MatMulCompiler.ChosenWired c = MatMulCompiler.compileChosenWired(chip, new MatMul(m, k, n, type),
                    values == null ? null : values.everyExpert(tensor), ScheduleOptions.DEFAULT, sram, copies, slots);
            for (CompiledKernel slot : c.slots()) {
                shared.xOf.put(slot, c.layout().xTiles());
                shared.indexOf.put(slot, c.index());
                shared.resultsOf.put(slot, new Results(c.layout().y(), m, n));
            }
            return c.slots();
        });
    }

    /**
     * One schedule for {@code copies} matrices of the same shape (one KV cache per sequence); kernel j reads copy j.
     */
    List<CompiledKernel> matmulCopies(CacheKind cache, int m, int k, int n, int copies, SramMap sram) {
        return shared.copies.computeIfAbsent(new CopiesKey(cache, m, k, n, copies, sram), key -> {
            List<CompiledKernel> out = new ArrayList<>();
            for (MatMulCompiler.WithWeights w : MatMulCompiler.compileCopiesKeepingWeights(chip,
                    new MatMul(m, k, n, DataType.F16), ScheduleOptions.DEFAULT, sram, copies)) {
                shared.weightsOf.put(w.kernel(), w.weights());
                shared.xOf.put(w.kernel(), w.x());
                shared.resultsOf.put(w.kernel(), new Results(w.y(), m, n));
                out.add(w.kernel());
            }
            shared.compiled++;
            return out;
        });
    }

    /**
     * The rows vector kernel {@code kernel} (compiled by this library's {@link #vectors}) leaves, in the order its body
     * gives them.
     */
    List<Row> outputs(CompiledKernel kernel) {
        List<Row> out = shared.outputsOf.get(kernel);
        if (out == null) {
            throw new IllegalArgumentException("not a vector kernel compiled by this library");
        }
        return out;
    }

    /**
     * The f32 rows of Y product {@code product} (compiled here) leaves, where it leaves them, for the kernels after it;
     * empty for an int8 product's i32 sums (its scaling reads them: {@link #sums}) or where a tile of Y is split by
     * rows among units.
     */
    Optional<List<Row>> results(CompiledKernel product) {
        return sums(product).filter(rows -> rows.get(0).vectors().get(0).dtype() == DataType.F32);
    }

    /** The rows of Y product {@code product} (compiled here) leaves, in its result type; empty as {@link #results}. */
    Optional<List<Row>> sums(CompiledKernel product) {
        Results r = shared.resultsOf.get(product);
        if (r == null) {
            throw new IllegalArgumentException("not a product compiled by this library");
        }
        if (r.y().isEmpty()) {
            return Optional.empty();
        }
        List<Row> out = new ArrayList<>();
        for (int row = 0; row < r.m(); row++) {
            List<Region> vectors = new ArrayList<>();
            for (Region y : r.y()) {
                vectors.add(new Region("", y.slices(), y.address() + row, y.dtype(), VectorStep.LANES_PER_VECTOR,
                        false));
            }
            out.add(Row.of(vectors, r.n()));
        }
        return Optional.of(out);
    }

    /**
     * The wiring of product {@code product} (compiled here): its rows of X, shaped as {@code cuts}, converted to its
     * type and written into its X tiles, and for weights chosen by data the router's index written where its
     * prologue reads it; the steps of a run with data ({@link VectorStep#writeX}), on the source rows where {@code in}
     * says they lie ({@link RowCuts#in}; for weights chosen by data, the index's row after them) and on placeholder
     * rows for the others.
     */
    CompiledKernel wiring(CompiledKernel product, RowCuts cuts, List<Optional<Row>> in, SramMap sram) {
        XTiles x = xOf(product);
        // the number of rows is checked by the wiring itself (VectorStep.writeX)
        for (int r = 0; r < cuts.rows().size(); r++) {
            if (cuts.length(r) != x.k()) {
                throw new IllegalArgumentException("a row of X of " + cuts.length(r) + " values for a product of K = "
                        + x.k());
            }
        }
        Region index = shared.indexOf.get(product);
        int sources = cuts.sources().size();
        if (in.size() > sources + (index == null ? 0 : 1)) {
            throw new IllegalArgumentException(in.size() + " source rows for cuts of " + sources
                    + (index == null ? "" : " and an index"));
        }
        List<Optional<Row>> xIn = in.subList(0, Math.min(sources, in.size()));
        Optional<Row> indexRow = in.size() > sources ? in.get(sources) : Optional.empty();
        reads().inPlace(xIn, sources);
        if (index != null) {
            reads().inPlace(List.of(indexRow), 1);
        }
        List<Optional<Row>> at = SourceRows.canonical(in);
        return shared.wiring.computeIfAbsent(x, y -> new HashMap<>()).computeIfAbsent(new WiringKey(index, cuts, at,
                sram), key -> compileWiring(x, index, cuts, SourceRows.canonical(xIn), indexRow, sram));
    }

    private XTiles xOf(CompiledKernel product) {
        XTiles x = shared.xOf.get(product);
        if (x == null) {
            throw new IllegalArgumentException("not a product compiled by this library");
        }
        return x;
    }

    private CompiledKernel compileWiring(XTiles x, Region index, RowCuts cuts, List<Optional<Row>> in,
                                         Optional<Row> indexRow, SramMap sram) {
        shared.compiled++;
        VectorStep s = new VectorStep(chip.vectorBytes());
        s.writeX(cuts.in(s, in), x);
        if (index != null) {
            VectorGraph g = s.graph();
            // the router's index where it left it, or a constant one
            VectorGraph.Ref idx = g.unary(Opcode.VMOV, indexRow.map(r -> s.at(r.vectors().get(0)))
                    .orElseGet(() -> g.input(index.dtype(), new double[0], 0)));
            g.pin(idx, index.slices().stream().mapToInt(Integer::intValue).toArray(), index.address());
        }
        return VectorCompiler.compile(chip, s.graph(), ScheduleOptions.DEFAULT, sram);
    }

    /**
     * The append of this library's rows of K and V (positions {@code kPosition - rows + 1 .. kPosition} of the K
     * cache product {@code kCache}, and the rows ending at {@code vPosition} of the V cache product {@code vCache},
     * both compiled here) for one KV head, each row's K and V cut from rows shaped as {@code k} and {@code v}, whose
     * sources lie where {@code kIn} and {@code vIn} say (placeholder rows where they say nothing): the steps of a run
     * with data ({@link CacheAppend}), into copy 0's place of the caches (every copy lies in the same slices, further
     * on).
     */
    CompiledKernel append(CompiledKernel kCache, CompiledKernel vCache, int kPosition, int vPosition, RowCuts k,
                          RowCuts v, List<Optional<Row>> kIn, List<Optional<Row>> vIn, SramMap sram) {
        WeightTiles kw = shared.weightsOf.get(kCache);
        WeightTiles vw = shared.weightsOf.get(vCache);
        if (kw == null || vw == null) {
            throw new IllegalArgumentException("not cache products compiled by this library");
        }
        int kTile = shared.xOf.get(kCache).kTile();
        int vTile = shared.xOf.get(vCache).kTile();
        if (rows > kPosition + 1 || rows > vPosition + 1) {
            throw new IllegalArgumentException(rows + " rows do not fit caches ending at positions " + kPosition
                    + " (K) and " + vPosition + " (V)");
        }
        if (k.rows().size() != rows || v.rows().size() != rows) {
            throw new IllegalArgumentException("K and V for " + rows + " rows, got " + k.rows().size() + " and "
                    + v.rows().size());
        }
        int headDim = k.length(0);
        for (int r = 0; r < rows; r++) {
            if (k.rows().get(r).size() != 1 || v.rows().get(r).size() != 1 || k.length(r) != headDim
                    || v.length(r) != headDim) {
                throw new IllegalArgumentException("each row's K and V is one cut of " + headDim + " values: " + k
                        + ", " + v);
            }
        }
        reads().inPlace(kIn, k.sources().size());
        reads().inPlace(vIn, v.sources().size());
        List<Optional<Row>> kAt = SourceRows.canonical(kIn);
        List<Optional<Row>> vAt = SourceRows.canonical(vIn);
        return shared.appends.computeIfAbsent(new AppendKey(kw, vw, kPosition, vPosition, k, v, kAt, vAt, sram),
                key -> {
            shared.compiled++;
            VectorStep s = new VectorStep(chip.vectorBytes());
            VectorGraph g = s.graph();
            List<List<Row>> kRows = k.in(s, kAt);
            List<List<Row>> vRows = v.in(s, vAt);
            List<VectorGraph.Ref> ks = new ArrayList<>();
            List<VectorGraph.Ref> masks = new ArrayList<>();
            List<Integer> positions = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                Row kr = kRows.get(r).get(0);
                ks.add(s.lanes(kr, 0, kr.length(), false));
                masks.add(CacheAppend.oneHot(g, kPosition - rows + 1 + r));
                positions.add(kPosition - rows + 1 + r);
            }
            CacheAppend.appendK(s, kw::tile, kTile, ks, headDim, masks, positions);
            for (int r = 0; r < rows; r++) {
                int vp = vPosition - rows + 1 + r;
                Row vr = vRows.get(r).get(0);
                CacheAppend.appendV(s, vw.tile(0, vp / vTile), s.lanes(vr, 0, vr.length(), true), vp % vTile);
            }
            return VectorCompiler.compile(chip, g, ScheduleOptions.DEFAULT, sram);
        });
    }

    /** K of product {@code product} (compiled here): the values of one row of its X. */
    int kOf(CompiledKernel product) {
        return xOf(product).k();
    }

    /** Vectors a row of {@code n} values takes. */
    int vectorsOf(int n) {
        return (n + chip.vectorBytes() - 1) / chip.vectorBytes();
    }
}
