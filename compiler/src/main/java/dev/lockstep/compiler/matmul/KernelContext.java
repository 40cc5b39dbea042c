// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.matmul;

import dev.lockstep.compiler.MatMul;
import dev.lockstep.compiler.ScheduleOptions;
import dev.lockstep.compiler.SramMap;
import dev.lockstep.compiler.schedule.ReservationTable;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Queue;
import java.util.ArrayList;
import java.util.List;

/**
 * The working state of one matmul compilation, filled in by the phases in order: tiling, allocation,
 * scheduling, emission.
 */
final class KernelContext {
    final ChipSpec chip;
    final MatMul problem;
    final double[] x;
    final double[] w;
    final ScheduleOptions options;
    final ReservationTable table;
    /** SRAM taken: before allocation, by earlier kernels; after it, also by this one. */
    SramMap sram;

    // tiling
    int kTile;
    int kTiles;
    int nTiles;
    int width;
    List<Unit> units = new ArrayList<>();

    // allocation: per unit, per k tile: X; per unit, per (work item, k tile): W; per unit, per work item: Y
    Tile[][] xTiles;
    Tile[][][] wTiles;
    Tile[][] yTiles;

    // scheduling
    final List<Placed> placed = new ArrayList<>();
    long lastEvent = -1;

    /**
     * An instruction at its cycle on its queue; for a read of weights, {@code copyStride} is how many words further
     * on the next copy of the tile lies (0 for every other instruction).
     */
    record Placed(Queue queue, long cycle, Instruction instruction, int copyStride) {
    }

    /** Copies of W that share one schedule (e.g. one KV cache per sequence), stacked in each W tile. */
    int weightCopies = 1;

    /** When data chooses which copy of W is read: the index and the prologue that sets the read bases. */
    ChosenCopy chosen;

    /** Every copy's W ([K x N] row-major each) when data chooses the copy and values are given, else null. */
    double[][] wCopies;

    /** Weights already in SRAM, placed by another product over them: read there, not placed again. */
    WeightTiles fixed;

    /** Words between two copies of a W tile of {@code words} words per slice: rounded up to even (bank parity). */
    static int copyStride(int words) {
        return words + (words & 1);
    }

    KernelContext(ChipSpec chip, MatMul problem, double[] x, double[] w, ScheduleOptions options, SramMap sram) {
        this.sram = sram;
        this.chip = chip;
        this.problem = problem;
        this.x = x;
        this.w = w;
        this.options = options;
        this.table = new ReservationTable(chip);
    }

    /** The type of the MXM pieces this product works on: its own type, fp16 or int8. */
    DataType pieceType() {
        return problem.dtype();
    }

    /** Rows of K tile kt. */
    int rows(int kt) {
        return Math.min(kTile, problem.k() - kt * kTile);
    }

    /** W rows side by side in one word of a W tile: the rows LW loads per cycle ({@link WeightTile}). */
    int weightRowsPerWord() {
        return chip.mxm().weightRowsPerCycle(pieceType());
    }

    /** Words W tile kt takes in each of its slices, per copy: its rows over the rows per word, rounded up. */
    int weightWords(int kt) {
        return chip.mxm().weightLoadCycles(pieceType(), rows(kt));
    }

    /** Words between two copies of W tile kt stacked in its slices ({@link #copyStride(int)} of its words). */
    int stride(int kt) {
        return copyStride(weightWords(kt));
    }

    /**
     * Words W tile kt takes in each of its slices: every copy, stacked; when data chooses the copy, copy 0 only
     * (each slice holds copy 0 of all its W tiles, then copy 1 of all of them, ...: {@link ChosenCopy#block}).
     */
    int weightTileWords(int kt) {
        return weightCopies == 1 || chosen != null ? weightWords(kt) : stride(kt) * weightCopies;
    }

    void place(Queue queue, long cycle, Instruction ins, long lastEventCycle) {
        place(queue, cycle, ins, lastEventCycle, 0);
    }

    void place(Queue queue, long cycle, Instruction ins, long lastEventCycle, int copyStride) {
        table.issue(queue, ins, cycle, pieceType());
        placed.add(new Placed(queue, cycle, ins, copyStride));
        lastEvent = Math.max(lastEvent, lastEventCycle);
    }
}
