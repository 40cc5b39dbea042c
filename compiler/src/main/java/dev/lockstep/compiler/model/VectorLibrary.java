// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.dataflow.ChipDataflow.Out;
import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.dataflow.VectorStep;
import dev.lockstep.compiler.graph.Tensor;
import dev.lockstep.compiler.vector.VectorCompiler;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.compiler.vector.VectorKernels;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.program.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The vector kernels of a {@link KernelLibrary} (norms, residuals, RoPE, the softmax, SwiGLU, routing, gating, int8
 * scaling, the choice), each compiled once per identity ({@link VectorKey}) into the SRAM given, for the library's
 * rows, reading its source rows as {@link SourceRows} says; the rows each leaves are the library's
 * ({@link KernelLibrary#outputs}). A view of the library ({@link KernelLibrary#vectors}), sharing its cache.
 */
final class VectorLibrary {
    /** The vector kernels, by what they compute. */
    enum VectorKind {
        RMSNORM, RESIDUAL_NORM, ELEMENTWISE, SUM, SCALE, ROPE, SOFTMAX, SWIGLU, ROUTE, ROUTE_CHOSEN, GATED_SUM,
        SCALED_SUM, ARGMAX, LOOKUP
    }

    /**
     * A vector kernel's identity: kind, op (NOP where none), three sizes (0 where unused), the token's position (for
     * RoPE, the softmax, the norms that may hold the token's input and a layer's output sum; a gated sum's first
     * expert; else 0), rows, the rows it reads in place
     * ({@link SourceRows#canonical}), SRAM, whose values it holds (the chip, or -1).
     */
    record VectorKey(VectorKind kind, Opcode op, int a, int b, int c, int position, int rows,
                     List<Optional<Row>> in, SramMap sram, int owner) {
    }

    private final ChipSpec chip;
    private final KernelLibrary.Shared shared;
    private final int rows;
    private final SourceRows reads;
    /** The chip whose values the kernels hold; -1 for none. */
    private final int owner;

    VectorLibrary(ChipSpec chip, KernelLibrary.Shared shared, int rows, SourceRows reads, int owner) {
        this.chip = chip;
        this.shared = shared;
        this.rows = rows;
        this.reads = reads;
        this.owner = owner;
    }

    /**
     * A vector kernel of this library's rows: {@code body} once per row (independent copies in one kernel, which the
     * scheduler interleaves on the VXM), each output finished as every vector step's is
     * ({@link VectorStep#output}), each a row of its own in the kernel's SRAM ({@link KernelLibrary#outputs}).
     */
    private CompiledKernel vector(VectorKey key, SramMap sram, Function<VectorStep, List<Out>> body) {
        CompiledKernel cached = shared.vectors.get(key);
        if (cached != null) {
            return cached;
        }
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
        shared.vectors.put(key, k);
        shared.compiled++;
        return k;
    }

    private VectorKey key(VectorKind kind, Opcode op, int a, int b, List<Optional<Row>> in, SramMap sram) {
        return key(kind, op, a, b, 0, 0, in, sram);
    }

    private VectorKey key(VectorKind kind, Opcode op, int a, int b, int c, int position, List<Optional<Row>> in,
                          SramMap sram) {
        return new VectorKey(kind, op, a, b, c, position, rows, SourceRows.canonical(in), sram, owner);
    }

    private List<VectorGraph.Ref> row(VectorGraph g, int n) {
        return VectorKernels.row(g, new double[n], 0);
    }

    /**
     * RMSNorm with the gains {@code gain} of a row of n values ({@code in}: where it lies, the row sent into the
     * stage where it landed; where it does not say, a placeholder, {@link SourceRows#read}), its result converted to
     * fp16 where it crosses to other chips next ({@code f16}: a normed row crosses links in fp16,
     * {@code LayerStep.Payload#NORMED_ROW}, and the products it feeds take fp16 anyway), else left in f32 for the
     * products' wiring to convert, as a run with data leaves it. The token's at {@code position}
     * ({@link KernelKey.At}).
     */
    CompiledKernel rmsnorm(Tensor gain, int n, float eps, boolean f16, int position, List<Optional<Row>> in,
                           SramMap sram) {
        VectorKey id = key(VectorKind.RMSNORM, Opcode.NOP, n, gain.ordinal(), f16 ? 1 : 0, position, in, sram);
        return vector(id, sram, s -> {
            List<VectorGraph.Ref> x = reads.read(s, in, 0, n);
            List<VectorGraph.Ref> normed = LayerVectors.norm(s.graph(), x, reads.gains(gain, n), n, eps);
            return List.of(new Out(f16 ? f16(s, normed) : normed, n));
        });
    }

    /**
     * A residual and the norm after it (gains {@code gain}) as one kernel ({@link LayerVectors#residualThenNorm}) of
     * the residual stream and the row added to it ({@code in}, in that order; the stream, the layer's input where it
     * landed): the residual stream (f32) and its RMSNorm, in fp16 if {@code f16}, as {@link #rmsnorm}'s, for the token
     * at {@code position}.
     */
    CompiledKernel residualThenNorm(Tensor gain, int n, float eps, boolean f16, int position, List<Optional<Row>> in,
                                    SramMap sram) {
        VectorKey id = key(VectorKind.RESIDUAL_NORM, Opcode.NOP, n, gain.ordinal(), f16 ? 1 : 0, position, in, sram);
        return vector(id, sram, s -> {
            List<Out> hn = LayerVectors.residualThenNorm(s.graph(), reads.read(s, in, 0, n),
                    reads.read(s, in, 1, n), reads.gains(gain, n), n, eps);
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
        return vector(key(VectorKind.ELEMENTWISE, op, n, 0, in, sram), sram, s -> List.of(new Out(
                VectorKernels.elementwise(s.graph(), op, reads.read(s, in, 0, n), reads.read(s, in, 1, n)), n)));
    }

    /**
     * The sum of {@code inputs} rows of n f32 values ({@code in}: each where it lies, added in order): a reduction's,
     * on its root, of its own row and those that landed; the token's at {@code position} where the sum is a layer's
     * output, whose rows a plan with data keeps per token (else 0).
     */
    CompiledKernel sum(int inputs, int n, int position, List<Optional<Row>> in, SramMap sram) {
        return vector(key(VectorKind.SUM, Opcode.VADD, n, inputs, 0, position, in, sram), sram, s -> {
            List<VectorGraph.Ref> acc = reads.read(s, in, 0, n);
            for (int i = 1; i < inputs; i++) {
                acc = VectorKernels.elementwise(s.graph(), Opcode.VADD, acc, reads.read(s, in, i, n));
            }
            return List.of(new Out(acc, n));
        });
    }

    /**
     * The per-column scaling of an int8 product's n result columns: its i32 sums ({@code in}: where the product leaves
     * them) converted to f32 and multiplied by the columns' scales; without them, a row of f32 constants multiplied.
     */
    CompiledKernel scale(int n, List<Optional<Row>> in, SramMap sram) {
        if (reads.withValues()) {
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
        return vector(key(VectorKind.ROPE, Opcode.NOP, n, qkv, headDim, position, in, sram), sram, s -> List.of(
                new Out(LayerVectors.rope(s, reads.source(s, in, 0, qkv), n, headDim, position, theta), n)));
    }

    /**
     * The attention's softmax of {@code rowsPerStep} score rows of n cached positions (a KV head's query heads,
     * {@code in}), scaled by 1 / sqrt({@code headDim}) and masked past the token at {@code position}
     * ({@link LayerVectors#maskedSoftmax}; a prefill chunk's rows all at the position of its last).
     */
    CompiledKernel softmax(int rowsPerStep, int n, int headDim, int position, List<Optional<Row>> in, SramMap sram) {
        return vector(key(VectorKind.SOFTMAX, Opcode.NOP, rowsPerStep, n, headDim, position, in, sram), sram, s -> {
            List<Out> out = new ArrayList<>();
            for (int r = 0; r < rowsPerStep; r++) {
                out.add(new Out(LayerVectors.maskedSoftmax(s.graph(), reads.read(s, in, r, n), position,
                        (float) (1 / Math.sqrt(headDim))), n));
            }
            return out;
        });
    }

    /** SwiGLU of the gate and up halves of the gate-and-up product's row of 2n values ({@code in}). */
    CompiledKernel swiglu(int n, List<Optional<Row>> in, SramMap sram) {
        return vector(key(VectorKind.SWIGLU, Opcode.NOP, n, 0, in, sram), sram,
                s -> List.of(new Out(LayerVectors.swiglu(s, reads.source(s, in, 0, 2 * n), n), n)));
    }

    /**
     * The router's top-k over {@code experts} logits ({@code in}; {@link LayerVectors#route}) with every expert
     * computed.
     */
    CompiledKernel route(int experts, int k, List<Optional<Row>> in, SramMap sram) {
        return vector(key(VectorKind.ROUTE, Opcode.NOP, experts, k, in, sram), sram,
                s -> LayerVectors.route(s.graph(), reads.readVector(s, in, 0, experts), experts, k, MoeDispatch.ALL));
    }

    /**
     * Top-k routing that names the chosen experts ({@link LayerVectors#route}, {@link MoeDispatch#CHOSEN}): the index
     * (u16, lane j the expert of slot j) that the chosen-expert products read at, and each slot's weight in its lane.
     */
    CompiledKernel routeChosen(int experts, int k, List<Optional<Row>> in, SramMap sram) {
        return vector(key(VectorKind.ROUTE_CHOSEN, Opcode.NOP, experts, k, in, sram), sram,
                s -> LayerVectors.route(s.graph(), reads.readVector(s, in, 0, experts), experts, k,
                        MoeDispatch.CHOSEN));
    }

    /**
     * A chip's {@code pieces} experts' partial rows of n values (those of experts {@code first} on), each scaled by
     * its routing weight, added ({@link LayerVectors#gatedSum}; {@code in}: the rows, then the routing weights, a row
     * of {@code experts}).
     */
    CompiledKernel gatedSum(int pieces, int first, int n, int experts, List<Optional<Row>> in, SramMap sram) {
        return vector(key(VectorKind.GATED_SUM, Opcode.NOP, pieces, n, experts, first, in, sram), sram, s -> {
            List<List<VectorGraph.Ref>> downs = new ArrayList<>();
            for (int e = 0; e < pieces; e++) {
                downs.add(reads.read(s, in, e, n));
            }
            VectorGraph.Ref gates = reads.readVector(s, in, pieces, experts);
            return List.of(new Out(LayerVectors.gatedSum(s.graph(), downs, gates, first), n));
        });
    }

    /**
     * Slot {@code slot}'s row of n values scaled by its routing weight (lane {@code slot} of the weights) and, unless
     * it is the first, added to the slots' before it ({@link LayerVectors#scaledSum}; experts chosen by data;
     * {@code in}: the sum so far, the slot's row, the routing weights, a row of {@code k} values).
     */
    CompiledKernel scaledSum(int slot, int n, int k, List<Optional<Row>> in, SramMap sram) {
        boolean first = slot == 0;
        return vector(key(VectorKind.SCALED_SUM, Opcode.NOP, slot, n, k, 0, in, sram), sram, s -> {
            List<VectorGraph.Ref> sum = first ? null : reads.read(s, in, 0, n);
            return List.of(new Out(LayerVectors.scaledSum(s.graph(), sum, reads.read(s, in, 1, n),
                    reads.readVector(s, in, 2, k), slot), n));
        });
    }

    /**
     * A token's row of the embedding table from the chip's part {@code table} of a vocabulary of {@code vocab}
     * ({@link LayerVectors#lookup}), its index read where {@code in} says (where it landed or was given). One row
     * whatever the library's: a kernel sets its slices' read bases from one index.
     */
    CompiledKernel lookup(TableLayout table, int vocab, List<Optional<Row>> in, SramMap sram) {
        if (rows != 1) {
            throw new IllegalArgumentException("a lookup reads one token's row; place it once per row");
        }
        VectorKey id = key(VectorKind.LOOKUP, Opcode.NOP, table.first(), table.tokens(), table.groups().size(), 0,
                in, sram);
        return vector(id, sram, s -> {
            List<VectorGraph.Ref> scales = null;
            if (table.type() != DataType.F16) {
                // int8: each column's scale, a constant of the kernel (timing-only: zeros)
                scales = VectorKernels.row(s.graph(), new double[table.hidden()], 0);
            }
            VectorGraph.Ref index = reads.readVector(s, in, 0, 1);
            return List.of(new Out(LayerVectors.lookup(s.graph(), index, table, vocab, scales), table.hidden()));
        });
    }

    /**
     * The greedy choice over n logits ({@code in}; {@link LayerVectors#greedy}): the lowest index of the largest, the
     * padding past them never winning.
     */
    CompiledKernel argmax(int n, List<Optional<Row>> in, SramMap sram) {
        return vector(key(VectorKind.ARGMAX, Opcode.NOP, n, 0, in, sram), sram, s -> {
            return List.of(new Out(List.of(LayerVectors.greedy(s, reads.source(s, in, 0, n), n)), 1));
        });
    }
}
