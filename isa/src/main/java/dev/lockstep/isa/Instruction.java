// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

import dev.lockstep.isa.chip.ChipSpec;
import java.util.List;
import java.util.Optional;

/**
 * One instruction as an immutable 64-bit word: the opcode in bits 63..56, then each operand's field in the
 * order {@link Opcode#operands()} declares them, from bit 55 downward; bits below the last field are zero.
 * Every {@code Instruction} that exists is valid: it can only be built by {@link #of} or {@link #decode}, both
 * of which check the word against the ISA table.
 */
public final class Instruction {
    /** Per opcode code, the bit position of each operand's field (lowest bit of the field). */
    private static final int[][] SHIFTS = new int[256][];
    /** Per opcode code, the mask of bits that must be zero. */
    private static final long[] UNUSED = new long[256];
    /** Per opcode code, the kind of each operand. */
    private static final OperandKind[][] KINDS = new OperandKind[256][];
    /** The most operands an opcode has: the stride of {@link #FIELDS}. */
    private static final int MAX_OPERANDS = 8;
    /**
     * Per opcode code x {@link #MAX_OPERANDS} + operand, how to read the operand's field in one lookup (operands are
     * read at every issue): its shift (bits 0..5) and 64 minus its width (bits 8..14), negative for a signed kind.
     */
    private static final long[] FIELDS = new long[256 * MAX_OPERANDS];
    /** Per opcode code, how many operands it has. */
    private static final int[] COUNTS = new int[256];
    /** Per opcode code, the index of its "imm" operand, or -1 (looked up once: decode runs per issue). */
    private static final int[] IMM_INDEX = new int[256];
    /**
     * Per opcode code and operand: for a type operand, the bit set of allowed type codes; -1 otherwise (then the
     * operand's range is in MIN and MAX). A fast path for decode; errors are described by {@link #checkValue}.
     */
    private static final long[][] TYPE_BITS = new long[256][];
    private static final long[][] MIN = new long[256][];
    private static final long[][] MAX = new long[256][];

    static {
        for (Opcode op : Opcode.values()) {
            int[] shifts = new int[op.operands().size()];
            int top = 56;
            for (int i = 0; i < shifts.length; i++) {
                top -= op.operands().get(i).kind().bits();
                shifts[i] = top;
            }
            SHIFTS[op.code()] = shifts;
            KINDS[op.code()] = op.operands().stream().map(OperandSpec::kind).toArray(OperandKind[]::new);
            if (shifts.length > MAX_OPERANDS) {
                throw new ExceptionInInitializerError(op.mnemonic() + " has more than " + MAX_OPERANDS + " operands");
            }
            COUNTS[op.code()] = shifts.length;
            for (int i = 0; i < shifts.length; i++) {
                OperandKind kind = KINDS[op.code()][i];
                if (kind.bits() < 1 || kind.bits() > 64) {
                    throw new ExceptionInInitializerError(op.mnemonic() + ": a field of " + kind.bits() + " bits");
                }
                long field = shifts[i] | (long) (64 - kind.bits()) << 8;
                FIELDS[op.code() * MAX_OPERANDS + i] = kind.signed() ? field | Long.MIN_VALUE : field;
            }
            UNUSED[op.code()] = top <= 0 ? 0 : (1L << top) - 1;
            IMM_INDEX[op.code()] = op.operandIndex("imm");
            int n = op.operands().size();
            TYPE_BITS[op.code()] = new long[n];
            MIN[op.code()] = new long[n];
            MAX[op.code()] = new long[n];
            for (int i = 0; i < n; i++) {
                OperandSpec spec = op.operands().get(i);
                long bits = -1;
                if (spec.isDtype()) {
                    bits = 0;
                    for (DataType t : spec.dtypes()) {
                        bits |= 1L << t.code();
                    }
                }
                TYPE_BITS[op.code()][i] = bits;
                MIN[op.code()][i] = spec.isDtype() ? 0 : spec.min();
                MAX[op.code()][i] = spec.isDtype() ? 0 : spec.max();
            }
        }
    }

    private final long word;

    private Instruction(long word) {
        this.word = word;
    }

    /**
     * Builds an instruction from operand values in table order.
     *
     * @throws OperandException naming the operand, when a value is out of its range or the count is wrong
     */
    public static Instruction of(Opcode opcode, long... values) {
        List<OperandSpec> specs = opcode.operands();
        if (values.length != specs.size()) {
            throw new OperandException(-1, opcode.mnemonic() + " takes " + specs.size() + " operands, got "
                    + values.length);
        }
        long word = (long) opcode.code() << 56;
        int[] shifts = SHIFTS[opcode.code()];
        for (int i = 0; i < values.length; i++) {
            Optional<String> problem = checkValue(opcode, i, values[i]);
            if (problem.isPresent()) {
                throw new OperandException(i, problem.get());
            }
            word |= specs.get(i).kind().toField(values[i]) << shifts[i];
        }
        int immIndex = IMM_INDEX[opcode.code()];
        if (immIndex >= 0) {
            Optional<String> problem = checkImmediate(opcode, values[0], values[immIndex]);
            if (problem.isPresent()) {
                throw new OperandException(immIndex, problem.get());
            }
        }
        return new Instruction(word);
    }

    /**
     * Decodes a 64-bit word.
     *
     * @throws EncodingException when the word is not a valid instruction (unknown opcode, a field out of range,
     *                           nonzero unused bits)
     */
    public static Instruction decode(long word) {
        validate(word);
        return new Instruction(word);
    }

    /**
     * The instruction of a word that {@link #validate} has already passed (every word of a
     * {@link dev.lockstep.isa.program.QueueProgram} has): not checked again, so that a simulation can make one per
     * issue instead of keeping millions.
     */
    public static Instruction ofValidWord(long word) {
        return new Instruction(word);
    }

    /**
     * Checks that a 64-bit word is a valid instruction, as {@link #decode} does, without making one (a compiled
     * model's queues hold millions of words).
     *
     * @throws EncodingException when the word is not a valid instruction
     */
    public static void validate(long word) {
        int code = (int) (word >>> 56);
        Opcode opcode = Opcode.fromCode(code).orElseThrow(
                () -> new EncodingException(String.format("unknown opcode 0x%02x in instruction word 0x%016x",
                        code, word)));
        if ((word & UNUSED[code]) != 0) {
            throw new EncodingException(String.format("instruction word 0x%016x (%s) has nonzero unused bits",
                    word, opcode.mnemonic()));
        }
        int[] shifts = SHIFTS[code];
        long type = 0;
        for (int i = 0; i < shifts.length; i++) {
            long value = KINDS[code][i].fromField(word >>> shifts[i]);
            long bits = TYPE_BITS[code][i];
            boolean ok = bits >= 0 ? value >= 0 && value < 64 && (bits >>> value & 1) != 0
                    : value >= MIN[code][i] && value <= MAX[code][i];
            if (!ok) {
                Optional<String> problem = checkValue(opcode, i, value);
                throw new EncodingException(String.format("instruction word 0x%016x: %s", word,
                        problem.orElse("operand " + i + " is out of range")));
            }
            if (i == 0) {
                type = value;
            }
        }
        int immIndex = IMM_INDEX[code];
        if (immIndex >= 0) {
            long imm = KINDS[code][immIndex].fromField(word >>> shifts[immIndex]);
            Optional<String> problem = checkImmediate(opcode, type, imm);
            if (problem.isPresent()) {
                throw new EncodingException(String.format("instruction word 0x%016x: %s", word, problem.get()));
            }
        }
    }

    /**
     * An integer immediate must be a value of the instruction's type (stored sign-extended to 32 bits), so that
     * {@code vaddi.i8 e0, e0, 1000} is an error rather than a silent wrap-around; float immediates are binary32.
     */
    private static Optional<String> checkImmediate(Opcode opcode, long dtypeCode, long bits) {
        DataType type = DataType.fromCode(dtypeCode).orElseThrow();
        if (type.isFloating() || type.bytes() == 4) {
            return Optional.empty();
        }
        long value = (int) bits;
        long max = (1L << (8 * type.bytes() - 1)) - 1;
        if (value < -max - 1 || value > max || (bits >>> 32) != 0) {
            return Optional.of(opcode.mnemonic() + "." + type.text() + " immediate must be in " + (-max - 1) + ".."
                    + max + ", got " + value);
        }
        return Optional.empty();
    }

    private static Optional<String> checkValue(Opcode opcode, int index, long value) {
        OperandSpec spec = opcode.operands().get(index);
        if (spec.isDtype()) {
            Optional<DataType> type = DataType.fromCode(value);
            if (type.isEmpty() || !spec.dtypes().contains(type.get())) {
                return Optional.of(opcode.mnemonic() + " operand '" + spec.name() + "' must be one of "
                        + Operands.typeList(spec.dtypes()) + ", got "
                        + type.map(DataType::text).orElse("type code " + value));
            }
            return Optional.empty();
        }
        if (value < spec.min() || value > spec.max()) {
            return Optional.of(opcode.mnemonic() + " operand '" + spec.name() + "' must be in "
                    + spec.min() + ".." + spec.max() + ", got " + value);
        }
        return Optional.empty();
    }

    public long word() {
        return word;
    }

    public Opcode opcode() {
        return Opcode.ofValidCode((int) (word >>> 56));
    }

    /** The value of operand {@code index} (sign-extended for signed kinds). */
    public long operand(int index) {
        int code = (int) (word >>> 56);
        if (index < 0 || index >= COUNTS[code]) {
            throw new IndexOutOfBoundsException(opcode().mnemonic() + " has no operand " + index);
        }
        long f = FIELDS[code * MAX_OPERANDS + index];
        int spare = (int) (f >>> 8) & 127;
        long v = word >>> (int) (f & 63);
        // the field's bits moved to the top, then back: sign-extended for a signed kind
        return f < 0 ? (v << spare) >> spare : (v << spare) >>> spare;
    }

    /** The value of the named operand. */
    public long operand(String name) {
        int index = opcode().operandIndex(name);
        if (index < 0) {
            throw new IllegalArgumentException(opcode().mnemonic() + " has no operand '" + name + "'");
        }
        return operand(index);
    }

    /** All operand values in table order. */
    public long[] operands() {
        long[] values = new long[opcode().operands().size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = operand(i);
        }
        return values;
    }

    /** The first dtype operand, if the opcode has one. */
    public Optional<DataType> dtype() {
        Opcode op = opcode();
        return op.dtypeCount() == 0 ? Optional.empty() : DataType.fromCode(operand(0));
    }

    /**
     * How many consecutive streams operand {@code index} spans (1 for non-stream operands), for an operand whose
     * span does not depend on the chip (see {@link #span(int, ChipSpec)}).
     */
    public int span(int index) {
        OperandSpec spec = opcode().operands().get(index);
        if (spec.weightGroup()) {
            throw new IllegalStateException(opcode().mnemonic() + "'s " + spec.name() + " spans the chip's weight "
                    + "streams: ask span(index, chip)");
        }
        if (spec.spanDtype() != null) {
            return DataType.fromCode(operand(spec.spanDtype())).orElseThrow().bytes();
        }
        return Math.max(1, spec.spanFixed());
    }

    /** How many consecutive streams operand {@code index} spans on {@code chip}. */
    public int span(int index, ChipSpec chip) {
        return opcode().operands().get(index).weightGroup() ? chip.mxm().weightStreams() : span(index);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Instruction other && other.word == word;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(word);
    }

    @Override
    public String toString() {
        return String.format("%s[0x%016x]", opcode().mnemonic(), word);
    }
}
