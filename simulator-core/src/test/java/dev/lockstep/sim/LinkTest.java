// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Chip-to-chip links on node-8 (chip 0's link 0 reaches chip 1's link 0): exact cycles of a send and a receive,
 * and one program per link rule, each caught the same way by the delivering (functional) and the recording
 * (timing-only) simulation.
 *
 * <p>Timeline: mem.w43 (position 2) reads at 0, its vector is on w0 at position 2 at 2 (read latency) and at the
 * west SXM (position 1) at 3 (one hop). The send samples it at 3; it has arrived whole at chip 1 at 3 + 80 (send
 * end) + 22 (its 328-byte frame) + 217 (link) = 322. The receive takes it at 322 and puts it on e0 at position 1
 * at 322 + 318 (receive end) = 640; it reaches mem.w43 at 641, where the write samples it; the word is in SRAM at
 * 642, the run's last cycle.
 */
class LinkTest {
    static final SystemSpec NODE = SystemSpecs.preset("node-8");

    static SimResult run(String text, SimOptions options, int threads, boolean dedup) {
        Program p = Programs.asm(text);
        return SystemSimulator.run(NODE, p, options, new SystemSimulator.Parallelism(threads, dedup));
    }

    static final String ONE_VECTOR = """
            .chip 0
            .data a, mem.w43, 0, i8, [7, -3, 100]
            .queue mem.w43
            @0 read w0, a
            .queue sxm.w0.0
            @3 send 0, w0
            .chip 1
            .region b, mem.w43, 0, i8, 320
            .queue sxm.w0.0
            @322 recv e0, 0
            .queue mem.w43
            @641 write b, e0
            """;

    @Test
    void aVectorCrossesALinkAtTheCycleTheModelGives() {
        SimResult f = run(ONE_VECTOR, SimOptions.functional(), 1, false);
        double[] b = f.region(1, "b").orElseThrow();
        assertThat(new double[] {b[0], b[1], b[2], b[3]}).containsExactly(7, -3, 100, 0);
        // the write commits at 642 (the recv held the link's receive side for one frame time, 322..343, long before)
        assertThat(f.cycles()).isEqualTo(643);
        SimResult t = run(ONE_VECTOR, SimOptions.timingOnly(), 1, false);
        assertThat(t.cycles()).isEqualTo(643);
        assertThat(t.traceHash()).isEqualTo(f.traceHash());
        assertThat(t.instructions()).isEqualTo(f.instructions()).isEqualTo(4);
    }

    @Test
    void threeVectorsOnePerLinkVectorTime() {
        String text = """
                .chip 0
                .data a, mem.w43, 0, i8, [1]
                .data a2, mem.w43, 1, i8, [2]
                .data a3, mem.w43, 2, i8, [3]
                .queue mem.w43
                @0 read w0, a
                @22 read w0, a2
                @44 read w0, a3
                .queue sxm.w0.0
                @3 send 0, w0, 3
                .chip 1
                .region b, mem.w43, 0, i8, 960
                .queue sxm.w0.0
                @322 recv e0, 0, 3
                .queue mem.w43
                @641 write b, e0
                @663 write b + 1, e0
                @685 write b + 2, e0
                """;
        SimResult f = run(text, SimOptions.functional(), 2, false);
        double[] b = f.region(1, "b").orElseThrow();
        assertThat(new double[] {b[0], b[320], b[640]}).containsExactly(1, 2, 3);
        // one vector per frame time (22 cycles): the last is written at 641 + 2 x 22 = 685 and committed at 686
        assertThat(f.cycles()).isEqualTo(641 + 2 * 22 + 1 + 1);
    }

    static Stream<Arguments> brokenRules() {
        return Stream.of(
                Arguments.of(HazardKind.LINK_BUSY, 0, 10L, "link 0 (to chip 1 (its link 0)) is still serialising", """
                        .chip 0
                        .data a, mem.w43, 0, i8, [1]
                        .queue mem.w43
                        @0 read w0, a, 1
                        .queue sxm.w0.0
                        @3 send 0, w0
                        .queue sxm.w0.1
                        @10 send 0, w0
                        """),
                Arguments.of(HazardKind.LINK_NOTHING_ARRIVED, 1, 321L, "nothing from chip 0 (its link 0)", """
                        .chip 0
                        .data a, mem.w43, 0, i8, [1]
                        .queue mem.w43
                        @0 read w0, a
                        .queue sxm.w0.0
                        @3 send 0, w0
                        .chip 1
                        .queue sxm.w0.0
                        @321 recv e0, 0
                        """),
                Arguments.of(HazardKind.LINK_OVERWRITTEN, 0, 344L, "arrived at cycle 322 still waits", """
                        .chip 0
                        .data a, mem.w43, 0, i8, [1]
                        .queue mem.w43
                        @0 read w0, a
                        @22 read w0, a
                        .queue sxm.w0.0
                        @3 send 0, w0, 2
                        .chip 1
                        .queue sxm.w0.0
                        @350 recv e0, 0
                        """),
                Arguments.of(HazardKind.LINK_NEVER_RECEIVED, 0, 322L, "link 0 of chip 1 at cycle 322", """
                        .chip 0
                        .data a, mem.w43, 0, i8, [1]
                        .queue mem.w43
                        @0 read w0, a
                        .queue sxm.w0.0
                        @3 send 0, w0
                        """),
                Arguments.of(HazardKind.LINK_UNCONNECTED, 2, 5L, "link 7 of chip 2 is not connected in node-8", """
                        .chip 2
                        .queue sxm.w0.0
                        @5 recv e0, 7
                        """));
    }

    @ParameterizedTest
    @MethodSource("brokenRules")
    void eachLinkRuleIsCaughtTheSameWayInBothModes(HazardKind kind, int chip, long cycle, String detail,
                                                    String text) {
        for (SimOptions o : new SimOptions[] {SimOptions.functional(), SimOptions.timingOnly()}) {
            for (int threads = 1; threads <= 2; threads++) {
                int t = threads;
                assertThatThrownBy(() -> run(text, o, t, true)).isInstanceOfSatisfying(HazardException.class, h -> {
                    assertThat(h.kind()).isEqualTo(kind);
                    assertThat(h.chip()).isEqualTo(chip);
                    assertThat(h.cycle()).isEqualTo(cycle);
                    assertThat(h.detail()).contains(detail);
                });
            }
        }
    }

    @Test
    void aChipAloneStillHasNoLinks() {
        assertThatThrownBy(() -> Programs.timing(ONE_VECTOR)).isInstanceOfSatisfying(HazardException.class,
                h -> assertThat(h.kind()).isEqualTo(HazardKind.LINK_UNCONNECTED));
    }

    @Test
    void aProgramForMoreChipsThanTheSystemHasIsRefused() {
        assertThatThrownBy(() -> run(".chip 8\n.queue vxm.0\nnop 1\n", SimOptions.timingOnly(), 1, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node-8 has 8 chips (0..7)");
    }

    /** A hazard on the sender long after its send: the receiver took the vector in time, so the hazard is first. */
    @Test
    void aLaterHazardOnTheSenderIsReportedLikeInAFunctionalRun() {
        String text = ONE_VECTOR.replace(".chip 1", """
                .queue mem.w40
                @1000 read e0, 0, 4
                @1001 read e1, 8
                .chip 1""");
        for (SimOptions o : new SimOptions[] {SimOptions.functional(), SimOptions.timingOnly()}) {
            assertThatThrownBy(() -> run(text, o, 2, true)).isInstanceOfSatisfying(HazardException.class, h -> {
                assertThat(h.kind()).isEqualTo(HazardKind.UNIT_BUSY);
                assertThat(h.chip()).isZero();
                assertThat(h.cycle()).isEqualTo(1001);
            });
        }
    }

    /**
     * Deskew waits for an absolute epoch (256 cycles): chip 1 runs chip 0's program 100 cycles later, where the
     * instruction after the deskew comes before the epoch. Deduplication must not share chip 0's result.
     */
    @Test
    void deskewProgramsAreNotSharedAcrossAShiftInTime() {
        String text = """
                .chip 0
                .queue vxm.0
                @200 deskew
                @260 nop 1
                .chip 1
                .queue vxm.0
                @300 deskew
                @360 nop 1
                """;
        for (boolean dedup : new boolean[] {false, true}) {
            assertThatThrownBy(() -> run(text, SimOptions.timingOnly(), 1, dedup))
                    .isInstanceOfSatisfying(HazardException.class, h -> {
                        assertThat(h.kind()).isEqualTo(HazardKind.QUEUE_PARKED);
                        assertThat(h.chip()).isEqualTo(1);
                    });
        }
    }
}
