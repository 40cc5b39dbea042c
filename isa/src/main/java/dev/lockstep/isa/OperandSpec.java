// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

import java.util.EnumSet;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One operand of an opcode, as the ISA table declares it.
 *
 * @param name         the operand's name in docs and error messages
 * @param kind         what it holds and how wide its field is
 * @param defaultValue the value assumed when assembly text leaves a trailing operand out
 * @param dtypes       for {@link OperandKind#DTYPE} operands: the types allowed; empty otherwise
 * @param span         for {@link OperandKind#STREAM} operands: how many consecutive streams the operand covers,
 *                     either fixed ({@code spanFixed > 0}) or the width of the dtype operand named
 *                     {@code spanDtype}
 * @param spanFixed    see {@code span}
 * @param spanDtype    see {@code span}
 * @param weightGroup  for the stream operand of LW: it spans the chip's {@code mxm.weight_streams} streams, whole
 *                     rows of the dtype named {@code spanDtype} side by side (so the span depends on the chip)
 */
public record OperandSpec(String name, OperandKind kind, OptionalLong defaultValue, Set<DataType> dtypes,
                          int spanFixed, String spanDtype, boolean weightGroup) {

    public OperandSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(kind);
        dtypes = dtypes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(dtypes));
    }

    /** The dtype operand, written as a suffix of the mnemonic. */
    public static OperandSpec dtype(String name, DataType first, DataType... rest) {
        return new OperandSpec(name, OperandKind.DTYPE, OptionalLong.empty(), EnumSet.of(first, rest), 0, null, false);
    }

    /** A stream operand spanning as many streams as the named dtype operand's width. */
    public static OperandSpec streams(String name, String dtypeOperand) {
        return new OperandSpec(name, OperandKind.STREAM, OptionalLong.empty(), Set.of(), 0, dtypeOperand, false);
    }

    /**
     * The stream operand of LW: the chip's weight-stream group ({@code mxm.weight_streams} streams), carrying
     * rows of the dtype operand named {@code dtypeOperand} side by side.
     */
    public static OperandSpec weightGroup(String name, String dtypeOperand) {
        return new OperandSpec(name, OperandKind.STREAM, OptionalLong.empty(), Set.of(), 0, dtypeOperand, true);
    }

    /** A stream operand spanning a fixed number of streams. */
    public static OperandSpec streams(String name, int span) {
        return new OperandSpec(name, OperandKind.STREAM, OptionalLong.empty(), Set.of(), span, null, false);
    }

    public static OperandSpec of(String name, OperandKind kind) {
        return new OperandSpec(name, kind, OptionalLong.empty(), Set.of(), 0, null, false);
    }

    public static OperandSpec optional(String name, OperandKind kind, long defaultValue) {
        return new OperandSpec(name, kind, OptionalLong.of(defaultValue), Set.of(), 0, null, false);
    }

    public boolean isDtype() {
        return kind == OperandKind.DTYPE;
    }

    /** Lowest value this operand accepts; for dtypes the lowest allowed type code. */
    public long min() {
        return kind.min();
    }

    public long max() {
        return kind.max();
    }
}
