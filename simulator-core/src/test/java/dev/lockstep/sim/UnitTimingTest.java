// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static dev.lockstep.sim.Programs.functional;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Exact-cycle specifications of each unit's latency with the tsp-v1 defaults: the result is there at exactly
 * issue + latency, and a consumer one cycle early or late finds nothing. Inputs come from mem.w5 (position 40),
 * whose read at cycle t is at the VXM (46) at t + 8.
 */
class UnitTimingTest {
    private static void consumerAt(String program, long exact) {
        assertThat(functional(program.formatted(exact)).instructions()).isPositive();
        for (long wrong : new long[] {exact - 1, exact + 1}) {
            assertThatThrownBy(() -> functional(program.formatted(wrong))).isInstanceOf(HazardException.class)
                    .satisfies(e -> assertThat(((HazardException) e).kind()).isEqualTo(HazardKind.STREAM_EMPTY));
        }
    }

    @Test
    void anF16AddIssuedAt10HasItsResultAtTheVxmAt14() {
        // a (f16) planes from mem.w5 and mem.w6 (39): read at 2 and 1, both at 46 at 10; vxm_fp_latency_cycles 4
        consumerAt("""
                .data a, mem.w5+mem.w6, 0, f16, [1.5]
                .queue mem.w5
                @2 read e0, a
                .queue mem.w6
                @1 read e1, a
                .queue vxm.0
                @10 vadd.f16 e4, e0, e0
                .queue vxm.1
                @%d vmov.f16 e8, e4
                """, 14);
    }

    @Test
    void anI8AddTakesTheIntegerLatencyOf2() {
        consumerAt("""
                .data a, mem.w5, 0, i8, [3]
                .queue mem.w5
                @2 read e0, a
                .queue vxm.0
                @10 vadd.i8 e4, e0, e0
                .queue vxm.1
                @%d vmov.i8 e8, e4
                """, 12);
    }

    private static final String F32_AT_11 = """
            .data a, mem.w5+mem.w6+mem.w7+mem.w8, 0, f32, [0.5]
            .queue mem.w5
            @3 read e0, a
            .queue mem.w6
            @2 read e1, a
            .queue mem.w7
            @1 read e2, a
            .queue mem.w8
            @0 read e3, a
            """;

    @Test
    void anExpTakesTheTranscendentalLatencyOf8() {
        // the four planes of a (mem.w5..w8, positions 40..37) all reach the VXM at 11
        consumerAt(F32_AT_11 + """
                .queue vxm.0
                @11 vexp.f32 e4, e0
                .queue vxm.1
                @%d vmov.f32 e8, e4
                """, 19);
    }

    @Test
    void aLaneReductionTakes12() {
        consumerAt(F32_AT_11 + """
                .queue vxm.0
                @11 vrsum.f32 e4, e0
                .queue vxm.1
                @%d vmov.f32 e8, e4
                """, 23);
    }

    @Test
    void aShiftAtTheWestSxmTakes2Cycles() {
        // mem.w43 (2) reads at 0 onto w0: at 2 at 2, at the west SXM (1) at 3
        consumerAt("""
                .data a, mem.w43, 0, i8, [1, 2, 3]
                .queue mem.w43
                @0 read w0, a
                .queue sxm.w0.0
                @3 shift.i8 w1, w0, 1
                .queue sxm.w0.1
                @%d rotate.i8 w2, w1, 1
                """, 5);
    }

    @Test
    void anAccumulatorRowIsReadyExactlyArrayLatencyAfterItsActivation() {
        // weight row from mem.w43 (2) on w0 at the MXM (0) at 4; LW 4, IW 5..24; x from mem.w42 (3) read at 20 on w1
        // is at the MXM at 25: ABC at 25, row 0 ready at 45
        String program = """
                .data w, mem.w43, 0, i8, [1, 2]
                .data x, mem.w42, 0, i8, [3]
                .queue mem.w43
                @0 read w0, w
                .queue mem.w42
                @20 read w1, x
                .queue mxm.w0.0
                @4 lw.i8 0, w0, 1
                @5 iw 0
                .queue mxm.w0.1
                @25 abc.i8 0, w1, 1
                .queue mxm.w0.2
                @%d acc.i32 e0, 0, 1
                """;
        assertThat(functional(program.formatted(45)).cycles()).isEqualTo(48);
        assertThatThrownBy(() -> functional(program.formatted(44))).isInstanceOf(HazardException.class)
                .satisfies(e -> assertThat(((HazardException) e).kind()).isEqualTo(HazardKind.MXM_NOT_READY))
                .hasMessageContaining("reads accumulator row 0 at cycle 44, which is not ready until cycle 45");
    }
}
