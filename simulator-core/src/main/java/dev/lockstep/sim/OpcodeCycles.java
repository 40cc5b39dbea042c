// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.CycleExpr;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.chip.ChipSpec;
import java.util.function.Function;

/**
 * One of the ISA table's cycle expressions (latency or occupancy) for every opcode on one chip, resolved once so that
 * an issue does not walk the expression: a constant where it names nothing of the instruction (a number, a chip
 * parameter, or sums and products of those), an operand's index where it is one operand, else the table's expression
 * evaluated per instruction. Each gives what {@link CycleExpr#cycles} gives.
 */
final class OpcodeCycles {
    private static final int CODES = 256;
    private final ChipSpec chip;
    /** Per opcode code: the constant, or -1 when the cycles depend on the instruction. */
    private final long[] constant = new long[CODES];
    /** Per opcode code: the index of the operand that is the cycles, or -1. */
    private final int[] operand = new int[CODES];
    private final CycleExpr[] general = new CycleExpr[CODES];

    private OpcodeCycles(ChipSpec chip, Function<Opcode, CycleExpr> expression) {
        this.chip = chip;
        for (Opcode op : Opcode.values()) {
            CycleExpr e = expression.apply(op);
            int code = op.code();
            general[code] = e;
            constant[code] = isConstant(e) ? e.cycles(chip, null) : -1;
            operand[code] = e instanceof CycleExpr.Operand o ? op.operandIndex(o.name()) : -1;
        }
    }

    static OpcodeCycles latencies(ChipSpec chip) {
        return new OpcodeCycles(chip, Opcode::latency);
    }

    static OpcodeCycles occupancies(ChipSpec chip) {
        return new OpcodeCycles(chip, Opcode::occupancy);
    }

    /** The cycles of one instruction. */
    long of(Instruction ins) {
        int code = (int) (ins.word() >>> 56);
        long c = constant[code];
        if (c >= 0) {
            return c;
        }
        int i = operand[code];
        return i >= 0 ? ins.operand(i) : general[code].cycles(chip, ins);
    }

    /** Whether an expression names nothing of the instruction (so it can be evaluated without one). */
    static boolean isConstant(CycleExpr e) {
        if (e instanceof CycleExpr.Times t) {
            return isConstant(t.a()) && isConstant(t.b());
        }
        if (e instanceof CycleExpr.Plus p) {
            return isConstant(p.a()) && isConstant(p.b());
        }
        if (e instanceof CycleExpr.CeilDiv d) {
            return isConstant(d.a()) && isConstant(d.b());
        }
        return e instanceof CycleExpr.Fixed || e instanceof CycleExpr.Param || e instanceof CycleExpr.Chip;
    }
}
