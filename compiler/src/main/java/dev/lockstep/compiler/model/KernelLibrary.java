// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.dataflow.CacheAppend;
import dev.lockstep.compiler.dataflow.ChipDataflow.Out;
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
import dev.lockstep.compiler.vector.VectorKernels;
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
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The kernels of a decode step, compiled without data (for timing-only simulation) into the SRAM a chip has left,
 * and cached: chips that hold the same tensors in the same places share one compiled kernel. A library compiles its
 * vector kernels for its rows at once (1 for decode, a prefill chunk's rows); {@link #withRows} gives a
 * view for other rows that shares the cache. {@link #withValues} gives a view that compiles one chip's kernels with
 * data ({@link KernelValues}: weights and norm gains as initial contents): the same graphs and schedules, the same
 * SRAM, other constants; such a view reads no placeholder row but the layer's input.
 */
final class KernelLibrary {
    /** The vector kernels, by what they compute. */
    private enum VectorKind {
        RMSNORM, RESIDUAL_NORM, ELEMENTWISE, SCALE, ROPE, SOFTMAX, SWIGLU, ROUTE, ROUTE_CHOSEN, GATED_SUM, SCALED_SUM,
        ARGMAX
    }

    /** A kernel's identity in the library's cache. */
    private sealed interface Key permits MatMulKey, VectorKey {
    }

    /**
     * A weight product's identity: its tensor, shape, type, the SRAM it was compiled into, and the chip whose values it
     * holds ({@link #owner}).
     */
    private record MatMulKey(TensorId tensor, int m, int k, int n, DataType type, SramMap sram, int owner)
            implements Key {
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

    /**
     * A vector kernel's identity: kind, op (NOP where none), three sizes (0 where unused), the token's position (for
     * RoPE, the softmax, and the norms that may hold the token's input; else 0), rows, the rows it reads in place
     * ({@link #canonical}), SRAM, whose values it holds ({@link #owner}).
     */
    private record VectorKey(VectorKind kind, Opcode op, int a, int b, int c, int position, int rows,
                             List<Optional<Row>> in, SramMap sram, int owner) implements Key {
    }

    /** Where a product leaves its results: per N tile (row r at address + r), for its M rows of N values. */
    private record Results(List<Region> y, int m, int n) {
    }

    /** What every view of one library shares. */
    private static final class Shared {
        final Map<Key, CompiledKernel> kernels = new HashMap<>();
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
        /** Where each product compiled here leaves Y, and each vector kernel its output rows. */
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

    private CompiledKernel get(Key key, Supplier<CompiledKernel> make) {
        CompiledKernel k = shared.kernels.get(key);
        if (k == null) {
            k = make.get();
            shared.kernels.put(key, k);
            shared.compiled++;
        }
        return k;
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

    /** One schedule for {@code copies} matrices of the same shape (one KV cache per sequence); kernel j reads copy j. */
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
     * A vector kernel of this library's rows: {@code body} once per row (independent copies in one kernel, which the
     * scheduler interleaves on the VXM), each output finished as every vector step's is
     * ({@link VectorStep#output}), each a row of its own in the kernel's SRAM ({@link #outputs}).
     */
    private CompiledKernel vector(VectorKey key, SramMap sram, Function<VectorStep, List<Out>> body) {
        return get(key, () -> {
            VectorStep s = new VectorStep(chip.vectorBytes());
            List<Out> outs = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                // each row's outputs finished before the next row's body (the order the scheduler takes them in)
                for (Out o : body.apply(s)) {
                    s.graph().output("y" + outs.size() + "_", s.output(o.vectors(), o.length()));
                    outs.add(o);
                }
            }
            CompiledKernel k = VectorCompiler.compile(chip, s.graph(), ScheduleOptions.DEFAULT, sram);
            List<Row> left = new ArrayList<>();
            for (int o = 0; o < outs.size(); o++) {
                List<Region> vectors = new ArrayList<>();
                for (int i = 0; i < outs.get(o).vectors().size(); i++) {
                    vectors.add(k.program().chips().get(0).region("y" + o + "_" + i).orElseThrow());
                }
                left.add(Row.of(vectors, outs.get(o).length()));
            }
            shared.outputsOf.put(k, List.copyOf(left));
            return k;
        });
    }

    /** The rows vector kernel {@code kernel} (compiled here) leaves, in the order its body gives them. */
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
     * The rows a kernel reads in place, by position, without the empty ones at the end: a kernel that reads none
     * has one identity however its caller says so.
     */
    private static List<Optional<Row>> canonical(List<Optional<Row>> in) {
        int n = in.size();
        while (n > 0 && in.get(n - 1).isEmpty()) {
            n--;
        }
        return List.copyOf(in.subList(0, n));
    }

    /** Source row {@code i} of {@code in} ({@code n} values) where it lies, if {@code in} gives it. */
    private static Optional<Row> given(List<Optional<Row>> in, int i, int n) {
        Optional<Row> r = i < in.size() ? in.get(i) : Optional.empty();
        if (r.isPresent() && r.get().length() != n) {
            throw new IllegalArgumentException("source row " + i + " holds " + r.get().length() + " values; the "
                    + "kernel reads " + n);
        }
        return r;
    }

    /**
     * Source row {@code i} of {@code in}, {@code n} values, read whole where it lies; where {@code in} has none, a row
     * of constants (a timing-only kernel's input that no kernel before it in its run left on its chip).
     */
    private List<VectorGraph.Ref> read(VectorStep s, List<Optional<Row>> in, int i, int n) {
        return given(in, i, n).map(s::row).orElseGet(() -> row(s.graph(), placeholder(n)));
    }

    /**
     * As {@link #read}, for the row that came over a link into the layer (its input, the residual stream): with
     * values, the token's input as constants ({@link KernelValues#input}).
     */
    private List<VectorGraph.Ref> readInput(VectorStep s, List<Optional<Row>> in, int i, int n) {
        return given(in, i, n).map(s::row).orElseGet(() -> row(s.graph(), values == null ? new double[n]
                : values.input(n)));
    }

    /** As {@link #read}, for a row of at most one vector ({@code n} values: logits, routing weights). */
    private VectorGraph.Ref readVector(VectorStep s, List<Optional<Row>> in, int i, int n) {
        return given(in, i, n).map(r -> s.row(r).get(0)).orElseGet(() -> s.graph().input(placeholder(n), 0));
    }

    /** Source row {@code i} of {@code in} where it lies, or a placeholder row of {@code n} values. */
    private Row source(VectorStep s, List<Optional<Row>> in, int i, int n) {
        return given(in, i, n).orElseGet(() -> {
            // refused with values, as every placeholder row is
            placeholder(n);
            return s.placeholder(n);
        });
    }

    /**
     * The values of a placeholder row of {@code n}: zeros; with values, none (a kernel with data reads every row in
     * place but the layer's input: one that did not would compute on zeros, silently wrong).
     */
    private double[] placeholder(int n) {
        if (values != null) {
            throw new IllegalStateException("chip " + values.chip() + ": a kernel with data reads a row of " + n
                    + " values that is not where a kernel before it left it (it came over a link, which a plan with "
                    + "data does not carry yet)");
        }
        return new double[n];
    }

    /** Checks that a kernel with values reads every one of its {@code sources} rows in place ({@link #placeholder}). */
    private void inPlace(List<Optional<Row>> in, int sources) {
        if (values == null) {
            return;
        }
        for (int i = 0; i < sources; i++) {
            if (i >= in.size() || in.get(i).isEmpty()) {
                throw new IllegalStateException("chip " + values.chip() + ": a kernel with data reads source row " + i
                        + " of " + sources + ", which is not where a kernel before it left it (it came over a link, "
                        + "which a plan with data does not carry yet)");
            }
        }
    }

    /** The gains of norm {@code gain} over n values: zeros, or with values the layer's. */
    private double[] gains(Tensor gain, int n) {
        return values == null ? new double[n] : values.gains(gain);
    }

    private VectorKey key(VectorKind kind, Opcode op, int a, int b, List<Optional<Row>> in, SramMap sram) {
        return new VectorKey(kind, op, a, b, 0, 0, rows, canonical(in), sram, owner());
    }

    private List<VectorGraph.Ref> row(VectorGraph g, int n) {
        return VectorKernels.row(g, new double[n], 0);
    }

    private static List<VectorGraph.Ref> row(VectorGraph g, double[] values) {
        return VectorKernels.row(g, values, 0);
    }

    /**
     * RMSNorm with the gains {@code gain} of a row of n values ({@code in}: where it lies; where it does not, for the
     * attention's norm, the row that came over a link into the layer, {@link #readInput}), its result converted to
     * fp16 where it crosses to other chips next ({@code f16}: a normed row crosses links in fp16,
     * {@code LayerStep.Payload#NORMED_ROW}, and the products it feeds take fp16 anyway), else left in f32 for the
     * products' wiring to convert, as a run with data leaves it. The token's at {@code position} (whose input it may
     * read).
     */
    CompiledKernel rmsnorm(Tensor gain, int n, float eps, boolean f16, int position, List<Optional<Row>> in,
                           SramMap sram) {
        return vector(new VectorKey(VectorKind.RMSNORM, Opcode.NOP, n, gain.ordinal(), f16 ? 1 : 0, position, rows,
                canonical(in), sram, owner()), sram, s -> {
                    // with values, only the attention's norm reads the layer's input as constants
                    List<VectorGraph.Ref> normed = LayerVectors.norm(s.graph(), gain == Tensor.ATTENTION_NORM
                            ? readInput(s, in, 0, n) : read(s, in, 0, n), gains(gain, n), n, eps);
                    return List.of(new Out(f16 ? f16(s, normed) : normed, n));
                });
    }

    /**
     * A residual and the norm after it (gains {@code gain}) as one kernel ({@link LayerVectors#residualThenNorm}) of
     * the residual stream and the row added to it ({@code in}, in that order; the stream, where it does not say, the
     * row that came over a link into the layer): the residual stream (f32) and its RMSNorm, in fp16 if {@code f16}, as
     * {@link #rmsnorm}'s, for the token at {@code position}.
     */
    CompiledKernel residualThenNorm(Tensor gain, int n, float eps, boolean f16, int position, List<Optional<Row>> in,
                                    SramMap sram) {
        return vector(new VectorKey(VectorKind.RESIDUAL_NORM, Opcode.NOP, n, gain.ordinal(), f16 ? 1 : 0, position,
                rows, canonical(in), sram, owner()), sram, s -> {
                    List<Out> hn = LayerVectors.residualThenNorm(s.graph(), readInput(s, in, 0, n), read(s, in, 1, n),
                            gains(gain, n), n, eps);
                    return f16 ? List.of(hn.get(0), new Out(f16(s, hn.get(1).vectors()), n)) : hn;
                });
    }

    private static List<VectorGraph.Ref> f16(VectorStep s, List<VectorGraph.Ref> v) {
        return v.stream().map(x -> s.graph().convert(x, DataType.F16)).toList();
    }

    /**
     * Element-wise op of two rows of n values ({@code in}: both, in order): a residual add, the halves of a split V
     * product, int8 scales.
     */
    CompiledKernel elementwise(Opcode op, int n, List<Optional<Row>> in, SramMap sram) {
        return vector(key(VectorKind.ELEMENTWISE, op, n, 0, in, sram), sram,
                s -> List.of(new Out(VectorKernels.elementwise(s.graph(), op, read(s, in, 0, n), read(s, in, 1, n)),
                        n)));
    }

    /**
     * The per-column scaling of an int8 product's n result columns: its i32 sums ({@code in}: where the product leaves
     * them) converted to f32 and multiplied by the columns' scales; without them, a row of f32 constants multiplied.
     */
    CompiledKernel scale(int n, List<Optional<Row>> in, SramMap sram) {
        if (values != null) {
            throw new IllegalStateException("a plan with data takes fp16 weights; int8 scales are not values yet");
        }
        return vector(key(VectorKind.SCALE, Opcode.VMUL, n, 0, in, sram), sram, s -> {
            VectorGraph g = s.graph();
            List<VectorGraph.Ref> sums = in.isEmpty() || in.get(0).isEmpty() ? row(g, n)
                    : s.row(in.get(0).get()).stream().map(v -> g.convert(v, DataType.F32)).toList();
            return List.of(new Out(VectorKernels.elementwise(g, Opcode.VMUL, sums, row(g, n)), n));
        });
    }

    /**
     * RoPE at {@code position} on the first n values (Q and K) of the QKV product's row of {@code qkv} values
     * ({@code in}).
     */
    CompiledKernel rope(int n, int qkv, int headDim, int position, double theta, List<Optional<Row>> in,
                        SramMap sram) {
        return vector(new VectorKey(VectorKind.ROPE, Opcode.NOP, n, qkv, headDim, position, rows, canonical(in), sram,
                owner()), sram, s -> List.of(new Out(LayerVectors.rope(s, source(s, in, 0, qkv), n, headDim, position,
                        theta), n)));
    }

    /**
     * The attention's softmax of {@code rowsPerStep} score rows of n cached positions (a KV head's query heads,
     * {@code in}), scaled by 1 / sqrt({@code headDim}) and masked past the token at {@code position}
     * ({@link LayerVectors#maskedSoftmax}; a prefill chunk's rows all at the position of its last).
     */
    CompiledKernel softmax(int rowsPerStep, int n, int headDim, int position, List<Optional<Row>> in, SramMap sram) {
        return vector(new VectorKey(VectorKind.SOFTMAX, Opcode.NOP, rowsPerStep, n, headDim, position, rows,
                canonical(in), sram, owner()), sram, s -> {
                    List<Out> out = new ArrayList<>();
                    for (int r = 0; r < rowsPerStep; r++) {
                        out.add(new Out(LayerVectors.maskedSoftmax(s.graph(), read(s, in, r, n), position,
                                (float) (1 / Math.sqrt(headDim))), n));
                    }
                    return out;
                });
    }

    /** SwiGLU of the gate and up halves of the gate-and-up product's row of 2n values ({@code in}). */
    CompiledKernel swiglu(int n, List<Optional<Row>> in, SramMap sram) {
        return vector(key(VectorKind.SWIGLU, Opcode.NOP, n, 0, in, sram), sram,
                s -> List.of(new Out(LayerVectors.swiglu(s, source(s, in, 0, 2 * n), n), n)));
    }

    /**
     * The router's top-k over {@code experts} logits ({@code in}; {@link LayerVectors#route}) with every expert
     * computed.
     */
    CompiledKernel route(int experts, int k, List<Optional<Row>> in, SramMap sram) {
        return vector(key(VectorKind.ROUTE, Opcode.NOP, experts, k, in, sram), sram,
                s -> LayerVectors.route(s.graph(), readVector(s, in, 0, experts), experts, k, MoeDispatch.ALL));
    }

    /**
     * Top-k routing that names the chosen experts ({@link LayerVectors#route}, {@link MoeDispatch#CHOSEN}): the index
     * (u16, lane j the expert of slot j) that the chosen-expert products read at, and each slot's weight in its lane.
     */
    CompiledKernel routeChosen(int experts, int k, List<Optional<Row>> in, SramMap sram) {
        return vector(key(VectorKind.ROUTE_CHOSEN, Opcode.NOP, experts, k, in, sram), sram,
                s -> LayerVectors.route(s.graph(), readVector(s, in, 0, experts), experts, k, MoeDispatch.CHOSEN));
    }

    /**
     * A chip's {@code pieces} experts' partial rows of n values, each scaled by its routing weight, added
     * ({@link LayerVectors#gatedSum}; {@code in}: the rows, then the routing weights, a row of {@code experts}).
     */
    CompiledKernel gatedSum(int pieces, int n, int experts, List<Optional<Row>> in, SramMap sram) {
        return vector(new VectorKey(VectorKind.GATED_SUM, Opcode.NOP, pieces, n, experts, 0, rows, canonical(in), sram,
                owner()), sram, s -> {
                    List<List<VectorGraph.Ref>> downs = new ArrayList<>();
                    for (int e = 0; e < pieces; e++) {
                        downs.add(read(s, in, e, n));
                    }
                    return List.of(new Out(LayerVectors.gatedSum(s.graph(), downs, readVector(s, in, pieces, experts)),
                            n));
                });
    }

    /**
     * Slot {@code slot}'s row of n values scaled by its routing weight (lane {@code slot} of the weights) and, unless
     * it is the first, added to the slots' before it ({@link LayerVectors#scaledSum}; experts chosen by data;
     * {@code in}: the sum so far, the slot's row, the routing weights, a row of {@code k} values).
     */
    CompiledKernel scaledSum(int slot, int n, int k, List<Optional<Row>> in, SramMap sram) {
        boolean first = slot == 0;
        return vector(new VectorKey(VectorKind.SCALED_SUM, Opcode.NOP, slot, n, k, 0, rows, canonical(in), sram,
                owner()), sram, s -> List.of(new Out(LayerVectors.scaledSum(s.graph(), first ? null
                        : read(s, in, 0, n), read(s, in, 1, n), readVector(s, in, 2, k), slot), n)));
    }

    /** The largest of n logits ({@code in}): the element-wise maximum over the row's vectors, then its lane. */
    CompiledKernel argmax(int n, List<Optional<Row>> in, SramMap sram) {
        return vector(key(VectorKind.ARGMAX, Opcode.NOP, n, 0, in, sram), sram, s -> {
            VectorGraph g = s.graph();
            List<VectorGraph.Ref> r = read(s, in, 0, n);
            VectorGraph.Ref m = r.get(0);
            for (int i = 1; i < r.size(); i++) {
                m = g.binary(Opcode.VMAX, m, r.get(i));
            }
            return List.of(new Out(List.of(g.argmax(m)), 1));
        });
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
        inPlace(xIn, sources);
        if (index != null) {
            inPlace(List.of(indexRow), 1);
        }
        List<Optional<Row>> at = canonical(in);
        return shared.wiring.computeIfAbsent(x, y -> new HashMap<>()).computeIfAbsent(new WiringKey(index, cuts, at,
                sram), key -> compileWiring(x, index, cuts, canonical(xIn), indexRow, sram));
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
        inPlace(kIn, k.sources().size());
        inPlace(vIn, v.sources().size());
        List<Optional<Row>> kAt = canonical(kIn);
        List<Optional<Row>> vAt = canonical(vIn);
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
