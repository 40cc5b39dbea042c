// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

import java.util.Set;
import java.util.stream.Collectors;

/** Small text helpers shared by messages about operands. */
public final class Operands {
    private Operands() {
    }

    /** {@code i8, f16, f32} in table order. */
    public static String typeList(Set<DataType> types) {
        return types.stream().sorted().map(DataType::text).collect(Collectors.joining(", "));
    }
}
