// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.matmul.MatMulCompiler;
import dev.lockstep.compiler.matmul.WeightTiles;
import dev.lockstep.compiler.vector.VectorCompiler;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.compiler.vector.VectorKernels;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.chip.ChipSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernels of a decode step, compiled without data (for timing-only simulation) into the SRAM a chip has left,
 * and cached: chips that hold the same tensors in the same places share one compiled kernel.
 */
final class KernelLibrary {
    private final ChipSpec chip;
    private final Map<List<Object>, CompiledKernel> cache = new HashMap<>();
    private long compiled;

    KernelLibrary(ChipSpec chip) {
        this.chip = chip;
    }

    /** Distinct kernels compiled. */
    long compiled() {
        return compiled;
    }

    private CompiledKernel get(List<Object> key, java.util.function.Supplier<CompiledKernel> make) {
        CompiledKernel k = cache.get(key);
        if (k == null) {
            k = make.get();
            cache.put(key, k);
            compiled++;
        }
        return k;
    }

    /** Y[M x N] = X[M x K] . W[K x N] with W in SRAM (weights, or a sequence's K or V cache). */
    CompiledKernel matmul(String tensor, int m, int k, int n, DataType type, SramMap sram) {
        return get(List.of("matmul", tensor, m, k, n, type, sram), () -> {
            MatMulCompiler.WithWeights w = MatMulCompiler.compileKeepingWeights(chip, new MatMul(m, k, n, type),
                    ScheduleOptions.DEFAULT, sram);
            weightsOf.put(w.kernel(), w.weights());
            return w.kernel();
        });
    }

    /** Where each weights kernel's W lies (looked up by kernel identity, never iterated). */
    private final Map<CompiledKernel, WeightTiles> weightsOf = new IdentityHashMap<>();
    private final Map<CompiledKernel, Map<List<Object>, CompiledKernel>> onWeights = new IdentityHashMap<>();

    /**
     * The product over the weights of {@code kernel} (a weights or cache product compiled here) with {@code m}
     * rows of X, reading copy {@code copy}, its X and Y in the SRAM left free by {@code scratch}.
     */
    CompiledKernel onWeights(CompiledKernel kernel, int m, int copy, SramMap scratch) {
        WeightTiles w = weightsOf.get(kernel);
        if (w == null) {
            throw new IllegalArgumentException("not a product compiled by this library");
        }
        return onWeights.computeIfAbsent(kernel, k -> new HashMap<>()).computeIfAbsent(List.of(m, copy, scratch),
                key -> {
                    compiled++;
                    return MatMulCompiler.compileOnWeights(chip, w, m, copy, ScheduleOptions.DEFAULT, scratch);
                });
    }

    /** One schedule for {@code copies} matrices of the same shape (one KV cache per sequence); kernel j reads copy j. */
    List<CompiledKernel> matmulCopies(String tensor, int m, int k, int n, int copies, SramMap sram) {
        return copyCache.computeIfAbsent(List.of(tensor, m, k, n, copies, sram), key -> {
            List<CompiledKernel> out = new ArrayList<>();
            for (MatMulCompiler.WithWeights w : MatMulCompiler.compileCopiesKeepingWeights(chip,
                    new MatMul(m, k, n, DataType.F16), ScheduleOptions.DEFAULT, sram, copies)) {
                weightsOf.put(w.kernel(), w.weights());
                out.add(w.kernel());
            }
            compiled++;
            return out;
        });
    }

    private final Map<List<Object>, List<CompiledKernel>> copyCache = new HashMap<>();

    private int vectors(int n) {
        return (n + chip.vectorBytes() - 1) / chip.vectorBytes();
    }

    /** Rows each vector kernel compiled from now on works on at once (a prefill chunk's); 1 for decode. */
    private int rows = 1;

    /** Sets the rows of the vector kernels compiled from now on (see {@link #rows}). */
    void rows(int r) {
        if (r < 1) {
            throw new IllegalArgumentException("rows must be at least 1, got " + r);
        }
        rows = r;
    }

    private CompiledKernel vector(List<Object> key, SramMap sram, java.util.function.Function<VectorGraph,
            List<VectorGraph.Ref>> body) {
        int r = rows;
        List<Object> k = new ArrayList<>(key);
        if (r > 1) {
            k.add("rows");
            k.add(r);
        }
        return get(k, () -> {
            // r independent copies of the row's graph in one kernel: the scheduler interleaves them on the VXM
            VectorGraph g = new VectorGraph(chip.vectorBytes());
            List<VectorGraph.Ref> out = new ArrayList<>();
            for (int i = 0; i < r; i++) {
                out.addAll(body.apply(g));
            }
            g.output("y", out);
            return VectorCompiler.compile(chip, g, ScheduleOptions.DEFAULT, sram);
        });
    }

    private List<VectorGraph.Ref> row(VectorGraph g, int n) {
        return VectorKernels.row(g, new double[n], 0);
    }

    CompiledKernel rmsnorm(int n, float eps, SramMap sram) {
        return vector(List.of("rmsnorm", n, sram), sram, g -> VectorKernels.rmsnorm(g, row(g, n), row(g, n), n, eps));
    }

    /** Element-wise op of two rows of n values (residual add, scaling by routing weights or int8 scales). */
    CompiledKernel elementwise(Opcode op, int n, SramMap sram) {
        return vector(List.of("elementwise", op, n, sram), sram, g -> VectorKernels.elementwise(g, op, row(g, n),
                row(g, n)));
    }

    CompiledKernel rope(int n, int headDim, double theta, SramMap sram) {
        return vector(List.of("rope", n, headDim, sram), sram, g -> VectorKernels.rope(g, row(g, n), n, headDim, 1,
                theta));
    }

    CompiledKernel softmax(int rows, int n, SramMap sram) {
        return vector(List.of("softmax", rows, n, sram), sram, g -> {
            List<VectorGraph.Ref> out = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                out.addAll(VectorKernels.softmax(g, row(g, n)));
            }
            return out;
        });
    }

    CompiledKernel swiglu(int n, SramMap sram) {
        return vector(List.of("swiglu", n, sram), sram, g -> VectorKernels.swiglu(g, row(g, n), row(g, n)));
    }

    CompiledKernel route(int experts, int k, SramMap sram) {
        return vector(List.of("route", experts, k, sram), sram, g -> {
            double[] lanes = new double[chip.vectorBytes()];
            for (int l = 0; l < lanes.length; l++) {
                lanes[l] = l;
            }
            return List.of(VectorKernels.topK(g, g.input(new double[experts], Double.NEGATIVE_INFINITY),
                    g.input(DataType.I32, lanes, 0), k));
        });
    }

    /** The largest of n logits: the element-wise maximum over the row's vectors, then its lane. */
    CompiledKernel argmax(int n, SramMap sram) {
        return vector(List.of("argmax", n, sram), sram, g -> {
            List<VectorGraph.Ref> r = row(g, n);
            VectorGraph.Ref m = r.get(0);
            for (int i = 1; i < r.size(); i++) {
                m = g.binary(Opcode.VMAX, m, r.get(i));
            }
            return List.of(g.argmax(m));
        });
    }

    int vectorsOf(int n) {
        return vectors(n);
    }
}
