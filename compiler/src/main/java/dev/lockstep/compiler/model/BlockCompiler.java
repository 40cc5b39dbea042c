// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.config.Precision;
import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.dataflow.RowCuts;
import dev.lockstep.compiler.graph.DecoderLayer;
import dev.lockstep.compiler.graph.LayerStep;
import dev.lockstep.compiler.graph.LayerStep.CacheProduct;
import dev.lockstep.compiler.graph.LayerStep.ExchangeKind;
import dev.lockstep.compiler.graph.LayerStep.Compute;
import dev.lockstep.compiler.graph.LayerStep.GateByRoute;
import dev.lockstep.compiler.graph.LayerStep.PerExpert;
import dev.lockstep.compiler.graph.LayerStep.PerKvHead;
import dev.lockstep.compiler.graph.LayerStep.Product;
import dev.lockstep.compiler.graph.LayerStep.Residual;
import dev.lockstep.compiler.graph.Tensor;
import dev.lockstep.compiler.graph.TensorId;
import dev.lockstep.compiler.model.KernelKey.VectorStepKind;
import dev.lockstep.compiler.system.ChipBuild;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.system.LinkKind;
import dev.lockstep.isa.system.SystemSpec;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The kernels of a decode step's blocks on one chip, compiled into one program: every kernel at its cycle, one
 * after another, each in the SRAM the earlier ones left, with the wiring of each product's X and the caches' append
 * (as {@code lockstep run} places a chip's kernels; in a run some of them, the norms and the router, sit on a layer's
 * first chip only). For {@code lockstep compile --op attention|moe-block}. The result is a {@link CompiledKernel}
 * whose predicted cycles run from cycle 0 to the last kernel's end, whose lower bound is the sum of the kernels'
 * lower bounds, and whose MXM peak is the highest of its kernels' (int8 blocks: the int8 peak).
 */
public final class BlockCompiler {
    private final ChipSpec chip;
    private final KernelLibrary lib;
    private final ChipBuild c;
    private long t;
    private long bound;
    private long macs;
    private long peak = 1;
    /** The V cache's product, taken with the K cache's before the token's append. */
    private CompiledKernel vCache;
    /** The rows the kernels so far left, which later ones read in place (the chip's steps are one run). */
    private final RunRows run = new RunRows();

    private BlockCompiler(ChipSpec chip) {
        this.chip = chip;
        this.lib = new KernelLibrary(chip);
        Map<LinkKind, Long> latency = new EnumMap<>(LinkKind.class);
        for (LinkKind k : LinkKind.values()) {
            latency.put(k, chip.links().latencyCycles());
        }
        this.c = new SystemBuild(new SystemSpec("one-chip", chip, 1, 1, 1, 0, latency)).chip(0);
    }

    /** Compiles a vector kernel into the chip's SRAM and places it; returns it. */
    private CompiledKernel place(Function<SramMap, CompiledKernel> make) {
        CompiledKernel k = make.apply(c.sram());
        place(k);
        return k;
    }

    /**
     * A product: its tensors taken first, then the wiring that writes its X tiles from rows shaped as {@code x} whose
     * sources lie where {@code in} says ({@link KernelLibrary#wiring}), then the product, as a run places them; its
     * results are left for later kernels as {@code left}.
     */
    private void product(CompiledKernel k, RowCuts x, List<Optional<Row>> in, RunRows.Left left) {
        c.reserve(k);
        place(lib.wiring(k, x, in, c.sram()));
        place(k);
        lib.results(k).ifPresent(y -> run.leave(left, y));
    }

    private void place(CompiledKernel k) {
        t = c.place(k, t);
        bound += k.lowerBoundCycles();
        macs += k.macs();
        if (k.macs() > 0) {
            peak = Math.max(peak, k.peakMacsPerCycle());
        }
    }

    private CompiledKernel done(String what) {
        Program p = new Program(chip.name(), chip.vectorBytes(), List.of(), List.of(),
                List.of(c.program()));
        return new CompiledKernel(p, t, bound, "the sum of its kernels' lower bounds (" + what + ")", macs, peak,
                c.sram());
    }

    /**
     * Attention for one key-value group at decode: the layer graph's attention steps on a chip that holds one KV
     * head (RMSNorm of the hidden row, the group's Q, K and V as one GEMV, RoPE, the scores against a K cache of
     * {@code context} tokens, softmax, the weighted sum over the V cache, and the group's share of the output
     * projection).
     */
    public static CompiledKernel attention(ModelConfig m, Precision w, int context, ChipSpec chip) {
        BlockCompiler b = new BlockCompiler(chip);
        int q = m.heads() / m.kvHeads();
        int cached = m.cachedTokens(context);
        for (LayerStep step : attentionHalf(m, true)) {
            if (step instanceof Compute c) {
                b.lower(c, m, w, context, 0);
            }
        }
        return b.done("attention of " + q + " query heads and 1 KV head over " + cached + " cached tokens");
    }

    /**
     * The MoE block's work on one chip: the layer graph's steps on the layer's first chip after attention (RMSNorm,
     * the router's GEMV and top-k; residuals left out, so the norm is not fused with one as in a run), then its
     * per-expert block for {@code columns} of one expert's intermediate columns (gate and up as one GEMV, SwiGLU,
     * down), scaled by the expert's routing weight. For a dense model: the feed-forward columns without router.
     */
    public static CompiledKernel moe(ModelConfig m, Precision w, int columns, ChipSpec chip) {
        BlockCompiler b = new BlockCompiler(chip);
        for (LayerStep step : attentionHalf(m, false)) {
            if (step instanceof Compute c && !(step instanceof Residual)) {
                b.lower(c, m, w, 0, columns);
            }
        }
        return b.done((m.moe() ? "router and " : "") + columns + " columns of " + (m.moe() ? "one expert" : "the "
                + "feed-forward part"));
    }

    /**
     * The layer's steps before the attention's partial sums are added ({@code first}: the norm, attention and its
     * share of o_proj), or from there on (the residual, the norm, the router and the feed-forward block).
     */
    private static List<LayerStep> attentionHalf(ModelConfig m, boolean first) {
        List<LayerStep> steps = DecoderLayer.of(m).steps();
        int split = 0;
        while (!(steps.get(split) instanceof LayerStep.Exchange e && e.kind() == ExchangeKind.REDUCE_TO_FIRST)) {
            split++;
        }
        return first ? steps.subList(0, split) : steps.subList(split + 1, steps.size());
    }

    /** The chip's one piece of expert columns (expert 0's). */
    private static ExpertColumns piece(int columns) {
        return new ExpertColumns(0, columns, false);
    }

    /**
     * One step on a chip holding one KV head ({@code context} tokens cached) or {@code columns} of one expert's
     * intermediate columns: a block's steps in turn, a cache product over one sequence's cache, any other step the
     * kernel {@link StepKernels} gives it (and an int8 product's scaling).
     */
    private void lower(Compute step, ModelConfig m, Precision w, int context, int columns) {
        int hd = m.headDim();
        int q = m.heads() / m.kvHeads();
        int cached = m.cachedTokens(context);
        // the chip holds one KV head
        AttentionRows rows = AttentionRows.of(m, m.kvHeads());
        if (step instanceof PerKvHead h) {
            h.body().forEach(inner -> lower((Compute) inner, m, w, context, columns));
        } else if (step instanceof PerExpert e) {
            for (LayerStep inner : e.body()) {
                if (!(inner instanceof GateByRoute)) {
                    lower((Compute) inner, m, w, context, columns);
                }
            }
            if (e.body().stream().anyMatch(inner -> inner instanceof GateByRoute)) {
                // the gating, gathered after the chip's one block: its row and the router's weights, in place
                List<Optional<Row>> in = run.gatingReads(List.of(piece(columns)), -1);
                place(s -> StepKernels.gating(m, MoeDispatch.ALL, 1, 0, 0).make().compile(lib, s, in));
            }
        } else if (step instanceof CacheProduct cache && cache.cache() == Tensor.K_CACHE) {
            // both caches first (as a run reserves them before any token), then the token's append, then the scores
            CompiledKernel k = lib.matmul(new TensorId(Tensor.K_CACHE, 0), q, hd, cached, DataType.F16, c.sram());
            c.reserve(k);
            vCache = lib.matmul(new TensorId(Tensor.V_CACHE, 0), q, cached, hd, DataType.F16, c.sram());
            c.reserve(vCache);
            Optional<Row> roped = run.row(new RunRows.Out(VectorStepKind.ROPE, 0), 0);
            place(lib.append(k, vCache, cached - 1, cached - 1, rows.keys(0, 1), rows.values(0, 1), List.of(roped),
                    List.of(run.row(new RunRows.Y(Tensor.QKV, 0), 0)), c.sram()));
            product(k, rows.queries(0, 1), List.of(roped), new RunRows.CacheY(CacheKind.K, 0));
        } else if (step instanceof CacheProduct) {
            product(vCache, rows.probabilities(1, cached, 0, cached), run.rows(new RunRows.Out(VectorStepKind.SOFTMAX,
                    0), q), new RunRows.CacheY(CacheKind.V, 0));
            run.headOutputsFromV(0, q);
        } else {
            Shard oneChip = new Shard(0, 0, 1, piece(columns), 0);
            // in a run the norms' rows go on to other chips
            // the token at the cache's last position
            StepKernels.Kernel k = StepKernels.of(step, oneChip, m, w, m.kvHeads(), cached, cached - 1,
                    MoeDispatch.ALL, true).orElseThrow();
            Optional<RunRows.Left> left = RunRows.leaves(step, oneChip);
            // an int8 product's i32 sums, where it leaves them, for its scaling
            List<Optional<Row>> sums = List.of();
            if (k.weights()) {
                CompiledKernel p = k.make().compile(lib, c.sram(), List.of());
                product(p, step instanceof Product o && o.weight() == Tensor.O ? rows.headOutputs(1)
                        : RowCuts.whole(1, lib.kOf(p)), run.productReads(step, oneChip, rows),
                        left.orElseThrow());
                sums = List.of(lib.sums(p).map(y -> y.get(0)));
            } else {
                List<Optional<Row>> in = run.reads(step, oneChip, q);
                CompiledKernel v = place(s -> k.make().compile(lib, s, in));
                left.ifPresent(l -> run.leave(l, lib.outputs(v)));
            }
            if (k.scaledColumns() > 0) {
                List<Optional<Row>> read = sums;
                CompiledKernel scale = place(s -> StepKernels.scale(k.scaledColumns()).make().compile(lib, s, read));
                left.ifPresent(l -> run.leave(l, lib.outputs(scale)));
            }
        }
    }
}
