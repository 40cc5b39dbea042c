// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.program.ChipProgram;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A read train's bank accesses, kept as one run per slice, are counted as the per-cycle counts were: a write-side
 * access in the run's bank and cycle finds the bank busy, the other bank free, and the run moves with a skip.
 */
class SramReadRunTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();
    private static final int LOOKAHEAD = 66;
    private static final int POS = TSP.floorplan().queue("mem.w5").orElseThrow().slice().position();

    private static Sram sram() {
        return new Sram(TSP, new ChipProgram(0, List.of(), List.of(), List.of()), false, LOOKAHEAD);
    }

    @Test
    void anAccessMeetsTheRunInItsBankAndCycleOnly() {
        Sram s = sram();
        // words 0..63 from cycle 10: word k (bank k mod 2) at cycle 10 + k; counted in two batches of 32
        s.countRead(POS, 10, 0, 1, 32);
        s.countRead(POS, 10, 0, 1, 64);
        assertThat(s.access(POS, 1, 51)).as("word 41 is in bank 1").isFalse();
        assertThat(s.access(POS, 0, 52)).as("word 42 is in bank 0").isFalse();
        assertThat(s.access(POS, 0, 53)).as("word 43 is in bank 1").isTrue();
        assertThat(s.access(POS, 0, 74)).as("after the run").isTrue();
        assertThat(s.access(POS, 1, 9)).as("before the run").isTrue();
    }

    @Test
    void theStateCountsTheRunAndMovesWithIt() {
        Sram s = sram();
        s.countRead(POS, 10, 7, 3, 40);
        s.access(POS, 0, 30);
        StateWords before = new StateWords();
        s.bankState(20, before);
        s.shiftBanks(20, 1000);
        StateWords after = new StateWords();
        s.bankState(1020, after);
        assertThat(after).isEqualTo(before);
        // word 15 (address 52, bank 0) at cycle 25 before the move is at 1025 after it
        assertThat(s.access(POS, 0, 1025)).isFalse();
        assertThat(s.access(POS, 1, 1025)).isTrue();
    }

    @Test
    void aTrainThatOverlapsTheLastOneOnItsReadPathIsAFaultOfTheSimulator() {
        Sram s = sram();
        s.countRead(POS, 10, 0, 1, 20);
        s.countRead(POS, 30, 0, 1, 20);
        assertThatThrownBy(() -> s.countRead(POS, 40, 0, 1, 5)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("overlaps");
    }
}
