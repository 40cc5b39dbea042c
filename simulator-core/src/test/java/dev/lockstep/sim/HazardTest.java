// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static dev.lockstep.sim.Programs.functional;
import static dev.lockstep.sim.Programs.timing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.IntUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One program per hazard kind; each must stop with that hazard, at the right cycle and queue, in both modes. */
class HazardTest {
    static Stream<Arguments> hazards() {
        return Stream.of(
                Arguments.of(HazardKind.STREAM_EMPTY, 5L, "vxm.3", "reads stream w7 at position 46 (vxm) at cycle 5", """
                        .queue vxm.3
                        @5 vmov.i8 e0, w7
                        """),
                Arguments.of(HazardKind.STREAM_CONFLICT, 10L, "vxm.2", "writes stream e5 at position 46 (vxm) at cycle 10", """
                        .data a, mem.w5, 0, i8, [1]
                        .queue mem.w5
                        @0 read e0, a, 2, 0
                        .queue vxm.1
                        @8 vmov.i8 e5, e0
                        .queue vxm.2
                        @8 vmov.i8 e5, e0
                        """),
                // mem.w6 (39) puts two vectors on e0 at 3 and 4, at mem.w5 (40) at 4 and 5; mem.w5 writes them to
                // addresses 2 and 4 (bank 0) at 4 and 5 and reads address 0 (bank 0) at 5: two accesses to bank 0.
                Arguments.of(HazardKind.BANK_CONFLICT, 5L, "mem.w5", "accesses bank 0 of mem.w5 (address 4) at cycle 5", """
                        .data a, mem.w6, 0, i8, [1]
                        .data b, mem.w5, 0, i8, [2]
                        .queue mem.w6
                        @1 read e0, a, 2, 0
                        .queue mem.w5
                        @4 write 2, e0, 2, 2
                        @5 read e1, b
                        """),
                // a read's accesses are kept as one run: word 89 of a 100-word read (address 89, bank 1, counted in
                // its second batch of words) meets a write to bank 1 in its cycle
                Arguments.of(HazardKind.BANK_CONFLICT, 90L, "mem.w5", "accesses bank 1 of mem.w5 (address 1) at cycle 90",
                        """
                        .queue mem.w5
                        @1 read e0, 0, 100
                        @90 write 1, e0
                        """),
                Arguments.of(HazardKind.UNIT_BUSY, 1L, "mem.w5", "the read path of mem.w5 is busy until cycle 4 (held by "
                        + "read e0, 0, 4, 1 issued at cycle 0 on mem.w5)", """
                        .queue mem.w5
                        @0 read e0, 0, 4
                        @1 read e1, 8
                        """),
                Arguments.of(HazardKind.READ_ONLY_WRITE, 4L, "mem.w5", "inside a region the program declared readonly", """
                        .data a, mem.w6, 0, i8, [1]
                        .data k, mem.w5, 0, i8, [9], readonly
                        .queue mem.w6
                        @1 read e0, a
                        .queue mem.w5
                        @4 write k, e0
                        """),
                // 17 int8 weight rows: LW at 20 takes rows 0..15 side by side from the 16 weight streams w0..w15
                // and row 16 from w0 at 21 (16 int8 rows per cycle), so the buffer is complete at 22 and an IW at 21
                // is too early. Stream j is fed by mem.w(43 - j) at position 2 + j, read at 16 - j.
                Arguments.of(HazardKind.MXM_NOT_READY, 21L, "mxm.w0.1", "before LW has filled it (complete at cycle 22)",
                        seventeenWeightRowsThenIwAt(21)),
                // 48 int8 rows in three cycles (20, 21, 22); stream w5's rows arrive at 20 and 21 only. A timing-only
                // LW finds the rows of 21 and 22 ahead but w5's of 22 missing, and samples 22 at its cycle: the same
                // hazard as the functional train, which samples every cycle
                Arguments.of(HazardKind.STREAM_EMPTY, 22L, "mxm.w0.0", "reads stream w5 at position", weightRowsWithAGap()),
                Arguments.of(HazardKind.MXM_TYPE_MISMATCH, 0L, "mxm.w0.0", "a plane takes at most 160", """
                        .queue mxm.w0.0
                        @0 lw.f16 0, w0, 161
                        """),
                Arguments.of(HazardKind.QUEUE_PARKED, 19L, "vxm.0", "released at cycle 20; issue at 20 or later", """
                        .queue vxm.0
                        @10 sync 3
                        @19 nop 1
                        .queue vxm.1
                        @12 notify 3
                        """),
                Arguments.of(HazardKind.QUEUE_PARKED, 100L, "vxm.0", "parked by deskew until the counter epoch at cycle 256", """
                        .queue vxm.0
                        @99 deskew
                        @100 nop 1
                        """),
                Arguments.of(HazardKind.LINK_UNCONNECTED, 0L, "sxm.e0.0", "link 3 goes nowhere", """
                        .queue sxm.e0.0
                        @0 send 3, e0
                        """));
    }

    /**
     * Reads that feed tsp-v1's 16 weight streams w0..w15 at mxm.w0 for an LW at {@code lwAt}: stream j from
     * mem.w(43 - j) at position 2 + j, read at lwAt - 4 - j, {@code words.applyAsInt(j)} words of int8 data.
     */
    private static StringBuilder weightStreams(int lwAt, IntUnaryOperator words) {
        StringBuilder p = new StringBuilder();
        for (int j = 0; j < 16; j++) {
            int slice = 43 - j;
            int n = words.applyAsInt(j);
            String data = java.util.stream.IntStream.rangeClosed(1, n).mapToObj(Integer::toString)
                    .collect(java.util.stream.Collectors.joining(", "));
            p.append(".data rows").append(j).append(", mem.w").append(slice).append(", 0, i8, [").append(data)
                    .append("]\n.queue mem.w").append(slice).append('\n')
                    .append('@').append(lwAt - 4 - j).append(" read w").append(j).append(", rows").append(j)
                    .append(", ").append(n).append('\n');
        }
        return p;
    }

    /** An LW of 48 int8 rows at 20 (three cycles) whose stream w5 carries rows for the first two cycles only. */
    private static String weightRowsWithAGap() {
        return weightStreams(20, j -> j == 5 ? 2 : 3).append(".queue mxm.w0.0\n@20 lw.i8 0, w0, 48\n").toString();
    }

    /** An LW of 17 int8 rows at 20 (two cycles on tsp-v1's 16 weight streams), and an IW at {@code iw}. */
    private static String seventeenWeightRowsThenIwAt(int iw) {
        return weightStreams(20, j -> j == 0 ? 2 : 1)
                .append(".queue mxm.w0.0\n@20 lw.i8 0, w0, 17\n.queue mxm.w0.1\n@").append(iw).append(" iw 0\n")
                .toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hazards")
    void theScheduleStopsWithThisHazard(HazardKind kind, long cycle, String queue, String detail, String program) {
        for (boolean functionalMode : new boolean[] {true, false}) {
            assertThatThrownBy(() -> {
                if (functionalMode) {
                    functional(program);
                } else {
                    timing(program);
                }
            }).isInstanceOf(HazardException.class).satisfies(e -> {
                HazardException h = (HazardException) e;
                assertThat(h.kind()).isEqualTo(kind);
                assertThat(h.cycle()).isEqualTo(cycle);
                assertThat(h.queue()).isEqualTo(queue);
                assertThat(h.detail()).contains(detail);
                assertThat(h.getMessage()).startsWith("chip 0, cycle " + cycle + ", queue " + queue + ", instruction ");
            });
        }
    }

    @org.junit.jupiter.api.Test
    void ofTwoHazardsInOneCycleAndPhaseATimingOnlyLwSamplingAheadMayBeNamedFirst() {
        // a gather from 20 runs out of index vectors at 25, and so does an LW of 80 int8 rows (21..25) whose rows
        // come for 21..24 only: both are stream_empty at 25 in the consume phase. The functional LW samples cycle by
        // cycle, each step's event made one cycle before, after the gather's (issued earlier), so the gather is
        // named; the timing-only LW found 22..24 ahead at 21 and made its event for 25 then, before the gather's,
        // so it is named (docs/model.md). The cycle and kind are the same.
        StringBuilder p = weightStreams(21, j -> 4);
        p.append("""
                .queue mem.w22
                @16 read e3, 0, 5
                .queue mem.w21
                @17 read e2, 0, 5
                .queue mem.w20
                @20 gather e1, 0, e2, 10
                .queue mxm.w0.0
                @21 lw.i8 0, w0, 80
                """);
        String program = p.toString();
        for (boolean functionalMode : new boolean[] {true, false}) {
            assertThatThrownBy(() -> run(program, functionalMode)).isInstanceOf(HazardException.class).satisfies(e -> {
                HazardException h = (HazardException) e;
                assertThat(h.kind()).isEqualTo(HazardKind.STREAM_EMPTY);
                assertThat(h.cycle()).isEqualTo(25);
                assertThat(h.queue()).as(functionalMode ? "functional" : "timing-only")
                        .isEqualTo(functionalMode ? "mem.w20" : "mxm.w0.0");
            });
        }
    }

    @org.junit.jupiter.api.Test
    void aWriteToTheBankALongReadLeavesFreeInThatCycleRunsOn() {
        // word 89 of the read is in bank 1 at cycle 90, so a write to bank 0 then shares the slice without a clash;
        // a write in cycle 101, after the read's last word, may take any bank
        String program = """
                .queue mem.w5
                @1 read e0, 0, 100
                @90 write 0, e0
                @101 write 1, e0
                """;
        assertThat(timing(program).instructions()).isEqualTo(3);
        assertThat(functional(program).instructions()).isEqualTo(3);
    }

    @org.junit.jupiter.api.Test
    void aReadCountsItsVectorsWhenItIssuesSoTheOtherProducerOfAClashIsNamedAtItsCycle() {
        // the gather (latency 3) issued at 5 and the read (latency 2) issued at 6 both put a vector on e2 at mem.w5
        // at cycle 8; the read counts its vector when it issues, so the gather's finds the clash, at 8
        String clash = """
                .data lo, mem.w6, 0, i8, [0]
                .data hi, mem.w7, 0, i8, [0]
                .queue mem.w6
                @2 read e0, lo
                .queue mem.w7
                @1 read e1, hi
                .queue mem.w5
                @5 gather e2, 0, e0
                @6 read e2, 0
                """;
        // the same with an empty stream read at 7, after the read counted its vector and before the clash
        String earlier = clash + """
                .queue vxm.3
                @7 vmov.i8 e5, w7
                """;
        for (boolean functionalMode : new boolean[] {true, false}) {
            assertThatThrownBy(() -> run(clash, functionalMode)).isInstanceOf(HazardException.class).satisfies(e -> {
                HazardException h = (HazardException) e;
                assertThat(h.kind()).isEqualTo(HazardKind.STREAM_CONFLICT);
                assertThat(h.cycle()).isEqualTo(8);
                assertThat(h.instructionIndex()).isEqualTo(0);
                assertThat(h.instruction()).startsWith("gather");
                assertThat(h.detail()).contains("writes stream e2 at position 40 (mem.w5) at cycle 8");
            });
            assertThatThrownBy(() -> run(earlier, functionalMode)).isInstanceOf(HazardException.class).satisfies(e -> {
                HazardException h = (HazardException) e;
                assertThat(h.kind()).isEqualTo(HazardKind.STREAM_EMPTY);
                assertThat(h.cycle()).isEqualTo(7);
                assertThat(h.queue()).isEqualTo("vxm.3");
            });
        }
    }

    private static SimResult run(String program, boolean functionalMode) {
        return functionalMode ? functional(program) : timing(program);
    }

    @org.junit.jupiter.api.Test
    void aGatherAddressOutsideTheSliceIsCaughtInFunctionalMode() {
        // index vector: u16 per lane on e0 (low bytes) and e1 (high bytes); lane 0 is 0xFFFF
        String program = """
                .data lo, mem.w6, 0, i8, [-1]
                .data hi, mem.w7, 0, i8, [-1]
                .queue mem.w6
                @2 read e0, lo
                .queue mem.w7
                @1 read e1, hi
                .queue mem.w5
                @5 gather e2, 0, e0
                """;
        assertThatThrownBy(() -> functional(program)).isInstanceOf(HazardException.class)
                .satisfies(e -> assertThat(((HazardException) e).kind()).isEqualTo(HazardKind.ADDRESS_OUT_OF_RANGE))
                .hasMessageContaining("lane 0 addresses word 65535 of mem.w5");
        assertThat(timing(program).instructions()).as("timing-only mode carries no addresses").isEqualTo(3);
    }

    @org.junit.jupiter.api.Test
    void anFp16PieceHoldsBothPlanesOfItsSlice() {
        // fp16 work names plane 0 of the pair and holds plane 1 too: int8 work on plane 1 meanwhile is refused
        assertThatThrownBy(() -> functional("""
                .queue mxm.w0.0
                @0 lw.f16 1, w0, 1
                """)).isInstanceOf(HazardException.class)
                .hasMessageContaining("fp16 pieces take planes 0..1 together (mxm.fp16_planes_per_piece 2): name "
                        + "plane 0");
        assertThatThrownBy(() -> functional("""
                .data w, mem.w43+mem.w42, 0, f16, [1]
                .queue mem.w43
                @1 read w0, w
                .queue mem.w42
                @0 read w1, w
                .queue mxm.w0.0
                @5 lw.f16 0, w0, 1
                .queue mxm.w0.1
                @5 lw.i8 1, w0, 1
                """)).isInstanceOf(HazardException.class)
                .satisfies(e -> assertThat(((HazardException) e).kind()).isEqualTo(HazardKind.UNIT_BUSY))
                .hasMessageContaining("the weight buffer of mxm.w0 plane 1 is busy until cycle 6");
    }

    /** int8 plane 0: weights loaded at 4, installed from 5 (array busy to 25); x read from mem.w42 (3). */
    private static final String INT8_PLANE0 = """
            .data w, mem.w43, 0, i8, [1, 2]
            .data x, mem.w42, 0, i8, [3]
            .queue mem.w43
            @0 read w0, w
            .queue mem.w42
            @20 read w1, x
            @25 read w1, x
            .queue mxm.w0.0
            @4 lw.i8 0, w0, 1
            @5 iw 0
            .queue mxm.w0.1
            @25 abc.i8 0, w1, 1
            @30 abc.i8 0, w1, 1, %d
            """;

    @org.junit.jupiter.api.Test
    void anAccumulatorReadBetweenTwoLandingsSeesTheFirst() {
        // row 0 gets 3 x 1 at 45 and (mode 1) 3 x 1 more at 50: an ACC at 46 reads 3, one at 50 reads 6
        String program = INT8_PLANE0.formatted(1) + """
                .region y, mem.w35+mem.w34+mem.w33+mem.w32, 0, i32, 320
                .queue mxm.w0.2
                @46 acc.i32 e0, 0, 1
                @50 acc.i32 e4, 0, 1
                .queue mem.w35
                @58 write y, e0
                @62 write 1, e4
                .queue mem.w34
                @59 write y, e1
                .queue mem.w33
                @60 write y, e2
                .queue mem.w32
                @61 write y, e3
                """;
        SimResult r = functional(program);
        assertThat(r.region(0, "y").orElseThrow()[0]).isEqualTo(3);
        assertThat(timing(program).cycles()).isEqualTo(r.cycles());
    }

    @org.junit.jupiter.api.Test
    void accumulatingProductsOfAnotherTypeIsAMismatch() {
        // fp16 weights (2, 3) reach the west MXM (0) at 5: lw 5, iw 6 (pair busy to 26); x (4, 5) at 26: abc.f16
        // puts f32 products in row 0. int8 weights (6) read at 19 onto w0 (LW takes the weight streams from 0)
        // reach it at 27: lw.i8 27, iw 28; int8 x (7) read at 39 reaches it at 48, where abc.i8 tries to add i32
        // products onto the f32 row.
        assertThatThrownBy(() -> functional("""
                .data w, mem.w43+mem.w42, 0, f16, [1]
                .data x, mem.w41+mem.w40, 0, f16, [2]
                .data wi, mem.w39, 0, i8, [1]
                .data xi, mem.w38, 0, i8, [2]
                .queue mem.w43
                @1 read w0, w
                .queue mem.w42
                @0 read w1, w
                .queue mem.w41
                @20 read w2, x
                .queue mem.w40
                @19 read w3, x
                .queue mem.w39
                @19 read w0, wi
                .queue mem.w38
                @39 read w5, xi
                .queue mxm.w0.0
                @5 lw.f16 0, w0, 1
                @6 iw 0
                @27 lw.i8 0, w0, 1
                @28 iw 0
                .queue mxm.w0.1
                @26 abc.f16 0, w2, 1
                @48 abc.i8 0, w5, 1, 1
                """)).isInstanceOf(HazardException.class)
                .satisfies(e -> assertThat(((HazardException) e).kind()).isEqualTo(HazardKind.MXM_TYPE_MISMATCH))
                .hasMessageContaining("accumulates i32 products onto accumulator row 0, which holds f32");
    }

    @org.junit.jupiter.api.Test
    void scatterEndsAtTheSameCycleInBothModes() {
        String program = """
                .data src, mem.w1, 0, i8, [5]
                .data ix, mem.w2+mem.w3, 0, i16, [100, 101, 102]
                .queue mem.w1
                @3 read e0, src
                .queue mem.w2
                @2 read e2, ix
                .queue mem.w3
                @1 read e3, ix
                .queue mem.w0
                @6 scatter 0, e0, e2
                """;
        assertThat(timing(program).cycles()).isEqualTo(functional(program).cycles()).isEqualTo(8);
    }

    @org.junit.jupiter.api.Test
    void aSyncReleasedInTimeLetsTheQueueGoOn() {
        // notify at 12 arrives at 12 + 8 = 20
        assertThat(functional("""
                .queue vxm.0
                @10 sync 3
                @20 nop 1
                .queue vxm.1
                @12 notify 3
                """).instructions()).isEqualTo(3);
    }
}
