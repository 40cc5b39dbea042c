// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.semantics;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;

/**
 * What the VXM and SXM instructions compute, apart from when (the simulator decides that). Inputs and outputs are
 * byte planes (see {@link Lanes}). The numeric rules, also in docs/isa.md:
 * <ul>
 *   <li>Float arithmetic is computed exactly enough in double and rounded once to the instruction's type, to
 *   nearest even: correctly rounded for add, sub, mul and fma in f32 ({@link Math#fma(float, float, float)}); f16
 *   fma rounds a*b+c to double first (products of f16 are exact in double; the sum may round twice in rare
 *   cases).</li>
 *   <li>Exp, TanH, RSqrt, reciprocal and sigmoid are evaluated in double and rounded once: the hardware's
 *   approximations are not published.</li>
 *   <li>Integers wrap at their width (two's complement).</li>
 *   <li>max / min follow {@link Math#max(double, double)}: a NaN input gives NaN.</li>
 *   <li>Conversions round floats to nearest even; float to int rounds to nearest even and saturates, NaN gives 0;
 *   int to narrower int saturates.</li>
 *   <li>Lane sums ({@code vrsum}) add all lanes in lane order, in double for floats (rounded once to the type at
 *   the end) and wrapping for integers; {@code vrmax} takes the maximum; {@code vargmax} the lowest lane holding
 *   the maximum (NaN lanes never win; all NaN gives 0).</li>
 * </ul>
 */
public final class VectorOps {
    private VectorOps() {
    }

    /**
     * The result planes of a VXM instruction, given its stream inputs in operand order (each input's planes).
     */
    public static byte[][] vxm(Instruction ins, byte[][][] inputs) {
        Opcode op = ins.opcode();
        if (op == Opcode.VCVT) {
            DataType to = DataType.fromCode(ins.operand("to")).orElseThrow();
            DataType from = DataType.fromCode(ins.operand("from")).orElseThrow();
            return convert(to, from, inputs[0]);
        }
        DataType t = ins.dtype().orElseThrow();
        int lanes = inputs[0][0].length;
        if (op == Opcode.VARGMAX) {
            double[] a = Lanes.values(t, inputs[0]);
            int best = 0;
            for (int l = 1; l < lanes; l++) {
                if (a[l] > a[best] || (Double.isNaN(a[best]) && !Double.isNaN(a[l]))) {
                    best = l;
                }
            }
            long[] out = new long[lanes];
            java.util.Arrays.fill(out, best);
            return Lanes.fromInts(DataType.I32, out);
        }
        if (t.isFloating()) {
            double[] a = Lanes.floats(t, inputs[0]);
            double[] b = inputs.length > 1 ? Lanes.floats(t, inputs[1]) : null;
            double[] c = inputs.length > 2 ? Lanes.floats(t, inputs[2]) : null;
            double imm = op.operandIndex("imm") >= 0 ? Float.intBitsToFloat((int) ins.operand("imm")) : 0;
            double[] r = new double[lanes];
            if (op == Opcode.VRSUM || op == Opcode.VRMAX) {
                double acc = op == Opcode.VRSUM ? 0 : a[0];
                for (int l = op == Opcode.VRSUM ? 0 : 1; l < lanes; l++) {
                    acc = op == Opcode.VRSUM ? acc + a[l] : Math.max(acc, a[l]);
                }
                java.util.Arrays.fill(r, acc);
                return Lanes.fromFloats(t, r);
            }
            for (int l = 0; l < lanes; l++) {
                r[l] = floatOp(op, t, a[l], b == null ? 0 : b[l], c == null ? 0 : c[l], imm);
            }
            return Lanes.fromFloats(t, r);
        }
        long[] a = Lanes.ints(t, inputs[0]);
        long[] b = inputs.length > 1 ? Lanes.ints(t, inputs[1]) : null;
        long[] c = inputs.length > 2 ? Lanes.ints(t, inputs[2]) : null;
        long imm = op.operandIndex("imm") >= 0 ? (int) ins.operand("imm") : 0;
        long[] r = new long[lanes];
        if (op == Opcode.VRSUM || op == Opcode.VRMAX) {
            long acc = op == Opcode.VRSUM ? 0 : a[0];
            for (int l = op == Opcode.VRSUM ? 0 : 1; l < lanes; l++) {
                acc = op == Opcode.VRSUM ? acc + a[l] : Math.max(acc, a[l]);
            }
            java.util.Arrays.fill(r, acc);
            return Lanes.fromInts(t, r);
        }
        for (int l = 0; l < lanes; l++) {
            r[l] = intOp(op, a[l], b == null ? 0 : b[l], c == null ? 0 : c[l], imm);
        }
        return Lanes.fromInts(t, r);
    }

    private static double floatOp(Opcode op, DataType t, double a, double b, double c, double imm) {
        return switch (op) {
            case VADD -> a + b;
            case VSUB -> a - b;
            case VMUL -> a * b;
            case VMAX -> Math.max(a, b);
            case VMIN -> Math.min(a, b);
            case VCMPEQ -> a == b ? 1 : 0;
            case VCMPLT -> a < b ? 1 : 0;
            case VCMPLE -> a <= b ? 1 : 0;
            case VSEL -> a != 0 ? b : c;
            case VFMA -> t == DataType.F32 ? Math.fma((float) a, (float) b, (float) c) : Math.fma(a, b, c);
            case VADDI -> a + imm;
            case VMULI -> a * imm;
            case VMAXI -> Math.max(a, imm);
            case VMOV -> a;
            case VNEG -> -a;
            case VABS -> Math.abs(a);
            case VRELU -> a > 0 || Double.isNaN(a) ? a : 0.0;
            case VEXP -> Math.exp(a);
            case VTANH -> Math.tanh(a);
            case VRSQRT -> 1 / Math.sqrt(a);
            case VRECIP -> 1 / a;
            case VSIGMOID -> 1 / (1 + Math.exp(-a));
            default -> throw new IllegalArgumentException(op.mnemonic() + " has no float element semantics");
        };
    }

    private static long intOp(Opcode op, long a, long b, long c, long imm) {
        return switch (op) {
            case VADD -> a + b;
            case VSUB -> a - b;
            case VMUL -> a * b;
            case VMAX -> Math.max(a, b);
            case VMIN -> Math.min(a, b);
            case VAND -> a & b;
            case VOR -> a | b;
            case VXOR -> a ^ b;
            case VCMPEQ -> a == b ? 1 : 0;
            case VCMPLT -> a < b ? 1 : 0;
            case VCMPLE -> a <= b ? 1 : 0;
            case VSEL -> a != 0 ? b : c;
            case VADDI -> a + imm;
            case VMULI -> a * imm;
            case VMAXI -> Math.max(a, imm);
            case VMOV -> a;
            case VNEG -> -a;
            case VABS -> Math.abs(a);
            case VRELU -> Math.max(a, 0);
            default -> throw new IllegalArgumentException(op.mnemonic() + " has no integer element semantics");
        };
    }

    /** {@code vcvt.to.from}. */
    public static byte[][] convert(DataType to, DataType from, byte[][] planes) {
        double[] v = Lanes.values(from, planes);
        if (to.isFloating()) {
            return Lanes.fromFloats(to, v);
        }
        long max = (1L << (8 * to.bytes() - 1)) - 1;
        long[] out = new long[v.length];
        for (int l = 0; l < v.length; l++) {
            double x = from.isFloating() ? Math.rint(v[l]) : v[l];
            out[l] = Double.isNaN(x) ? 0 : (long) Math.max(-max - 1, Math.min(max, x));
        }
        return Lanes.fromInts(to, out);
    }

    /** What an SXM instruction computes from its input planes (16 inputs, one plane each, for transpose). */
    public static byte[][] sxm(Instruction ins, byte[][] in, int lanesPerSuperlane, LaneMapLookup maps) {
        Opcode op = ins.opcode();
        int lanes = in[0].length;
        byte[][] out = new byte[in.length][lanes];
        switch (op) {
            case SHIFT, ROTATE -> {
                long k = ins.operand("lanes");
                for (int p = 0; p < in.length; p++) {
                    for (int l = 0; l < lanes; l++) {
                        long src = l - k;
                        if (op == Opcode.ROTATE) {
                            src = Math.floorMod(src, lanes);
                        }
                        out[p][l] = src >= 0 && src < lanes ? in[p][(int) src] : 0;
                    }
                }
            }
            case PERMUTE -> {
                int[] map = maps.lanes((int) ins.operand("map"));
                for (int p = 0; p < in.length; p++) {
                    for (int l = 0; l < lanes; l++) {
                        out[p][l] = in[p][map[l]];
                    }
                }
            }
            case DISTRIBUTE -> {
                int lane = (int) ins.operand("lane");
                for (int p = 0; p < in.length; p++) {
                    java.util.Arrays.fill(out[p], in[p][lane]);
                }
            }
            case TRANSPOSE -> {
                int g16 = lanesPerSuperlane;
                for (int i = 0; i < 16; i++) {
                    for (int g = 0; g < lanes / g16; g++) {
                        for (int j = 0; j < 16 && j < g16; j++) {
                            out[i][g16 * g + j] = in[j][g16 * g + i];
                        }
                    }
                }
            }
            default -> throw new IllegalArgumentException(op.mnemonic() + " is not an SXM instruction");
        }
        return out;
    }

    /** The program's lane maps, by index. */
    @FunctionalInterface
    public interface LaneMapLookup {
        int[] lanes(int map);
    }
}
