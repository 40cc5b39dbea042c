// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.asm;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.OperandKind;
import dev.lockstep.isa.OperandSpec;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.Constant;
import dev.lockstep.isa.program.DataBlock;
import dev.lockstep.isa.program.LaneMap;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.QueueProgram;
import dev.lockstep.isa.program.Region;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@link Program} to canonical assembly text: every instruction with its explicit {@code @cycle}, every operand
 * written out, data as raw hex words. Assembling the text gives back an equal program, hence an identical
 * binary.
 */
public final class Disassembler {
    private final ChipSpec chip;

    public Disassembler(ChipSpec chip) {
        this.chip = chip;
    }

    public String text(Program program) {
        StringBuilder out = new StringBuilder();
        out.append("; Lockstep assembly for ").append(program.chipName()).append(" (")
                .append(program.vectorBytes()).append("-byte vectors): ").append(program.instructionCount())
                .append(" instructions on ").append(program.chips().size()).append(" chip(s)\n");
        for (Constant c : program.constants()) {
            out.append(".equ ").append(c.name()).append(", ").append(integer(c.value())).append('\n');
        }
        for (LaneMap m : program.maps()) {
            out.append(".map ").append(m.name()).append(", [");
            for (int l = 0; l < m.size(); l++) {
                out.append(l == 0 ? "" : l % 32 == 0 ? ",\n    " : ", ").append(m.lane(l));
            }
            out.append("]\n");
        }
        for (ChipProgram cp : program.chips()) {
            out.append("\n.chip ").append(cp.chipId()).append('\n');
            for (Region r : cp.regions()) {
                out.append(".region ").append(r.name()).append(", ").append(sliceNames(r.slices())).append(", ")
                        .append(r.address()).append(", ").append(r.dtype().text()).append(", ").append(r.elements())
                        .append(r.readOnly() ? ", readonly" : "").append('\n');
            }
            for (DataBlock d : cp.data()) {
                out.append(".init ").append(sliceNames(List.of(d.slice()))).append(", ").append(d.address())
                        .append(", [");
                byte[] bytes = d.bytes();
                int vb = program.vectorBytes();
                for (int w = 0; w < bytes.length / vb; w++) {
                    out.append(w == 0 ? "" : ",").append("\n    \"")
                            .append(HexFormat.of().formatHex(bytes, w * vb, (w + 1) * vb)).append('"');
                }
                out.append("]\n");
            }
            for (QueueProgram qp : cp.queues()) {
                out.append(".queue ").append(chip.floorplan().queues().get(qp.queueId()).name()).append('\n');
                for (int i = 0; i < qp.size(); i++) {
                    out.append(String.format("    @%-8d %s%n", qp.cycle(i), instruction(qp.instruction(i), program)));
                }
            }
        }
        return out.toString();
    }

    private String sliceNames(List<Integer> positions) {
        return positions.stream().map(p -> chip.floorplan().slices().get(p).name()).collect(Collectors.joining("+"));
    }

    /** One instruction as assembly text, e.g. {@code vadd.f16 e4, e0, e2}. */
    public static String instruction(Instruction ins, Program program) {
        Opcode op = ins.opcode();
        List<OperandSpec> specs = op.operands();
        StringBuilder sb = new StringBuilder(op.mnemonic());
        int n = op.dtypeCount();
        for (int i = 0; i < n; i++) {
            sb.append('.').append(DataType.fromCode(ins.operand(i)).orElseThrow().text());
        }
        for (int i = n; i < specs.size(); i++) {
            sb.append(i == n ? " " : ", ").append(operand(ins, i, program));
        }
        return sb.toString();
    }

    private static String operand(Instruction ins, int i, Program program) {
        OperandSpec spec = ins.opcode().operands().get(i);
        long v = ins.operand(i);
        if (spec.kind() == OperandKind.STREAM) {
            return Streams.text(v);
        }
        if (spec.kind() == OperandKind.MAP && program != null && v < program.maps().size()) {
            return program.maps().get((int) v).name();
        }
        if (spec.kind() == OperandKind.BITS32 && spec.name().equals("imm")) {
            boolean floating = ins.dtype().map(DataType::isFloating).orElse(false);
            return floating ? floatText((int) v) : Integer.toString((int) v);
        }
        return Long.toString(v);
    }

    private static String floatText(int bits) {
        float f = Float.intBitsToFloat(bits);
        if (Float.isInfinite(f)) {
            return f > 0 ? "inf" : "-inf";
        }
        if (!Float.isNaN(f)) {
            String s = Float.toString(f);
            if (Float.floatToRawIntBits(Float.parseFloat(s)) == bits) {
                return s;
            }
        }
        return String.format("bits(0x%08x)", bits);
    }

    private static String integer(long v) {
        return v == Long.MIN_VALUE ? "-9223372036854775807 - 1" : Long.toString(v);
    }
}
