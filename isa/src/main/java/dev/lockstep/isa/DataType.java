// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

import java.util.Locale;
import java.util.Optional;

/**
 * Element types the chip's functional units understand. A stream carries one byte per lane, so an element of
 * {@link #bytes()} bytes occupies that many consecutive streams (docs/isa.md, "Streams and data types").
 */
public enum DataType {
    I8(0, 1, false),
    I16(1, 2, false),
    I32(2, 4, false),
    F16(3, 2, true),
    F32(4, 4, true);

    private final int code;
    private final int bytes;
    private final boolean floating;

    DataType(int code, int bytes, boolean floating) {
        this.code = code;
        this.bytes = bytes;
        this.floating = floating;
    }

    /** The 3-bit value of this type in an instruction's dtype field. */
    public int code() {
        return code;
    }

    /** Bytes per element, which is also the number of consecutive streams one vector of this type occupies. */
    public int bytes() {
        return bytes;
    }

    public boolean isFloating() {
        return floating;
    }

    /** The name used in assembly text, e.g. {@code f16}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DataType> fromCode(long code) {
        for (DataType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    public static Optional<DataType> fromText(String text) {
        for (DataType t : values()) {
            if (t.text().equals(text.toLowerCase(Locale.ROOT))) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
