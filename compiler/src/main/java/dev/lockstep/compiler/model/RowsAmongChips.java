// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.graph.LayerStep.Exchange;
import dev.lockstep.compiler.graph.LayerStep.ExchangeKind;
import dev.lockstep.compiler.graph.LayerStep.Payload;
import dev.lockstep.compiler.graph.LayerStep.Where;
import dev.lockstep.compiler.graph.Tensor;
import dev.lockstep.compiler.model.KernelKey.VectorStepKind;
import dev.lockstep.compiler.model.TimingLowering.TokenPlacement;
import dev.lockstep.compiler.system.ChipPath;
import dev.lockstep.compiler.system.Collectives;
import dev.lockstep.compiler.system.Moves;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.isa.program.Region;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The broadcasts and reductions among a layer's chips that carry their rows ({@link TimingLowering}): those of a
 * decode step whose chips lie in one node (all linked to each other). A broadcast carries what its root's kernels left
 * (the normed row in fp16; with the routing weights, the router's rows) to every other chip of its group at once, each
 * landing where that chip's kernels then read it in place; a reduction carries each chip's row (o_proj's partial
 * sums to the first chip; each chip's share of the feed-forward output, the first chip's with the residual, to the
 * last) to its root at once, where a sum kernel adds its own row and those that landed, reading them in place: the
 * attention's output, or the layer's, which the next stage's send reads. Every row is read where it lies and written
 * at its place as it passes on the receive lane's stream ({@link Collectives#carryRows}), the same way with data or
 * without, so that a
 * plan with data runs a layer over several chips of a node with the timing-only run's cycles. Broadcasts and
 * reductions over several nodes, and a prefill chunk's, do not carry rows ({@link ExchangeSteps}).
 */
final class RowsAmongChips {
    private final DecodePlan plan;
    private final SystemBuild build;
    private final Collectives col;
    private final ChipPath path;
    private final ChipKernels kernels;
    private final boolean withData;
    /** Where each carried row lands, per chip, exchange and row (looked up, never iterated). */
    private final Map<Landing, Row> landings = new HashMap<>();
    /** Per chip and what it stands for, a row a timing-only chip reduces where no kernel left one (looked up only). */
    private final Map<Landing, Row> standIns = new HashMap<>();

    /** A carried row's place: its chip, its exchange's kind and group, and which row of the exchange's it is. */
    private record Landing(int chip, ExchangeKind kind, Where group, int row) {
    }

    RowsAmongChips(DecodePlan plan, SystemBuild build, Collectives col, ChipPath path, ChipKernels kernels,
                   boolean withData) {
        this.plan = plan;
        this.build = build;
        this.col = col;
        this.path = path;
        this.kernels = kernels;
        this.withData = withData;
    }

    /**
     * Whether exchange {@code e} of stage {@code st} carries its rows here, for a token of {@code rows} rows: a
     * broadcast or a reduction onto the group's own chips, among more than one chip of a layer and at most
     * {@link Collectives#MOST_CHIPS_CARRIED_AT_ONCE}, all in one node, for a decode step ({@code next}: where the
     * stage's final reduction sums its output, -1 for its own last chip; a sum into the next stage spans nodes, so is
     * never carried here).
     */
    boolean carries(Exchange e, PlanStage st, int rows, int next) {
        int chips = st.chips(e.group());
        if (rows != 1 || st.kind() != PlanStage.Kind.LAYER || e.kind() == ExchangeKind.SEND_IN || chips < 2
                || chips > Collectives.MOST_CHIPS_CARRIED_AT_ONCE
                || e.kind() == ExchangeKind.REDUCE_TO_LAST && next >= 0) {
            return false;
        }
        return path.segments(st.start(), st.start() + chips).size() == 1;
    }

    /**
     * Places exchange {@code e} of stage {@code st} ({@link #carries}) from {@code t}, reading and adding to the rows
     * the group's chips left ({@code left}, per chip); returns when it ends (a reduction: its sum).
     */
    long place(Exchange e, PlanStage st, TokenPlacement tok, Map<Integer, RunRows> left, long t) {
        List<Integer> chips = new ArrayList<>();
        for (int i = 0; i < st.chips(e.group()); i++) {
            chips.add(path.chip(st.start() + i));
        }
        return e.kind() == ExchangeKind.BROADCAST ? broadcast(e, chips, tok, left, t) : reduce(e, chips, tok, left, t);
    }

    private long broadcast(Exchange e, List<Integer> chips, TokenPlacement tok, Map<Integer, RunRows> left, long t) {
        int root = chips.get(0);
        RunRows at = left.computeIfAbsent(root, c -> new RunRows());
        List<RunRows.Left> what = new ArrayList<>(List.of(new RunRows.Normed()));
        if (e.payload() == Payload.NORMED_ROW_AND_ROUTE) {
            what.add(new RunRows.Out(VectorStepKind.ROUTE, 0));
        }
        List<List<Row>> rows = new ArrayList<>();
        for (RunRows.Left w : what) {
            List<Row> r = at.all(w);
            if (r.isEmpty()) {
                throw new IllegalStateException("chip " + root + " broadcasts its " + w.getClass().getSimpleName()
                        + " rows, which no kernel of it left");
            }
            rows.add(r);
        }
        List<Collectives.RowFlow> flows = new ArrayList<>();
        Map<Integer, List<List<Row>>> landed = new HashMap<>();
        for (int c : chips.subList(1, chips.size())) {
            List<Moves.Word> source = new ArrayList<>();
            List<Moves.Word> target = new ArrayList<>();
            List<List<Row>> mine = new ArrayList<>();
            int n = 0;
            for (List<Row> r : rows) {
                List<Row> places = new ArrayList<>();
                for (Row row : r) {
                    Row place = landings.computeIfAbsent(new Landing(c, e.kind(), e.group(), n++), k -> like(c, row));
                    source.addAll(row.words());
                    target.addAll(place.words());
                    places.add(place);
                }
                mine.add(places);
            }
            landed.put(c, mine);
            flows.add(new Collectives.RowFlow(root, c, source, target));
        }
        long end = tok.ledger().linkStep(t, col.carryRows(flows, t));
        for (int c : chips.subList(1, chips.size())) {
            RunRows there = left.computeIfAbsent(c, x -> new RunRows());
            for (int w = 0; w < what.size(); w++) {
                there.leave(what.get(w), landed.get(c).get(w));
            }
        }
        return end;
    }

    private long reduce(Exchange e, List<Integer> chips, TokenPlacement tok, Map<Integer, RunRows> left, long t) {
        boolean toFirst = e.kind() == ExchangeKind.REDUCE_TO_FIRST;
        int root = toFirst ? chips.get(0) : chips.get(chips.size() - 1);
        List<Optional<Row>> sums = new ArrayList<>();
        sums.add(Optional.of(source(e, chips, root, left)));
        List<Collectives.RowFlow> flows = new ArrayList<>();
        for (int c : chips) {
            if (c == root) {
                continue;
            }
            Row from = source(e, chips, c, left);
            Row place = landings.computeIfAbsent(new Landing(root, e.kind(), e.group(), flows.size()),
                    k -> like(root, from));
            flows.add(new Collectives.RowFlow(c, root, from.words(), place.words()));
            sums.add(Optional.of(place));
        }
        long landed = tok.ledger().linkStep(t, col.carryRows(flows, t));
        // the layer's output is the token's own (a plan with data reads each token's after the run)
        ChipKernels.Placed sum = kernels.place(root, StepKernels.rowSum(plan.model(), sums.size(),
                toFirst ? -1 : tok.position()), tok, sums, landed);
        RunRows.Left result = toFirst ? new RunRows.Y(Tensor.O, 0) : new RunRows.ResidualStream();
        left.computeIfAbsent(root, c -> new RunRows()).leave(result, kernels.library().outputs(sum.kernel()));
        return tok.ledger().computeStage(landed, sum.end());
    }

    /**
     * The row chip {@code c} adds to reduction {@code e}: o_proj's partial sums (to the first chip); the first chip's
     * residual stream, the others' share of the feed-forward output (to the last). A timing-only chip whose kernels
     * left none (a chip holding no expert's columns) sends a stand-in; with data that is a compiler bug.
     */
    private Row source(Exchange e, List<Integer> chips, int c, Map<Integer, RunRows> left) {
        RunRows.Left what = e.kind() == ExchangeKind.REDUCE_TO_FIRST ? new RunRows.Y(Tensor.O, 0)
                : c == chips.get(0) ? new RunRows.ResidualStream() : new RunRows.FeedForward();
        Optional<Row> r = left.computeIfAbsent(c, x -> new RunRows()).row(what, 0);
        if (r.isPresent()) {
            return r.get();
        }
        if (withData) {
            throw new IllegalStateException("chip " + c + " adds its " + what.getClass().getSimpleName() + " row to a "
                    + "reduction, which no kernel of it left");
        }
        return standIns.computeIfAbsent(new Landing(c, e.kind(), e.group(), -1),
                k -> WeightAllocation.hiddenRow(build, build.chip(c), plan.model().hidden()));
    }

    /** A row of {@code like}'s shape and type taken on chip {@code chip}, in the slices with the most room. */
    private Row like(int chip, Row like) {
        Region first = like.vectors().get(0);
        for (Region v : like.vectors()) {
            if (v.dtype() != first.dtype() || v.elements() != first.elements()) {
                throw new IllegalArgumentException("a carried row's vectors are of one type and width; got " + like);
            }
        }
        return new Row(WeightAllocation.vectorsIn(build, build.chip(chip), first.dtype(), like.vectors().size(),
                first.elements()), 0, like.length(), like.extent());
    }
}
