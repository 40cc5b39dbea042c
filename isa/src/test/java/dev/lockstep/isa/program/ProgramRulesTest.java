// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.program;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.chip.SliceKind;
import dev.lockstep.isa.Streams;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The whole-program check reports the first chip's problem, whether the chips are checked on one thread or more. */
class ProgramRulesTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();

    /** Chips 0..n-1, each one nop on queue {@code queueOf[chip]}. */
    private static Program chips(int... queueOf) {
        List<ChipProgram> chips = new ArrayList<>();
        for (int c = 0; c < queueOf.length; c++) {
            QueueProgram q = new QueueProgram(queueOf[c], new long[] {0}, new long[] {Instruction.of(Opcode.NOP, 1)
                    .word()});
            chips.add(new ChipProgram(c, List.of(q), List.of(), List.of()));
        }
        return new Program(TSP.name(), TSP.vectorBytes(), List.of(), List.of(), chips);
    }

    @Test
    void theFirstBadChipInProgramOrderIsReportedWithSharesOnAPool() {
        // shares of two: chips 0, 2, 4 and 1, 3; chips 3 and 4 are bad, and the share holding 4 finds it first
        Program p = chips(0, 1, 2, 500, 600);
        String first = "chip 3: queue 500 does not exist on tsp-v1";
        assertThatThrownBy(() -> ProgramRules.check(p, TSP)).hasMessageStartingWith(first);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int tasks = 1; tasks <= 6; tasks++) {
                int shares = tasks;
                assertThatThrownBy(() -> ProgramRules.check(p, TSP, pool, shares)).as("%d shares", shares)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(first);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A queue shared between chips, shifted in time, is checked in full once; a copy shifted out of the cycle range
     * is still refused, with the message the full check gives, and a bad queue is refused on every chip.
     */
    @Test
    void aSharedQueueShiftedOutOfRangeIsRefusedAsAloneAndABadOneOnEveryChip() {
        long nop = Instruction.of(Opcode.NOP, 1).word();
        QueueProgram good = new QueueProgram(2, new long[] {10, 20, 30}, new long[] {nop, nop, nop});
        List<ChipProgram> chips = new ArrayList<>();
        for (long shift : new long[] {0, 5, 1_000, -15}) {
            chips.add(new ChipProgram(chips.size(), List.of(good.shifted(shift)), List.of(), List.of()));
        }
        Program p = new Program(TSP.name(), TSP.vectorBytes(), List.of(), List.of(), chips);
        String want = "chip 3: queue " + TSP.floorplan().queues().get(2).name() + ", instruction 0 (nop at cycle -5): "
                + "issue cycle -5 is out of range";
        assertThatThrownBy(() -> ProgramRules.check(p, TSP)).hasMessageStartingWith(want);
        assertThatThrownBy(() -> ProgramRules.check(new Program(TSP.name(), TSP.vectorBytes(), List.of(), List.of(),
                List.of(chips.get(3))), TSP)).hasMessageStartingWith(want);
        // only the last instruction past the range: found on the copy too
        List<ChipProgram> late = List.of(chips.get(0), new ChipProgram(1, List.of(good.shifted(
                ProgramRules.MAX_CYCLE - 25)), List.of(), List.of()));
        assertThatThrownBy(() -> ProgramRules.check(new Program(TSP.name(), TSP.vectorBytes(), List.of(), List.of(),
                late), TSP)).hasMessageStartingWith("chip 1: queue " + TSP.floorplan().queues().get(2).name()
                + ", instruction 2 (nop at cycle " + (ProgramRules.MAX_CYCLE + 5) + "): issue cycle "
                + (ProgramRules.MAX_CYCLE + 5) + " is out of range");
        // two instructions at one cycle: bad wherever it lies
        QueueProgram bad = new QueueProgram(2, new long[] {10, 10}, new long[] {nop, nop});
        List<ChipProgram> badChips = new ArrayList<>();
        for (long shift : new long[] {0, 100, 200}) {
            badChips.add(new ChipProgram(badChips.size(), List.of(bad.shifted(shift)), List.of(), List.of()));
        }
        for (int from = 0; from < 3; from++) {
            Program q = new Program(TSP.name(), TSP.vectorBytes(), List.of(), List.of(), badChips.subList(from, 3));
            assertThatThrownBy(() -> ProgramRules.check(q, TSP)).hasMessageContaining("chip " + from + ": ")
                    .hasMessageContaining("two instructions on queue");
        }
    }

    /** One chip whose queues are {@code queues}, in that order. */
    private static Program chip(QueueProgram... queues) {
        return new Program(TSP.name(), TSP.vectorBytes(), List.of(), List.of(),
                List.of(new ChipProgram(0, List.of(queues), List.of(), List.of())));
    }

    /**
     * A queue whose first instructions equal those of the queue checked before it skips their checks, and only
     * theirs: what follows is checked against the last of them, a queue that issues other units is checked in full,
     * and a prefix-equal queue is refused where it alone would be.
     */
    @Test
    void aQueueEqualToTheOneBeforeUpToAPointIsCheckedFromThatPoint() {
        List<Queue> mem = TSP.floorplan().queues().stream().filter(q -> q.slice().kind() == SliceKind.MEM).toList();
        Queue vxm = TSP.floorplan().queues().stream().filter(q -> q.slice().kind() == SliceKind.VXM).findFirst()
                .orElseThrow();
        long nop5 = Instruction.of(Opcode.NOP, 5).word();
        long nop1 = Instruction.of(Opcode.NOP, 1).word();
        long read = Instruction.of(Opcode.READ, Streams.east(0), 0, 1, 1).word();
        QueueProgram first = new QueueProgram(mem.get(0).id(), new long[] {0, 10, 20}, new long[] {nop5, read, nop1});
        QueueProgram same = new QueueProgram(mem.get(1).id(), new long[] {0, 10, 20}, new long[] {nop5, read, nop1});
        assertThatCode(() -> ProgramRules.check(chip(first, same), TSP)).doesNotThrowAnyException();
        // equal up to the nop 5, then an issue while the queue still idles for it
        QueueProgram early = new QueueProgram(mem.get(1).id(), new long[] {0, 3}, new long[] {nop5, nop1});
        assertThatThrownBy(() -> ProgramRules.check(chip(first, early), TSP))
                .hasMessageContaining("instruction 1 (nop at cycle 3): queue " + mem.get(1).name()
                        + " is busy until cycle 5");
        // equal up to the read, then one more issue at the read's cycle
        QueueProgram twice = new QueueProgram(mem.get(1).id(), new long[] {0, 10, 10}, new long[] {nop5, read, nop1});
        assertThatThrownBy(() -> ProgramRules.check(chip(first, twice), TSP))
                .hasMessageContaining("instruction 2").hasMessageContaining("two instructions on queue");
        // the same instructions on a queue that cannot issue a read
        QueueProgram onVxm = new QueueProgram(vxm.id(), new long[] {0, 10, 20}, new long[] {nop5, read, nop1});
        assertThatThrownBy(() -> ProgramRules.check(chip(first, onVxm), TSP))
                .hasMessageContaining("instruction 1 (read at cycle 10): queue " + vxm.name() + " cannot issue read");
    }
}
