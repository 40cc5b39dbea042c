// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The work counted per {@link Activity}, exactly, on small programs whose every vector is known. */
class ActivityTest {
    /** The last stream position: an eastward plane put at p rides LAST - p hops, a westward one p. */
    private static final int LAST = Programs.TSP.floorplan().slices().size() - 1;

    /** The stream position of a queue's slice. */
    private static int at(String queue) {
        return Programs.TSP.floorplan().queues().stream().filter(q -> q.name().equals(queue)).findFirst()
                .orElseThrow().slice().position();
    }

    private static final String VECTOR_ADD = """
            .region a, mem.w1+mem.w2, 0, f16, 320
            .region b, mem.e1+mem.e2, 0, f16, 320
            .region sum, mem.e3+mem.e4, 0, f16, 320
            .queue mem.w2
            @0 read e1, a
            .queue mem.w1
            @1 read e0, a
            .queue mem.e2
            @0 read w1, b
            .queue mem.e1
            @1 read w0, b
            .queue vxm.0
            @5 vadd.f16 e2, e0, w0
            .queue mem.e3
            @13 write sum, e2
            .queue mem.e4
            @14 write sum, e3
            """;

    @Test
    void aVectorAddReadsFourPlanesAddsTwoWritesTwoAndCountsEachPlanesRideToTheEdge() {
        for (SimResult r : new SimResult[] {Programs.timing(VECTOR_ADD), Programs.functional(VECTOR_ADD)}) {
            assertThat(r.activity(Activity.SRAM_READ_VECTORS)).isEqualTo(4);
            assertThat(r.activity(Activity.VXM_PLANE_OPS)).isEqualTo(2);
            assertThat(r.activity(Activity.SRAM_WRITE_VECTORS)).isEqualTo(2);
            long hops = (LAST - at("mem.w2")) + (LAST - at("mem.w1"))
                    + at("mem.e2") + at("mem.e1") + 2L * (LAST - at("vxm.0"));
            assertThat(r.activity(Activity.STREAM_PLANE_HOPS)).isEqualTo(hops);
            assertThat(r.activity(Activity.MXM_INT8_PASSES) + r.activity(Activity.MXM_FP16_PASSES)
                    + r.activity(Activity.LINK_VECTORS)).isZero();
        }
    }

    @Test
    void anInt8ProductCountsItsWeightRowsOneInstallItsPassesAndItsDrainedPlanes() {
        // as programs/asm/gemm-int8.lsa: 16 slices read W's rows onto the 16 weight streams, X on w16, 7 rows
        StringBuilder gemm = new StringBuilder(".region w, mem.w43, 0, i8, 102400\n");
        for (int j = 0; j < 16; j++) {
            gemm.append(".queue mem.w").append(43 - j).append("\n@").append(17 - j).append(" read w").append(j)
                    .append(", w + ").append(j).append(", 20, 16\n");
        }
        gemm.append("""
                .queue mem.w27
                @41 read w16, w, 7
                .queue mxm.w0.0
                @21 lw.i8 0, w0, 320
                @41 iw 0
                .queue mxm.w0.1
                @61 abc.i8 0, w16, 7
                .queue mxm.w0.2
                @81 acc.i32 e0, 0, 7
                """);
        SimResult r = Programs.timing(gemm.toString());
        assertThat(r.activity(Activity.MXM_WEIGHT_PLANES)).isEqualTo(320);
        assertThat(r.activity(Activity.MXM_INSTALLS)).isEqualTo(1);
        assertThat(r.activity(Activity.MXM_INT8_PASSES)).isEqualTo(7);
        assertThat(r.activity(Activity.MXM_FP16_PASSES)).isZero();
        assertThat(r.activity(Activity.MXM_DRAIN_PLANES)).isEqualTo(7 * 4);
        assertThat(r.activity(Activity.SRAM_READ_VECTORS)).isEqualTo(16 * 20 + 7);
        long hops = 7L * at("mem.w27") + 7L * 4 * (LAST - at("mxm.w0.2"));
        for (int j = 0; j < 16; j++) {
            hops += 20L * at("mem.w" + (43 - j));
        }
        assertThat(r.activity(Activity.STREAM_PLANE_HOPS)).isEqualTo(hops);
    }

    @Test
    void aSentVectorCountsOnceOnTheLinkAndItsReceivedPlaneRidesFromTheReceivingSlice() {
        SimResult r = SystemSimulator.run(LinkTest.NODE, Programs.asm(LinkTest.ONE_VECTOR), SimOptions.timingOnly(),
                new SystemSimulator.Parallelism(1, false));
        assertThat(r.activity(0, Activity.LINK_VECTORS)).isEqualTo(1);
        assertThat(r.activity(1, Activity.LINK_VECTORS)).isZero();
        assertThat(r.activity(0, Activity.SRAM_READ_VECTORS)).isEqualTo(1);
        assertThat(r.activity(1, Activity.SRAM_WRITE_VECTORS)).isEqualTo(1);
        assertThat(r.activity(1, Activity.STREAM_PLANE_HOPS)).isEqualTo(LAST - at("sxm.w0.0"));
    }

    @Test
    void aRepeatedReadCountsEveryIssueAndAFourByteOpCountsFourPlanes() {
        String text = """
                .region a, mem.w1+mem.w2+mem.w3+mem.w4, 0, f32, 320
                .region c, mem.w5, 0, i8, 320
                .queue mem.w5
                @0 read e9, c
                @1 repeat 3, 2
                .queue mem.w4
                @0 read e3, a
                .queue mem.w3
                @1 read e2, a
                .queue mem.w2
                @2 read e1, a
                .queue mem.w1
                @3 read e0, a
                .queue vxm.0
                @7 vadd.f32 e4, e0, e0
                """;
        SimResult r = Programs.timing(text);
        // the read and its 3 repeats, and the 4 planes of a
        assertThat(r.activity(Activity.SRAM_READ_VECTORS)).isEqualTo(4 + 4);
        assertThat(r.activity(Activity.VXM_PLANE_OPS)).isEqualTo(4);
        long hops = 4L * (LAST - at("mem.w5")) + 4L * (LAST - at("vxm.0"));
        for (int i = 1; i <= 4; i++) {
            hops += LAST - at("mem.w" + i);
        }
        assertThat(r.activity(Activity.STREAM_PLANE_HOPS)).isEqualTo(hops);
    }
}
