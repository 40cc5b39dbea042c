// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.Unit;
import java.util.Arrays;

/**
 * Adds an issued instruction's work to a chip's {@link Activity} counters: tables per opcode, made once, and per chip
 * a small table of what the words seen last contribute.
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
    private static final int CACHE_BITS = 10;

    /**
     * What the words counted last contribute, by a hash of the word (words repeat: the same instruction on many
     * queues, rows and periods, so that an issue costs a table lookup): the word, the activity its work counts (-1:
     * none), the work, and the planes it puts on streams (negative: westward).
     */
    private final long[] words = new long[1 << CACHE_BITS];
    private final int[] kinds = new int[1 << CACHE_BITS];
    private final long[] works = new long[1 << CACHE_BITS];
    private final long[] planes = new long[1 << CACHE_BITS];
    private final boolean[] filled = new boolean[1 << CACHE_BITS];
    private final int positions;

    /** For a chip of {@code positions} stream positions. */
    ActivityCount(int positions) {
        this.positions = positions;
    }

    /**
     * Counts {@code ins}, issued at stream position {@code pos}, into {@code activity}.
     *
     * @param occupancy the cycles it holds its resource (a function of the word alone)
     */
    void count(long[] activity, Instruction ins, long occupancy, int pos) {
        long w = ins.word();
        int h = (int) ((w * 0x9E3779B97F4A7C15L) >>> (64 - CACHE_BITS));
        if (!filled[h] || words[h] != w) {
            fill(h, ins, occupancy);
        }
        if (kinds[h] >= 0) {
            activity[kinds[h]] += works[h];
        }
        long p = planes[h];
        if (p > 0) {
            activity[HOPS] += p * (positions - 1 - pos);
        } else if (p < 0) {
            activity[HOPS] += -p * pos;
        }
    }

    private void fill(int h, Instruction ins, long occupancy) {
        Opcode op = ins.opcode();
        int c = op.code();
        words[h] = ins.word();
        filled[h] = true;
        planes[h] = 0;
        if (op == Opcode.ABC) {
            boolean fp16 = ins.dtype().orElseThrow() == DataType.F16;
            kinds[h] = (fp16 ? Activity.MXM_FP16_PASSES : Activity.MXM_INT8_PASSES).ordinal();
            works[h] = ins.operand(ABC_COUNT);
            return;
        }
        int kind = KIND[c];
        kinds[h] = kind;
        works[h] = 0;
        if (kind < 0) {
            if (op == Opcode.RECV) {
                planes[h] = signed(ins.operand(DST[c]), ins.operand(COUNT[c]));
            }
            return;
        }
        long vectors = COUNT[c] >= 0 ? ins.operand(COUNT[c]) : 1;
        int span = DST[c] >= 0 ? ins.span(DST[c]) : 1;
        works[h] = switch (op) {
            case LW -> ins.operand(LW_ROWS) * ins.dtype().orElseThrow().bytes();
            case ACC -> vectors * span;
            case SEND, FWD, READ, READB, GATHER, WRITE, SCATTER -> vectors;
            case IW -> 1;
            default -> occupancy * span;
        };
        if (DST[c] >= 0 && kind != Activity.SRAM_WRITE_VECTORS.ordinal()) {
            planes[h] = signed(ins.operand(DST[c]), op.unit() == Unit.MEM || op == Opcode.ACC ? vectors * span
                    : span);
        }
    }

    /** {@code n} planes on {@code stream}: positive eastward (riding to the last position), negative westward. */
    private static long signed(long stream, long n) {
        return Streams.isWest(stream) ? -n : n;
    }
}
