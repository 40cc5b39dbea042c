// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.isa.program.DataBlock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The rows a decode step carries into the stages of a plan ({@link TimingLowering}): where each lands, on the stage's
 * first chip ({@link WeightAllocation.Allocated#landing}), and what each sender reads: the table's row of the token,
 * a layer's output where a kernel left it, or a stand-in where a reduction sums it.
 */
final class CarriedRows {
    private final DecodePlan plan;
    private final SystemBuild build;
    private final WeightAllocation.Allocated allocated;
    /** Per position, the embedding's row the first layer's send reads ({@link #tableRow}; looked up only). */
    private final Map<Integer, Row> tableRows = new HashMap<>();

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
     * The embedding's row for the token at {@code position} on the table's chip {@code chip}, which the first layer's
     * send reads: a row of the chip's own per position (the lookup, whose exchanges do not carry rows, is where the
     * table's row would come from), holding the token's {@code input} in a plan with data; with a table tied to the
     * LM head, the head chip's stand-in ({@link WeightAllocation.Allocated#outgoing}).
     */
    Row tableRow(int chip, int position, Optional<double[]> input) {
        if (plan.embeddingChips() == 0) {
            return outgoingOf(chip);
        }
        Row row = tableRows.get(position);
        if (row == null) {
            row = WeightAllocation.hiddenRow(build, build.chip(chip), plan.model().hidden());
            tableRows.put(position, row);
            if (input.isPresent()) {
                for (DataBlock b : InitialRows.f32(row, input.get(), build.chip().vectorBytes())) {
                    build.chip(chip).addData(b);
                }
            }
        }
        return row;
    }
}
