// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

import static dev.lockstep.isa.CycleExpr.byType;
import static dev.lockstep.isa.CycleExpr.ceilDiv;
import static dev.lockstep.isa.CycleExpr.chip;
import static dev.lockstep.isa.CycleExpr.dtypeBytes;
import static dev.lockstep.isa.CycleExpr.fixed;
import static dev.lockstep.isa.CycleExpr.operand;
import static dev.lockstep.isa.CycleExpr.param;
import static dev.lockstep.isa.CycleExpr.plus;
import static dev.lockstep.isa.CycleExpr.times;
import static dev.lockstep.isa.DataType.F16;
import static dev.lockstep.isa.DataType.F32;
import static dev.lockstep.isa.DataType.I16;
import static dev.lockstep.isa.DataType.I32;
import static dev.lockstep.isa.DataType.I8;
import static dev.lockstep.isa.OperandKind.ADDRESS;
import static dev.lockstep.isa.OperandKind.BARRIER;
import static dev.lockstep.isa.OperandKind.BITS32;
import static dev.lockstep.isa.OperandKind.COUNT;
import static dev.lockstep.isa.OperandKind.KEY;
import static dev.lockstep.isa.OperandKind.LANE;
import static dev.lockstep.isa.OperandKind.LINK;
import static dev.lockstep.isa.OperandKind.MAP;
import static dev.lockstep.isa.OperandKind.MODE;
import static dev.lockstep.isa.OperandKind.PLANE;
import static dev.lockstep.isa.OperandKind.STRIDE;
import static dev.lockstep.isa.OperandSpec.dtype;
import static dev.lockstep.isa.OperandSpec.of;
import static dev.lockstep.isa.OperandSpec.optional;
import static dev.lockstep.isa.OperandSpec.streams;
import static dev.lockstep.isa.OperandSpec.weightGroup;
import static dev.lockstep.isa.TimingParam.C2C_FORWARD_CYCLES;
import static dev.lockstep.isa.TimingParam.C2C_RECEIVE_END_CYCLES;
import static dev.lockstep.isa.TimingParam.C2C_SEND_END_CYCLES;
import static dev.lockstep.isa.TimingParam.IFETCH_LATENCY_CYCLES;
import static dev.lockstep.isa.TimingParam.MEM_GATHER_LATENCY_CYCLES;
import static dev.lockstep.isa.TimingParam.MEM_READ_LATENCY_CYCLES;
import static dev.lockstep.isa.TimingParam.MEM_WRITE_LATENCY_CYCLES;
import static dev.lockstep.isa.TimingParam.MXM_ACC_LATENCY_CYCLES;
import static dev.lockstep.isa.TimingParam.MXM_ARRAY_LATENCY_CYCLES;
import static dev.lockstep.isa.TimingParam.MXM_INSTALL_CYCLES;
import static dev.lockstep.isa.TimingParam.NOTIFY_LATENCY_CYCLES;
import static dev.lockstep.isa.TimingParam.SXM_PERMUTE_LATENCY_CYCLES;
import static dev.lockstep.isa.TimingParam.SXM_SHIFT_LATENCY_CYCLES;
import static dev.lockstep.isa.TimingParam.SXM_TRANSPOSE_LATENCY_CYCLES;
import static dev.lockstep.isa.TimingParam.VXM_CONVERT_LATENCY_CYCLES;
import static dev.lockstep.isa.TimingParam.VXM_FP_LATENCY_CYCLES;
import static dev.lockstep.isa.TimingParam.VXM_INT_LATENCY_CYCLES;
import static dev.lockstep.isa.TimingParam.VXM_REDUCE_LATENCY_CYCLES;
import static dev.lockstep.isa.TimingParam.VXM_TRANSCENDENTAL_LATENCY_CYCLES;

import java.util.List;
import java.util.Optional;

/**
 * The instruction set, declared once. Each constant is one row of the table: its 8-bit opcode, mnemonic, the
 * unit that executes it, the resource it holds, its operands (each with kind and field width), and its timing:
 * <ul>
 *   <li><b>latency</b>: cycles from issue until the result is visible: on its stream at the unit's position for
 *   producers, in SRAM or unit state otherwise. Stream inputs are sampled at the issue cycle (a train of
 *   {@code count} vectors: at issue + i).</li>
 *   <li><b>occupancy</b>: cycles the {@link Resource} of the issuing slice stays busy.</li>
 *   <li><b>dispatch</b>: cycles before the same queue may issue its next instruction.</li>
 * </ul>
 * Assembler, disassembler, encoder, decoder, docs/isa.md's opcode reference, the compiler's resource model and
 * the simulator all read this table; none of them restates a number. The encoding is the opcode in bits 63..56,
 * then each operand's field in declaration order from bit 55 downward; unused low bits are zero.
 * See docs/isa.md for each opcode's semantics. (Over 400 lines because it is the table: one row per opcode, kept
 * in one file so that the whole ISA reads, and is checked, in one place.)
 */
public enum Opcode {
    // ---------------------------------------------------------------- ICU (docs/isa.md#icu)
    /** Idles the queue for {@code cycles} cycles. docs/isa.md#icu */
    NOP(0x00, "nop", Unit.ICU, Resource.NONE, "Idle this queue for `cycles` cycles.",
            List.of(of("cycles", COUNT)), fixed(0), fixed(0), operand("cycles")),
    /** Issues the queue's previous instruction {@code n} more times, {@code d} cycles apart. docs/isa.md#icu */
    REPEAT(0x01, "repeat", Unit.ICU, Resource.NONE,
            "Issue this queue's previous instruction `n` more times, `d` cycles apart, the first at this cycle.",
            List.of(of("n", COUNT), of("d", COUNT)), fixed(0), fixed(0), times(operand("n"), operand("d"))),
    /** Parks the queue until barrier {@code barrier} is notified. docs/isa.md#icu */
    SYNC(0x02, "sync", Unit.ICU, Resource.NONE,
            "Park this queue until a Notify on `barrier` arrives; the next instruction must be scheduled at or "
                    + "after that arrival.",
            List.of(of("barrier", BARRIER)), fixed(0), fixed(0), fixed(1)),
    /** Signals barrier {@code barrier} to every queue parked on it. docs/isa.md#icu */
    NOTIFY(0x03, "notify", Unit.ICU, Resource.NONE,
            "Signal `barrier`; queues parked on it by Sync are released `notify_latency_cycles` later.",
            List.of(of("barrier", BARRIER)), param(NOTIFY_LATENCY_CYCLES), fixed(0), fixed(1)),
    /** Fetches {@code count} instruction vectors from a stream into this queue. docs/isa.md#icu */
    IFETCH(0x04, "ifetch", Unit.ICU, Resource.NONE,
            "Take `count` vectors of instruction words from stream `src` into this queue's buffer.",
            List.of(streams("src", 1), of("count", COUNT)), param(IFETCH_LATENCY_CYCLES), fixed(0), fixed(1)),
    /** Writes configuration register {@code key} of the queue's slice. docs/isa.md#icu */
    CONFIG(0x05, "config", Unit.ICU, Resource.NONE,
            "Set configuration register `key` of this queue's slice to `value` (32 bits).",
            List.of(of("key", KEY), of("value", BITS32)), fixed(1), fixed(0), fixed(1)),
    /** Parks the queue until the next epoch of the hardware-aligned counter. docs/isa.md#icu */
    DESKEW(0x06, "deskew", Unit.ICU, Resource.NONE,
            "Park this queue until the hardware-aligned counter reaches the next multiple of "
                    + "`deskew_epoch_cycles`; the next instruction must be scheduled at or after it.",
            List.of(), fixed(0), fixed(0), fixed(1)),

    // ---------------------------------------------------------------- MEM (docs/isa.md#mem)
    /** Reads a run of words onto a stream. docs/isa.md#mem */
    READ(0x10, "read", Unit.MEM, Resource.MEM_READ,
            "Read words `addr`, `addr+stride`, ... (`count` of them) and put word i on stream `dst` at this "
                    + "slice at issue + latency + i.",
            List.of(streams("dst", 1), of("addr", ADDRESS), optional("count", COUNT, 1),
                    optional("stride", STRIDE, 1)),
            param(MEM_READ_LATENCY_CYCLES), operand("count"), fixed(1)),
    /** Writes a run of vectors from a stream into SRAM. docs/isa.md#mem */
    WRITE(0x11, "write", Unit.MEM, Resource.MEM_WRITE,
            "Take the vector on stream `src` at this slice at issue + i and write it to `addr + i*stride` "
                    + "(`count` of them).",
            List.of(of("addr", ADDRESS), streams("src", 1), optional("count", COUNT, 1),
                    optional("stride", STRIDE, 1)),
            param(MEM_WRITE_LATENCY_CYCLES), operand("count"), fixed(1)),
    /** Reads one byte per lane from per-lane addresses. docs/isa.md#mem */
    GATHER(0x12, "gather", Unit.MEM, Resource.MEM_READ,
            "For each lane l: out[l] = word[`base` + index[l]][l], with index a u16 per lane on streams "
                    + "`index`, `index+1`; `count` vectors, one per cycle.",
            List.of(streams("dst", 1), of("base", ADDRESS), streams("index", 2), optional("count", COUNT, 1)),
            param(MEM_GATHER_LATENCY_CYCLES), operand("count"), fixed(1)),
    /** Writes one byte per lane to per-lane addresses. docs/isa.md#mem */
    SCATTER(0x13, "scatter", Unit.MEM, Resource.MEM_WRITE,
            "For each lane l: word[`base` + index[l]][l] = src[l], with index a u16 per lane on streams "
                    + "`index`, `index+1`; `count` vectors, one per cycle.",
            List.of(of("base", ADDRESS), streams("src", 1), streams("index", 2), optional("count", COUNT, 1)),
            param(MEM_WRITE_LATENCY_CYCLES), operand("count"), fixed(1)),

    /** Sets this slice's read base from a stream (data-chosen addresses for readb). docs/isa.md#mem */
    BASE(0x14, "base", Unit.MEM, Resource.MEM_READ,
            "Set this slice's read base to `scale` x the u16 in lane `lane` of streams `src` (low byte), `src+1` "
                    + "(high byte), sampled at this slice at issue; readb issued from issue + latency on use it.",
            List.of(streams("src", 2), of("lane", LANE), of("scale", COUNT)), fixed(1), fixed(1), fixed(1)),
    /** Reads a run of words at this slice's read base plus an address. docs/isa.md#mem */
    READB(0x15, "readb", Unit.MEM, Resource.MEM_READ,
            "As read, at words base + `addr` + i x `stride`, base being this slice's read base at issue (set by "
                    + "base; 0 until then).",
            List.of(streams("dst", 1), of("addr", ADDRESS), optional("count", COUNT, 1),
                    optional("stride", STRIDE, 1)),
            param(MEM_READ_LATENCY_CYCLES), operand("count"), fixed(1)),

    // ---------------------------------------------------------------- VXM (docs/isa.md#vxm)
    /** Element-wise sum. docs/isa.md#vxm */
    VADD(0x20, "vadd", "dst = a + b (integers wrap).", Shape.BINARY, Types.ALL, Lat.ARITH),
    /** Element-wise difference. docs/isa.md#vxm */
    VSUB(0x21, "vsub", "dst = a - b (integers wrap).", Shape.BINARY, Types.ALL, Lat.ARITH),
    /** Element-wise product. docs/isa.md#vxm */
    VMUL(0x22, "vmul", "dst = a * b (integers wrap).", Shape.BINARY, Types.ALL, Lat.ARITH),
    /** Element-wise maximum. docs/isa.md#vxm */
    VMAX(0x23, "vmax", "dst = max(a, b).", Shape.BINARY, Types.ALL, Lat.ARITH),
    /** Element-wise minimum. docs/isa.md#vxm */
    VMIN(0x24, "vmin", "dst = min(a, b).", Shape.BINARY, Types.ALL, Lat.ARITH),
    /** Bitwise and. docs/isa.md#vxm */
    VAND(0x25, "vand", "dst = a & b.", Shape.BINARY, Types.INT, Lat.INT),
    /** Bitwise or. docs/isa.md#vxm */
    VOR(0x26, "vor", "dst = a | b.", Shape.BINARY, Types.INT, Lat.INT),
    /** Bitwise exclusive or. docs/isa.md#vxm */
    VXOR(0x27, "vxor", "dst = a ^ b.", Shape.BINARY, Types.INT, Lat.INT),
    /** Equality test. docs/isa.md#vxm */
    VCMPEQ(0x28, "vcmpeq", "dst = (a == b) ? 1 : 0, in the instruction's type.", Shape.BINARY, Types.ALL,
            Lat.ARITH),
    /** Less-than test. docs/isa.md#vxm */
    VCMPLT(0x29, "vcmplt", "dst = (a < b) ? 1 : 0.", Shape.BINARY, Types.ALL, Lat.ARITH),
    /** Less-or-equal test. docs/isa.md#vxm */
    VCMPLE(0x2A, "vcmple", "dst = (a <= b) ? 1 : 0.", Shape.BINARY, Types.ALL, Lat.ARITH),
    /** Per-lane select. docs/isa.md#vxm */
    VSEL(0x2B, "vsel", "dst = (mask != 0) ? a : b, per lane.", Shape.SELECT, Types.ALL, Lat.INT),
    /** Fused multiply-add. docs/isa.md#vxm */
    VFMA(0x2C, "vfma", "dst = a * b + c, rounded once.", Shape.TERNARY, Types.FLOAT, Lat.ARITH),
    /** Adds an immediate. docs/isa.md#vxm */
    VADDI(0x2D, "vaddi", "dst = a + imm.", Shape.IMMEDIATE, Types.ALL, Lat.ARITH),
    /** Multiplies by an immediate. docs/isa.md#vxm */
    VMULI(0x2E, "vmuli", "dst = a * imm.", Shape.IMMEDIATE, Types.ALL, Lat.ARITH),
    /** Maximum with an immediate. docs/isa.md#vxm */
    VMAXI(0x2F, "vmaxi", "dst = max(a, imm).", Shape.IMMEDIATE, Types.ALL, Lat.ARITH),
    /** Copy. docs/isa.md#vxm */
    VMOV(0x30, "vmov", "dst = a.", Shape.UNARY, Types.ALL, Lat.INT),
    /** Negation. docs/isa.md#vxm */
    VNEG(0x31, "vneg", "dst = -a.", Shape.UNARY, Types.ALL, Lat.ARITH),
    /** Absolute value. docs/isa.md#vxm */
    VABS(0x32, "vabs", "dst = |a|.", Shape.UNARY, Types.ALL, Lat.ARITH),
    /** Rectified linear unit. docs/isa.md#vxm */
    VRELU(0x33, "vrelu", "dst = max(a, 0).", Shape.UNARY, Types.ALL, Lat.ARITH),
    /** Exponential. docs/isa.md#vxm */
    VEXP(0x34, "vexp", "dst = e^a.", Shape.UNARY, Types.FLOAT, Lat.TRANSCENDENTAL),
    /** Hyperbolic tangent. docs/isa.md#vxm */
    VTANH(0x35, "vtanh", "dst = tanh(a).", Shape.UNARY, Types.FLOAT, Lat.TRANSCENDENTAL),
    /** Reciprocal square root. docs/isa.md#vxm */
    VRSQRT(0x36, "vrsqrt", "dst = 1 / sqrt(a).", Shape.UNARY, Types.FLOAT, Lat.TRANSCENDENTAL),
    /** Reciprocal. docs/isa.md#vxm */
    VRECIP(0x37, "vrecip", "dst = 1 / a.", Shape.UNARY, Types.FLOAT, Lat.TRANSCENDENTAL),
    /** Logistic sigmoid. docs/isa.md#vxm */
    VSIGMOID(0x38, "vsigmoid", "dst = 1 / (1 + e^-a).", Shape.UNARY, Types.FLOAT, Lat.TRANSCENDENTAL),
    /** Type conversion. docs/isa.md#vxm */
    VCVT(0x39, "vcvt", Unit.VXM, Resource.VXM_ALU,
            "dst (type `to`) = a (type `from`) converted: floats round to nearest even, float to int rounds "
                    + "to nearest even and saturates, int to narrower int saturates.",
            List.of(dtype("to", I8, I16, I32, F16, F32), dtype("from", I8, I16, I32, F16, F32),
                    streams("dst", "to"), streams("a", "from")),
            param(VXM_CONVERT_LATENCY_CYCLES), fixed(1), fixed(1)),
    /** Sum of all lanes. docs/isa.md#vxm */
    VRSUM(0x3A, "vrsum", "Every lane of dst = the sum of all lanes of a, in lane order (floats: in double, rounded "
            + "once).",
            Shape.UNARY, Types.ALL, Lat.REDUCE),
    /** Maximum of all lanes. docs/isa.md#vxm */
    VRMAX(0x3B, "vrmax", "Every lane of dst = the maximum over all lanes of a.", Shape.UNARY, Types.ALL,
            Lat.REDUCE),
    /** Index of the maximum lane. docs/isa.md#vxm */
    VARGMAX(0x3C, "vargmax", Unit.VXM, Resource.VXM_ALU,
            "Every lane of dst (i32, 4 streams) = the lowest lane index holding the maximum of a.",
            List.of(dtype("dt", I8, I16, I32, F16, F32), streams("dst", 4), streams("a", "dt")),
            param(VXM_REDUCE_LATENCY_CYCLES), fixed(1), fixed(1)),

    // ---------------------------------------------------------------- MXM (docs/isa.md#mxm)
    /** Loads weight rows from the weight-stream group into a plane's weight buffer. docs/isa.md#mxm */
    LW(0x40, "lw", Unit.MXM, Resource.MXM_WEIGHT_BUFFER,
            "Load `rows` weight vectors into the weight buffer of `plane` from the `mxm_weight_streams` streams "
                    + "from `src` on: each cycle one row per dt_bytes streams, side by side (row i on streams "
                    + "src + (i mod g) x dt_bytes.. at issue + i / g, g = mxm_weight_streams / dt_bytes).",
            List.of(dtype("dt", I8, F16), of("plane", PLANE), weightGroup("src", "dt"), of("rows", COUNT)),
            ceilDiv(times(operand("rows"), dtypeBytes()), chip(ChipQuantity.MXM_WEIGHT_STREAMS)),
            ceilDiv(times(operand("rows"), dtypeBytes()), chip(ChipQuantity.MXM_WEIGHT_STREAMS)), fixed(1)),
    /** Installs the weight buffer into the array. docs/isa.md#mxm */
    IW(0x41, "iw", Unit.MXM, Resource.MXM_ARRAY,
            "Install the weight buffer of `plane` into its multiply-accumulate array; the buffer is then free "
                    + "for the next LW.",
            List.of(of("plane", PLANE)), param(MXM_INSTALL_CYCLES), param(MXM_INSTALL_CYCLES), fixed(1)),
    /** Streams activation vectors through the array. docs/isa.md#mxm */
    ABC(0x42, "abc", Unit.MXM, Resource.MXM_ARRAY,
            "Stream `count` activation vectors from `src` through the array of `plane`; vector i's products go "
                    + "to accumulator row i, overwriting it (mode 0) or adding to it (mode 1).",
            List.of(dtype("dt", I8, F16), of("plane", PLANE), streams("src", "dt"), of("count", COUNT),
                    optional("mode", MODE, 0)),
            param(MXM_ARRAY_LATENCY_CYCLES), operand("count"), fixed(1)),
    /** Drains accumulator rows onto a stream. docs/isa.md#mxm */
    ACC(0x43, "acc", Unit.MXM, Resource.MXM_ACCUMULATOR,
            "Put accumulator rows 0..`count`-1 of `plane` on stream `dst` (i32 for int8, f32 for fp16), one "
                    + "per cycle.",
            List.of(dtype("dt", I32, F32), streams("dst", "dt"), of("plane", PLANE), of("count", COUNT)),
            param(MXM_ACC_LATENCY_CYCLES), operand("count"), fixed(1)),

    // ---------------------------------------------------------------- SXM (docs/isa.md#sxm)
    /** Shifts lanes. docs/isa.md#sxm */
    SHIFT(0x50, "shift", Unit.SXM, Resource.SXM_SWITCH,
            "dst[l] = a[l - lanes] (zero where l - lanes is outside the vector).",
            List.of(dtype("dt", I8, I16, I32, F16, F32), streams("dst", "dt"), streams("a", "dt"),
                    of("lanes", OperandKind.SHIFT)),
            param(SXM_SHIFT_LATENCY_CYCLES), fixed(1), fixed(1)),
    /** Rotates lanes. docs/isa.md#sxm */
    ROTATE(0x51, "rotate", Unit.SXM, Resource.SXM_SWITCH, "dst[l] = a[(l - lanes) mod L], L lanes.",
            List.of(dtype("dt", I8, I16, I32, F16, F32), streams("dst", "dt"), streams("a", "dt"),
                    of("lanes", OperandKind.SHIFT)),
            param(SXM_SHIFT_LATENCY_CYCLES), fixed(1), fixed(1)),
    /** Permutes lanes by a program map. docs/isa.md#sxm */
    PERMUTE(0x52, "permute", Unit.SXM, Resource.SXM_SWITCH,
            "dst[l] = a[map[l]], with `map` a lane permutation declared by `.map`.",
            List.of(dtype("dt", I8, I16, I32, F16, F32), streams("dst", "dt"), streams("a", "dt"),
                    of("map", MAP)),
            param(SXM_PERMUTE_LATENCY_CYCLES), fixed(1), fixed(1)),
    /** Broadcasts one lane. docs/isa.md#sxm */
    DISTRIBUTE(0x53, "distribute", Unit.SXM, Resource.SXM_SWITCH, "dst[l] = a[`lane`] for every lane l.",
            List.of(dtype("dt", I8, I16, I32, F16, F32), streams("dst", "dt"), streams("a", "dt"),
                    of("lane", LANE)),
            param(SXM_SHIFT_LATENCY_CYCLES), fixed(1), fixed(1)),
    /** Transposes 16 x 16 byte blocks across 16 streams. docs/isa.md#sxm */
    TRANSPOSE(0x54, "transpose", Unit.SXM, Resource.SXM_SWITCH,
            "Within each superlane g: dst stream i, lane 16g+j = stream `a`+j, lane 16g+i (16 streams in, 16 "
                    + "out, bytes).",
            List.of(streams("dst", 16), streams("a", 16)),
            param(SXM_TRANSPOSE_LATENCY_CYCLES), fixed(1), fixed(1)),

    // ---------------------------------------------------------------- C2C (docs/isa.md#c2c)
    /** Sends vectors over a chip-to-chip link. docs/isa.md#c2c */
    SEND(0x60, "send", Unit.C2C, Resource.C2C_TRANSMIT,
            "Send `count` vectors over `link`: vector i is taken from stream `src` at issue + i x "
                    + "link_vector_cycles and has arrived whole at the far end at issue + latency + i x "
                    + "link_vector_cycles.",
            List.of(of("link", LINK), streams("src", 1), optional("count", COUNT, 1)),
            plus(param(C2C_SEND_END_CYCLES), plus(chip(ChipQuantity.LINK_VECTOR_CYCLES),
                    chip(ChipQuantity.LINK_LATENCY_CYCLES))),
            times(operand("count"), chip(ChipQuantity.LINK_VECTOR_CYCLES)), fixed(1)),
    /** Receives vectors from a chip-to-chip link onto a stream. docs/isa.md#c2c */
    RECV(0x61, "recv", Unit.C2C, Resource.C2C_RECEIVE,
            "Take `count` vectors that arrived on `link`, one per `link_vector_cycles`, and put each on stream "
                    + "`dst` at this slice, `c2c_receive_end_cycles` after taking it.",
            List.of(streams("dst", 1), of("link", LINK), optional("count", COUNT, 1)),
            param(C2C_RECEIVE_END_CYCLES), times(operand("count"), chip(ChipQuantity.LINK_VECTOR_CYCLES)),
            fixed(1)),
    /** Passes vectors arriving on one link out over another, without landing them. docs/isa.md#c2c */
    FWD(0x62, "fwd", Unit.C2C, Resource.C2C_TRANSMIT,
            "Forward `count` vectors that arrived on link `from` over `link`, without landing them in SRAM: "
                    + "vector i is taken from `from` at issue + i x link_vector_cycles and has arrived whole at the "
                    + "far end of `link` at issue + latency + i x link_vector_cycles.",
            List.of(of("link", LINK), of("from", LINK), optional("count", COUNT, 1)),
            plus(param(C2C_FORWARD_CYCLES), plus(chip(ChipQuantity.LINK_VECTOR_CYCLES),
                    chip(ChipQuantity.LINK_LATENCY_CYCLES))),
            times(operand("count"), chip(ChipQuantity.LINK_VECTOR_CYCLES)), fixed(1));

    private static final Opcode[] BY_CODE = new Opcode[256];

    static {
        for (Opcode op : values()) {
            if (BY_CODE[op.code] != null) {
                throw new ExceptionInInitializerError("opcode 0x" + Integer.toHexString(op.code) + " declared twice");
            }
            BY_CODE[op.code] = op;
        }
    }

    private final int code;
    private final String mnemonic;
    private final Unit unit;
    private final Resource resource;
    private final String summary;
    private final List<OperandSpec> operands;
    private final CycleExpr latency;
    private final CycleExpr occupancy;
    private final CycleExpr dispatch;
    private final java.util.Map<String, Integer> operandIndexes = new java.util.HashMap<>();
    /** The operand names, for a fast identity match of the interned literals callers pass. */
    private final String[] operandNames;

    Opcode(int code, String mnemonic, Unit unit, Resource resource, String summary, List<OperandSpec> operands,
           CycleExpr latency, CycleExpr occupancy, CycleExpr dispatch) {
        this.code = code;
        this.mnemonic = mnemonic;
        this.unit = unit;
        this.resource = resource;
        this.summary = summary;
        this.operands = List.copyOf(operands);
        this.latency = latency;
        this.occupancy = occupancy;
        this.dispatch = dispatch;
        this.operandNames = new String[this.operands.size()];
        for (int i = 0; i < this.operands.size(); i++) {
            operandIndexes.put(this.operands.get(i).name(), i);
            operandNames[i] = this.operands.get(i).name().intern();
        }
    }

    /** The common shape of VXM element-wise rows: one dtype, pipelined one vector per cycle. */
    Opcode(int code, String mnemonic, String summary, Shape shape, Types types, Lat lat) {
        this(code, mnemonic, Unit.VXM, Resource.VXM_ALU, summary, shape.operands(types.types), lat.expr, fixed(1),
                fixed(1));
    }

    public int code() {
        return code;
    }

    public String mnemonic() {
        return mnemonic;
    }

    public Unit unit() {
        return unit;
    }

    public Resource resource() {
        return resource;
    }

    /** One-line semantics, as docs/isa.md prints it. */
    public String summary() {
        return summary;
    }

    public List<OperandSpec> operands() {
        return operands;
    }

    public CycleExpr latency() {
        return latency;
    }

    public CycleExpr occupancy() {
        return occupancy;
    }

    public CycleExpr dispatch() {
        return dispatch;
    }

    /** Index of the named operand, or -1. */
    public int operandIndex(String name) {
        for (int i = 0; i < operandNames.length; i++) {
            if (operandNames[i] == name) {
                return i;
            }
        }
        Integer i = operandIndexes.get(name);
        return i == null ? -1 : i;
    }

    /** The number of leading dtype operands, written as mnemonic suffixes. */
    public int dtypeCount() {
        int n = 0;
        while (n < operands.size() && operands.get(n).isDtype()) {
            n++;
        }
        return n;
    }

    /** The opcode of a code known to be valid (an encoded instruction's top byte). */
    static Opcode ofValidCode(int code) {
        return BY_CODE[code];
    }

    /** The unit of the opcode in an instruction word's top byte (the word must hold a valid opcode). */
    public static Unit unitOfWord(long word) {
        return BY_CODE[(int) (word >>> 56) & 0xFF].unit;
    }

    public static Optional<Opcode> fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? Optional.ofNullable(BY_CODE[code]) : Optional.empty();
    }

    public static Optional<Opcode> fromMnemonic(String mnemonic) {
        for (Opcode op : values()) {
            if (op.mnemonic.equals(mnemonic)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }

    /** Operand layouts shared by VXM rows. */
    private enum Shape {
        UNARY, BINARY, TERNARY, SELECT, IMMEDIATE;

        List<OperandSpec> operands(DataType[] types) {
            OperandSpec dt = dtype("dt", types[0], java.util.Arrays.copyOfRange(types, 1, types.length));
            return switch (this) {
                case UNARY -> List.of(dt, streams("dst", "dt"), streams("a", "dt"));
                case BINARY -> List.of(dt, streams("dst", "dt"), streams("a", "dt"), streams("b", "dt"));
                case TERNARY -> List.of(dt, streams("dst", "dt"), streams("a", "dt"), streams("b", "dt"),
                        streams("c", "dt"));
                case SELECT -> List.of(dt, streams("dst", "dt"), streams("mask", "dt"), streams("a", "dt"),
                        streams("b", "dt"));
                case IMMEDIATE -> List.of(dt, streams("dst", "dt"), streams("a", "dt"), of("imm", BITS32));
            };
        }
    }

    /** Type sets of VXM rows. */
    private enum Types {
        ALL(I8, I16, I32, F16, F32), INT(I8, I16, I32), FLOAT(F16, F32);

        private final DataType[] types;

        Types(DataType... types) {
            this.types = types;
        }
    }

    /** Latency classes of VXM rows. */
    private enum Lat {
        INT(param(VXM_INT_LATENCY_CYCLES)),
        ARITH(byType(param(VXM_INT_LATENCY_CYCLES), param(VXM_FP_LATENCY_CYCLES))),
        TRANSCENDENTAL(param(VXM_TRANSCENDENTAL_LATENCY_CYCLES)),
        REDUCE(param(VXM_REDUCE_LATENCY_CYCLES));

        private final CycleExpr expr;

        Lat(CycleExpr expr) {
            this.expr = expr;
        }
    }
}
