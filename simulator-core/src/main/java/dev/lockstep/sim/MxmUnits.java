// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.MxmSpec;
import dev.lockstep.isa.semantics.Lanes;
import dev.lockstep.isa.semantics.MatrixOps;

/**
 * The MXM part of a chip's simulation: LW fills a plane's weight buffer, IW installs it into the array, ABC streams
 * activations through and lands their products in accumulator rows after the array latency, ACC drains the rows.
 * The rules and their hazards are in docs/model.md ("Units"); the arithmetic is {@link MatrixOps}'s. It uses the
 * engine of its {@link ChipSimulator} for stream samples, productions and scheduled steps.
 */
final class MxmUnits {
    private final ChipSimulator sim;
    private final ChipSpec chip;
    private final MxmPlane[] planes;

    MxmUnits(ChipSimulator sim, ChipSpec chip, int positions) {
        this.sim = sim;
        this.chip = chip;
        this.planes = new MxmPlane[positions * chip.mxm().planesPerSlice()];
    }

    MxmPlane plane(int pos, Instruction ins) {
        int i = pos * chip.mxm().planesPerSlice() + (int) ins.operand("plane");
        if (planes[i] == null) {
            planes[i] = new MxmPlane();
        }
        return planes[i];
    }

    /**
     * Appends every plane's state that later work can see, cycles counted from {@code now} ({@link RepeatSkip}):
     * buffer and array types and row counts, when the buffer is complete and the weights installed, and each
     * accumulator row's type and pending type. (The cycles rows became ready appear in messages only.)
     */
    void state(long now, StateWords out) {
        for (int i = 0; i < planes.length; i++) {
            MxmPlane p = planes[i];
            if (p == null) {
                continue;
            }
            out.add(i).add(ordinal(p.bufferType)).addUntil(p.bufferComplete, now).add(p.bufferRowCount)
                    .add(ordinal(p.arrayType)).addUntil(p.installed, now).add(p.arrayRowCount);
            int rows = p.rowCount();
            out.add(rows);
            for (int j = 0; j < rows; j++) {
                MxmPlane.Row r = p.existing(j);
                out.add(r == null ? -2 : ordinal(r.type)).add(r == null ? -2 : ordinal(r.pendingType));
            }
        }
    }

    /** Moves every cycle after {@code now} in the planes' state {@code by} cycles later. */
    void shift(long now, long by) {
        for (MxmPlane p : planes) {
            if (p == null) {
                continue;
            }
            p.bufferComplete = later(p.bufferComplete, now, by);
            p.installed = later(p.installed, now, by);
            for (int j = 0; j < p.rowCount(); j++) {
                MxmPlane.Row r = p.existing(j);
                if (r != null) {
                    r.ready = later(r.ready, now, by);
                    r.firstReady = later(r.firstReady, now, by);
                }
            }
        }
    }

    private static long later(long cycle, long now, long by) {
        return cycle != Long.MAX_VALUE && cycle > now ? cycle + by : cycle;
    }

    private static int ordinal(DataType t) {
        return t == null ? -1 : t.ordinal();
    }

    void loadWeights(ChipSimulator.Issue is, int pos) {
        Instruction ins = is.ins();
        DataType t = ins.dtype().orElseThrow();
        int rows = (int) ins.operand("rows");
        int pieceK = chip.mxm().pieceK(t);
        if (rows > pieceK) {
            throw sim.hazard(HazardKind.MXM_TYPE_MISMATCH, is, is.cycle(), "loads " + rows + " " + t.text() + " weight "
                    + "rows, but a plane takes at most " + pieceK + " (K of one " + t.text() + " piece)");
        }
        MxmPlane p = plane(pos, ins);
        // g rows per cycle, side by side on the weight-stream group: row k x g + j on streams src + j x bytes ..
        int g = chip.mxm().weightRowsPerCycle(t);
        int cycles = chip.mxm().weightLoadCycles(t, rows);
        long src = ins.operand("src");
        if (!sim.functional) {
            WeightLoad load = new WeightLoad();
            load.is = is;
            load.pos = pos;
            load.plane = p;
            load.type = t;
            load.rows = rows;
            load.perCycle = g;
            load.cycles = cycles;
            load.src = src;
            sim.schedule(load, is.cycle(), CyclePhase.CONSUME);
            return;
        }
        // the buffer is taken over when the first rows arrive (consume phase), so that an IW issued in the same
        // cycle, on any queue, still installs the previous, complete, contents
        sim.train(is.cycle(), cycles, CyclePhase.CONSUME, (k, c) -> {
            if (k == 0) {
                p.bufferType = t;
                p.bufferRowCount = rows;
                p.bufferComplete = is.cycle() + cycles;
                p.bufferRows = sim.functional ? new double[rows][] : null;
            }
            for (int j = 0; j < g && k * g + j < rows; j++) {
                byte[][] v = sim.sample(is, c, pos, Streams.plane(src, j * t.bytes()), t.bytes());
                if (sim.functional) {
                    p.bufferRows[k * g + j] = Lanes.values(t, v);
                }
            }
        });
    }

    /**
     * A timing-only LW as one event that samples ahead: in the consume phase of its issue cycle it takes over the
     * buffer (as the functional train does), samples that cycle's rows, and checks the rows of later cycles for as long
     * as their vectors are already on the streams, stopping at the first cycle whose vectors are not (yet) there; it
     * runs again at that cycle and samples it as at any other. Exact: in a timing-only run a vector on a stream is
     * never taken away (a later producer upstream only replaces it) and its place is kept until it is read
     * (StreamFile), so a sample found ahead would pass at its own cycle; what is not found is sampled at its cycle.
     * Of two hazards in one cycle and phase, the one named may differ from a run that sampled cycle by cycle.
     */
    private final class WeightLoad extends ChipSimulator.Event {
        ChipSimulator.Issue is;
        int pos;
        MxmPlane plane;
        DataType type;
        int rows;
        int perCycle;
        int cycles;
        long src;
        /** The next cycle of the load (counted from its issue) not yet sampled or found ahead. */
        int k;

        @Override
        void run() {
            if (k == 0) {
                plane.bufferType = type;
                plane.bufferRowCount = rows;
                plane.bufferComplete = is.cycle() + cycles;
                plane.bufferRows = null;
            }
            // this cycle's rows (the event runs in the cycle of load cycle k), sampled as at any cycle
            for (int j = 0; j < perCycle && k * perCycle + j < rows; j++) {
                sim.sample(is, cycle, pos, Streams.plane(src, j * type.bytes()), type.bytes());
            }
            k++;
            // the later cycles whose rows are all on their streams already
            int found = cycles - k;
            for (int j = 0; j < perCycle && found > 0; j++) {
                // row j is loaded in cycles 0 .. last - 1 of the load
                int last = (rows - j + perCycle - 1) / perCycle;
                if (last > k) {
                    int there = sim.presentRun(cycle + 1, pos, Streams.plane(src, j * type.bytes()), type.bytes(),
                            last - k);
                    if (there < last - k) {
                        found = Math.min(found, there);
                    }
                }
            }
            k += found;
            if (k < cycles) {
                sim.schedule(this, is.cycle() + k, CyclePhase.CONSUME);
            }
        }
    }

    void installWeights(ChipSimulator.Issue is, int pos, long latency) {
        MxmPlane p = plane(pos, is.ins());
        if (p.bufferType == null || is.cycle() < p.bufferComplete) {
            throw sim.hazard(HazardKind.MXM_NOT_READY, is, is.cycle(), p.bufferType == null
                    ? "installs an empty weight buffer (no LW on this plane before)"
                    : "installs the weight buffer before LW has filled it (complete at cycle " + p.bufferComplete
                            + ")");
        }
        p.arrayType = p.bufferType;
        p.arrayRowCount = p.bufferRowCount;
        p.arrayRows = p.bufferRows;
        p.installed = is.cycle() + latency;
        // the planes of an fp16 group form one array: installing into one of them replaces what the others held
        int plane = (int) is.ins().operand("plane");
        int first = chip.mxm().firstPlaneOfGroup(plane, DataType.F16);
        for (int other = first; other < first + chip.mxm().planesPerPiece(DataType.F16); other++) {
            MxmPlane o = planes[pos * chip.mxm().planesPerSlice() + other];
            if (other != plane && o != null && (p.arrayType == DataType.F16 || o.arrayType == DataType.F16)) {
                o.arrayType = null;
                o.arrayRows = null;
            }
        }
    }

    void activations(ChipSimulator.Issue is, int pos, long latency) {
        Instruction ins = is.ins();
        DataType t = ins.dtype().orElseThrow();
        MxmPlane p = plane(pos, ins);
        boolean accumulate = ins.operand("mode") == 1;
        DataType out = MxmSpec.productType(t);
        sim.train(is.cycle(), (int) ins.operand("count"), CyclePhase.CONSUME, (j, c) -> {
            if (p.arrayType == null || c < p.installed) {
                throw sim.hazard(HazardKind.MXM_NOT_READY, is, c, p.arrayType == null
                        ? "streams activations into a plane with no installed weights (no IW before, or another "
                                + "plane of its fp16 group replaced them)"
                        : "streams activations at cycle " + c + " before the weights are installed (cycle "
                                + p.installed + ")");
            }
            if (p.arrayType != t) {
                throw sim.hazard(HazardKind.MXM_TYPE_MISMATCH, is, c, "streams " + t.text() + " activations into a "
                        + "plane holding " + p.arrayType.text() + " weights");
            }
            byte[][] x = sim.sample(is, c, pos, ins.operand("src"), t.bytes());
            MxmPlane.Row row = p.row(j);
            if (accumulate && row.pendingType == null) {
                throw sim.hazard(HazardKind.MXM_NOT_READY, is, c, "accumulates (mode 1) onto accumulator row " + j
                        + ", which holds nothing yet");
            }
            if (accumulate && row.pendingType != out) {
                throw sim.hazard(HazardKind.MXM_TYPE_MISMATCH, is, c, "accumulates " + out.text() + " products onto "
                        + "accumulator row " + j + ", which holds " + row.pendingType.text());
            }
            row.pendingType = out;
            row.firstReady = Math.min(row.firstReady, c + latency);
            float[] f32 = null;
            int[] i32 = null;
            if (sim.functional) {
                double[] xs = Lanes.values(t, x);
                if (t == DataType.F16) {
                    f32 = MatrixOps.fp16(p.arrayRows, xs, null);
                } else {
                    i32 = MatrixOps.int8(p.arrayRows, xs, null);
                }
            }
            float[] products = f32;
            int[] ints = i32;
            // the products land in the row after the array latency, in the commit phase (before that cycle's ACC)
            sim.at(c + latency, CyclePhase.COMMIT, () -> {
                row.type = out;
                row.ready = c + latency;
                if (sim.functional) {
                    if (out == DataType.F32) {
                        row.f32 = accumulate ? add(row.f32, products) : products;
                    } else {
                        row.i32 = accumulate ? add(row.i32, ints) : ints;
                    }
                }
            });
        });
    }

    private static float[] add(float[] a, float[] b) {
        float[] out = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    private static int[] add(int[] a, int[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    void accumulators(ChipSimulator.Issue is, int pos, long latency) {
        Instruction ins = is.ins();
        DataType t = ins.dtype().orElseThrow();
        MxmPlane p = plane(pos, ins);
        sim.train(is.cycle(), (int) ins.operand("count"), CyclePhase.ACCESS, (j, c) -> {
            MxmPlane.Row row = p.existing(j);
            if (row == null || row.type == null) {
                throw sim.hazard(HazardKind.MXM_NOT_READY, is, c, "reads accumulator row " + j + " at cycle " + c
                        + (row == null || row.pendingType == null ? ", which no ABC has written"
                                : ", which is not ready until cycle " + row.firstReady));
            }
            if (row.type != t) {
                throw sim.hazard(HazardKind.MXM_TYPE_MISMATCH, is, c, "drains accumulator row " + j + " as "
                        + t.text() + ", but it holds " + row.type.text());
            }
            byte[][] planesOut = null;
            if (sim.functional) {
                long[] bits = new long[sim.vectorBytes];
                for (int n = 0; n < sim.vectorBytes; n++) {
                    bits[n] = t == DataType.F32
                            ? (n < row.f32.length ? Float.floatToRawIntBits(row.f32[n]) & 0xFFFF_FFFFL : 0)
                            : (n < row.i32.length ? row.i32[n] : 0);
                }
                planesOut = Lanes.planes(t, bits);
            }
            sim.produce(is, c + latency, pos, ins.operand("dst"), t.bytes(), planesOut);
        });
    }
}
