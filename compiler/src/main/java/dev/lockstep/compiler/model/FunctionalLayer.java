// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.dataflow.ChipDataflow;
import dev.lockstep.compiler.dataflow.ChipDataflow.Out;
import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.dataflow.VectorStep;
import dev.lockstep.compiler.matmul.MatMulLayout;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.compiler.vector.VectorKernels;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.program.Region;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One decoder layer with real weights, compiled for one chip as wired kernels ({@link ChipDataflow}): a token's
 * hidden row in, the layer's output row out, the token's K and V appended to caches held in SRAM.
 * <ol>
 *   <li>RMSNorm; Q, K and V as one GEMV; RoPE on Q and K at the token's position.</li>
 *   <li>Append: V becomes row {@code position} of the group's V cache ([capacity x headDim], the W of the weighted
 *       sum); K becomes column {@code position} of the group's K cache ([headDim x capacity], the W of the scores),
 *       one word per element: the element {@code distribute}d to every lane, then {@code vsel} against a one-hot
 *       lane mask merges it into the cache row, written back in place.</li>
 *   <li>Per KV group, the scores of its query heads against the whole cache ([q x headDim] . [headDim x capacity]),
 *       scaled by 1/sqrt(headDim), positions after the token masked to -inf, softmax, and the weighted sum over the
 *       V cache; the heads' outputs side by side through o_proj; the residual.</li>
 *   <li>RMSNorm; the router's logits (a GEMV) and top-k with renormalised weights; every expert's gate-and-up
 *       GEMV, SwiGLU and down GEMV; the experts' outputs weighted by their routing weights (0 for the experts not
 *       chosen, so every expert's slot is reserved and the choice is data, not schedule) and added to the
 *       residual.</li>
 * </ol>
 * The halves can run on different chips ({@link #attention}, then {@link #experts} for column ranges on others,
 * then {@link #sum}): a column split of w1 and w3 and a row split of w2, whose partial sums add up.
 * Weights are fp16 in SRAM; activations f32 in the vector unit and f16 into the MXM; K and V caches f16.
 */
public final class FunctionalLayer {
    private final ModelConfig m;
    private final LayerWeights w;
    private final int capacity;
    private final String name;
    private final double[] zerosK;
    private final double[] zerosV;
    /** Expert e's weights for intermediate columns from..to-1, by (e, from, to); looked up, never iterated. */
    private final Map<List<Integer>, double[][]> columnWeights = new HashMap<>();

    /**
     * @param capacity tokens each KV cache holds (positions 0 .. capacity - 1)
     * @param name     a prefix for this layer's products on a chip
     */
    public FunctionalLayer(ModelConfig m, LayerWeights w, int capacity, String name) {
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
    }

    /** intermediate_size: the feed-forward columns that {@link #experts} ranges split. */
    public int intermediate() {
        return m.intermediate();
    }

    /** The whole layer on one chip for the token at {@code position}; returns its output row (hidden values). */
    public Row step(ChipDataflow flow, Row x, int position) {
        Attended a = attention(flow, x, position);
        Row partial = experts(flow, a.normed(), a.gates(), 0, m.intermediate());
        return sum(flow, List.of(a.residual(), partial));
    }

    /**
     * What the attention half of a layer leaves for the feed-forward half.
     *
     * @param residual the layer's input plus the attention output
     * @param normed   the residual after post_attention_layernorm: the experts' input
     * @param gates    the routing weights, one per expert (0 for the experts not chosen); empty for a dense model
     */
    public record Attended(Row residual, Row normed, Optional<Row> gates) {
    }

    /**
     * The attention half for the token at {@code position}: norm, QKV, RoPE, the caches' append, attention per KV
     * group, o_proj, residual, norm, and for MoE the router and top-k.
     */
    public Attended attention(ChipDataflow flow, Row x, int position) {
        if (position < 0 || position >= capacity) {
            throw new IllegalArgumentException("position " + position + " is outside the KV caches' " + capacity
                    + " tokens");
        }
        int d = m.hidden();
        int hd = m.headDim();
        int heads = m.heads();
        int kv = m.kvHeads();
        int q = heads / kv;
        float eps = (float) m.rmsNormEps();
        Row xn = flow.vectors(s -> List.of(new Out(VectorKernels.rmsnorm(s.graph(), s.row(x),
                VectorKernels.row(s.graph(), w.attentionNorm(), 0), d, eps), d))).get(0);
        Row qkv = flow.matmul(name + ".qkv", List.of(List.of(xn)), d, (heads + 2 * kv) * hd, w.qkv()).get(0);
        int qk = (heads + kv) * hd;
        Row roped = flow.vectors(s -> List.of(new Out(VectorKernels.rope(s.graph(), s.row(qkv.part(0, qk)), qk, hd,
                position, m.ropeTheta()), qk))).get(0);
        List<MatMulLayout> kCaches = new ArrayList<>();
        List<MatMulLayout> vCaches = new ArrayList<>();
        for (int g = 0; g < kv; g++) {
            kCaches.add(flow.product(name + ".k" + g, q, hd, capacity, zerosK));
            vCaches.add(flow.product(name + ".v" + g, q, capacity, hd, zerosV));
        }
        flow.effects(s -> {
            double[] oneHot = new double[VectorStep.LANES_PER_VECTOR];
            oneHot[position % oneHot.length] = 1;
            VectorGraph.Ref mask = s.graph().input(DataType.F16, oneHot, 0);
            for (int g = 0; g < kv; g++) {
                appendK(s, kCaches.get(g), roped.part((heads + g) * hd, hd), mask, position);
                Region v = vCaches.get(g).w().get(0).get(position / vCaches.get(g).kTile());
                s.storeF16(s.lanes(qkv.part((heads + kv + g) * hd, hd), 0, hd, true), v,
                        position % vCaches.get(g).kTile());
            }
        });
        List<Row> headOut = new ArrayList<>();
        for (int g = 0; g < kv; g++) {
            List<List<Row>> qs = new ArrayList<>();
            for (int r = 0; r < q; r++) {
                qs.add(List.of(roped.part((g * q + r) * hd, hd)));
            }
            List<Row> scores = flow.matmul(name + ".k" + g, qs, hd, capacity, zerosK);
            List<Row> probs = flow.vectors(s -> {
                List<Out> out = new ArrayList<>();
                for (Row sc : scores) {
                    out.add(new Out(maskedSoftmax(s, sc, position, (float) (1 / Math.sqrt(hd))), capacity));
                }
                return out;
            });
            List<List<Row>> ps = new ArrayList<>();
            probs.forEach(p -> ps.add(List.of(p)));
            headOut.addAll(flow.matmul(name + ".v" + g, ps, capacity, hd, zerosV));
        }
        Row o = flow.matmul(name + ".o", List.of(headOut), heads * hd, d, w.output()).get(0);
        List<Row> hn = flow.vectors(s -> {
            List<VectorGraph.Ref> h = VectorKernels.elementwise(s.graph(), Opcode.VADD, s.row(x), s.row(o));
            return List.of(new Out(h, d), new Out(VectorKernels.rmsnorm(s.graph(), h,
                    VectorKernels.row(s.graph(), w.ffnNorm(), 0), d, eps), d));
        });
        if (!m.moe()) {
            return new Attended(hn.get(0), hn.get(1), Optional.empty());
        }
        Row logits = flow.matmul(name + ".router", List.of(List.of(hn.get(1))), d, m.experts(), w.router()).get(0);
        Row gates = flow.vectors(s -> {
            double[] lanes = new double[VectorStep.LANES_PER_VECTOR];
            for (int l = 0; l < lanes.length; l++) {
                lanes[l] = l;
            }
            VectorGraph g = s.graph();
            VectorGraph.Ref padded = g.binary(Opcode.VADD, s.row(logits).get(0),
                    s.constant(new double[m.experts()], Double.NEGATIVE_INFINITY));
            return List.of(new Out(List.of(VectorKernels.topK(g, padded, g.input(DataType.I32, lanes, 0),
                    m.expertsPerToken())), m.experts()));
        }).get(0);
        return new Attended(hn.get(0), hn.get(1), Optional.of(gates));
    }

    /**
     * The feed-forward half's share of intermediate columns {@code from .. to - 1} of every expert: each expert's
     * gate and up columns (a column split of w1 and w3), SwiGLU, and the matching rows of w2 (a row split: the
     * result is a partial sum), weighted by the expert's routing weight. The shares of all columns add up to the
     * feed-forward output.
     */
    public Row experts(ChipDataflow flow, Row normed, Optional<Row> gates, int from, int to) {
        if (from < 0 || to > m.intermediate() || from >= to) {
            throw new IllegalArgumentException("columns " + from + ".." + (to - 1) + " are outside the "
                    + m.intermediate() + " intermediate columns");
        }
        int d = m.hidden();
        int c = to - from;
        List<Row> downs = new ArrayList<>();
        for (int e = 0; e < m.experts(); e++) {
            double[][] part = columns(e, from, to);
            String key = name + ".e" + e + "c" + from + "_" + to;
            Row up = flow.matmul(key + ".up", List.of(List.of(normed)), d, 2 * c, part[0]).get(0);
            Row act = flow.vectors(s -> List.of(new Out(VectorKernels.swiglu(s.graph(), s.row(up.part(0, c)),
                    s.row(up.part(c, c))), c))).get(0);
            downs.add(flow.matmul(key + ".down", List.of(List.of(act)), c, d, part[1]).get(0));
        }
        return flow.vectors(s -> {
            VectorGraph g = s.graph();
            VectorGraph.Ref gv = gates.map(r -> s.row(r).get(0)).orElse(null);
            List<VectorGraph.Ref> acc = new ArrayList<>();
            for (int e = 0; e < downs.size(); e++) {
                List<VectorGraph.Ref> y = s.row(downs.get(e));
                VectorGraph.Ref weight = gv == null ? null : g.distribute(gv, e);
                for (int j = 0; j < y.size(); j++) {
                    VectorGraph.Ref term = weight == null ? y.get(j) : g.binary(Opcode.VMUL, y.get(j), weight);
                    if (e == 0) {
                        acc.add(term);
                    } else {
                        acc.set(j, g.binary(Opcode.VADD, acc.get(j), term));
                    }
                }
            }
            return List.of(new Out(acc, d));
        }).get(0);
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

    /** Expert e's w1 and w3 columns from..to-1 side by side ([hidden x 2c]) and w2's rows from..to-1. */
    private double[][] columns(int e, int from, int to) {
        return columnWeights.computeIfAbsent(List.of(e, from, to), k -> {
            int d = m.hidden();
            int inter = m.intermediate();
            int c = to - from;
            double[] gu = new double[d * 2 * c];
            for (int r = 0; r < d; r++) {
                System.arraycopy(w.gateUp()[e], r * 2 * inter + from, gu, r * 2 * c, c);
                System.arraycopy(w.gateUp()[e], r * 2 * inter + inter + from, gu, r * 2 * c + c, c);
            }
            double[] dn = java.util.Arrays.copyOfRange(w.down()[e], from * d, to * d);
            return new double[][] {gu, dn};
        });
    }

    /** Writes K (headDim values) into column {@code position} of the K cache: one merged word per element. */
    private static void appendK(VectorStep s, MatMulLayout cache, Row k, VectorGraph.Ref oneHot, int position) {
        VectorGraph g = s.graph();
        int hd = k.length();
        VectorGraph.Ref k16 = g.convert(s.lanes(k, 0, hd, false), DataType.F16);
        for (int i = 0; i < hd; i++) {
            Region tile = cache.w().get(position / VectorStep.LANES_PER_VECTOR).get(i / cache.kTile());
            int address = tile.address() + i % cache.kTile();
            VectorGraph.Ref old = s.at(new Region("", tile.slices(), address, DataType.F16,
                    VectorStep.LANES_PER_VECTOR, false));
            VectorGraph.Ref merged = g.select(oneHot, g.distribute(k16, i), old);
            g.pin(merged, tile.slices().stream().mapToInt(Integer::intValue).toArray(), address);
        }
    }

    /** Softmax over a score row scaled by {@code scale}, with positions after {@code position} at -inf. */
    private List<VectorGraph.Ref> maskedSoftmax(VectorStep s, Row scores, int position, float scale) {
        VectorGraph g = s.graph();
        double[] mask = new double[capacity];
        for (int p = position + 1; p < capacity; p++) {
            mask[p] = Double.NEGATIVE_INFINITY;
        }
        List<VectorGraph.Ref> in = s.row(scores);
        List<VectorGraph.Ref> masked = new ArrayList<>();
        List<VectorGraph.Ref> maskVectors = VectorKernels.row(g, mask, Double.NEGATIVE_INFINITY);
        for (int j = 0; j < in.size(); j++) {
            masked.add(g.binary(Opcode.VADD, g.immediate(Opcode.VMULI, in.get(j), scale), maskVectors.get(j)));
        }
        return VectorKernels.softmax(g, masked);
    }
}
