// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.vector.VectorCompiler;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Opcode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sum kernels a build's reductions place ({@link Collectives}): a kernel adding rows of one shape, compiled once
 * per shape and SRAM (chips in the same state share it) and kept per chip, so that every token's sums take the same
 * time; and those placed beside running transfers by collectives in pieces ({@link PieceSums}).
 */
final class SumKernels {
    private final SystemBuild build;

    /** A sum kernel's shape and the SRAM it was compiled into (chips in the same state share it). */
    private record SumShape(int inputs, int vectors, DataType type, SramMap sram) {
    }

    /** The sum kernel a chip uses for rows of one shape. */
    private record ChipSum(int chip, int inputs, int vectors, DataType type) {
    }

    /** By shape and SRAM (looked up, never iterated). */
    private final Map<SumShape, CompiledKernel> shapes = new HashMap<>();
    /** By chip and shape (looked up, never iterated). */
    private final Map<ChipSum, CompiledKernel> perChip = new HashMap<>();
    /** {@link #besideLanes} kept, looked up, never iterated. */
    private final Map<ChipSum, CompiledKernel> kept = new HashMap<>();
    /**
     * {@link #besideLanes} compiled to be tried by placements in pieces, by shape and SRAM (looked up, never
     * iterated): the chips of every layer are in the same state when their collectives are first placed, so they
     * share them, as they share {@link #shapes}.
     */
    private final Map<SumShape, CompiledKernel> tried = new HashMap<>();

    SumKernels(SystemBuild build) {
        this.build = build;
    }

    /** Sum kernels compiled (distinct) and kept. */
    int count() {
        return shapes.size() + kept.size();
    }

    /** A kernel adding {@code inputs} rows of {@code vectors} vectors of {@code type}, in the chip's free SRAM. */
    CompiledKernel sum(int chip, int inputs, int vectors, DataType type) {
        // one sum kernel per chip and shape, reused by every later sum of that shape on the chip (its buffers are
        // free again: work on one chip never overlaps), so that every token's sums take the same time
        return perChip.computeIfAbsent(new ChipSum(chip, inputs, vectors, type),
                x -> compiled(chip, inputs, vectors, type));
    }

    CompiledKernel compiled(int chip, int inputs, int vectors, DataType type) {
        return in(build.chip(chip).sram(), inputs, vectors, type);
    }

    /**
     * A kernel adding {@code inputs} rows of {@code vectors} vectors of {@code type}, in SRAM free in {@code taken}.
     */
    CompiledKernel in(SramMap taken, int inputs, int vectors, DataType type) {
        return shapes.computeIfAbsent(new SumShape(inputs, vectors, type, taken), k -> newSum(taken, inputs, vectors,
                type));
    }

    /** {@link #in}, compiled anew. */
    private CompiledKernel newSum(SramMap taken, int inputs, int vectors, DataType type) {
        VectorGraph g = new VectorGraph(build.chip().vectorBytes());
        List<VectorGraph.Ref> out = new ArrayList<>();
        for (int v = 0; v < vectors; v++) {
            VectorGraph.Ref acc = g.input(type, new double[0], 0);
            for (int i = 1; i < inputs; i++) {
                acc = g.binary(Opcode.VADD, acc, g.input(type, new double[0], 0));
            }
            out.add(acc);
        }
        g.output("sum", out);
        return VectorCompiler.compile(build.chip(), g, ScheduleOptions.DEFAULT, taken);
    }

    /**
     * The sum kernel of this shape that a collective in pieces ({@link PieceSums}) placed on {@code chip} before
     * (beside running transfers), or else one compiled in {@code avoiding} (the chip's SRAM with the lanes' staging
     * slices counted as full), not yet kept ({@link #keepBesideLanes}).
     */
    CompiledKernel besideLanes(int chip, SramMap avoiding, int inputs, int vectors, DataType type) {
        CompiledKernel k = kept.get(new ChipSum(chip, inputs, vectors, type));
        return k != null ? k : tried.computeIfAbsent(new SumShape(inputs, vectors, type, avoiding),
                x -> newSum(avoiding, inputs, vectors, type));
    }

    /** Keeps {@code k} as the sum of its shape on {@code chip} that {@link #besideLanes} gives from now on. */
    void keepBesideLanes(int chip, int inputs, int vectors, DataType type, CompiledKernel k) {
        kept.putIfAbsent(new ChipSum(chip, inputs, vectors, type), k);
    }
}
