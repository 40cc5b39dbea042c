// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.system.ChipBuild;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.program.Region;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The rows a decode step carries into the stages of a plan ({@link TimingLowering}): where each lands, on the stage's
 * first chip ({@link WeightAllocation.Allocated#landing}), and what each sender reads: the lookup's row of the token,
 * a layer's output where a kernel left it, or a stand-in where a reduction sums it; and the token's index on the
 * table's first chip, given (a prompt's) or where the head's choice of the token before landed.
 */
final class CarriedRows {
    private final DecodePlan plan;
    private final SystemBuild build;
    private final WeightAllocation.Allocated allocated;
    /** Per position, the table chip's stand-in for the row its reduction sums ({@link #fromTable}; looked up only). */
    private final Map<Integer, Row> standIns = new HashMap<>();
    /** Per position, where the choice of the token before lands ({@link #chosenRow}; looked up only). */
    private final Map<Integer, Row> chosenRows = new HashMap<>();
    /** Per position, a given token's index ({@link #givenRow}; looked up only). */
    private final Map<Integer, Row> givenRows = new HashMap<>();
    /** Per chip of a head of several, the stand-in for the choice its reduction gathers (looked up only). */
    private final Map<Integer, Row> choiceStandIns = new HashMap<>();

    CarriedRows(DecodePlan plan, SystemBuild build, WeightAllocation.Allocated allocated) {
        this.plan = plan;
        this.build = build;
        this.allocated = allocated;
    }

    /** Where a row sent into the stage whose first chip is {@code chip} lands. */
    Row landing(int chip) {
        Row r = allocated.landing().get(chip);
        if (r == null) {
            throw new IllegalStateException("chip " + chip + " is no stage's first chip: no row lands there");
        }
        return r;
    }

    /**
     * The row a stage sends on from chip {@code chip}: the layer's output where a kernel of the chip left it (the last
     * residual's, on a layer of one chip; {@code left}: what the stage's last run left, per chip), else the chip's
     * stand-in for where a reduction sums it ({@link WeightAllocation.Allocated#outgoing}).
     */
    Row sent(int chip, Map<Integer, RunRows> left) {
        RunRows run = left.get(chip);
        Optional<Row> out = run == null ? Optional.empty() : run.row(new RunRows.ResidualStream(), 0);
        return out.orElseGet(() -> outgoingOf(chip));
    }

    private Row outgoingOf(int chip) {
        Row r = allocated.outgoing().get(chip);
        if (r == null) {
            throw new IllegalStateException("chip " + chip + " sends a stage's output on but holds neither a row of it "
                    + "nor a stand-in");
        }
        return r;
    }

    /**
     * The row the first layer's send reads from the table's chip {@code chip} for the token at {@code position}: the
     * lookup's, where it left one on the chip ({@code left}: what the table's run left, per chip); else (a table over
     * several chips, whose reduction sums its rows; a table tied to the LM head, which looks up nothing) a stand-in,
     * the chip's own per position (the head chip's, with a tied table: {@link WeightAllocation.Allocated#outgoing}).
     */
    Row fromTable(int chip, int position, Map<Integer, RunRows> left) {
        RunRows run = left.get(chip);
        Optional<Row> looked = run == null ? Optional.empty()
                : run.row(new RunRows.Out(KernelKey.VectorStepKind.LOOKUP, 0), 0);
        if (looked.isPresent()) {
            return looked.get();
        }
        if (plan.embeddingChips() == 0) {
            return outgoingOf(chip);
        }
        return standIns.computeIfAbsent(position, p -> WeightAllocation.hiddenRow(build, build.chip(chip),
                plan.model().hidden()));
    }

    /**
     * Where the choice of the token before the one at {@code position} lands, on the table's first chip: the index the
     * lookup of a token that was not given reads (a row per position, so that every choice stays readable after a run
     * with data).
     */
    Row chosenRow(int position) {
        return chosenRows.computeIfAbsent(position, p -> indexRow());
    }

    /**
     * The index of a given token (a prompt's) at {@code position} on the table's first chip, which its lookup reads:
     * in a plan with data, holding {@code id}.
     */
    Row givenRow(int position, OptionalInt id) {
        Row placed = givenRows.get(position);
        if (placed != null && id.isEmpty()) {
            return placed;
        }
        if (placed != null) {
            throw new IllegalStateException("the token at position " + position + " is given twice");
        }
        Row r = indexRow();
        givenRows.put(position, r);
        id.ifPresent(i -> InitialRows.f32(r, new double[] {i}, build.chip().vectorBytes())
                .forEach(build.chip(tableChip())::addData));
        return r;
    }

    /**
     * The choice chip {@code chip} sends back to the table: the greedy choice's row where the head's run left it on the
     * chip ({@code left}), else (a head over several chips, whose reduction gathers the choice) a stand-in.
     */
    Row choiceOf(int chip, Map<Integer, RunRows> left) {
        RunRows run = left.get(chip);
        Optional<Row> chosen = run == null ? Optional.empty()
                : run.row(new RunRows.Out(KernelKey.VectorStepKind.ARGMAX, 0), 0);
        return chosen.orElseGet(() -> choiceStandIns.computeIfAbsent(chip, c -> WeightAllocation.hiddenRow(build,
                build.chip(c), 1)));
    }

    private int tableChip() {
        if (plan.embeddingChips() == 0) {
            throw new IllegalStateException("a table tied to the LM head holds no token's index");
        }
        return allocated.tableChip();
    }

    /** A token's index (an f32 vector, the id in lane 0) in the table's first chip's index slices. */
    private Row indexRow() {
        ChipBuild c = build.chip(tableChip());
        int[] slices = TableLayout.indexSlices(build.chip());
        int address = c.takeWords(slices, 1);
        List<Region> v = List.of(new Region("", Arrays.stream(slices).boxed().toList(), address, DataType.F32,
                build.chip().vectorBytes(), false));
        return Row.of(v, 1);
    }
}
