// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.vector;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Opcode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A graph of vector operations, built op by op in dependency order: inputs with initial values, VXM operations,
 * and named outputs. Values are vectors of 320 lanes, in f32 (the activation type of these kernels) unless an
 * operation says otherwise ({@code vargmax} gives i32 lane indexes; {@code vcvt} converts).
 */
public final class VectorGraph {
    private final int lanes;
    final List<VValue> values = new ArrayList<>();
    final List<VOp> ops = new ArrayList<>();
    final Map<String, List<VValue>> outputs = new LinkedHashMap<>();

    public VectorGraph(int lanes) {
        this.lanes = lanes;
    }

    /** A handle on a value of the graph. */
    public static final class Ref {
        final VValue value;

        private Ref(VValue value) {
            this.value = value;
        }
    }

    public int lanes() {
        return lanes;
    }

    /** An input vector with its initial contents (at most one value per lane; missing lanes are {@code pad}). */
    public Ref input(double[] values, double pad) {
        return input(DataType.F32, values, pad);
    }

    /** An input vector of a given type (i32 constants such as lane indexes, or f32). */
    public Ref input(DataType type, double[] values, double pad) {
        if (type.bytes() != 4) {
            throw new IllegalArgumentException("vector graphs hold 4-byte types (f32, i32), got " + type.text());
        }
        double[] v = new double[lanes];
        java.util.Arrays.fill(v, pad);
        System.arraycopy(values, 0, v, 0, Math.min(values.length, lanes));
        VValue x = new VValue(this.values.size(), type, v);
        this.values.add(x);
        return new Ref(x);
    }

    /**
     * An input vector that is already in SRAM, put there by other work (a kernel, a copy from a link): byte plane p
     * of the 4-byte type in slice {@code slices[p]}, all at {@code address}. The compiler reads it there and
     * allocates nothing for it; the caller must have taken those words out of the SRAM the graph is compiled into.
     */
    public Ref inputAt(DataType type, int[] slices, int address) {
        if (type.bytes() != 4 || slices.length != 4) {
            throw new IllegalArgumentException("a placed input is a 4-byte type in 4 slices");
        }
        VValue x = new VValue(this.values.size(), type, null);
        x.slices = slices.clone();
        x.addresses = new int[] {address, address, address, address};
        x.placed = true;
        this.values.add(x);
        return new Ref(x);
    }

    private Ref op(Opcode opcode, long immediate, Ref... inputs) {
        return typed(opcode, DataType.F32, new long[] {DataType.F32.code()}, immediate, inputs);
    }

    private Ref typed(Opcode opcode, DataType result, long[] types, long immediate, Ref... inputs) {
        VValue out = new VValue(values.size(), result, null);
        values.add(out);
        VValue[] in = new VValue[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            in[i] = inputs[i].value;
        }
        ops.add(new VOp(opcode, types, in, immediate, out));
        return new Ref(out);
    }

    /** {@code shift.f32}: lane l gets lane l - lanes (0 where that is outside the vector); on an SXM. */
    public Ref shift(Ref a, int lanes) {
        return typed(Opcode.SHIFT, DataType.F32, new long[] {DataType.F32.code()}, lanes, a);
    }

    /** {@code vargmax.f32}: the lowest lane holding the maximum of {@code a}, as i32, in every lane. */
    public Ref argmax(Ref a) {
        return typed(Opcode.VARGMAX, DataType.I32, new long[] {DataType.F32.code()}, 0, a);
    }

    /** {@code vcmpeq.i32}: 1 where the i32 lanes are equal, else 0 (i32). */
    public Ref equalInts(Ref a, Ref b) {
        return typed(Opcode.VCMPEQ, DataType.I32, new long[] {DataType.I32.code()}, 0, a, b);
    }

    /** {@code vcvt.f32.i32}: i32 lanes as f32. */
    public Ref intToFloat(Ref a) {
        return typed(Opcode.VCVT, DataType.F32, new long[] {DataType.F32.code(), DataType.I32.code()}, 0, a);
    }

    /** A unary VXM op (vexp, vrsqrt, vrecip, vsigmoid, vrsum, vrmax, vmov, ...). */
    public Ref unary(Opcode opcode, Ref a) {
        return op(opcode, 0, a);
    }

    /** A binary VXM op (vadd, vsub, vmul, vmax, ...). */
    public Ref binary(Opcode opcode, Ref a, Ref b) {
        return op(opcode, 0, a, b);
    }

    /** An op with an f32 immediate (vaddi, vmuli, vmaxi). */
    public Ref immediate(Opcode opcode, Ref a, float imm) {
        return op(opcode, Float.floatToRawIntBits(imm) & 0xFFFF_FFFFL, a);
    }

    /** Names the vectors of an output, in order; each becomes a region {@code name<i>}. */
    public void output(String name, List<Ref> refs) {
        List<VValue> list = new ArrayList<>();
        refs.forEach(r -> list.add(r.value));
        outputs.put(name, list);
    }
}
