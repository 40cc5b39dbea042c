// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

import dev.lockstep.isa.asm.Assembler;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Generates the reference sections of the docs from the ISA table: the opcode reference in docs/isa.md and the
 * timing-parameter table in docs/model.md. A test checks that the docs hold exactly this text between their
 * {@code <!-- BEGIN GENERATED: ... -->} and {@code <!-- END GENERATED: ... -->} markers; regenerate with
 * {@code ./lockstep isa} and {@code ./lockstep isa --timing}.
 */
public final class IsaReference {
    private IsaReference() {
    }

    /** The opcode reference: one table per unit, one row per opcode. */
    public static String opcodesMarkdown() {
        StringBuilder sb = new StringBuilder();
        for (Unit unit : Unit.values()) {
            sb.append("### ").append(unit.name()).append(" opcodes\n\n");
            sb.append("| opcode | syntax | types | semantics | latency | occupancy | resource | dispatch |\n");
            sb.append("|---|---|---|---|---|---|---|---|\n");
            for (Opcode op : Opcode.values()) {
                if (op.unit() != unit) {
                    continue;
                }
                sb.append(String.format("| 0x%02x | `%s` | %s | %s | %s | %s | %s | %s |%n", op.code(), syntax(op),
                        types(op), op.summary(), op.latency().text(op), op.occupancy().text(op),
                        op.resource().name().toLowerCase(java.util.Locale.ROOT), op.dispatch().text(op)));
            }
            sb.append('\n');
        }
        sb.append("### Operand fields\n\n| kind | bits | values |\n|---|---|---|\n");
        for (OperandKind k : OperandKind.values()) {
            sb.append(String.format("| %s | %d | %d..%d%s |%n", k.name().toLowerCase(java.util.Locale.ROOT), k.bits(),
                    k.min(), k.max(), k.signed() ? " (signed)" : ""));
        }
        return sb.toString();
    }

    private static String syntax(Opcode op) {
        String mnemonic = op.mnemonic() + op.operands().stream().filter(OperandSpec::isDtype)
                .map(s -> ".<" + s.name() + ">").collect(Collectors.joining());
        String operands = Assembler.signature(op);
        return operands.isEmpty() ? mnemonic : mnemonic + " " + operands;
    }

    private static String types(Opcode op) {
        String t = op.operands().stream().filter(OperandSpec::isDtype)
                .map(s -> s.name() + ": " + Operands.typeList(s.dtypes())).collect(Collectors.joining("; "));
        return t.isEmpty() ? "-" : t;
    }

    /** The timing-parameter table of docs/model.md. */
    public static String timingMarkdown() {
        return "| parameter | default (cycles) | why |\n|---|---|---|\n" + Arrays.stream(TimingParam.values())
                .map(p -> "| `" + p.key() + "` | " + p.defaultCycles() + " | " + p.reason() + " |")
                .collect(Collectors.joining("\n")) + "\n";
    }
}
