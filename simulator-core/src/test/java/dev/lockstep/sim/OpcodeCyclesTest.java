// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.lockstep.isa.CycleExpr;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.OperandException;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The latencies and occupancies resolved once per chip give what the ISA table's expressions give. */
class OpcodeCyclesTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();
    private static final OpcodeCycles LATENCIES = OpcodeCycles.latencies(TSP);
    private static final OpcodeCycles OCCUPANCIES = OpcodeCycles.occupancies(TSP);

    @Test
    void everyOpcodeGivesWhatItsExpressionsGiveForRandomOperands() {
        Map<Opcode, Integer> checked = new EnumMap<>(Opcode.class);
        qt().withFixedSeed(4401L).withExamples(20000).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            Opcode op = Opcode.values()[random.nextInt(Opcode.values().length)];
            long[] values = new long[op.operands().size()];
            for (int i = 0; i < values.length; i++) {
                // small values most often (type codes, planes, streams), sometimes large ones (addresses, counts)
                int size = random.nextInt(4);
                values[i] = size == 0 ? random.nextInt(8) : size == 1 ? random.nextInt(4096) : random.nextInt(1, 17);
            }
            Instruction ins;
            try {
                ins = Instruction.of(op, values);
            } catch (OperandException outOfRange) {
                return;
            }
            assertThat(LATENCIES.of(ins)).as("latency of %s", ins).isEqualTo(op.latency().cycles(TSP, ins));
            assertThat(OCCUPANCIES.of(ins)).as("occupancy of %s", ins).isEqualTo(op.occupancy().cycles(TSP, ins));
            checked.merge(op, 1, Integer::sum);
        });
        // the check above ran for (nearly) every opcode, not only those whose operands are easy to make
        assertThat(java.util.EnumSet.complementOf(java.util.EnumSet.copyOf(checked.keySet()))).isEmpty();
    }

    @Test
    void expressionsThatNameNothingOfTheInstructionAreConstant() {
        assertThat(OpcodeCycles.isConstant(Opcode.READ.latency())).isTrue();
        assertThat(OpcodeCycles.isConstant(Opcode.READ.occupancy())).as("the count operand").isFalse();
        assertThat(OpcodeCycles.isConstant(CycleExpr.times(CycleExpr.fixed(3), CycleExpr.fixed(4)))).isTrue();
        assertThat(OpcodeCycles.isConstant(CycleExpr.plus(CycleExpr.fixed(3), CycleExpr.dtypeBytes()))).isFalse();
        assertThat(OpcodeCycles.isConstant(CycleExpr.ceilDiv(CycleExpr.operand("count"), CycleExpr.fixed(2))))
                .isFalse();
    }
}
