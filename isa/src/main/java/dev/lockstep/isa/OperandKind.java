// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

import dev.lockstep.isa.chip.ChipSpec;
import java.util.Optional;

/**
 * What an operand field holds, how wide it is in the 64-bit encoding, and which values it may take: first the
 * values its field can encode ({@link #min()}..{@link #max()}), then, for kinds the chip sizes, the values a
 * given chip accepts ({@link #checkOnChip}).
 */
public enum OperandKind {
    /** An element type, written as a mnemonic suffix ({@code vadd.f16}). */
    DTYPE(3, false, 0, 4),
    /**
     * A stream register: direction bit 7 (0 east, 1 west) and index bits 0..6; written {@code e5} or {@code w5}.
     * A chip accepts indexes below its streams per direction, for every stream the operand spans.
     */
    STREAM(8, false, 0, 255),
    /** A word address inside one MEM slice; a chip accepts addresses below its words per slice. */
    ADDRESS(16, false, 0, 0xFFFF),
    /** A number of vectors or cycles, at least 1. */
    COUNT(16, false, 1, 0xFFFF),
    /** An address step between the vectors of a run, signed. */
    STRIDE(16, true, -0x8000, 0x7FFF),
    /** A number of lanes to move, signed: positive moves data toward higher lanes. */
    SHIFT(16, true, -0x8000, 0x7FFF),
    /** One lane of a vector; a chip accepts lanes below its vector length. */
    LANE(16, false, 0, 0xFFFF),
    /** An MXM plane of the slice; a chip accepts planes below its planes per MXM slice. */
    PLANE(4, false, 0, 15),
    /** A chip-to-chip link; a chip accepts links below its link count. */
    LINK(5, false, 0, 31),
    /** A Sync / Notify barrier number. */
    BARRIER(4, false, 0, 15),
    /** A lane permutation declared in the program with {@code .map}, by number or name. */
    MAP(8, false, 0, 255),
    /** Accumulate mode of ABC: 0 overwrites the accumulators, 1 adds to them. */
    MODE(1, false, 0, 1),
    /** A configuration register number. */
    KEY(8, false, 0, 255),
    /**
     * 32 raw bits: a float (IEEE binary32 bits) when the instruction's type is floating, else a signed integer;
     * or a plain 32-bit configuration value.
     */
    BITS32(32, false, 0, 0xFFFF_FFFFL);

    private final int bits;
    private final boolean signed;
    private final long min;
    private final long max;
    private final long mask;
    private final long signBit;

    OperandKind(int bits, boolean signed, long min, long max) {
        this.bits = bits;
        this.signed = signed;
        this.min = min;
        this.max = max;
        this.mask = bits == 64 ? -1L : (1L << bits) - 1;
        this.signBit = 1L << (bits - 1);
    }

    /** Width of the field in the instruction word. */
    public int bits() {
        return bits;
    }

    /** Whether the field holds a two's-complement value. */
    public boolean signed() {
        return signed;
    }

    public long min() {
        return min;
    }

    public long max() {
        return max;
    }

    /** The value's bits as stored in the field. */
    public long toField(long value) {
        return value & mask();
    }

    /** The value a field's bits stand for (sign-extended for signed kinds). */
    public long fromField(long field) {
        long f = field & mask;
        if (signed && (f & signBit) != 0) {
            f |= ~mask;
        }
        return f;
    }

    public long mask() {
        return mask;
    }

    /**
     * Checks a value against what a chip accepts, for an operand that spans {@code span} consecutive streams
     * (ignored by other kinds). Returns the problem, or empty when the chip accepts it.
     */
    public Optional<String> checkOnChip(long value, int span, ChipSpec chip) {
        return switch (this) {
            case STREAM -> {
                long index = Streams.index(value);
                int limit = chip.streamsPerDirection();
                yield index + span > limit
                        ? Optional.of(span == 1
                                ? "stream index " + index + " is out of range: " + chip.name() + " has streams 0.."
                                        + (limit - 1) + " in each direction"
                                : "streams " + index + ".." + (index + span - 1) + " are out of range: this operand "
                                        + "spans " + span + " streams and " + chip.name() + " has 0.." + (limit - 1)
                                        + ", so the first must be at most " + (limit - span))
                        : Optional.empty();
            }
            case ADDRESS -> value >= chip.mem().wordsPerSlice()
                    ? Optional.of("address " + value + " is out of range: a MEM slice of " + chip.name() + " has "
                            + "addresses 0.." + (chip.mem().wordsPerSlice() - 1))
                    : Optional.empty();
            case LANE -> value >= chip.vectorBytes()
                    ? Optional.of("lane " + value + " is out of range: " + chip.name() + " has lanes 0.."
                            + (chip.vectorBytes() - 1))
                    : Optional.empty();
            case PLANE -> value >= chip.mxm().planesPerSlice()
                    ? Optional.of("plane " + value + " is out of range: an MXM slice of " + chip.name() + " has "
                            + "planes 0.." + (chip.mxm().planesPerSlice() - 1))
                    : Optional.empty();
            case LINK -> value >= chip.links().count()
                    ? Optional.of("link " + value + " is out of range: " + chip.name() + " has links 0.."
                            + (chip.links().count() - 1))
                    : Optional.empty();
            case DTYPE, COUNT, STRIDE, SHIFT, BARRIER, MAP, MODE, KEY, BITS32 -> Optional.empty();
        };
    }
}
