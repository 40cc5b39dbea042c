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
 * and named outputs. Every value is one vector of 320 lanes in f32 (the activation type of these kernels).
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
        double[] v = new double[lanes];
        java.util.Arrays.fill(v, pad);
        System.arraycopy(values, 0, v, 0, Math.min(values.length, lanes));
        VValue x = new VValue(this.values.size(), DataType.F32, v);
        this.values.add(x);
        return new Ref(x);
    }

    private Ref op(Opcode opcode, long immediate, Ref... inputs) {
        VValue out = new VValue(values.size(), DataType.F32, null);
        values.add(out);
        VValue[] in = new VValue[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            in[i] = inputs[i].value;
        }
        ops.add(new VOp(opcode, in, immediate, out));
        return new Ref(out);
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
