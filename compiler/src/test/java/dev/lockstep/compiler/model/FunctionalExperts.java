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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lowering with data of a layer's per-expert block ({@link PerExpert}) over a share of the intermediate columns:
 * for every expert its gate and up columns, SwiGLU, its rows of w2 (a partial row), then all experts' rows scaled by
 * their routing weights and added in one vector step (the block's {@link GateByRoute}, gathered); or, with the
 * experts chosen by data, the same for each slot of the router's top-k over the chosen expert's columns.
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
    /**
     * Every expert's gate-up and down weights of a column range (expert -1), as the copies of one product over
     * weights chosen by data; cut once, looked up, never iterated.
     */
    private final Map<ColumnRange, double[][][]> everyExpert = new HashMap<>();

    FunctionalExperts(ModelConfig m, LayerWeights w, String name) {
        this.m = m;
        this.w = w;
        this.name = name;
    }

    /**
     * The block for columns {@code from .. to - 1} of the experts the router chose ({@link MoeDispatch#CHOSEN}): for
     * each slot of its top-k, the gate and up columns and the rows of w2 of the expert that lane slot of
     * {@code index} names, read from every expert's columns at the address the index sets; SwiGLU between; each
     * slot's partial row scaled by {@code weights} (lane slot: the slot's routing weight) and added to the slots'
     * before it as soon as it is made (the next slot's products overwrite it).
     */
    Row chosenShare(ChipDataflow flow, PerExpert block, Row normed, Row weights, Row index, int from, int to) {
        int d = m.hidden();
        int c = to - from;
        int k = m.expertsPerToken();
        double[][][] every = everyExpert.computeIfAbsent(new ColumnRange(-1, from, to), key -> {
            double[][][] out = new double[2][m.experts()][];
            for (int e = 0; e < m.experts(); e++) {
                double[][] part = columns(new ColumnRange(e, from, to));
                out[0][e] = part[0];
                out[1][e] = part[1];
            }
            return out;
        });
        double[][] gateUp = every[0];
        double[][] down = every[1];
        String key = name + ".chosen.c" + from + "_" + to;
        Row acc = null;
        for (int slot = 0; slot < k; slot++) {
            Row stream = normed;
            Row out = null;
            for (LayerStep step : block.body()) {
                if (step instanceof Product p && p.weight() == Tensor.GATE_UP) {
                    stream = flow.matmulChosen(key + ".up", stream, d, 2 * c, gateUp, index, k, slot);
                } else if (step instanceof SwiGlu) {
                    Row in = stream;
                    stream = flow.vectors(s -> List.of(new Out(LayerVectors.swiglu(s, in, c), c))).get(0);
                } else if (step instanceof Product p && p.weight() == Tensor.DOWN) {
                    out = flow.matmulChosen(key + ".down", stream, c, d, down, index, k, slot);
                } else if (!(step instanceof GateByRoute)) {
                    throw new IllegalArgumentException("no functional lowering of " + step + " in an expert's block");
                }
            }
            // every slot runs the same two products, whose Y the next slot overwrites: scaled and added at once
            acc = scaledSum(flow, acc, out, weights, slot);
        }
        return acc;
    }

    /** {@code acc} (none at first) + {@code y} x lane {@code lane} of {@code weights}, as a row of its own. */
    private Row scaledSum(ChipDataflow flow, Row acc, Row y, Row weights, int lane) {
        return flow.vectors(s -> List.of(new Out(LayerVectors.scaledSum(s.graph(), acc == null ? null : s.row(acc),
                s.row(y), s.row(weights).get(0), lane), m.hidden()))).get(0);
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
            return flow.vectors(s -> List.of(new Out(LayerVectors.swiglu(s, in, c), c))).get(0);
        } else if (step instanceof Product p && p.weight() == Tensor.DOWN) {
            return flow.matmul(key + ".down", List.of(List.of(in)), c, d, part[1]).get(0);
        } else if (step instanceof GateByRoute) {
            return null;
        }
        throw new IllegalArgumentException("no functional lowering of " + step + " in an expert's block");
    }

    /**
     * The partial rows, row i times lane i of the routing weights (one per expert, or one per slot when chosen by
     * data; none for a dense model), added.
     */
    private Row weightedSum(ChipDataflow flow, List<Row> downs, Optional<Row> gates) {
        if (downs.size() == 1 && gates.isEmpty()) {
            // a dense layer's one block: its row is the share (as the timing-only run, which places no step here)
            return downs.get(0);
        }
        return flow.vectors(s -> {
            List<List<VectorGraph.Ref>> ys = new ArrayList<>();
            downs.forEach(d -> ys.add(s.row(d)));
            return List.of(new Out(LayerVectors.gatedSum(s.graph(), ys, gates.map(r -> s.row(r).get(0))
                    .orElse(null), 0), m.hidden()));
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
