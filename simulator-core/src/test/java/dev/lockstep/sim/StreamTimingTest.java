// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static dev.lockstep.sim.Programs.functional;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exact-cycle specifications of the stream model with the tsp-v1 defaults: stream_hop_cycles 1,
 * mem_read_latency_cycles 2, vxm_int_latency_cycles 2, mem_write_latency_cycles 1. mem.w5 is at position 40,
 * the VXM at 46, mem.e5 at 52.
 */
class StreamTimingTest {
    private static String readThenMove(long moveCycle) {
        return """
                .data x, mem.w5, 0, i8, [7, 8, 9]
                .queue mem.w5
                @10 read e3, x
                .queue vxm.0
                @%d vmov.i8 e3, e3
                """.formatted(moveCycle);
    }

    @Test
    void aReadAtCycle10IsOnEastStream3AtTheVxmAtCycle18() {
        // produced at position 40 at 10 + 2 = 12; six hops east to position 46: 12 + 6 = 18
        SimResult r = functional(readThenMove(18));
        assertThat(r.instructions()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(longs = {17, 19})
    void oneCycleEarlierOrLaterTheVxmFindsNothingOnTheStream(long cycle) {
        assertThatThrownBy(() -> functional(readThenMove(cycle)))
                .isInstanceOf(HazardException.class)
                .satisfies(e -> {
                    HazardException h = (HazardException) e;
                    assertThat(h.kind()).isEqualTo(HazardKind.STREAM_EMPTY);
                    assertThat(h.cycle()).isEqualTo(cycle);
                    assertThat(h.queue()).isEqualTo("vxm.0");
                    assertThat(h.detail()).startsWith("reads stream e3 at position 46 (vxm) at cycle " + cycle);
                });
    }

    @Test
    void aVectorCrossesTheChipEastToWestAndIsWrittenWhereItArrives() {
        // read on mem.e5 (52) at 0 onto w1: at 52 at cycle 2, at mem.w5 (40) at 2 + 12 = 14; write samples at 14;
        // the second vector follows one cycle behind: sampled at 15, committed at 16, the program's last event
        SimResult r = functional("""
                .data x, mem.e5, 0, i16, [1000, -2, 3]
                .region y, mem.w5, 100, i8, 320
                .queue mem.e5
                @0 read w1, x, 2
                .queue mem.w5
                @14 write 100, w1, 2
                """);
        assertThat(r.cycles()).isEqualTo(17);
        double[] y = r.region(0, "y").orElseThrow();
        assertThat(new double[] {y[0], y[1], y[2]}).containsExactly((byte) (1000 & 0xFF), (byte) 0xFE, 3);
    }

    @Test
    void aReadLongerThanTheWordsItCountsAtOnceCrossesWordForWord() {
        // 150 words, more than ChipSimulator.READ_AHEAD: word k is at mem.e5 (52) at 2 + k, at mem.w5 (40) at
        // 14 + k, written there at 14 + k and committed at 15 + k; the last commit, at 164, is the last event
        String program = """
                .data x, mem.e5, 0, i8, [1]
                .data z, mem.e5, 100, i8, [5]
                .region y, mem.w5, 100, i8, 48000
                .queue mem.e5
                @0 read w1, x, 150
                .queue mem.w5
                @14 write 100, w1, 150
                """;
        SimResult r = functional(program);
        assertThat(r.cycles()).isEqualTo(165);
        double[] y = r.region(0, "y").orElseThrow();
        assertThat(new double[] {y[0], y[1], y[100 * 320], y[149 * 320]}).containsExactly(1, 0, 5, 0);
        assertThat(ChipSimulator.READ_AHEAD).isLessThan(150);
        SimResult t = Programs.timing(program);
        assertThat(t.cycles()).isEqualTo(165);
        assertThat(t.traceHash()).isEqualTo(r.traceHash());
    }

    @Test
    void aLaterProducerOverwritesTheStreamFromItsPositionOn() {
        // mem.w5 (40) puts 7 on e0 at cycle 2; on that diagonal mem.w3 (42) is reached at 4 and mem.w2 (43) at 5,
        // where mem.w2 puts its own 9 on e0 (read at 3, latency 2): from position 43 on, the stream carries 9, so
        // mem.w0 (45) sees 9 at cycle 7 while mem.w3 saw 7.
        SimResult r = functional("""
                .data a, mem.w5, 0, i8, [7]
                .data b, mem.w2, 0, i8, [9]
                .region before, mem.w3, 10, i8, 1
                .region after, mem.w0, 10, i8, 1
                .queue mem.w5
                @0 read e0, a
                .queue mem.w2
                @3 read e0, b
                .queue mem.w3
                @4 write before, e0
                .queue mem.w0
                @7 write after, e0
                """);
        assertThat(r.region(0, "before").orElseThrow()[0]).isEqualTo(7);
        assertThat(r.region(0, "after").orElseThrow()[0]).isEqualTo(9);
    }

    @Test
    void twoProducersOnOneStreamAtOnePositionInOneCycleConflict() {
        assertThatThrownBy(() -> functional("""
                .data a, mem.w5, 0, i8, [1]
                .queue mem.w5
                @0 read e0, a, 2, 0
                .queue vxm.1
                @8 vmov.i8 e5, e0
                .queue vxm.2
                @8 vmov.i8 e5, e0
                """)).isInstanceOf(HazardException.class)
                .satisfies(e -> {
                    HazardException h = (HazardException) e;
                    assertThat(h.kind()).isEqualTo(HazardKind.STREAM_CONFLICT);
                    assertThat(h.cycle()).isEqualTo(10);
                    assertThat(h.queue()).isEqualTo("vxm.2");
                });
    }

    private static String writeThenReadBack(long readCycle) {
        // mem.w5 (40) reads 42 onto westward w0 at 0: at 40 at cycle 2, at mem.w6 (39) at 3, where it is written.
        // mem.w6 reads the word back at readCycle onto w1: at 39 at readCycle + 2, at mem.w7 (38) one cycle later.
        return """
                .data a, mem.w5, 0, i8, [42]
                .region copy, mem.w6, 20, i8, 1
                .region again, mem.w7, 0, i8, 1
                .queue mem.w5
                @0 read w0, a
                .queue mem.w6
                @3 write copy, w0
                @%d read w1, copy
                .queue mem.w7
                @%d write again, w1
                """.formatted(readCycle, readCycle + 3);
    }

    @Test
    void aWriteIsVisibleToAReadOfTheSameAddressAfterTheWriteLatency() {
        SimResult r = functional(writeThenReadBack(4));
        assertThat(r.region(0, "again").orElseThrow()[0]).isEqualTo(42);
    }

    @Test
    void withALongerWriteLatencyTheSameReadSeesTheOldWord() {
        String json = dev.lockstep.isa.chip.ChipSpecs.toJson(Programs.TSP)
                .replace("\"mem_write_latency_cycles\" : 1", "\"mem_write_latency_cycles\" : 2");
        var slow = dev.lockstep.isa.chip.ChipSpecs.parse("slow.json", json.getBytes());
        var program = new dev.lockstep.isa.asm.Assembler(slow).assemble("t.lsa", writeThenReadBack(4), null);
        SimResult early = Simulator.run(slow, program, SimOptions.functional());
        assertThat(early.region(0, "again").orElseThrow()[0]).isEqualTo(0);
        var later = new dev.lockstep.isa.asm.Assembler(slow).assemble("t.lsa", writeThenReadBack(5), null);
        assertThat(Simulator.run(slow, later, SimOptions.functional()).region(0, "again").orElseThrow()[0])
                .isEqualTo(42);
    }
}
