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
 * input or operation says otherwise ({@code vargmax} gives i32 lane indexes; {@code vcvt} converts; element-wise
 * ops work in the type of their inputs). Inputs may already sit in SRAM ({@link #inputAt}) and results may be put
 * where the next kernel reads them ({@link #pin}).
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

    /** An input vector of a given type (f32; i32 constants such as lane indexes; f16 masks). */
    public Ref input(DataType type, double[] values, double pad) {
        double[] v = new double[lanes];
        java.util.Arrays.fill(v, pad);
        System.arraycopy(values, 0, v, 0, Math.min(values.length, lanes));
        VValue x = new VValue(this.values.size(), type, v);
        this.values.add(x);
        return new Ref(x);
    }

    /**
     * An input vector that is already in SRAM, put there by other work (a kernel, a copy from a link): byte plane p
     * of the type in slice {@code slices[p]}, all at {@code address}. The compiler reads it there and allocates
     * nothing for it; the caller must have taken those words out of the SRAM the graph is compiled into.
     */
    public Ref inputAt(DataType type, int[] slices, int address) {
        VValue x = new VValue(this.values.size(), type, null);
        this.values.add(x);
        pinValue(x, slices, address);
        return new Ref(x);
    }

    /**
     * An input vector read where a token's index says (an embedding table's row, say): byte plane p at word
     * {@code address} + i of slice {@code slices[p]}, i being the u16 in lane 0 of {@code index} (an i16 vector,
     * computed by the graph or placed, whose two planes the compiler puts in adjacent MEM slices). Before the first
     * read, the kernel sets each of those slices' read base from the index as it passes ({@code base}); the reads are
     * {@code readb}. One index per slice in a graph; the words read are the caller's, as for {@link #inputAt}.
     */
    public Ref inputIndexed(DataType type, int[] slices, int address, Ref index) {
        if (index.value.type != DataType.I16) {
            throw new IllegalArgumentException("a read base is a u16: the index is an i16 vector; got "
                    + index.value.type.text());
        }
        for (VValue v : values) {
            if (v.baseIndex != null && v.baseIndex != index.value) {
                for (int s : v.slices) {
                    for (int t : slices) {
                        if (s == t) {
                            throw new IllegalArgumentException("slice " + s + " is read at two indexes in one graph; "
                                    + "it has one read base");
                        }
                    }
                }
            }
        }
        VValue x = new VValue(this.values.size(), type, null);
        this.values.add(x);
        pinValue(x, slices, address);
        x.baseIndex = index.value;
        return new Ref(x);
    }

    /**
     * Puts a computed vector at a given place (byte plane p in slice {@code slices[p]}, all at {@code address})
     * instead of where allocation would: to hand it to a kernel that reads it there, or to update a word in place
     * (the write comes after the reads of the op that computes it, but is not ordered against other ops that
     * read the old word: update in place only a word that op alone reads). The caller owns those words.
     */
    public void pin(Ref value, int[] slices, int address) {
        // a value without initial contents that is not placed yet is an op's result (inputAt values are placed)
        if (value.value.initial != null || value.value.placed) {
            throw new IllegalArgumentException("pin a computed vector, once; inputs are placed by the compiler or "
                    + "where other work left them");
        }
        pinValue(value.value, slices, address);
    }

    private static void pinValue(VValue x, int[] slices, int address) {
        if (slices.length != x.type.bytes()) {
            throw new IllegalArgumentException("a " + x.type.text() + " vector takes " + x.type.bytes()
                    + " slices, one per byte plane; got " + slices.length);
        }
        x.slices = slices.clone();
        x.addresses = new int[slices.length];
        java.util.Arrays.fill(x.addresses, address);
        x.placed = true;
    }

    /** Whether a value sits where other work put it or where {@link #pin} puts it (not where allocation would). */
    public boolean isPlaced(Ref value) {
        return value.value.placed;
    }

    /** The type of a value. */
    public DataType type(Ref value) {
        return value.value.type;
    }

    /** An op in the type of its first input, with a result of that type. */
    private Ref op(Opcode opcode, long immediate, Ref... inputs) {
        DataType t = inputs[0].value.type;
        for (Ref r : inputs) {
            if (r.value.type != t) {
                throw new IllegalArgumentException(opcode.mnemonic() + " takes inputs of one type, got "
                        + t.text() + " and " + r.value.type.text());
            }
        }
        return typed(opcode, t, new long[] {t.code()}, immediate, inputs);
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

    /** {@code shift}: lane l gets lane l - lanes (0 where that is outside the vector); on an SXM. */
    public Ref shift(Ref a, int lanes) {
        return typed(Opcode.SHIFT, a.value.type, new long[] {a.value.type.code()}, lanes, a);
    }

    /** {@code distribute}: every lane gets lane {@code lane} of {@code a}; on an SXM. */
    public Ref distribute(Ref a, int lane) {
        if (lane < 0 || lane >= lanes) {
            throw new IllegalArgumentException("lane " + lane + " is outside 0.." + (lanes - 1));
        }
        return typed(Opcode.DISTRIBUTE, a.value.type, new long[] {a.value.type.code()}, lane, a);
    }

    /** {@code vsel}: lane l of {@code a} where {@code mask} is not 0, else of {@code b} (all of one type). */
    public Ref select(Ref mask, Ref a, Ref b) {
        return op(Opcode.VSEL, 0, mask, a, b);
    }

    /** {@code vcvt}: {@code a} converted to {@code to} (floats round to nearest even). */
    public Ref convert(Ref a, DataType to) {
        return typed(Opcode.VCVT, to, new long[] {to.code(), a.value.type.code()}, 0, a);
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
        if (a.value.type != DataType.F32) {
            throw new IllegalArgumentException("immediates are f32 here; got a " + a.value.type.text() + " input");
        }
        return op(opcode, Float.floatToRawIntBits(imm) & 0xFFFF_FFFFL, a);
    }

    /** Names the vectors of an output, in order; each becomes a region {@code name<i>}. */
    public void output(String name, List<Ref> refs) {
        List<VValue> list = new ArrayList<>();
        refs.forEach(r -> list.add(r.value));
        outputs.put(name, list);
    }
}
