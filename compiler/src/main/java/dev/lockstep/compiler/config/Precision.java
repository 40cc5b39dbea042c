// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.config;

import dev.lockstep.isa.DataType;
import java.util.Locale;

/**
 * How weights are stored. Activations and the KV cache are fp16 either way. With int8 weights the MXM multiplies
 * int8 activations (quantised per row on the VXM) by int8 weights into i32 accumulators, and the VXM scales each
 * output column by its fp16 per-channel scale afterwards (one multiply per result vector).
 */
public enum Precision {
    FP16("fp16", 2, DataType.F16),
    INT8("int8", 1, DataType.I8);

    private final String text;
    private final int bytes;
    private final DataType mxmType;

    Precision(String text, int bytes, DataType mxmType) {
        this.text = text;
        this.bytes = bytes;
        this.mxmType = mxmType;
    }

    public String text() {
        return text;
    }

    /** Bytes per weight. */
    public int bytes() {
        return bytes;
    }

    /** The type the MXM multiplies in. */
    public DataType mxmType() {
        return mxmType;
    }

    public static Precision parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "fp16", "f16" -> FP16;
            case "int8", "i8" -> INT8;
            default -> throw new IllegalArgumentException("weights are fp16 or int8, got '" + s + "'");
        };
    }
}
