// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

import dev.lockstep.isa.chip.ChipSpec;

/**
 * A number of cycles as the ISA table states it: a constant, a chip parameter, an operand of the instruction,
 * the bytes of its element type, or a product, sum or rounded-up quotient of those. The table never restates a
 * number the chip description owns; it refers to it.
 */
public sealed interface CycleExpr {

    /** Evaluates this expression for one instruction on one chip. */
    long cycles(ChipSpec chip, Instruction instruction);

    /** The expression as docs/isa.md prints it. */
    String text(Opcode opcode);

    static CycleExpr fixed(long cycles) {
        return new Fixed(cycles);
    }

    static CycleExpr param(TimingParam param) {
        return new Param(param);
    }

    static CycleExpr chip(ChipQuantity quantity) {
        return new Chip(quantity);
    }

    static CycleExpr operand(String name) {
        return new Operand(name);
    }

    static CycleExpr times(CycleExpr a, CycleExpr b) {
        return new Times(a, b);
    }

    static CycleExpr plus(CycleExpr a, CycleExpr b) {
        return new Plus(a, b);
    }

    /** {@code a / b}, rounded up. */
    static CycleExpr ceilDiv(CycleExpr a, CycleExpr b) {
        return new CeilDiv(a, b);
    }

    /** Bytes per element of the instruction's first dtype (streams one element takes). */
    static CycleExpr dtypeBytes() {
        return new DtypeBytes();
    }

    static CycleExpr byType(CycleExpr integer, CycleExpr floating) {
        return new ByType(integer, floating);
    }

    /** A constant number of cycles. */
    record Fixed(long value) implements CycleExpr {
        @Override
        public long cycles(ChipSpec chip, Instruction instruction) {
            return value;
        }

        @Override
        public String text(Opcode opcode) {
            return Long.toString(value);
        }
    }

    /** A timing parameter of the chip description. */
    record Param(TimingParam param) implements CycleExpr {
        @Override
        public long cycles(ChipSpec chip, Instruction instruction) {
            return chip.timing().cycles(param);
        }

        @Override
        public String text(Opcode opcode) {
            return param.key();
        }
    }

    /** A quantity derived from the chip description, such as a link's serialisation time. */
    record Chip(ChipQuantity quantity) implements CycleExpr {
        @Override
        public long cycles(ChipSpec chip, Instruction instruction) {
            return quantity.valueIn(chip);
        }

        @Override
        public String text(Opcode opcode) {
            return quantity.key();
        }
    }

    /** The value of a named operand of the instruction (checked against the opcode when the table loads). */
    record Operand(String name) implements CycleExpr {
        @Override
        public long cycles(ChipSpec chip, Instruction instruction) {
            return instruction.operand(name);
        }

        @Override
        public String text(Opcode opcode) {
            return name;
        }
    }

    /** The product of two expressions. */
    record Times(CycleExpr a, CycleExpr b) implements CycleExpr {
        @Override
        public long cycles(ChipSpec chip, Instruction instruction) {
            return a.cycles(chip, instruction) * b.cycles(chip, instruction);
        }

        @Override
        public String text(Opcode opcode) {
            return a.text(opcode) + " x " + b.text(opcode);
        }
    }

    /** The sum of two expressions. */
    record Plus(CycleExpr a, CycleExpr b) implements CycleExpr {
        @Override
        public long cycles(ChipSpec chip, Instruction instruction) {
            return a.cycles(chip, instruction) + b.cycles(chip, instruction);
        }

        @Override
        public String text(Opcode opcode) {
            return a.text(opcode) + " + " + b.text(opcode);
        }
    }

    /** The quotient of two expressions, rounded up. */
    record CeilDiv(CycleExpr a, CycleExpr b) implements CycleExpr {
        @Override
        public long cycles(ChipSpec chip, Instruction instruction) {
            long d = b.cycles(chip, instruction);
            return (a.cycles(chip, instruction) + d - 1) / d;
        }

        @Override
        public String text(Opcode opcode) {
            return "ceil(" + a.text(opcode) + " / " + b.text(opcode) + ")";
        }
    }

    /** Bytes per element of the instruction's first dtype. */
    record DtypeBytes() implements CycleExpr {
        @Override
        public long cycles(ChipSpec chip, Instruction instruction) {
            return instruction.dtype().orElseThrow().bytes();
        }

        @Override
        public String text(Opcode opcode) {
            return "dt_bytes";
        }
    }

    /** One expression for integer element types, another for floating ones (the instruction's first dtype). */
    record ByType(CycleExpr integer, CycleExpr floating) implements CycleExpr {
        @Override
        public long cycles(ChipSpec chip, Instruction instruction) {
            return instruction.dtype().map(DataType::isFloating).orElse(false)
                    ? floating.cycles(chip, instruction)
                    : integer.cycles(chip, instruction);
        }

        @Override
        public String text(Opcode opcode) {
            return integer.text(opcode) + " (int) / " + floating.text(opcode) + " (float)";
        }
    }
}
