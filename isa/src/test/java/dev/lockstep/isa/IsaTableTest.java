// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Checks the ISA table itself, the way riscv-opcodes checks its tables. */
class IsaTableTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();

    @Test
    void opcodesAndMnemonicsAreUnique() {
        Set<Integer> codes = new HashSet<>();
        Set<String> mnemonics = new HashSet<>();
        for (Opcode op : Opcode.values()) {
            assertThat(codes.add(op.code())).as("code of %s", op).isTrue();
            assertThat(mnemonics.add(op.mnemonic())).as("mnemonic of %s", op).isTrue();
            assertThat(op.code()).isBetween(0, 255);
            assertThat(op.mnemonic()).matches("[a-z][a-z0-9]*");
        }
    }

    @ParameterizedTest
    @EnumSource(Opcode.class)
    void everyOperandFieldFitsBelowTheOpcodeByte(Opcode op) {
        int bits = op.operands().stream().mapToInt(s -> s.kind().bits()).sum();
        assertThat(bits).as("operand bits of %s", op).isLessThanOrEqualTo(56);
    }

    @ParameterizedTest
    @EnumSource(OperandKind.class)
    void everyKindsRangeFitsItsField(OperandKind kind) {
        assertThat(kind.bits()).isBetween(1, 56);
        assertThat(kind.fromField(kind.toField(kind.min()))).isEqualTo(kind.min());
        assertThat(kind.fromField(kind.toField(kind.max()))).isEqualTo(kind.max());
        if (kind.signed()) {
            assertThat(kind.min()).isEqualTo(-(1L << (kind.bits() - 1)));
        } else {
            assertThat(kind.max()).isLessThanOrEqualTo(kind.mask());
        }
    }

    @ParameterizedTest
    @EnumSource(Opcode.class)
    void dtypeOperandsLeadAndSpansNameThem(Opcode op) {
        List<OperandSpec> specs = op.operands();
        int n = op.dtypeCount();
        for (int i = n; i < specs.size(); i++) {
            assertThat(specs.get(i).isDtype()).as("%s operand %d is a dtype after a non-dtype", op, i).isFalse();
        }
        for (OperandSpec s : specs) {
            if (s.spanDtype() != null) {
                int ref = op.operandIndex(s.spanDtype());
                assertThat(ref).as("%s: span of %s names a dtype operand", op, s.name()).isBetween(0, n - 1);
            }
            if (s.isDtype()) {
                assertThat(s.dtypes()).isNotEmpty();
            }
            if (s.kind() != OperandKind.STREAM) {
                assertThat(s.spanDtype()).isNull();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Opcode.class)
    void everyTimingRefersOnlyToOperandsTheOpcodeHas(Opcode op) {
        for (CycleExpr e : List.of(op.latency(), op.occupancy(), op.dispatch())) {
            for (String name : operandNames(e)) {
                assertThat(op.operandIndex(name)).as("%s timing names operand %s", op, name).isNotNegative();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Opcode.class)
    void everyOpcodeHasTimingThatEvaluatesOnTheReferenceChip(Opcode op) {
        Instruction ins = smallest(op);
        assertThat(op.latency().cycles(TSP, ins)).isNotNegative();
        assertThat(op.occupancy().cycles(TSP, ins)).isNotNegative();
        assertThat(op.dispatch().cycles(TSP, ins)).as("dispatch of %s", op).isPositive();
        assertThat(op.summary()).isNotBlank();
        if (op.unit() == Unit.ICU) {
            assertThat(op.resource()).isEqualTo(Resource.NONE);
        } else {
            assertThat(op.resource()).as("resource of %s", op).isNotEqualTo(Resource.NONE);
        }
    }

    @Test
    void lwTakesAsManyCyclesInTheTableAsTheMxmSaysItsRowsLoadIn() {
        // the table states LW's cycles as ceil(rows x bytes / weight streams); the simulator and the compiler use
        // MxmSpec.weightLoadCycles, ceil(rows / (weight streams / bytes)): the same for every row count and type
        for (DataType t : List.of(DataType.I8, DataType.F16)) {
            for (int rows = 1; rows <= TSP.mxm().pieceK(t); rows++) {
                Instruction lw = Instruction.of(Opcode.LW, t.code(), 0, Streams.west(0), rows);
                assertThat(Opcode.LW.occupancy().cycles(TSP, lw)).as("%s rows %d", t, rows)
                        .isEqualTo(Opcode.LW.latency().cycles(TSP, lw))
                        .isEqualTo(TSP.mxm().weightLoadCycles(t, rows));
            }
        }
        assertThat(TSP.mxm().weightLoadCycles(DataType.F16, 160)).isEqualTo(20);
        assertThat(TSP.mxm().weightLoadCycles(DataType.I8, 320)).isEqualTo(20);
    }

    @Test
    void theReferenceChipsRangesFitTheOperandFields() {
        assertThat((long) TSP.streamsPerDirection() - 1).isLessThanOrEqualTo(0x7F);
        assertThat((long) TSP.mem().wordsPerSlice() - 1).isLessThanOrEqualTo(OperandKind.ADDRESS.max());
        assertThat((long) TSP.vectorBytes() - 1).isLessThanOrEqualTo(OperandKind.LANE.max());
        assertThat((long) TSP.mxm().planesPerSlice() - 1).isLessThanOrEqualTo(OperandKind.PLANE.max());
        assertThat((long) TSP.links().count() - 1).isLessThanOrEqualTo(OperandKind.LINK.max());
    }

    @Test
    void theTableCoversThePublishedInstructionCategories() {
        List<String> mnemonics = java.util.Arrays.stream(Opcode.values()).map(Opcode::mnemonic).toList();
        assertThat(mnemonics).contains("nop", "repeat", "sync", "notify", "ifetch", "config", "deskew",
                "read", "write", "gather", "scatter", "lw", "iw", "abc", "acc",
                "shift", "permute", "distribute", "rotate", "transpose", "send", "recv",
                "vadd", "vmul", "vcvt", "vrelu", "vtanh", "vexp", "vrsqrt", "vrsum", "vrmax", "vargmax", "vcmplt");
        for (Unit u : Unit.values()) {
            assertThat(java.util.Arrays.stream(Opcode.values()).anyMatch(o -> o.unit() == u)).as("unit %s", u).isTrue();
        }
    }

    /** The instruction with every operand at its smallest legal value. */
    static Instruction smallest(Opcode op) {
        long[] values = new long[op.operands().size()];
        for (int i = 0; i < values.length; i++) {
            OperandSpec s = op.operands().get(i);
            values[i] = s.isDtype() ? s.dtypes().stream().sorted().findFirst().orElseThrow().code()
                    : Math.max(0, s.min());
        }
        return Instruction.of(op, values);
    }

    private static List<String> operandNames(CycleExpr e) {
        List<String> out = new ArrayList<>();
        if (e instanceof CycleExpr.Operand o) {
            out.add(o.name());
        } else if (e instanceof CycleExpr.Times t) {
            out.addAll(operandNames(t.a()));
            out.addAll(operandNames(t.b()));
        } else if (e instanceof CycleExpr.Plus p) {
            out.addAll(operandNames(p.a()));
            out.addAll(operandNames(p.b()));
        } else if (e instanceof CycleExpr.ByType b) {
            out.addAll(operandNames(b.integer()));
            out.addAll(operandNames(b.floating()));
        }
        return out;
    }
}
