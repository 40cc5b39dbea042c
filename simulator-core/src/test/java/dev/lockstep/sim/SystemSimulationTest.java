// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.Resource;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.QueueProgram;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Many chips: results independent of thread count and of deduplication, and the same in both data modes. */
class SystemSimulationTest {
    static final SystemSpec RACK = SystemSpecs.preset("rack-72");
    static final Topology WIRING = new Topology(RACK);

    /** The outcome of one run: per-chip numbers, or the hazard that stopped it. */
    static String outcome(Program p, SimOptions o, int threads, boolean dedup) {
        try {
            SimResult r = SystemSimulator.run(RACK, p, o, new SystemSimulator.Parallelism(threads, dedup));
            StringBuilder b = new StringBuilder("hash=" + TraceHash.hex(r.traceHash()) + " cycles=" + r.cycles());
            for (int c : r.chipIds()) {
                b.append(" | ").append(c).append(':').append(r.cycles(c)).append('/').append(r.instructions(c))
                        .append('/').append(TraceHash.hex(r.traceHash(c)));
                for (Resource res : Resource.values()) {
                    b.append('/').append(r.busyCycles(c, res));
                }
            }
            return b.toString();
        } catch (HazardException h) {
            return h.kind() + " " + h.getMessage();
        }
    }

    /** Cycles of one frame on a link (22 on tsp-v1). */
    static final long V = RACK.vectorCycles();
    static final long RECEIVE_END = RACK.chip().timing().cycles(TimingParam.C2C_RECEIVE_END_CYCLES);
    /** A vector sent at 3 (read at 0, one hop to the west SXM) has arrived whole here: 3 + SEND latency. */
    static final long ARRIVE = 3 + RACK.chip().timing().cycles(TimingParam.C2C_SEND_END_CYCLES) + V
            + RACK.chip().links().latencyCycles();
    /** Cycles from a FWD's take to the vector's arrival at the next chip: its latency. */
    static final long FORWARD = RACK.chip().timing().cycles(TimingParam.C2C_FORWARD_CYCLES) + V
            + RACK.chip().links().latencyCycles();

    /**
     * Random traffic: transfers in slots of 1200 cycles, each from a random chip over a random link (sometimes
     * unconnected) to whoever is at its far end, which receives it or, one time in three, forwards it over another
     * random link to the chip there, which receives it; received at the arrival cycle or, now and then, a cycle
     * off.
     */
    static String traffic(long seed, int chips) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder[] chip = new StringBuilder[chips];
        for (int c = 0; c < chips; c++) {
            chip[c] = new StringBuilder(".chip " + c + "\n.data a" + c + ", mem.w43, 0, i8, [" + (c + 1) + ", "
                    + r.nextInt(100) + "]\n.region b" + c + ", mem.w42, 0, i8, 320\n");
        }
        int transfers = 1 + r.nextInt(12);
        for (int k = 0; k < transfers; k++) {
            int from = r.nextInt(chips);
            int link = r.nextInt(12);
            int count = 1 + r.nextInt(3);
            long t0 = 1200L * k + r.nextInt(50);
            for (int i = 0; i < count; i++) {
                chip[from].append(".queue mem.w43\n@").append(t0 + V * i).append(" read w0, a").append(from)
                        .append('\n');
            }
            chip[from].append(".queue sxm.w0.").append(k % 14).append("\n@").append(t0 + 3).append(" send ")
                    .append(link).append(", w0, ").append(count).append('\n');
            int to = WIRING.farChip(from, link);
            int back = WIRING.farLink(from, link);
            long arrive = t0 + ARRIVE;
            if (to >= 0 && to < chips && r.nextInt(3) == 0) {
                int on = r.nextInt(12);
                long take = arrive + jitter(r);
                chip[to].append(".queue sxm.w0.").append(k % 14).append("\n@").append(take).append(" fwd ")
                        .append(on).append(", ").append(back).append(", ").append(count).append('\n');
                from = to;
                back = WIRING.farLink(to, on);
                to = WIRING.farChip(to, on);
                arrive = take + FORWARD;
            }
            if (to >= 0 && to < chips && to != from) {
                long take = arrive + jitter(r);
                chip[to].append(".queue sxm.w0.").append(k % 14).append("\n@").append(take).append(" recv e1, ")
                        .append(back).append(", ").append(count).append('\n');
                // e1 leaves position 1 at take + the receive end and reaches mem.w42 (position 3) two hops later
                for (int i = 0; i < count; i++) {
                    chip[to].append(".queue mem.w42\n@").append(take + RECEIVE_END + 2 + V * i).append(" write b")
                            .append(to).append(", e1\n");
                }
            }
        }
        return String.join("", chip);
    }

    /** Mostly 0; now and then a cycle early or late (a broken link rule). */
    private static long jitter(SplittableRandom r) {
        return r.nextInt(8) == 0 ? r.nextInt(3) - 1 : 0;
    }

    @Test
    void randomTrafficGivesTheSameOutcomeForEveryThreadCountModeAndDeduplication() {
        qt().withFixedSeed(2026L).withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            int chips = 2 + (int) Math.floorMod(seed, 23L);
            Program p = Programs.asm(traffic(seed, chips));
            String reference = outcome(p, SimOptions.timingOnly(), 1, false);
            int threads = 2 + (int) Math.floorMod(seed >> 8, 3L);
            assertThat(outcome(p, SimOptions.timingOnly(), threads, true)).isEqualTo(reference);
            assertThat(outcome(p, SimOptions.functional(), 1, false)).isEqualTo(reference);
            assertThat(outcome(p, SimOptions.functional(), threads, false)).isEqualTo(reference);
        });
    }

    /**
     * 64 chips of rack-72 in pairs (c, c xor 1) swapping a vector each way, each pair starting 1000 x (pair mod 3)
     * cycles late. The pair's link id is c mod 8 rounded down to even: four programs that differ only by a
     * renumbering of links and a shift in time, so one up to both; every 16th chip also adds one instruction, which
     * makes a second. Deduplication runs two chips instead of 64 and must give every chip the same result as
     * running it.
     */
    @Test
    void deduplicatedRunEqualsFullRunChipForChip() {
        Program p = pairs();
        SimResult full = SystemSimulator.run(RACK, p, SimOptions.timingOnly(),
                new SystemSimulator.Parallelism(1, false));
        SimResult dedup = SystemSimulator.run(RACK, p, SimOptions.timingOnly(),
                new SystemSimulator.Parallelism(2, true));
        assertThat(full.chipsRun()).isEqualTo(64);
        assertThat(dedup.chipsRun()).isEqualTo(2);
        assertThat(outcome(p, SimOptions.timingOnly(), 2, true)).isEqualTo(outcome(p, SimOptions.timingOnly(), 1,
                false)).isEqualTo(outcome(p, SimOptions.functional(), 2, false));
        assertSameChipForChip(dedup, full);
        for (int c = 0; c < 64; c++) {
            assertThat(dedup.cycles(c))
                    .isEqualTo(1000L * ((c / 2) % 3) + (c % 16 == 15 ? 701 : ARRIVE + RECEIVE_END + 2 + 2));
        }
        assertThat(dedup.instructionsRun()).isEqualTo(4 + 5);
    }

    /**
     * The same pairs with their MEM queues shared, as a compiler makes them ({@link QueueProgram#shifted}: one
     * stored copy for all chips), and a nop queue shared too: the same groups and results; with one chip's nop queue
     * one cycle later than the others' (the same stored queue at another distance from the chip's start), a third
     * group, each chip still as it runs alone.
     */
    @Test
    void queuesSharedBetweenChipsAreDeduplicatedByWhatTheyIssueAndWhen() {
        Program p = pairs();
        int vxm1 = RACK.chip().floorplan().queues().stream().filter(q -> q.name().equals("vxm.1")).findFirst()
                .orElseThrow().id();
        QueueProgram nops = new QueueProgram(vxm1, new long[] {500}, new long[] {Instruction.of(Opcode.NOP, 1)
                .word()});
        for (int late : new int[] {-1, 6}) {
            List<ChipProgram> chips = new ArrayList<>();
            for (ChipProgram cp : p.chips()) {
                long d = 1000L * ((cp.chipId() / 2) % 3);
                List<QueueProgram> queues = new ArrayList<>();
                for (QueueProgram q : cp.queues()) {
                    QueueProgram first = p.chips().get(0).queues().stream().filter(x -> x.queueId() == q.queueId())
                            .findFirst().orElse(null);
                    boolean shareable = first != null && !LinkLabels.isLink(first.word(0))
                            && first.word(0) == q.word(0) && first.cycle(0) + d == q.cycle(0);
                    queues.add(shareable ? first.shifted(d) : q);
                }
                queues.add(nops.shifted(d + (cp.chipId() == late ? 1 : 0)));
                chips.add(new ChipProgram(cp.chipId(), queues, cp.data(), cp.regions()));
            }
            Program shared = new Program(p.chipName(), p.vectorBytes(), p.constants(), p.maps(), chips);
            SimResult full = SystemSimulator.run(RACK, shared, SimOptions.timingOnly(),
                    new SystemSimulator.Parallelism(1, false));
            SimResult dedup = SystemSimulator.run(RACK, shared, SimOptions.timingOnly(),
                    new SystemSimulator.Parallelism(2, true));
            assertThat(dedup.chipsRun()).as("late chip %d", late).isEqualTo(late < 0 ? 2 : 3);
            assertSameChipForChip(dedup, full);
        }
    }

    private static void assertSameChipForChip(SimResult dedup, SimResult full) {
        for (int c = 0; c < 64; c++) {
            assertThat(dedup.traceHash(c)).isEqualTo(full.traceHash(c));
            assertThat(dedup.cycles(c)).isEqualTo(full.cycles(c));
            for (int q = 0; q < 144; q++) {
                assertThat(dedup.issued(c, q)).isEqualTo(full.issued(c, q));
                assertThat(dedup.busy(c, q)).isEqualTo(full.busy(c, q));
            }
        }
        assertThat(dedup.traceHash()).isEqualTo(full.traceHash());
    }

    private static Program pairs() {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < 64; c++) {
            int partner = c ^ 1;
            int link = WIRING.linkTo(c, partner);
            long d = 1000L * ((c / 2) % 3);
            b.append(".chip ").append(c).append("\n.data a").append(c).append(", mem.w43, 0, i8, [5]\n")
                    .append(".region b").append(c).append(", mem.w42, 0, i8, 320\n")
                    .append(".queue mem.w43\n@").append(d).append(" read w0, a").append(c).append('\n')
                    .append(".queue sxm.w0.0\n@").append(d + 3).append(" send ").append(link).append(", w0\n")
                    .append(".queue sxm.w0.1\n@").append(d + ARRIVE).append(" recv e1, ").append(link).append('\n')
                    .append(".queue mem.w42\n@").append(d + ARRIVE + RECEIVE_END + 2).append(" write b").append(c)
                    .append(", e1\n");
            if (c % 16 == 15) {
                b.append(".queue vxm.0\n@").append(d + 700).append(" nop 1\n");
            }
        }
        return Programs.asm(b.toString());
    }
}
