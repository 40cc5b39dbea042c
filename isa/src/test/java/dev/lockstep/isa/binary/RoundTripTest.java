// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.lockstep.isa.asm.Assembler;
import dev.lockstep.isa.asm.Disassembler;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.ProgramRules;
import dev.lockstep.isa.testing.RandomPrograms;
import org.junit.jupiter.api.Test;

/** Random valid programs survive binary and text round trips unchanged. */
class RoundTripTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();

    @Test
    void randomProgramsAreValid() {
        qt().withFixedSeed(311L).withExamples(200).forAll(longs().all()).checkAssert(seed ->
                ProgramRules.check(new RandomPrograms(TSP, seed).program(), TSP));
    }

    @Test
    void randomProgramsRoundTripThroughTheBinaryFormat() {
        qt().withFixedSeed(312L).withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            Program p = new RandomPrograms(TSP, seed).program();
            byte[] bytes = LsbWriter.encode(p);
            Program back = LsbReader.decode("p.lsb", bytes, TSP);
            assertThat(back).isEqualTo(p);
            assertThat(LsbWriter.encode(back)).isEqualTo(bytes);
        });
    }

    @Test
    void disassemblingThenAssemblingGivesTheIdenticalBinary() {
        qt().withFixedSeed(313L).withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            Program p = new RandomPrograms(TSP, seed).program();
            byte[] bytes = LsbWriter.encode(p);
            String text = new Disassembler(TSP).text(LsbReader.decode("p.lsb", bytes, TSP));
            Program again = new Assembler(TSP).assemble("p.lsa", text, null);
            assertThat(LsbWriter.encode(again)).isEqualTo(bytes);
            assertThat(new Disassembler(TSP).text(again)).isEqualTo(text);
        });
    }
}
