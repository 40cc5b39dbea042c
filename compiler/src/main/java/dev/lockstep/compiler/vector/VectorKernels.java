// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.vector;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Opcode;
import java.util.ArrayList;
import java.util.List;

/**
 * Tensor ops lowered to vector graphs, on one row of C values held as ceil(C / 320) vectors of f32. Reductions over
 * the row take a lane reduction per vector ({@code vrsum}, {@code vrmax}: the result in every lane) and combine the
 * vectors' results with element-wise ops, so that the row's result ends up in every lane of one vector.
 */
public final class VectorKernels {
    private VectorKernels() {
    }

    /** The row's values as input vectors, lanes past C padded with {@code pad}. */
    public static List<VectorGraph.Ref> row(VectorGraph g, double[] values, double pad) {
        List<VectorGraph.Ref> out = new ArrayList<>();
        for (int i = 0; i < values.length; i += g.lanes()) {
            double[] chunk = java.util.Arrays.copyOfRange(values, i, Math.min(values.length, i + g.lanes()));
            out.add(g.input(chunk, pad));
        }
        return out;
    }

    /** Element-wise {@code op} of two rows. */
    public static List<VectorGraph.Ref> elementwise(VectorGraph g, Opcode op, List<VectorGraph.Ref> a,
                                                     List<VectorGraph.Ref> b) {
        List<VectorGraph.Ref> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(g.binary(op, a.get(i), b.get(i)));
        }
        return out;
    }

    /** SiLU: x * sigmoid(x). */
    public static List<VectorGraph.Ref> silu(VectorGraph g, List<VectorGraph.Ref> x) {
        List<VectorGraph.Ref> out = new ArrayList<>();
        for (VectorGraph.Ref v : x) {
            out.add(g.binary(Opcode.VMUL, v, g.unary(Opcode.VSIGMOID, v)));
        }
        return out;
    }

    /** SwiGLU: silu(gate) * up. */
    public static List<VectorGraph.Ref> swiglu(VectorGraph g, List<VectorGraph.Ref> gate, List<VectorGraph.Ref> up) {
        return elementwise(g, Opcode.VMUL, silu(g, gate), up);
    }

    /** The reduction of the whole row into every lane of one vector: {@code lane} then {@code combine} pairwise. */
    private static VectorGraph.Ref reduce(VectorGraph g, List<VectorGraph.Ref> x, Opcode lane, Opcode combine) {
        List<VectorGraph.Ref> level = new ArrayList<>();
        for (VectorGraph.Ref v : x) {
            level.add(g.unary(lane, v));
        }
        while (level.size() > 1) {
            List<VectorGraph.Ref> next = new ArrayList<>();
            for (int i = 0; i + 1 < level.size(); i += 2) {
                next.add(g.binary(combine, level.get(i), level.get(i + 1)));
            }
            if (level.size() % 2 == 1) {
                next.add(level.get(level.size() - 1));
            }
            level = next;
        }
        return level.get(0);
    }

    /**
     * RMSNorm: y = x / sqrt(mean(x^2) + eps) * gamma over a row of {@code c} values (lanes past c must be 0 in x).
     */
    public static List<VectorGraph.Ref> rmsnorm(VectorGraph g, List<VectorGraph.Ref> x, List<VectorGraph.Ref> gamma,
                                                int c, float eps) {
        List<VectorGraph.Ref> squares = elementwise(g, Opcode.VMUL, x, x);
        VectorGraph.Ref sum = reduce(g, squares, Opcode.VRSUM, Opcode.VADD);
        VectorGraph.Ref mean = g.immediate(Opcode.VMULI, sum, 1.0f / c);
        VectorGraph.Ref r = g.unary(Opcode.VRSQRT, g.immediate(Opcode.VADDI, mean, eps));
        List<VectorGraph.Ref> out = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            out.add(g.binary(Opcode.VMUL, g.binary(Opcode.VMUL, x.get(i), r), gamma.get(i)));
        }
        return out;
    }

    /** Softmax over a row (lanes past its values must be -inf in x). */
    public static List<VectorGraph.Ref> softmax(VectorGraph g, List<VectorGraph.Ref> x) {
        VectorGraph.Ref max = reduce(g, x, Opcode.VRMAX, Opcode.VMAX);
        List<VectorGraph.Ref> e = new ArrayList<>();
        for (VectorGraph.Ref v : x) {
            e.add(g.unary(Opcode.VEXP, g.binary(Opcode.VSUB, v, max)));
        }
        VectorGraph.Ref q = g.unary(Opcode.VRECIP, reduce(g, e, Opcode.VRSUM, Opcode.VADD));
        List<VectorGraph.Ref> out = new ArrayList<>();
        for (VectorGraph.Ref v : e) {
            out.add(g.binary(Opcode.VMUL, v, q));
        }
        return out;
    }

    /** An i32 vector holding each lane's index (a constant of the program): what {@link #topK} compares against. */
    public static VectorGraph.Ref laneIndex(VectorGraph g) {
        double[] lanes = new double[g.lanes()];
        for (int l = 0; l < lanes.length; l++) {
            lanes[l] = l;
        }
        return g.input(DataType.I32, lanes, 0);
    }

    /**
     * Top-k routing with renormalised weights, as Mixtral's router does it: softmax over the expert logits (one
     * vector, lanes past the experts at -inf), then k times: the lane of the largest remaining probability
     * ({@code vargmax}, lowest lane on ties), a one-hot mask of it (against {@code laneIndex}, an i32 vector holding
     * each lane's index), its probability ({@code vrmax}), and the chosen lane pushed below every probability. The
     * result holds, in each chosen expert's lane, its probability over the sum of the k chosen; 0 elsewhere.
     */
    public static VectorGraph.Ref topK(VectorGraph g, VectorGraph.Ref logits, VectorGraph.Ref laneIndex, int k) {
        VectorGraph.Ref remaining = softmax(g, List.of(logits)).get(0);
        VectorGraph.Ref gates = null;
        VectorGraph.Ref total = null;
        for (int i = 0; i < k; i++) {
            VectorGraph.Ref mask = g.intToFloat(g.equalInts(g.argmax(remaining), laneIndex));
            VectorGraph.Ref top = g.unary(Opcode.VRMAX, remaining);
            VectorGraph.Ref chosen = g.binary(Opcode.VMUL, mask, top);
            gates = gates == null ? chosen : g.binary(Opcode.VADD, gates, chosen);
            total = total == null ? top : g.binary(Opcode.VADD, total, top);
            if (i + 1 < k) {
                remaining = g.binary(Opcode.VSUB, remaining, g.immediate(Opcode.VMULI, mask, 2.0f));
            }
        }
        return g.binary(Opcode.VMUL, gates, g.unary(Opcode.VRECIP, total));
    }

    /**
     * {@link #topK}, naming the chosen experts instead of masking every expert's lane: the same softmax and the same
     * k rounds (so the same experts, ties to the lowest lane, and the same weights), but each round's lane goes into
     * lane i of an index and its probability into lane i of the weights ({@code vmul} by a constant one-hot of lane
     * i, added up). Returns the index as i16 (lane i the expert of slot i; 0 past k) and the weights, lane i slot
     * i's probability over the sum of the k chosen.
     */
    public static List<VectorGraph.Ref> topKChosen(VectorGraph g, VectorGraph.Ref logits, VectorGraph.Ref laneIndex,
                                                   int k) {
        VectorGraph.Ref remaining = softmax(g, List.of(logits)).get(0);
        VectorGraph.Ref index = null;
        VectorGraph.Ref weights = null;
        VectorGraph.Ref total = null;
        for (int i = 0; i < k; i++) {
            double[] oneHot = new double[g.lanes()];
            oneHot[i] = 1;
            VectorGraph.Ref lane = g.argmax(remaining);
            VectorGraph.Ref top = g.unary(Opcode.VRMAX, remaining);
            VectorGraph.Ref slotIndex = g.binary(Opcode.VMUL, lane, g.input(DataType.I32, oneHot, 0));
            VectorGraph.Ref slotWeight = g.binary(Opcode.VMUL, top, g.input(oneHot, 0));
            index = index == null ? slotIndex : g.binary(Opcode.VADD, index, slotIndex);
            weights = weights == null ? slotWeight : g.binary(Opcode.VADD, weights, slotWeight);
            total = total == null ? top : g.binary(Opcode.VADD, total, top);
            if (i + 1 < k) {
                VectorGraph.Ref mask = g.intToFloat(g.equalInts(lane, laneIndex));
                remaining = g.binary(Opcode.VSUB, remaining, g.immediate(Opcode.VMULI, mask, 2.0f));
            }
        }
        return List.of(g.convert(index, DataType.I16), g.binary(Opcode.VMUL, weights, g.unary(Opcode.VRECIP, total)));
    }

    /**
     * Rotary position embedding in the rotate-half form of Llama and Mixtral, on a row of {@code n} values (heads of
     * {@code headDim} values each, lanes past n zero) at token position {@code position}: for a head's element i,
     * with h = headDim / 2 and angle = position x theta^(-2 (i mod h) / headDim),
     * out[i] = x[i] cos(angle) - x[i + h] sin(angle) for i < h, and x[i] cos(angle) + x[i - h] sin(angle) for i >= h.
     * The partner x[i +- h] may sit in the next or previous vector: two SXM shifts per direction bring it over, and
     * masks of -1 / 1 pick the half. The cos, sin and mask vectors are constants of the program.
     */
    public static List<VectorGraph.Ref> rope(VectorGraph g, List<VectorGraph.Ref> x, int n, int headDim,
                                             int position, double theta) {
        int lanes = g.lanes();
        int h = headDim / 2;
        List<VectorGraph.Ref> out = new ArrayList<>();
        for (int v = 0; v < x.size(); v++) {
            double[] cos = new double[lanes];
            double[] sin = new double[lanes];
            double[] low = new double[lanes];
            double[] high = new double[lanes];
            for (int l = 0; l < lanes; l++) {
                int index = v * lanes + l;
                if (index >= n) {
                    continue;
                }
                int i = index % headDim;
                double angle = position * Math.pow(theta, -2.0 * (i % h) / headDim);
                cos[l] = Math.cos(angle);
                sin[l] = Math.sin(angle);
                low[l] = i < h ? -1 : 0;
                high[l] = i < h ? 0 : 1;
            }
            VectorGraph.Ref up = g.shift(x.get(v), -h);
            if (v + 1 < x.size()) {
                up = g.binary(Opcode.VADD, up, g.shift(x.get(v + 1), lanes - h));
            }
            VectorGraph.Ref down = g.shift(x.get(v), h);
            if (v > 0) {
                down = g.binary(Opcode.VADD, down, g.shift(x.get(v - 1), h - lanes));
            }
            VectorGraph.Ref rotated = g.binary(Opcode.VADD, g.binary(Opcode.VMUL, up, g.input(low, 0)),
                    g.binary(Opcode.VMUL, down, g.input(high, 0)));
            out.add(g.binary(Opcode.VADD, g.binary(Opcode.VMUL, x.get(v), g.input(cos, 0)),
                    g.binary(Opcode.VMUL, rotated, g.input(sin, 0))));
        }
        return out;
    }
}
