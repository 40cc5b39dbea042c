// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.dataflow.CacheAppend;
import dev.lockstep.compiler.dataflow.ChipDataflow;
import dev.lockstep.compiler.dataflow.ChipDataflow.Out;
import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.graph.DecoderLayer;
import dev.lockstep.compiler.graph.LayerStep;
import dev.lockstep.compiler.graph.LayerStep.CacheProduct;
import dev.lockstep.compiler.graph.LayerStep.Compute;
import dev.lockstep.compiler.graph.LayerStep.Exchange;
import dev.lockstep.compiler.graph.LayerStep.Norm;
import dev.lockstep.compiler.graph.LayerStep.PerExpert;
import dev.lockstep.compiler.graph.LayerStep.PerKvHead;
import dev.lockstep.compiler.graph.LayerStep.Product;
import dev.lockstep.compiler.graph.LayerStep.Residual;
import dev.lockstep.compiler.graph.LayerStep.Rope;
import dev.lockstep.compiler.graph.LayerStep.Route;
import dev.lockstep.compiler.graph.LayerStep.Softmax;
import dev.lockstep.compiler.graph.LayerStep.Where;
import dev.lockstep.compiler.graph.Tensor;
import dev.lockstep.compiler.matmul.MatMulLayout;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.compiler.vector.VectorKernels;
import dev.lockstep.isa.Opcode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A second lowering with data of the layer graph, kept beside the tests as a check of the plan's (runs with data go
 * through the plan: {@link Generation}, {@link PlanData}): one decoder layer with real weights, compiled for one chip
 * as wired kernels ({@link ChipDataflow}), a token's hidden row in, the layer's output row out, the token's K and V
 * appended to caches held in SRAM. The plan with data's rows are checked bit for bit against this one's
 * ({@code PlanWithDataTest}), its rows against the plain-Java layer's ({@code FunctionalLayerTest}).
 * <ol>
 *   <li>RMSNorm; Q, K and V as one GEMV; RoPE on Q and K at the token's position.</li>
 *   <li>Per KV group, first the append: V becomes row {@code position} of the group's V cache ([capacity x headDim],
 *       the W of the weighted sum); K becomes column {@code position} of the group's K cache ([headDim x capacity],
 *       the W of the scores), one word per element: the element {@code distribute}d to every lane, then
 *       {@code vsel} against a one-hot lane mask merges it into the cache row, written back in place.</li>
 *   <li>Then the scores of the group's query heads against the whole cache ([q x headDim] . [headDim x capacity]),
 *       scaled by 1/sqrt(headDim), positions after the token masked to -inf, softmax, and the weighted sum over the
 *       V cache; the heads' outputs side by side through o_proj; the residual.</li>
 *   <li>RMSNorm; the router's logits (a GEMV) and top-k with renormalised weights; every expert's gate-and-up
 *       GEMV, SwiGLU and down GEMV; the experts' outputs weighted by their routing weights (0 for the experts not
 *       chosen, so every expert's slot is reserved and the choice is data, not schedule) and added to the
 *       residual.</li>
 * </ol>
 * The steps are the layer graph's ({@link DecoderLayer}), walked in order and lowered with data into the kernels
 * the timing-only lowering places, each vector step's body from {@link LayerVectors}: a residual and the norm after
 * it become one vector step; each KV head's append comes before its scores; the experts' gating is one vector step
 * after their products. The halves can run on different chips
 * ({@link #attention}, then {@link #experts} for column ranges on others, then {@link #sum}): a column split of w1
 * and w3 and a row split of w2, whose partial sums add up.
 * Weights are fp16 in SRAM; activations f32 in the vector unit and f16 into the MXM; K and V caches f16.
 */
public final class FunctionalLayer {
    private final ModelConfig m;
    private final LayerWeights w;
    private final int capacity;
    private final String name;
    private final double[] zerosK;
    private final double[] zerosV;
    /** The layer's steps, which this lowering walks. */
    private final DecoderLayer graph;
    private final FunctionalExperts experts;
    private final MoeDispatch dispatch;
    /** Where the attention's values lie in the rows its steps leave (the whole layer on one chip: every head). */
    private final AttentionRows rows;

    /**
     * A layer that computes every expert ({@link MoeDispatch#ALL}).
     *
     * @param capacity tokens each KV cache holds (positions 0 .. capacity - 1)
     * @param name     a prefix for this layer's products on a chip
     */
    public FunctionalLayer(ModelConfig m, LayerWeights w, int capacity, String name) {
        this(m, w, capacity, name, MoeDispatch.ALL);
    }

    /** As above, an MoE layer's experts dispatched as {@code dispatch} (a dense layer takes {@code ALL}). */
    public FunctionalLayer(ModelConfig m, LayerWeights w, int capacity, String name, MoeDispatch dispatch) {
        w.check(m);
        if (m.heads() % m.kvHeads() != 0 || m.headDim() * m.heads() != m.hidden() || m.headDim() % 2 != 0) {
            throw new IllegalArgumentException("heads must split into equal KV groups and even head dims");
        }
        this.m = m;
        this.w = w;
        this.capacity = capacity;
        this.name = name;
        this.zerosK = new double[m.headDim() * capacity];
        this.zerosV = new double[capacity * m.headDim()];
        this.graph = DecoderLayer.of(m);
        this.experts = new FunctionalExperts(m, w, name);
        if (dispatch == MoeDispatch.CHOSEN && !m.moe()) {
            throw new IllegalArgumentException("chosen-expert dispatch applies to MoE layers");
        }
        this.dispatch = dispatch;
        this.rows = AttentionRows.of(m, 1);
    }

    /** intermediate_size: the feed-forward columns that {@link #experts} ranges split. */
    public int intermediate() {
        return m.intermediate();
    }

    /** The whole layer on one chip for the token at {@code position}; returns its output row (hidden values). */
    public Row step(ChipDataflow flow, Row x, int position) {
        Attended a = attention(flow, x, position);
        Row partial = experts(flow, a, 0, m.intermediate());
        return sum(flow, List.of(a.residual(), partial));
    }

    /**
     * What the attention half of a layer leaves for the feed-forward half.
     *
     * @param residual the layer's input plus the attention output
     * @param normed   the residual after post_attention_layernorm: the experts' input
     * @param gates    the routing weights, one per expert (0 for the experts not chosen), or with the experts chosen
     *                 by data one per slot of the router's top-k; empty for a dense model
     * @param index    with the experts chosen by data, the router's choice: lane i the expert of slot i (u16)
     */
    public record Attended(Row residual, Row normed, Optional<Row> gates, Optional<Row> index) {
    }

    /**
     * The attention half for the token at {@code position}: the layer graph's steps up to the broadcast over every
     * layer chip (norm, QKV, RoPE, the caches' append, attention per KV group, o_proj, residual, norm, and for MoE
     * the router and top-k), lowered with data.
     */
    public Attended attention(ChipDataflow flow, Row x, int position) {
        if (position < 0 || position >= capacity) {
            throw new IllegalArgumentException("position " + position + " is outside the KV caches' " + capacity
                    + " tokens");
        }
        Token tok = new Token(flow, position);
        tok.x = x;
        tok.stream = x;
        List<LayerStep> steps = graph.steps();
        for (int i = 0; i < steps.size(); i++) {
            LayerStep step = steps.get(i);
            if (step instanceof Exchange e && e.group() == Where.EVERY_CHIP) {
                break;
            }
            if (LayerVectors.fusedWithNext(steps, i)) {
                residualThenNorm((Norm) steps.get(i + 1), tok);
                i++;
            } else if (step instanceof Compute c) {
                lower(c, tok);
            }
        }
        return new Attended(tok.residual, tok.stream, Optional.ofNullable(tok.gates), Optional.ofNullable(tok.index));
    }

    /**
     * The feed-forward half's share of intermediate columns {@code from .. to - 1} of every expert: the graph's
     * per-expert block for each expert's gate and up columns (a column split of w1 and w3), SwiGLU, and the matching
     * rows of w2 (a row split: the result is a partial sum), weighted by the expert's routing weight. The shares of
     * all columns add up to the feed-forward output. For a layer that computes every expert only (its gates are one
     * per expert); {@link #experts(ChipDataflow, Attended, int, int)} takes either dispatch.
     */
    public Row experts(ChipDataflow flow, Row normed, Optional<Row> gates, int from, int to) {
        if (dispatch != MoeDispatch.ALL) {
            throw new IllegalStateException("a layer with the experts chosen by data takes its router's index: use "
                    + "experts(flow, attended, from, to)");
        }
        if (from < 0 || to > m.intermediate() || from >= to) {
            throw new IllegalArgumentException("columns " + from + ".." + (to - 1) + " are outside the "
                    + m.intermediate() + " intermediate columns");
        }
        PerExpert block = (PerExpert) graph.steps().stream().filter(s -> s instanceof PerExpert).findFirst()
                .orElseThrow();
        return experts.share(flow, block, normed, gates, from, to);
    }

    /**
     * The feed-forward half's share of intermediate columns {@code from .. to - 1} after attention {@code a}, with
     * the layer's dispatch: every expert ({@link #experts(ChipDataflow, Row, Optional, int, int)}) or the experts
     * the router chose, read at the addresses its index sets.
     */
    public Row experts(ChipDataflow flow, Attended a, int from, int to) {
        if (dispatch == MoeDispatch.ALL) {
            return experts(flow, a.normed(), a.gates(), from, to);
        }
        // chosen by data
        if (from < 0 || to > m.intermediate() || from >= to) {
            throw new IllegalArgumentException("columns " + from + ".." + (to - 1) + " are outside the "
                    + m.intermediate() + " intermediate columns");
        }
        PerExpert block = (PerExpert) graph.steps().stream().filter(s -> s instanceof PerExpert).findFirst()
                .orElseThrow();
        return experts.chosenShare(flow, block, a.normed(), a.gates().orElseThrow(), a.index().orElseThrow(), from,
                to);
    }

    /** The rows a token's steps leave for the steps after them on one chip. */
    private final class Token {
        final ChipDataflow flow;
        final int position;
        /** The layer's input. */
        Row x;
        /** What the next step reads: the last step's result. */
        Row stream;
        Row qkv;
        Row roped;
        final List<Row> headOut = new ArrayList<>();
        /** The residual stream after attention. */
        Row residual;
        Row logits;
        Row gates;
        /** With the experts chosen by data: the router's index (lane i the expert of slot i). */
        Row index;
        /** Inside a KV head's block: the head, its score rows and their softmax. */
        int kvHead;
        List<Row> scores;
        List<Row> probs;

        Token(ChipDataflow flow, int position) {
            this.flow = flow;
            this.position = position;
        }
    }

    /** Lowers one compute step of the attention half with data. */
    private void lower(Compute step, Token tok) {
        int d = m.hidden();
        int hd = m.headDim();
        int heads = m.heads();
        int kv = m.kvHeads();
        float eps = (float) m.rmsNormEps();
        ChipDataflow flow = tok.flow;
        if (step instanceof Norm n) {
            double[] weight = n.weight() == Tensor.ATTENTION_NORM ? w.attentionNorm() : w.ffnNorm();
            Row in = tok.stream;
            tok.stream = flow.vectors(s -> List.of(new Out(LayerVectors.norm(s.graph(), s.row(in), weight, d, eps),
                    d))).get(0);
        } else if (step instanceof Product p && p.weight() == Tensor.QKV) {
            tok.qkv = flow.matmul(name + ".qkv", List.of(List.of(tok.stream)), d, (heads + 2 * kv) * hd, w.qkv())
                    .get(0);
        } else if (step instanceof Rope) {
            int qk = rows.roped();
            Row qkv = tok.qkv;
            tok.roped = flow.vectors(s -> List.of(new Out(LayerVectors.rope(s, qkv, qk, hd, tok.position,
                    m.ropeTheta()), qk))).get(0);
        } else if (step instanceof PerKvHead block) {
            for (int g = 0; g < kv; g++) {
                tok.kvHead = g;
                appendToCaches(tok, g);
                for (LayerStep inner : block.body()) {
                    lowerKvHeadStep(inner, tok);
                }
            }
        } else if (step instanceof Product p && p.weight() == Tensor.O) {
            tok.stream = flow.matmul(name + ".o", List.of(tok.headOut), heads * hd, d, w.output()).get(0);
        } else if (step instanceof Residual) {
            Row x = tok.x;
            Row o = tok.stream;
            tok.residual = flow.vectors(s -> List.of(new Out(VectorKernels.elementwise(s.graph(), Opcode.VADD,
                    s.row(x), s.row(o)), d))).get(0);
            tok.stream = tok.residual;
        } else if (step instanceof Product p && p.weight() == Tensor.ROUTER) {
            tok.logits = flow.matmul(name + ".router", List.of(List.of(tok.stream)), d, m.experts(), w.router())
                    .get(0);
        } else if (step instanceof Route r) {
            Row logits = tok.logits;
            List<Row> routed = flow.vectors(s -> LayerVectors.route(s.graph(), s.row(logits).get(0), r.experts(),
                    r.topK(), dispatch));
            // every expert: the gates alone; chosen by data: the index, then the slots' weights
            tok.gates = routed.get(routed.size() - 1);
            tok.index = routed.size() > 1 ? routed.get(0) : null;
        } else {
            throw new IllegalArgumentException("no functional lowering of " + step + " in the attention half");
        }
    }

    /** A residual and the norm after it, as one vector step: the sum goes into the norm without a round trip. */
    private void residualThenNorm(Norm n, Token tok) {
        int d = m.hidden();
        double[] weight = n.weight() == Tensor.ATTENTION_NORM ? w.attentionNorm() : w.ffnNorm();
        Row x = tok.x;
        Row o = tok.stream;
        List<Row> hn = tok.flow.vectors(s -> LayerVectors.residualThenNorm(s.graph(), s.row(x), s.row(o), weight, d,
                (float) m.rmsNormEps()));
        tok.residual = hn.get(0);
        tok.stream = hn.get(1);
    }

    /**
     * The caches' append for KV head {@code g} (one vector step, before the head's scores, as the timing-only run
     * places it): V becomes row {@code position} of the head's V cache, K column {@code position} of its K cache.
     */
    private void appendToCaches(Token tok, int g) {
        int hd = m.headDim();
        int heads = m.heads();
        int kv = m.kvHeads();
        int q = heads / kv;
        MatMulLayout kc = tok.flow.product(name + ".k" + g, q, hd, capacity, zerosK);
        MatMulLayout vc = tok.flow.product(name + ".v" + g, q, capacity, hd, zerosV);
        Row roped = tok.roped;
        Row qkv = tok.qkv;
        int position = tok.position;
        tok.flow.effects(s -> {
            VectorGraph.Ref mask = CacheAppend.oneHot(s.graph(), position);
            CacheAppend.appendK(s, (nt, kt) -> kc.w().get(nt).get(kt), kc.kTile(),
                    s.lanes(roped.part(rows.key(g), hd), 0, hd, false), hd, mask, position);
            CacheAppend.appendV(s, vc.w().get(0).get(position / vc.kTile()),
                    s.lanes(qkv.part(rows.value(g), hd), 0, hd, true), position % vc.kTile());
        });
    }

    /** One step of a KV head's block: the scores against its K cache, their softmax, the sum over its V cache. */
    private void lowerKvHeadStep(LayerStep step, Token tok) {
        int hd = m.headDim();
        int q = m.heads() / m.kvHeads();
        int g = tok.kvHead;
        if (step instanceof CacheProduct c && c.cache() == Tensor.K_CACHE) {
            List<List<Row>> qs = new ArrayList<>();
            for (int r = 0; r < q; r++) {
                qs.add(List.of(tok.roped.part(rows.query(g, r), hd)));
            }
            tok.scores = tok.flow.matmul(name + ".k" + g, qs, hd, capacity, zerosK);
        } else if (step instanceof Softmax) {
            List<Row> scores = tok.scores;
            tok.probs = tok.flow.vectors(s -> {
                List<Out> out = new ArrayList<>();
                for (Row sc : scores) {
                    out.add(new Out(LayerVectors.maskedSoftmax(s.graph(), s.row(sc), tok.position,
                            (float) (1 / Math.sqrt(hd))), capacity));
                }
                return out;
            });
        } else if (step instanceof CacheProduct c && c.cache() == Tensor.V_CACHE) {
            List<List<Row>> ps = new ArrayList<>();
            tok.probs.forEach(p -> ps.add(List.of(p)));
            tok.headOut.addAll(tok.flow.matmul(name + ".v" + g, ps, capacity, hd, zerosV));
        } else {
            throw new IllegalArgumentException("no functional lowering of " + step + " in a KV head's block");
        }
    }

    /** The element-wise sum of rows of one length (the residual and the feed-forward shares). */
    public static Row sum(ChipDataflow flow, List<Row> rows) {
        return flow.vectors(s -> {
            List<VectorGraph.Ref> acc = s.row(rows.get(0));
            for (int i = 1; i < rows.size(); i++) {
                acc = VectorKernels.elementwise(s.graph(), Opcode.VADD, acc, s.row(rows.get(i)));
            }
            return List.of(new Out(acc, rows.get(0).length()));
        }).get(0);
    }
}
