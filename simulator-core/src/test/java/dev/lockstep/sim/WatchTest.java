// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static dev.lockstep.sim.Programs.asm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.RegionWatch;
import dev.lockstep.isa.system.SystemSpecs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regions read as a functional run goes ({@link SimOptions#watches}): mem.w5 (position 40) reads 10 onto e2 at cycle
 * 0 and 12 at cycle 10; mem.w3 (42) writes each into {@code out}, issuing at 4 and 14, so each write commits in cycle 5
 * and 15 (a write's latency is 1): a watch at the start of a cycle sees every write committed before it.
 */
class WatchTest {
    private static final Program TWICE = asm("""
            .data a, mem.w5, 0, i8, [10]
            .data b, mem.w5, 1, i8, [12]
            .region out, mem.w3, 10, i8, 1
            .queue mem.w5
            @0 read e2, a
            @10 read e2, b
            .queue mem.w3
            @4 write out, e2
            @14 write out, e2
            """);

    private static List<RegionWatch> everyCycle(int last) {
        List<RegionWatch> out = new ArrayList<>();
        for (int c = 0; c <= last; c++) {
            out.add(new RegionWatch(0, "out", c));
        }
        return out;
    }

    @Test
    void aWatchSeesTheWritesCommittedBeforeItsCycle() {
        List<RegionWatch> watches = everyCycle(40);
        SimResult r = Simulator.run(Programs.TSP, TWICE, SimOptions.functional().watching(watches));
        for (RegionWatch w : watches) {
            double want = w.cycle() <= 5 ? 0 : w.cycle() <= 15 ? 10 : 12;
            assertThat(r.watched(w).orElseThrow()[0]).as("out at the start of cycle %d", w.cycle()).isEqualTo(want);
        }
        assertThat(r.watched(new RegionWatch(0, "out", 41))).as("not watched").isEmpty();
    }

    @Test
    void watchingChangesNeitherTheCyclesNorTheTrace() {
        SimResult plain = Simulator.run(Programs.TSP, TWICE, SimOptions.functional());
        SimResult watched = Simulator.run(Programs.TSP, TWICE, SimOptions.functional().watching(everyCycle(40)));
        assertThat(plain.cycles()).as("a watch after the last event does not lengthen the run").isLessThan(40);
        assertThat(watched.cycles()).isEqualTo(plain.cycles());
        assertThat(watched.traceHash()).isEqualTo(plain.traceHash());
        assertThat(watched.instructions()).isEqualTo(plain.instructions());
    }

    @Test
    void aSystemRunWatchesAsTheChipAloneDoes() {
        List<RegionWatch> watches = List.of(new RegionWatch(0, "out", 6), new RegionWatch(0, "out", 15),
                new RegionWatch(0, "out", 1_000));
        for (int threads = 1; threads <= 2; threads++) {
            SimResult r = SystemSimulator.run(SystemSpecs.preset("node-8"), TWICE,
                    SimOptions.functional().watching(watches), new SystemSimulator.Parallelism(threads, false));
            assertThat(watches.stream().map(w -> r.watched(w).orElseThrow()[0]).toList()).containsExactly(10.0,
                    10.0, 12.0);
        }
    }

    /**
     * Two chips in windows between link deliveries ({@link LinkTest#ONE_VECTOR}: chip 0 sends a vector at cycle 3 and
     * is done; chip 1 receives it and writes it at 641, committed in 642): chip 1's watches fall in later windows than
     * chip 0's last event, and chip 0's, after its end, read what its run left.
     */
    @Test
    void watchesBetweenLinkDeliveriesSeeWhatArrivedBeforeThem() {
        List<RegionWatch> watches = List.of(new RegionWatch(1, "b", 300), new RegionWatch(1, "b", 642),
                new RegionWatch(1, "b", 643), new RegionWatch(0, "a", 2), new RegionWatch(0, "a", 5_000));
        for (int threads = 1; threads <= 2; threads++) {
            SimResult r = SystemSimulator.run(SystemSpecs.preset("node-8"), asm(LinkTest.ONE_VECTOR),
                    SimOptions.functional().watching(watches), new SystemSimulator.Parallelism(threads, false));
            assertThat(watches.stream().map(w -> r.watched(w).orElseThrow()[0]).toList()).as("%d threads", threads)
                    .containsExactly(0.0, 0.0, 7.0, 7.0, 7.0);
            assertThat(r.cycles()).isEqualTo(643);
        }
    }

    @Test
    void aWatchOfNothingTheProgramNamesIsRefused() {
        assertThatThrownBy(() -> Simulator.run(Programs.TSP, TWICE,
                SimOptions.functional().watching(List.of(new RegionWatch(0, "nothing", 3)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("chip 0's program names no region nothing");
        assertThatThrownBy(() -> Simulator.run(Programs.TSP, TWICE,
                SimOptions.functional().watching(List.of(new RegionWatch(4, "out", 3)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chip 4, which has no program");
        assertThatThrownBy(() -> SimOptions.timingOnly().watching(List.of(new RegionWatch(0, "out", 3))))
                .hasMessageContaining("functional mode only");
    }
}
