// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.SramMap;
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
     * Attention for one key-value group at decode: RMSNorm of the hidden row, the group's Q, K and V (one GEMV),
     * RoPE, the scores against a K cache of {@code context} tokens, softmax, the weighted sum over the V cache, and
     * the group's share of the output projection.
     */
    public static CompiledKernel attention(ModelConfig m, Precision w, int context, ChipSpec chip) {
        BlockCompiler b = new BlockCompiler(chip);
        int hd = m.headDim();
        int q = m.heads() / m.kvHeads();
        int cached = m.cachedTokens(context);
        DataType type = w.mxmType();
        b.place(s -> b.lib.rmsnorm(m.hidden(), (float) m.rmsNormEps(), s));
        b.weights(w, s -> b.lib.matmul(Tensor.QKV, 1, m.hidden(), (q + 2) * hd, type, s), (q + 2) * hd);
        b.place(s -> b.lib.rope((q + 1) * hd, hd, m.ropeTheta(), s));
        b.place(s -> b.lib.matmul(Tensor.K_CACHE, q, hd, cached, DataType.F16, s));
        b.place(s -> b.lib.softmax(q, cached, s));
        b.place(s -> b.lib.matmul(Tensor.V_CACHE, q, cached, hd, DataType.F16, s));
        b.weights(w, s -> b.lib.matmul(Tensor.O, 1, q * hd, m.hidden(), type, s), m.hidden());
        return b.done("attention of " + q + " query heads and 1 KV head over " + cached + " cached tokens");
    }

    /**
     * The MoE block's work on one chip: the router (a GEMV and top-k), then {@code columns} of one expert's
     * intermediate columns (gate and up as one GEMV, SwiGLU, down), scaled by the expert's routing weight. For a
     * dense model: the feed-forward columns without router.
     */
    public static CompiledKernel moe(ModelConfig m, Precision w, int columns, ChipSpec chip) {
        BlockCompiler b = new BlockCompiler(chip);
        DataType type = w.mxmType();
        b.place(s -> b.lib.rmsnorm(m.hidden(), (float) m.rmsNormEps(), s));
        if (m.moe()) {
            b.weights(w, s -> b.lib.matmul(Tensor.ROUTER, 1, m.hidden(), m.experts(), type, s), m.experts());
            b.place(s -> b.lib.route(m.experts(), m.expertsPerToken(), s));
        }
        b.weights(w, s -> b.lib.matmul(Tensor.GATE_UP, 1, m.hidden(), 2 * columns, type, s), 2 * columns);
        b.place(s -> b.lib.swiglu(columns, s));
        b.weights(w, s -> b.lib.matmul(Tensor.DOWN, 1, columns, m.hidden(), type, s), m.hidden());
        if (m.moe()) {
            b.place(s -> b.lib.elementwise(Opcode.VMUL, m.hidden(), s));
        }
        return b.done((m.moe() ? "router and " : "") + columns + " columns of " + (m.moe() ? "one expert" : "the "
                + "feed-forward part"));
    }

    private void weights(Precision w, Function<SramMap, CompiledKernel> make, int n) {
        place(make);
        if (w == Precision.INT8) {
            place(s -> lib.elementwise(Opcode.VMUL, n, s));
        }
    }
}
