// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.config.ModelConfig;
import dev.lockstep.compiler.dataflow.ChipDataflow;
import dev.lockstep.compiler.dataflow.ChipDataflow.Out;
import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.graph.LayerStep;
import dev.lockstep.compiler.graph.LayerStep.GateByRoute;
import dev.lockstep.compiler.graph.LayerStep.PerExpert;
import dev.lockstep.compiler.graph.LayerStep.Product;
import dev.lockstep.compiler.graph.LayerStep.SwiGlu;
import dev.lockstep.compiler.graph.Tensor;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.compiler.vector.VectorKernels;
import dev.lockstep.isa.Opcode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lowering with data of a layer's per-expert block ({@link PerExpert}) over a share of the intermediate columns:
 * for every expert its gate and up columns, SwiGLU, its rows of w2 (a partial row), then all experts' rows scaled by
 * their routing weights and added in one vector step (the block's {@link GateByRoute}, gathered).
 */
final class FunctionalExperts {
    /** Expert {@code expert}'s columns {@code from .. to - 1}. */
    private record ColumnRange(int expert, int from, int to) {
    }

    private final ModelConfig m;
    private final LayerWeights w;
    private final String name;
    /** Each column range's weights, cut once; looked up, never iterated. */
    private final Map<ColumnRange, double[][]> columnWeights = new HashMap<>();

    FunctionalExperts(ModelConfig m, LayerWeights w, String name) {
        this.m = m;
        this.w = w;
        this.name = name;
    }

    /** The block for columns {@code from .. to - 1} of every expert: the feed-forward output's share. */
    Row share(ChipDataflow flow, PerExpert block, Row normed, Optional<Row> gates, int from, int to) {
        List<Row> downs = new ArrayList<>();
        for (int e = 0; e < m.experts(); e++) {
            ColumnRange range = new ColumnRange(e, from, to);
            Row stream = normed;
            Row down = null;
            for (LayerStep step : block.body()) {
                Row out = lower(flow, step, range, stream);
                if (step instanceof Product p && p.weight() == Tensor.DOWN) {
                    down = out;
                } else if (out != null) {
                    stream = out;
                }
            }
            downs.add(down);
        }
        return weightedSum(flow, downs, gates);
    }

    /** One step of expert {@code range.expert()}'s block on its columns; null for the gating (done after). */
    private Row lower(ChipDataflow flow, LayerStep step, ColumnRange range, Row in) {
        int d = m.hidden();
        int c = range.to() - range.from();
        String key = name + ".e" + range.expert() + "c" + range.from() + "_" + range.to();
        double[][] part = columns(range);
        if (step instanceof Product p && p.weight() == Tensor.GATE_UP) {
            return flow.matmul(key + ".up", List.of(List.of(in)), d, 2 * c, part[0]).get(0);
        } else if (step instanceof SwiGlu) {
            return flow.vectors(s -> List.of(new Out(VectorKernels.swiglu(s.graph(), s.row(in.part(0, c)),
                    s.row(in.part(c, c))), c))).get(0);
        } else if (step instanceof Product p && p.weight() == Tensor.DOWN) {
            return flow.matmul(key + ".down", List.of(List.of(in)), c, d, part[1]).get(0);
        } else if (step instanceof GateByRoute) {
            return null;
        }
        throw new IllegalArgumentException("no functional lowering of " + step + " in an expert's block");
    }

    /** The experts' partial rows, each times its routing weight (none for a dense model), added. */
    private Row weightedSum(ChipDataflow flow, List<Row> downs, Optional<Row> gates) {
        return flow.vectors(s -> {
            VectorGraph g = s.graph();
            VectorGraph.Ref gv = gates.map(r -> s.row(r).get(0)).orElse(null);
            List<VectorGraph.Ref> acc = new ArrayList<>();
            for (int e = 0; e < downs.size(); e++) {
                List<VectorGraph.Ref> y = s.row(downs.get(e));
                VectorGraph.Ref weight = gv == null ? null : g.distribute(gv, e);
                for (int j = 0; j < y.size(); j++) {
                    VectorGraph.Ref term = weight == null ? y.get(j) : g.binary(Opcode.VMUL, y.get(j), weight);
                    if (acc.size() <= j) {
                        acc.add(term);
                    } else {
                        acc.set(j, g.binary(Opcode.VADD, acc.get(j), term));
                    }
                }
            }
            return List.of(new Out(acc, m.hidden()));
        }).get(0);
    }

    /** Expert e's w1 and w3 columns from..to-1 side by side ([hidden x 2c]) and w2's rows from..to-1. */
    private double[][] columns(ColumnRange range) {
        return columnWeights.computeIfAbsent(range, k -> {
            int e = range.expert();
            int d = m.hidden();
            int inter = m.intermediate();
            int c = range.to() - range.from();
            double[] gu = new double[d * 2 * c];
            for (int r = 0; r < d; r++) {
                System.arraycopy(w.gateUp()[e], r * 2 * inter + range.from(), gu, r * 2 * c, c);
                System.arraycopy(w.gateUp()[e], r * 2 * inter + inter + range.from(), gu, r * 2 * c + c, c);
            }
            double[] dn = Arrays.copyOfRange(w.down()[e], range.from() * d, range.to() * d);
            return new double[][] {gu, dn};
        });
    }
}
