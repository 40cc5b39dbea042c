// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.Unit;
import java.util.Arrays;

/**
 * What an issued instruction adds to a chip's {@link Activity} counters: a {@link Contribution} made once per word
 * (kept with the word's other facts in {@link DecodedWords}), and added at each issue with the position it issues at.
 */
final class ActivityCount {
    /** Per opcode code: the activity its occupancy counts, or -1. */
    private static final int[] KIND = new int[256];
    /** Per opcode code: the index of its stream destination operand, or -1. */
    private static final int[] DST = new int[256];
    /** Per opcode code: the index of its count operand, or -1 (one vector). */
    private static final int[] COUNT = new int[256];

    static {
        Arrays.fill(KIND, -1);
        Arrays.fill(DST, -1);
        Arrays.fill(COUNT, -1);
        for (Opcode op : Opcode.values()) {
            int c = op.code();
            KIND[c] = switch (op) {
                case READ, READB, GATHER -> Activity.SRAM_READ_VECTORS.ordinal();
                case WRITE, SCATTER -> Activity.SRAM_WRITE_VECTORS.ordinal();
                case LW -> Activity.MXM_WEIGHT_PLANES.ordinal();
                case IW -> Activity.MXM_INSTALLS.ordinal();
                case ACC -> Activity.MXM_DRAIN_PLANES.ordinal();
                case SEND, FWD -> Activity.LINK_VECTORS.ordinal();
                default -> op.unit() == Unit.VXM ? Activity.VXM_PLANE_OPS.ordinal()
                        : op.unit() == Unit.SXM ? Activity.SXM_PLANE_OPS.ordinal() : -1;
            };
            for (int i = 0; i < op.operands().size(); i++) {
                String name = op.operands().get(i).name();
                if (name.equals("dst")) {
                    DST[c] = i;
                } else if (name.equals("count")) {
                    COUNT[c] = i;
                }
            }
        }
    }

    private static final int LW_ROWS = Opcode.LW.operandIndex("rows");
    private static final int ABC_COUNT = Opcode.ABC.operandIndex("count");
    private static final int HOPS = Activity.STREAM_PLANE_HOPS.ordinal();

    private ActivityCount() {
    }

    /**
     * What one issue of a word adds: {@code kind} the activity its work counts (-1: none), {@code work} that work,
     * and {@code planes} the planes it puts on streams (negative: westward), each riding to the chip's edge.
     */
    record Contribution(int kind, long work, long planes) {
    }

    /** Adds one issue of {@code c} at stream position {@code pos} of a chip of {@code positions} to {@code activity}. */
    static void add(long[] activity, Contribution c, int pos, int positions) {
        if (c.kind >= 0) {
            activity[c.kind] += c.work;
        }
        long p = c.planes;
        if (p > 0) {
            activity[HOPS] += p * (positions - 1 - pos);
        } else if (p < 0) {
            activity[HOPS] += -p * pos;
        }
    }

    /**
     * What an issue of {@code ins} adds.
     *
     * @param occupancy the cycles it holds its resource (a function of the word alone)
     */
    static Contribution of(Instruction ins, long occupancy) {
        Opcode op = ins.opcode();
        int c = op.code();
        if (op == Opcode.ABC) {
            boolean fp16 = ins.dtype().orElseThrow() == DataType.F16;
            return new Contribution((fp16 ? Activity.MXM_FP16_PASSES : Activity.MXM_INT8_PASSES).ordinal(),
                    ins.operand(ABC_COUNT), 0);
        }
        int kind = KIND[c];
        if (kind < 0) {
            return new Contribution(kind, 0, op == Opcode.RECV ? signed(ins.operand(DST[c]), ins.operand(COUNT[c]))
                    : 0);
        }
        long vectors = COUNT[c] >= 0 ? ins.operand(COUNT[c]) : 1;
        int span = DST[c] >= 0 ? ins.span(DST[c]) : 1;
        long work = switch (op) {
            case LW -> ins.operand(LW_ROWS) * ins.dtype().orElseThrow().bytes();
            case ACC -> vectors * span;
            case SEND, FWD, READ, READB, GATHER, WRITE, SCATTER -> vectors;
            case IW -> 1;
            default -> occupancy * span;
        };
        long planes = 0;
        if (DST[c] >= 0 && kind != Activity.SRAM_WRITE_VECTORS.ordinal()) {
            planes = signed(ins.operand(DST[c]), op.unit() == Unit.MEM || op == Opcode.ACC ? vectors * span : span);
        }
        return new Contribution(kind, work, planes);
    }

    /** {@code n} planes on {@code stream}: positive eastward (riding to the last position), negative westward. */
    private static long signed(long stream, long n) {
        return Streams.isWest(stream) ? -n : n;
    }
}
