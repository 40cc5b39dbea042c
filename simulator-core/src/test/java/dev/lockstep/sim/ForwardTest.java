// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * FWD on node-8: chip 0's link 0 reaches chip 1's link 0, chip 1's link 1 reaches chip 2's link 1. A vector passes
 * through chip 1 without landing there.
 *
 * <p>Timeline: chip 0 sends at 3 (as in {@link LinkTest}); the vector has arrived whole at chip 1 at 3 + 80 (send
 * end) + 22 (frame) + 217 (link) = 322. The fwd takes it at 322; it has arrived whole at chip 2 at 322 + 200
 * (forward) + 22 + 217 = 761. The recv takes it at 761 and puts it on e0 at position 1 at 761 + 318 (receive end)
 * = 1079; mem.w43 writes it at 1080, and it is in SRAM at 1081, the run's last cycle.
 */
class ForwardTest {
    static final String TWO_HOPS = """
            .chip 0
            .data a, mem.w43, 0, i8, [7, -3, 100]
            .queue mem.w43
            @0 read w0, a
            .queue sxm.w0.0
            @3 send 0, w0
            .chip 1
            .queue sxm.w0.7
            @322 fwd 1, 0
            .chip 2
            .region b, mem.w43, 0, i8, 320
            .queue sxm.w0.0
            @761 recv e0, 1
            .queue mem.w43
            @1080 write b, e0
            """;

    @Test
    void aVectorPassesThroughAChipAtTheForwardingCost() {
        SimResult f = LinkTest.run(TWO_HOPS, SimOptions.functional(), 2, false);
        double[] b = f.region(2, "b").orElseThrow();
        assertThat(new double[] {b[0], b[1], b[2], b[3]}).containsExactly(7, -3, 100, 0);
        assertThat(f.cycles()).isEqualTo(1082);
        // chip 1 only holds link 1's transmit side for one frame time, 322..343; nothing lands in its SRAM
        assertThat(f.cycles(1)).isEqualTo(322 + 22);
        assertThat(f.instructions(1)).isEqualTo(1);
        for (int threads = 1; threads <= 2; threads++) {
            for (boolean dedup : new boolean[] {false, true}) {
                SimResult t = LinkTest.run(TWO_HOPS, SimOptions.timingOnly(), threads, dedup);
                assertThat(t.cycles()).isEqualTo(1082);
                assertThat(t.traceHash()).isEqualTo(f.traceHash());
            }
        }
    }

    @Test
    void aForwardTakenBeforeTheVectorArrivedIsCaughtInBothModes() {
        String early = TWO_HOPS.replace("@322 fwd", "@321 fwd");
        for (SimOptions o : new SimOptions[] {SimOptions.functional(), SimOptions.timingOnly()}) {
            assertThatThrownBy(() -> LinkTest.run(early, o, 2, true)).isInstanceOfSatisfying(HazardException.class,
                    h -> {
                        assertThat(h.kind()).isEqualTo(HazardKind.LINK_NOTHING_ARRIVED);
                        assertThat(h.chip()).isEqualTo(1);
                        assertThat(h.cycle()).isEqualTo(321);
                    });
        }
    }

    /**
     * Chip 1 also sends a vector of its own over link 1 at 450. The fwd's frame is on the wire from 322 + 200 = 522
     * to 543, the send's would be from 450 + 80 = 530: the transmit side is free (the fwd held it 322..343), but
     * the wire is not.
     */
    @Test
    void aSendWhoseFrameWouldMeetAForwardedOneOnTheWireIsCaught() {
        String clash = TWO_HOPS.replace(".chip 2", """
                .data c, mem.w43, 0, i8, [1]
                .queue mem.w43
                @447 read w0, c
                .queue sxm.w0.0
                @450 send 1, w0
                .chip 2""");
        for (SimOptions o : new SimOptions[] {SimOptions.functional(), SimOptions.timingOnly()}) {
            assertThatThrownBy(() -> LinkTest.run(clash, o, 2, true)).isInstanceOfSatisfying(HazardException.class,
                    h -> {
                        assertThat(h.kind()).isEqualTo(HazardKind.LINK_BUSY);
                        assertThat(h.chip()).isEqualTo(1);
                        assertThat(h.cycle()).isEqualTo(450);
                        assertThat(h.detail()).contains("on the wire of link 1").contains("from 522 to 543");
                    });
        }
    }

    /**
     * Sent at 400 on chip 1, a vector's frame is on the wire from 480 to 501, before the forwarded one's (522): it
     * overtakes it and arrives first, at 400 + 319 = 719; the receiver takes both, in the order they arrive.
     */
    @Test
    void aLaterSendMayGoOnTheWireBeforeAForwardedFrame() {
        String overtaking = TWO_HOPS.replace(".chip 2", """
                .data c, mem.w43, 0, i8, [9]
                .queue mem.w43
                @397 read w0, c
                .queue sxm.w0.0
                @400 send 1, w0
                .chip 2""").replace("@761 recv e0, 1", "@719 recv e1, 1\n@761 recv e0, 1");
        SimResult f = LinkTest.run(overtaking, SimOptions.functional(), 2, false);
        assertThat(f.region(2, "b").orElseThrow()[0]).isEqualTo(7);
        SimResult t = LinkTest.run(overtaking, SimOptions.timingOnly(), 2, true);
        assertThat(t.cycles()).isEqualTo(f.cycles()).isEqualTo(1082);
        assertThat(t.traceHash()).isEqualTo(f.traceHash());
    }

    @Test
    void aForwardOverAnUnconnectedLinkIsCaught() {
        assertThatThrownBy(() -> LinkTest.run(TWO_HOPS.replace("fwd 1, 0", "fwd 7, 0"), SimOptions.timingOnly(), 1,
                false)).isInstanceOfSatisfying(HazardException.class, h -> {
                    assertThat(h.kind()).isEqualTo(HazardKind.LINK_UNCONNECTED);
                    assertThat(h.detail()).contains("link 7 of chip 1 is not connected");
                });
    }
}
