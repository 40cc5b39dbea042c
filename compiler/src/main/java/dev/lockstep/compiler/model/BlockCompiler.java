// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.graph.DecoderLayer;
import dev.lockstep.compiler.graph.LayerStep;
import dev.lockstep.compiler.graph.LayerStep.CacheProduct;
import dev.lockstep.compiler.graph.LayerStep.Compute;
import dev.lockstep.compiler.graph.LayerStep.GateByRoute;
import dev.lockstep.compiler.graph.LayerStep.Norm;
import dev.lockstep.compiler.graph.LayerStep.PerExpert;
import dev.lockstep.compiler.graph.LayerStep.PerKvHead;
import dev.lockstep.compiler.graph.LayerStep.Product;
import dev.lockstep.compiler.graph.LayerStep.Residual;
import dev.lockstep.compiler.graph.LayerStep.Rope;
import dev.lockstep.compiler.graph.LayerStep.Route;
import dev.lockstep.compiler.graph.LayerStep.Softmax;
import dev.lockstep.compiler.graph.LayerStep.SwiGlu;
import dev.lockstep.compiler.graph.LayerStep.Where;
import dev.lockstep.compiler.graph.Tensor;
import dev.lockstep.compiler.system.ChipBuild;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.system.LinkKind;
import dev.lockstep.isa.system.SystemSpec;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The kernels of a decode step's blocks on one chip, compiled into one program: every kernel at its cycle, one
 * after another, each in the SRAM the earlier ones left (as {@code lockstep run} places a chip's kernels; in a run
 * some of them, the norms and the router, sit on a layer's first chip only). For {@code lockstep compile --op
 * attention|moe-block}. The result is a {@link CompiledKernel} whose predicted cycles run from cycle 0 to the last
 * kernel's end, whose lower bound is the sum of the kernels' lower bounds, and whose MXM peak is the highest of its
 * kernels' (int8 blocks: the int8 peak).
 */
public final class BlockCompiler {
    private final ChipSpec chip;
    private final KernelLibrary lib;
    private final ChipBuild c;
    private long t;
    private long bound;
    private long macs;
    private long peak = 1;

    private BlockCompiler(ChipSpec chip) {
        this.chip = chip;
        this.lib = new KernelLibrary(chip);
        Map<LinkKind, Long> latency = new EnumMap<>(LinkKind.class);
        for (LinkKind k : LinkKind.values()) {
            latency.put(k, chip.links().latencyCycles());
        }
        this.c = new SystemBuild(new SystemSpec("one-chip", chip, 1, 1, 1, 0, latency)).chip(0);
    }

    private void place(Function<SramMap, CompiledKernel> make) {
        CompiledKernel k = make.apply(c.sram());
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
        for (LayerStep step : DecoderLayer.of(m).steps()) {
            if (step instanceof Compute c && c.where() == Where.ATTENTION_CHIPS) {
                b.lower(c, m, w, context, 0);
            }
        }
        return b.done("attention of " + q + " query heads and 1 KV head over " + cached + " cached tokens");
    }

    /**
     * The MoE block's work on one chip: the layer graph's steps on the layer's first chip after attention (RMSNorm,
     * the router's GEMV and top-k; residuals left out), then its per-expert block for {@code columns} of one expert's
     * intermediate columns (gate and up as one GEMV, SwiGLU, down), scaled by the expert's routing weight. For a
     * dense model: the feed-forward columns without router.
     */
    public static CompiledKernel moe(ModelConfig m, Precision w, int columns, ChipSpec chip) {
        BlockCompiler b = new BlockCompiler(chip);
        for (LayerStep step : DecoderLayer.of(m).steps()) {
            if (step instanceof Compute c && c.where() != Where.ATTENTION_CHIPS && !(step instanceof Residual)) {
                b.lower(c, m, w, 0, columns);
            }
        }
        return b.done((m.moe() ? "router and " : "") + columns + " columns of " + (m.moe() ? "one expert" : "the "
                + "feed-forward part"));
    }

    /**
     * One step on a chip holding one KV head ({@code context} tokens cached) or {@code columns} of one expert's
     * intermediate columns.
     */
    private void lower(Compute step, ModelConfig m, Precision w, int context, int columns) {
        int hd = m.headDim();
        int q = m.heads() / m.kvHeads();
        int cached = m.cachedTokens(context);
        DataType type = w.mxmType();
        if (step instanceof Norm) {
            place(s -> lib.rmsnorm(m.hidden(), (float) m.rmsNormEps(), s));
        } else if (step instanceof Product p) {
            int rows;
            int cols;
            switch (p.split()) {
                case HEAD_COLUMNS -> {
                    rows = (int) p.rows();
                    cols = (int) (p.cols() / m.kvHeads());
                }
                case HEAD_ROWS -> {
                    rows = (int) (p.rows() / m.kvHeads());
                    cols = (int) p.cols();
                }
                case EXPERT_COLUMNS -> {
                    rows = (int) p.rows();
                    cols = (int) (p.cols() / m.intermediate()) * columns;
                }
                case EXPERT_ROWS -> {
                    rows = columns;
                    cols = (int) p.cols();
                }
                default -> {
                    rows = (int) p.rows();
                    cols = (int) p.cols();
                }
            }
            weights(w, s -> lib.matmul(p.weight(), 1, rows, cols, type, s), cols);
        } else if (step instanceof Rope) {
            place(s -> lib.rope((q + 1) * hd, hd, m.ropeTheta(), s));
        } else if (step instanceof PerKvHead h) {
            for (LayerStep inner : h.body()) {
                lower((Compute) inner, m, w, context, columns);
            }
        } else if (step instanceof CacheProduct c && c.cache() == Tensor.K_CACHE) {
            place(s -> lib.matmul(Tensor.K_CACHE, q, hd, cached, DataType.F16, s));
        } else if (step instanceof CacheProduct) {
            place(s -> lib.matmul(Tensor.V_CACHE, q, cached, hd, DataType.F16, s));
        } else if (step instanceof Softmax) {
            place(s -> lib.softmax(q, cached, s));
        } else if (step instanceof Route r) {
            place(s -> lib.route(r.experts(), r.topK(), s));
        } else if (step instanceof PerExpert e) {
            for (LayerStep inner : e.body()) {
                lower((Compute) inner, m, w, context, columns);
            }
        } else if (step instanceof SwiGlu) {
            place(s -> lib.swiglu(columns, s));
        } else if (step instanceof GateByRoute) {
            place(s -> lib.elementwise(Opcode.VMUL, m.hidden(), s));
        } else {
            throw new IllegalArgumentException("no one-chip block lowering of " + step);
        }
    }

    private void weights(Precision w, Function<SramMap, CompiledKernel> make, int n) {
        place(make);
        if (w == Precision.INT8) {
            place(s -> lib.elementwise(Opcode.VMUL, n, s));
        }
    }
}
