// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import org.junit.jupiter.api.Test;

/**
 * Results put together without simulating again: programs on disjoint chips simulated apart and joined
 * ({@link SimResult#union}) give what simulating them together gives, and a result moved to other chips
 * ({@link SimResult#movedTo}) gives what simulating the same programs there gives, trace hash included.
 */
class SimResultUnionTest {
    /**
     * Chip {@code base} sends a vector to chip {@code base + 1} over their local link (link 0 at both ends for any
     * base that is a node's first chip), read at {@code t0} and written where it lands (the names, one program's,
     * carry the base; the instructions do not).
     */
    private static String pair(int base, long t0) {
        long arrive = t0 + SystemSimulationTest.ARRIVE;
        return ".chip " + base + "\n.data a" + base + ", mem.w43, 0, i8, [1, 2]\n"
                + ".queue mem.w43\n@" + t0 + " read w0, a" + base + "\n"
                + ".queue sxm.w0.0\n@" + (t0 + 3) + " send 0, w0, 1\n"
                + ".chip " + (base + 1) + "\n.region b" + base + ", mem.w42, 0, i8, 320\n"
                + ".queue sxm.w0.0\n@" + arrive + " recv e1, 0, 1\n"
                + ".queue mem.w42\n@" + (arrive + SystemSimulationTest.RECEIVE_END + 2) + " write b" + base + ", e1\n";
    }

    private static SimResult run(String text) {
        Program p = Programs.asm(text);
        return SystemSimulator.run(SystemSimulationTest.RACK, p, SimOptions.timingOnly(),
                new SystemSimulator.Parallelism(1, true));
    }

    private static void assertSame(SimResult a, SimResult b) {
        assertThat(a.chipIds()).isEqualTo(b.chipIds());
        assertThat(TraceHash.hex(a.traceHash())).isEqualTo(TraceHash.hex(b.traceHash()));
        assertThat(a.cycles()).isEqualTo(b.cycles());
        assertThat(a.instructions()).isEqualTo(b.instructions());
        assertThat(a.unitUtilization()).isEqualTo(b.unitUtilization());
        for (int c : a.chipIds()) {
            assertThat(a.traceHash(c)).isEqualTo(b.traceHash(c));
            assertThat(a.cycles(c)).isEqualTo(b.cycles(c));
            assertThat(a.activities(c)).isEqualTo(b.activities(c));
        }
    }

    @Test
    void resultsOfDisjointChipsJoinedAreTheirSimulationTogether() {
        SimResult a = run(pair(0, 0));
        SimResult c = run(pair(16, 500));
        SimResult together = run(pair(0, 0) + pair(16, 500));
        SimResult joined = SimResult.union(c, a);
        assertSame(joined, together);
        assertThat(joined.chipIds()).containsExactly(0, 1, 16, 17);
        assertThat(joined.chipsRun()).isEqualTo(a.chipsRun() + c.chipsRun());
        assertThat(joined.instructionsRun()).isEqualTo(a.instructionsRun() + c.instructionsRun());
        assertThatThrownBy(() -> SimResult.union(a, a)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("both results have chip 0");
        assertThatThrownBy(() -> joined.regionType(0, "a0")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aResultMovedToChipsWiredAlikeIsTheSimulationThere() {
        SimResult first = run(pair(0, 0));
        SimResult there = run(pair(8, 0));
        SimResult moved = first.movedTo(c -> c + 8);
        assertSame(moved, there);
        assertThat(TraceHash.hex(moved.traceHash())).as("the chip ids are in the hash")
                .isNotEqualTo(TraceHash.hex(first.traceHash()));
        assertThat(moved.chipsRun()).isZero();
        assertThat(moved.instructionsRun()).isZero();
        assertThat(moved.simulatedAs(9)).isEqualTo(first.simulatedAs(1));
        assertThatThrownBy(() -> first.movedTo(c -> 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("two chips moved to chip 5");
        SimResult functional = SystemSimulator.run(SystemSimulationTest.RACK, Programs.asm(pair(0, 0)),
                SimOptions.functional(), new SystemSimulator.Parallelism(1, false));
        assertThatThrownBy(() -> functional.movedTo(c -> c + 8)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aCopyMovedByARackJoinedToItsFirstIsBothSimulationsWithTheFirstsWorkOnly() {
        // what a run of two copies of a model, the second the first moved by a rack of tsp-576, puts together
        SystemSpec tsp576 = SystemSpecs.preset("tsp-576");
        SimResult first = SystemSimulator.run(tsp576, Programs.asm(pair(0, 0)), SimOptions.timingOnly(),
                new SystemSimulator.Parallelism(1, true));
        SimResult both = SimResult.union(first, first.movedTo(c -> c + 72));
        SimResult together = SystemSimulator.run(tsp576, Programs.asm(pair(0, 0) + pair(72, 0)),
                SimOptions.timingOnly(), new SystemSimulator.Parallelism(1, false));
        assertSame(both, together);
        assertThat(both.chipIds()).containsExactly(0, 1, 72, 73);
        assertThat(both.chipsRun()).isEqualTo(first.chipsRun()).isEqualTo(2);
        assertThat(both.instructionsRun()).isEqualTo(first.instructionsRun());
        assertThat(both.chipCyclesRun()).isEqualTo(first.chipCyclesRun());
        assertThat(both.simulatedAs(72)).isZero();
        assertThat(both.simulatedAs(73)).isEqualTo(1);
        assertThat(both.simulatedAs(1)).isEqualTo(1);
    }
}
