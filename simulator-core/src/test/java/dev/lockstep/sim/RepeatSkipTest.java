// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lockstep.isa.Resource;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.DataBlock;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.QueueProgram;
import dev.lockstep.isa.program.Region;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Skipping the repeated periods of a timing-only run ({@link RepeatSkip}) gives what running every event gives:
 * cycles, trace hash, issues and busy cycles per queue and resource, and the same hazard, message included, when
 * something goes wrong after the periods skipped.
 */
class RepeatSkipTest {
    /** One period: chip 0 reads a vector and sends it; chip 1 receives it and writes it to SRAM. */
    private static final String PERIOD = LinkTest.ONE_VECTOR;
    private static final long P = 700;
    private static final int COPIES = 40;

    @Test
    void skippingRepeatedPeriodsGivesWhatRunningEveryEventGives() {
        Program p = repeated(PERIOD, null, P, COPIES);
        Both both = runBothWays(p);
        SimResult skipped = both.skipped();
        SimResult full = both.full();
        assertThat(full.instructions()).isEqualTo(4L * COPIES);
        assertThat(full.instructionsRun()).isEqualTo(full.instructions());
        // two periods run to find the state repeating, the last one and the one ending the window run too
        assertThat(skipped.instructionsRun()).isLessThanOrEqualTo(4L * 6);
        // the chips' timelines (chip 0 from cycle 0, chip 1 from its first recv at 322), less the periods skipped:
        // each chip issues 2 instructions a period
        long timelines = full.cycles(0) + full.cycles(1) - 322;
        assertThat(full.chipCyclesRun()).isEqualTo(timelines);
        assertThat(skipped.chipCyclesRun()).isEqualTo(timelines
                - P * (full.instructionsRun() - skipped.instructionsRun()) / 2);
    }

    @Test
    void eachChipRunsTheTwoPeriodsItComparesAndTheLast() {
        // chip 0 compares its states at 3 and 703 (its block starts at 3, nothing in flight then): equal, so 37
        // periods are skipped, not 38, since its read queue's next instruction would then come after its 40th and
        // last; it runs copy 0, copy 1's read, copy 38's send and copy 39: 6 issues. Chip 1 likewise, from 641 and
        // 1341 (equal since a last read of -1, none, no longer counts as one in the last period: chip 1 reads
        // nothing)
        Both both = runBothWays(repeated(PERIOD, null, P, COPIES));
        assertThat(both.skipped().instructionsRun()).isEqualTo(12);
    }

    @Test
    void aQueueWithAnInstructionAfterItsRepeatsWaitsForItAtItsCycle() {
        // one more read on chip 0's read queue after its repeats: chip 0 now skips 38 periods, to the end of its
        // window, and its read queue waits there for that read at 28,100; chip 0 runs copy 0, copy 1's read, copy
        // 39's send and the extra read (5 issues, against 7 if the skip stopped a period short), chip 1 6 as above
        String extra = """
                .chip 0
                .queue mem.w43
                @%d read w1, 0
                """.formatted(COPIES * P + 100);
        Both both = runBothWays(repeated(PERIOD, extra, P, COPIES));
        assertThat(both.full().instructions()).isEqualTo(4L * COPIES + 1);
        assertThat(both.skipped().instructionsRun()).isEqualTo(11);
    }

    @Test
    void aChipComparedAfterAnIdleStretchStillWaitsForAnInstructionDueRightAfterTheWindow() {
        // mem.e5's 10 words reach mem.w5 at 95..104 of each period of 100, where a write takes them (its last commit
        // at 105); mem.w7's read at 100 starts the window, but the chip is quiet again only at 181 (the next read),
        // so its states are taken at 106, 206 (nothing ran since 105): equal. mem.w6, which does not repeat, issues
        // at 4,050, which ends the window; each repeating queue has an instruction after its repeats. The skip lands
        // at 4,006 with the run's present at 4,081: past mem.w6's read, so one period fewer is skipped
        String body = """
                .queue mem.e5
                @81 read w1, 0, 10
                .queue mem.w5
                @95 write 200, w1, 10
                .queue mem.w7
                @100 read e1, 0
                """;
        String extra = """
                .queue mem.e5
                @4300 read w1, 0
                .queue mem.w5
                @4400 read e2, 0
                .queue mem.w7
                @4500 read e1, 0
                .queue mem.w6
                @4050 read e3, 0
                """;
        Both both = runBothWays(repeated(body, extra, 100, 40));
        assertThat(both.full().instructions()).isEqualTo(3L * 40 + 4);
        assertThat(both.skipped().instructionsRun()).isLessThan(both.full().instructions() / 4);
    }

    @Test
    void aHazardAfterTheSkippedPeriodsIsReportedAlike() {
        // after the last copy, chip 1 receives once more, but nothing was sent
        String extra = """
                .chip 1
                .queue sxm.w0.0
                @%d recv e0, 0
                """.formatted(COPIES * P + 400);
        Program p = repeated(PERIOD, extra, P, COPIES);
        HazardException skipped = catchThrowableOfType(() -> run(p, true), HazardException.class);
        HazardException full = catchThrowableOfType(() -> run(p, false), HazardException.class);
        assertThat(full.kind()).isEqualTo(HazardKind.LINK_NOTHING_ARRIVED);
        assertThat(skipped.getMessage()).isEqualTo(full.getMessage());
        assertThat(skipped.cycle()).isEqualTo(full.cycle()).isEqualTo(COPIES * P + 400);
    }

    @Test
    void aLinkRuleBrokenInASkippedPeriodIsFoundAtItsCycle() {
        // chip 0 leaves out its send of copy 20 (its queues stored in full, so it runs every event); chip 1, whose
        // periods are skipped, takes from the link in copy 20 as in every other: nothing has arrived
        Program p = repeated(PERIOD, null, P, COPIES);
        List<ChipProgram> chips = new ArrayList<>();
        for (ChipProgram cp : p.chips()) {
            if (cp.chipId() != 0) {
                chips.add(cp);
                continue;
            }
            List<QueueProgram> queues = new ArrayList<>();
            for (QueueProgram q : cp.queues()) {
                long[] c = cycles(q);
                long[] w = words(q);
                List<Integer> keep = new ArrayList<>();
                for (int i = 0; i < c.length; i++) {
                    if (c[i] < 20 * P || c[i] >= 21 * P) {
                        keep.add(i);
                    }
                }
                queues.add(new QueueProgram(q.queueId(), keep.stream().mapToLong(i -> c[i]).toArray(),
                        keep.stream().mapToLong(i -> w[i]).toArray()));
            }
            chips.add(new ChipProgram(0, queues, cp.data(), cp.regions()));
        }
        Program missing = new Program(p.chipName(), p.vectorBytes(), p.constants(), p.maps(), chips);
        HazardException skipped = catchThrowableOfType(() -> run(missing, true), HazardException.class);
        HazardException full = catchThrowableOfType(() -> run(missing, false), HazardException.class);
        assertThat(full.kind()).isEqualTo(HazardKind.LINK_NOTHING_ARRIVED);
        assertThat(full.cycle()).isEqualTo(20 * P + 322);
        // the recv of copy 20 is instruction 20 of its queue
        assertThat(full.getMessage()).contains("instruction 20 (");
        assertThat(skipped.getMessage()).isEqualTo(full.getMessage());
        assertThat(skipped.cycle()).isEqualTo(full.cycle());
    }

    /**
     * As {@link #PERIOD}, but chip 1 takes each vector 78 cycles after it arrives (322): at the start of a period as
     * the link check counts them (from the first take, 400) a vector is waiting, which the check must carry across the
     * periods it leaves out ({@link LinkCut}).
     */
    private static final String LATE_TAKE = PERIOD.replace("@322 recv", "@400 recv").replace("@641 write",
            "@719 write");

    @Test
    void aVectorNeverReceivedAfterTheSkippedPeriodsIsReportedAlike() {
        // chip 1 takes 39 of chip 0's 40 vectors: the last waits on the link when the program ends. Each chip has an
        // instruction after its repeats, so both skip to the end of their windows (as below), and the link check
        // leaves out periods up to chip 1's last take, carrying a waiting vector across them (its last send, the one
        // never received, chip 0 runs after its skip: a vector left waiting in the periods left out and never taken,
        // named by its copy, is a case no test here reaches)
        Program p = chip1From(repeated(LATE_TAKE, afterTheRepeats(0, 45 * P), P, COPIES),
                repeated(LATE_TAKE, afterTheRepeats(1, 45 * P), P, COPIES - 1));
        HazardException skipped = catchThrowableOfType(() -> run(p, true), HazardException.class);
        HazardException full = catchThrowableOfType(() -> run(p, false), HazardException.class);
        assertThat(full.kind()).isEqualTo(HazardKind.LINK_NEVER_RECEIVED);
        assertThat(full.cycle()).isEqualTo((COPIES - 1) * P + 322);
        // the send of copy 39 is instruction 39 of its queue
        assertThat(full.getMessage()).contains("instruction 39 (");
        assertThat(skipped.getMessage()).isEqualTo(full.getMessage());
        assertThat(skipped.cycle()).isEqualTo(full.cycle());
    }

    @Test
    void aVectorOverwrittenRightAfterTheLeftOutPeriodsNamesTheOneThatWaited() {
        // chip 1 takes 30 vectors, chip 0 sends 40: vector 30 (arrived at 30 x P + 322) waits, and vector 31
        // overwrites it. The link check of the skipped run leaves out periods up to chip 1's last take, so the
        // vector waiting when it resumes is one it did not list: it must name vector 30's arrival, not an earlier one
        // chip 1's recv queue has an instruction after its repeats: so chip 1 skips periods to the end of its
        // window, its last take being a copy, and the check leaves out periods up to there
        Program p = chip1From(repeated(LATE_TAKE, null, P, COPIES), repeated(LATE_TAKE, afterTheRepeats(1, 35 * P), P,
                30));
        HazardException skipped = catchThrowableOfType(() -> run(p, true), HazardException.class);
        HazardException full = catchThrowableOfType(() -> run(p, false), HazardException.class);
        assertThat(full.kind()).isEqualTo(HazardKind.LINK_OVERWRITTEN);
        assertThat(full.cycle()).isEqualTo(31 * P + 322);
        assertThat(full.getMessage()).contains("arrived at cycle " + (30 * P + 322) + " ");
        assertThat(skipped.getMessage()).isEqualTo(full.getMessage());
        assertThat(skipped.cycle()).isEqualTo(full.cycle());
    }

    /**
     * An instruction after the repeats of chip {@code chip}'s queue that decides where its skip ends (chip 0's read
     * queue, chip 1's recv queue), at {@code cycle}: a read onto a stream nothing takes, a nop.
     */
    private static String afterTheRepeats(int chip, long cycle) {
        return (chip == 0 ? """
                .chip 0
                .queue mem.w43
                @%d read w1, 0
                """ : """
                .chip 1
                .queue sxm.w0.0
                @%d nop 1
                """).formatted(cycle);
    }

    /** {@code p} with chip 1's program taken from {@code other}. */
    private static Program chip1From(Program p, Program other) {
        List<ChipProgram> chips = new ArrayList<>();
        for (ChipProgram cp : p.chips()) {
            chips.add(cp.chipId() == 1 ? other.chip(1).orElseThrow() : cp);
        }
        return new Program(p.chipName(), p.vectorBytes(), p.constants(), p.maps(), chips);
    }

    @Test
    void theInstructionIssuedLastCountsOnlyWhenARepeatOfItComes() {
        // a queue on chip 0 whose work spans two periods: read w2 at 300, read w3 a period and 10 cycles later. Its
        // block starts at 1000, the latest of the chip's queues, at a moment with nothing in flight: there the
        // instruction it issued last is read w2 (the first copy's), a period later read w3. The two states differ
        // only in what no later instruction reads, so the periods are skipped from 1700 on, not from 2400
        String spanning = PERIOD + onChip0Slice40("""
                @300 read w2, c
                @1010 read w3, c
                """);
        Program plain = repeated(PERIOD, null, P, COPIES);
        Program p = repeated(spanning, null, P, COPIES);
        Both both = runBothWays(p);
        SimResult skipped = both.skipped();
        SimResult full = both.full();
        assertThat(full.instructions()).isEqualTo(6L * COPIES);
        // chip 1 is the same in both programs and runs alike, so the difference is chip 0's: 10 issues more than the
        // plain program's chip 0 runs; comparing the instruction issued last as well made it 12 (measured when the
        // rule changed), the skip then waiting for the states at 1700 and 2400
        long more = skipped.instructionsRun() - run(plain, true).instructionsRun();
        assertThat(more).isEqualTo(10);
    }

    @Test
    void aRepeatInsideTheBlockIsSkippedAlike() {
        // each period, a queue on chip 0 reads and repeats the read three times: at some quiet moments its next
        // instruction is the repeat, so the read it repeats is part of the state compared
        String withRepeat = PERIOD + onChip0Slice40("""
                @300 read w2, c
                @301 repeat 3, 2
                """);
        Program p = repeated(withRepeat, null, P, COPIES);
        Both both = runBothWays(p);
        SimResult skipped = both.skipped();
        SimResult full = both.full();
        // a period issues the plain program's 4, the read, and the read 3 times again
        assertThat(full.instructions()).isEqualTo(8L * COPIES);
        assertThat(skipped.instructionsRun()).isLessThan(full.instructionsRun() / 4);
    }

    @Test
    void aChipWhoseStateNeverRepeatsRunsEventByEvent() {
        // a repeat on another slice, issued before the repeated block starts (cycle 3), re-issues its read through
        // the whole window: its count left differs in every period, so no two periods start in the same state
        String extra = onChip0Slice40("""
                @0 read w1, c
                @1 repeat 9000, 3
                """);
        Program p = repeated(PERIOD, extra, P, COPIES);
        Both both = runBothWays(p);
        SimResult skipped = both.skipped();
        SimResult full = both.full();
        // chip 0 ran every event; chip 1, which has no such repeat, still skipped periods
        long chip0 = 0;
        for (int q = 0; q < Programs.TSP.floorplan().queues().size(); q++) {
            chip0 += full.issued(0, q);
        }
        assertThat(chip0).isGreaterThan(9000);
        assertThat(skipped.instructionsRun()).isBetween(chip0, chip0 + 2L * COPIES - 1);
    }

    /** Instructions on chip 0's queue mem.w40, where a one-byte vector {@code c} is stored at address 0. */
    private static String onChip0Slice40(String instructions) {
        return """
                .chip 0
                .data c, mem.w40, 0, i8, [1]
                .queue mem.w40
                """ + instructions;
    }

    /** A program run with its repeated periods skipped and event by event, the results checked to be the same. */
    private record Both(SimResult skipped, SimResult full) {
    }

    private static Both runBothWays(Program p) {
        SimResult skipped = run(p, true);
        SimResult full = run(p, false);
        assertSame(skipped, full);
        return new Both(skipped, full);
    }

    private static void assertSame(SimResult skipped, SimResult full) {
        assertThat(skipped.cycles()).isEqualTo(full.cycles());
        assertThat(skipped.traceHash()).isEqualTo(full.traceHash());
        assertThat(skipped.instructions()).isEqualTo(full.instructions());
        assertThat(skipped.sramWordsInUse()).isEqualTo(full.sramWordsInUse());
        for (Resource r : Resource.values()) {
            assertThat(skipped.busyCycles(r)).as("%s", r).isEqualTo(full.busyCycles(r));
        }
        for (Activity a : Activity.values()) {
            assertThat(skipped.activity(a)).as("%s", a).isEqualTo(full.activity(a));
        }
        for (int chip : full.chipIds()) {
            assertThat(skipped.cycles(chip)).isEqualTo(full.cycles(chip));
            assertThat(skipped.traceHash(chip)).isEqualTo(full.traceHash(chip));
            for (int q = 0; q < Programs.TSP.floorplan().queues().size(); q++) {
                assertThat(skipped.issued(chip, q)).isEqualTo(full.issued(chip, q));
                assertThat(skipped.busy(chip, q)).isEqualTo(full.busy(chip, q));
            }
        }
    }

    private static SimResult run(Program p, boolean skip) {
        return SystemSimulator.run(LinkTest.NODE, p, SimOptions.timingOnly(), new SystemSimulator.Parallelism(1,
                skip));
    }

    /**
     * Every queue of {@code period} repeated {@code copies} times, {@code every} cycles apart, with the queues of
     * {@code extra} (or none if null) after them (on a queue of its own, as it is).
     */
    private static Program repeated(String period, String extra, long every, int copies) {
        Program body = Programs.asm(period);
        Optional<Program> tail = Optional.ofNullable(extra).map(Programs::asm);
        List<ChipProgram> chips = new ArrayList<>();
        for (ChipProgram cp : body.chips()) {
            Optional<ChipProgram> more = tail.flatMap(t -> t.chip(cp.chipId()));
            List<QueueProgram> queues = new ArrayList<>();
            for (QueueProgram q : cp.queues()) {
                QueueProgram after = more.flatMap(m -> m.queues().stream().filter(x -> x.queueId() == q.queueId())
                        .findFirst()).orElse(new QueueProgram(q.queueId(), new long[0], new long[0]));
                queues.add(QueueProgram.repeated(q.queueId(), cycles(q), words(q), every, copies, cycles(after),
                        words(after)));
            }
            List<DataBlock> data = new ArrayList<>(cp.data());
            List<Region> regions = new ArrayList<>(cp.regions());
            more.ifPresent(m -> {
                for (QueueProgram q : m.queues()) {
                    if (cp.queues().stream().noneMatch(x -> x.queueId() == q.queueId())) {
                        queues.add(q);
                    }
                }
                data.addAll(m.data());
                regions.addAll(m.regions());
            });
            queues.sort(java.util.Comparator.comparingInt(QueueProgram::queueId));
            chips.add(new ChipProgram(cp.chipId(), queues, data, regions));
        }
        return new Program(body.chipName(), body.vectorBytes(), body.constants(), body.maps(), chips);
    }

    private static long[] cycles(QueueProgram q) {
        long[] out = new long[q.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = q.cycle(i);
        }
        return out;
    }

    private static long[] words(QueueProgram q) {
        long[] out = new long[q.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = q.word(i);
        }
        return out;
    }
}
