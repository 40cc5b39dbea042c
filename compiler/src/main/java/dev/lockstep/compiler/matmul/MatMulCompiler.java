// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.SliceKind;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.Region;
import dev.lockstep.isa.program.ProgramRules;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a matrix product for one chip through named phases: {@link TilingPhase}, {@link AllocationPhase},
 * {@link SchedulingPhase}, {@link EmissionPhase}. The result's predicted cycle count is the schedule's own; the
 * simulator must give exactly the same number (tests check it).
 */
public final class MatMulCompiler {
    private MatMulCompiler() {
    }

    /** Compiles without data (for timing-only simulation). */
    public static CompiledKernel compile(ChipSpec chip, MatMul problem) {
        return compile(chip, problem, null, null);
    }

    /**
     * Compiles, embedding X ([M x K], row-major) and W ([K x N], row-major) as initial SRAM contents when given;
     * the results of N tile {@code nt} from row {@code m0} are region {@code Y<nt>_<m0>}: one vector per row, whose
     * lane c is Y[m][320 nt + c] (whole tiles have m0 = 0; tiles split among units have one region per part).
     */
    public static CompiledKernel compile(ChipSpec chip, MatMul problem, double[] x, double[] w) {
        return compile(chip, problem, x, w, ScheduleOptions.DEFAULT);
    }

    /** Compiles with some scheduler choices switched off (see {@link ScheduleOptions}). */
    public static CompiledKernel compile(ChipSpec chip, MatMul problem, double[] x, double[] w,
                                         ScheduleOptions options) {
        return compile(chip, problem, x, w, options, SramMap.empty(chip));
    }

    /**
     * Compiles into the SRAM left free by {@code taken}: every tensor goes above the words already taken in its
     * slice (for kernels that share a chip).
     */
    public static CompiledKernel compile(ChipSpec chip, MatMul problem, double[] x, double[] w,
                                         ScheduleOptions options, SramMap taken) {
        return compileContext(chip, problem, x, w, options, taken).kernel;
    }

    /** A kernel and where its tiles are. */
    private record Compiled(CompiledKernel kernel, KernelContext ctx) {
    }

    private static Compiled compileContext(ChipSpec chip, MatMul problem, double[] x, double[] w,
                                           ScheduleOptions options, SramMap taken) {
        if (x != null && w == null) {
            throw new IllegalArgumentException("give W with X (X alone is never the product's data)");
        }
        if (x != null && x.length != (long) problem.m() * problem.k()) {
            throw new IllegalArgumentException("X must hold M x K values");
        }
        if (w != null && w.length != (long) problem.k() * problem.n()) {
            throw new IllegalArgumentException("W must hold K x N values");
        }
        KernelContext ctx = new KernelContext(chip, problem, x, w, options, taken);
        return new Compiled(runPhases(ctx, 0), ctx);
    }

    /** Runs the phases on a prepared context and makes the kernel that reads copy {@code copy} of W. */
    private static CompiledKernel runPhases(KernelContext ctx, int copy) {
        TilingPhase.run(ctx);
        AllocationPhase.run(ctx);
        SchedulingPhase.run(ctx);
        return kernel(ctx, EmissionPhase.run(ctx, copy));
    }

    /** The kernel of a scheduled context's emitted program, checked against the chip's rules. */
    private static CompiledKernel kernel(KernelContext ctx, Program program) {
        ProgramRules.check(program, ctx.chip);
        return new CompiledKernel(program, ctx.lastEvent + 1, lowerBound(ctx), boundReason(ctx),
                ctx.problem.macs(), peakMacsPerCycle(ctx), ctx.sram);
    }

    /**
     * A compiled product, where its weights lie, where it reads its X and, per N tile, where it leaves Y (as
     * {@link MatMulLayout#y}; none where a tile is split by rows among units).
     */
    public record WithWeights(CompiledKernel kernel, WeightTiles weights, XTiles x, List<Region> y) {
    }

    /** A compiled product and where it reads its X. */
    public record WithX(CompiledKernel kernel, XTiles x) {
    }

    /** Compiles without data, as {@link #compile(ChipSpec, MatMul)} into {@code taken}, keeping where W lies. */
    public static WithWeights compileKeepingWeights(ChipSpec chip, MatMul problem, ScheduleOptions options,
                                                    SramMap taken) {
        return compileKeepingWeights(chip, problem, null, null, options, taken);
    }

    /** As above, with X and W as initial data when given (as {@link #compile}). */
    public static WithWeights compileKeepingWeights(ChipSpec chip, MatMul problem, double[] x, double[] w,
                                                    ScheduleOptions options, SramMap taken) {
        Compiled c = compileContext(chip, problem, x, w, options, taken);
        return new WithWeights(c.kernel, WeightTiles.of(c.ctx), XTiles.of(c.ctx), MatMulLayout.wholeY(c.ctx));
    }

    /** As {@link #compileCopies}, keeping where W lies (every copy's kernel reads the same tiles). */
    public static List<WithWeights> compileCopiesKeepingWeights(ChipSpec chip, MatMul problem,
            ScheduleOptions options, SramMap taken, int copies) {
        KernelContext ctx = new KernelContext(chip, problem, null, null, options, taken);
        ctx.weightCopies = copies;
        List<CompiledKernel> kernels = finishCopies(ctx, copies);
        WeightTiles w = WeightTiles.of(ctx);
        XTiles x = XTiles.of(ctx);
        List<Region> y = MatMulLayout.wholeY(ctx);
        return kernels.stream().map(k -> new WithWeights(k, w, x, y)).toList();
    }

    /**
     * A product over weights another product placed ({@code weights}: the same K, N and type), with {@code m} rows
     * of X: the same units read the same tiles; X and Y go into the SRAM left free by {@code taken}. For copies
     * (one KV cache per sequence), the kernel that reads copy {@code copy}. Without data.
     */
    public static CompiledKernel compileOnWeights(ChipSpec chip, WeightTiles weights, int m, int copy,
                                                  ScheduleOptions options, SramMap taken) {
        return compileOnWeights(chip, weights, m, copy, null, options, taken);
    }

    /** As above, with X ([m x K], row-major) as initial data when given (the weights' data is their product's). */
    public static CompiledKernel compileOnWeights(ChipSpec chip, WeightTiles weights, int m, int copy, double[] x,
                                                  ScheduleOptions options, SramMap taken) {
        return onWeights(chip, weights, m, copy, x, options, taken).kernel();
    }

    /** As {@link #compileOnWeights(ChipSpec, WeightTiles, int, int, ScheduleOptions, SramMap)}, with its X tiles. */
    public static WithX compileOnWeightsWithX(ChipSpec chip, WeightTiles weights, int m, int copy,
                                              ScheduleOptions options, SramMap taken) {
        return onWeights(chip, weights, m, copy, null, options, taken);
    }

    private static WithX onWeights(ChipSpec chip, WeightTiles weights, int m, int copy, double[] x,
                                   ScheduleOptions options, SramMap taken) {
        MatMul w = weights.problem;
        if (x != null && x.length != (long) m * w.k()) {
            throw new IllegalArgumentException("X must hold M x K values");
        }
        KernelContext ctx = new KernelContext(chip, new MatMul(m, w.k(), w.n(), w.dtype()), x, null, options,
                taken);
        ctx.fixed = weights;
        ctx.weightCopies = weights.copies;
        return new WithX(runPhases(ctx, copy), XTiles.of(ctx));
    }

    /**
     * Compiles a product whose W ({@code w}, [K x N] row-major, or null for none) is initial data and whose X is
     * left for earlier work to write into the X tiles the layout names (every unit reads its own copy).
     */
    public static MatMulLayout compileWired(ChipSpec chip, MatMul problem, double[] w, ScheduleOptions options,
                                            SramMap taken) {
        Compiled c = compileContext(chip, problem, null, w, options, taken);
        return MatMulLayout.of(c.kernel, c.ctx);
    }

    /**
     * Compiles one schedule for {@code copies} weight matrices of the same shape (a KV cache per sequence): every W
     * tile holds all copies, and kernel j of the result reads copy j. All have the same cycles and take the same
     * SRAM (enough for every copy); run them at different times. Without data (timing-only).
     */
    public static List<CompiledKernel> compileCopies(ChipSpec chip, MatMul problem, ScheduleOptions options,
                                                              SramMap taken, int copies) {
        if (copies < 1) {
            throw new IllegalArgumentException("copies must be at least 1, got " + copies);
        }
        KernelContext ctx = new KernelContext(chip, problem, null, null, options, taken);
        ctx.weightCopies = copies;
        return finishCopies(ctx, copies);
    }

    /**
     * Compiles one schedule over {@code copies} weight matrices of the same shape of which data chooses one (the
     * experts of an MoE layer, one chosen per slot of the router's choice): each W slice holds every copy, a block
     * apart, and the kernel reads the copy that lane j of its index vector (region {@code INDEX}, a u16 per lane,
     * written by earlier work) names, through {@code base} and {@code readb} ({@link ChosenCopy}). Kernel j of the
     * result reads lane j, for j below {@code lanes}; all have the same cycles and share W, X, Y and the index.
     * {@code x} and {@code w} (one [K x N] matrix per copy) and {@code index} (the index's lanes) are initial data
     * when given.
     */
    public static List<CompiledKernel> compileChosen(ChipSpec chip, MatMul problem, double[] x, double[][] w,
                                                     int[] index, ScheduleOptions options, SramMap taken,
                                                     int copies, int lanes) {
        if (w != null && x == null) {
            throw new IllegalArgumentException("give X and one W per copy, or neither");
        }
        return chosen(chip, problem, x, w, index, options, taken, copies, lanes).slots();
    }

    /**
     * A product over weights chosen by data ({@link #compileChosen}) whose W copies ({@code w}, one [K x N]
     * row-major matrix each) are initial data, and whose X and index earlier work writes: into the X tiles the
     * layout names and into region {@code index} (a u16 per lane). Kernel j of {@code slots} reads lane j's copy.
     */
    public record ChosenWired(MatMulLayout layout, List<CompiledKernel> slots, Region index) {
    }

    /** As {@link #compileChosen}, wired ({@link ChosenWired}). */
    public static ChosenWired compileChosenWired(ChipSpec chip, MatMul problem, double[][] w, ScheduleOptions options,
                                                 SramMap taken, int copies, int lanes) {
        return chosen(chip, problem, null, w, null, options, taken, copies, lanes);
    }

    private static ChosenWired chosen(ChipSpec chip, MatMul problem, double[] x, double[][] w, int[] index,
                                      ScheduleOptions options, SramMap taken, int copies, int lanes) {
        if (copies < 1 || lanes < 1) {
            throw new IllegalArgumentException("copies and lanes must be at least 1, got " + copies + ", " + lanes);
        }
        if (w != null && w.length != copies) {
            throw new IllegalArgumentException("give one W per copy: " + copies + ", got " + w.length);
        }
        KernelContext ctx = new KernelContext(chip, problem, x, null, options, taken);
        ctx.weightCopies = copies;
        ctx.wCopies = w;
        ctx.chosen = new ChosenCopy(0, index, chip.floorplan().slices().size());
        TilingPhase.run(ctx);
        AllocationPhase.run(ctx);
        ChosenCopy.allocate(ctx);
        SchedulingPhase.run(ctx);
        List<CompiledKernel> out = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            out.add(kernel(ctx, EmissionPhase.run(ctx, 0, lane)));
        }
        Region indexRegion = out.get(0).program().chips().get(0).region(EmissionPhase.INDEX_REGION).orElseThrow();
        return new ChosenWired(MatMulLayout.of(out.get(0), ctx), List.copyOf(out), indexRegion);
    }

    private static List<CompiledKernel> finishCopies(KernelContext ctx, int copies) {
        TilingPhase.run(ctx);
        AllocationPhase.run(ctx);
        SchedulingPhase.run(ctx);
        List<CompiledKernel> out = new ArrayList<>();
        for (int j = 0; j < copies; j++) {
            out.add(kernel(ctx, EmissionPhase.run(ctx, j)));
        }
        return out;
    }

    private static long peakMacsPerCycle(KernelContext ctx) {
        int units = ctx.chip.floorplan().slicesOf(SliceKind.MXM).size()
                * ctx.chip.mxm().piecesPerSlice(ctx.pieceType());
        return (long) units * ctx.kTile * ctx.chip.mxm().cols();
    }

    /**
     * The largest of: the MXM bound (MACs over peak MACs per cycle); the array bound (every piece's array is held
     * by IW for mxm_install_cycles and by ABC for its M rows, for each of N tiles x K tiles pieces, over the units);
     * the weight-streaming bound (every W tile enters its MXM slice by LW at weight_streams / bytes rows per cycle,
     * and the units of one slice share its weight streams: the tiles' load cycles over the MXM slices); and the
     * critical path of the first result (read latency, one LW cycle, install, array latency, ACC latency, write
     * latency).
     */
    private static long lowerBound(KernelContext ctx) {
        return Math.max(Math.max(macBound(ctx), arrayBound(ctx)), Math.max(weightBound(ctx), pathBound(ctx)));
    }

    private static long macBound(KernelContext ctx) {
        long peak = peakMacsPerCycle(ctx);
        return (ctx.problem.macs() + peak - 1) / peak;
    }

    private static long arrayBound(KernelContext ctx) {
        long units = (long) ctx.chip.floorplan().slicesOf(SliceKind.MXM).size()
                * ctx.chip.mxm().piecesPerSlice(ctx.pieceType());
        long install = ctx.chip.timing().cycles(TimingParam.MXM_INSTALL_CYCLES);
        long busy = (long) ctx.nTiles * ctx.kTiles * (install + ctx.problem.m());
        return (busy + units - 1) / units;
    }

    private static long weightBound(KernelContext ctx) {
        long slices = ctx.chip.floorplan().slicesOf(SliceKind.MXM).size();
        long loads = 0;
        for (int kt = 0; kt < ctx.kTiles; kt++) {
            loads += (long) ctx.nTiles * ctx.weightWords(kt);
        }
        return (loads + slices - 1) / slices;
    }

    private static long pathBound(KernelContext ctx) {
        var t = ctx.chip.timing();
        return t.cycles(TimingParam.MEM_READ_LATENCY_CYCLES) + 1 + t.cycles(TimingParam.MXM_INSTALL_CYCLES)
                + t.cycles(TimingParam.MXM_ARRAY_LATENCY_CYCLES) + t.cycles(TimingParam.MXM_ACC_LATENCY_CYCLES)
                + t.cycles(TimingParam.MEM_WRITE_LATENCY_CYCLES);
    }

    private static String boundReason(KernelContext ctx) {
        long bound = lowerBound(ctx);
        if (bound == macBound(ctx)) {
            return "MXM peak: MACs / " + peakMacsPerCycle(ctx) + " MACs per cycle";
        }
        if (bound == arrayBound(ctx)) {
            return "MXM arrays: each piece's install and its activation rows, over the units";
        }
        if (bound == weightBound(ctx)) {
            return "weight streaming: every W tile's load at " + ctx.chip.mxm().weightStreams()
                    + " weight streams per MXM slice";
        }
        return "the critical path of the first result";
    }
}
