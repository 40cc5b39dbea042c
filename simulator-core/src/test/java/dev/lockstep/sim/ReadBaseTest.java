// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static dev.lockstep.sim.Programs.functional;
import static dev.lockstep.sim.Programs.timing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Reads at data-chosen addresses: {@code base} sets a slice's read base from a u16 lane of a stream, times a scale;
 * {@code readb} reads at base + addr. mem.w7 (position 38) and mem.w6 (39) put an index vector's low and high bytes
 * on e0 and e1 so that both pass mem.w5 (40) at cycle 4; mem.w5 holds words 0, 2, 4, 6 with values 10, 12, 14, 16
 * in lane 0; what readb puts on e2 at position 40 at issue + 2 is written by mem.w3 (42) two cycles later.
 */
class ReadBaseTest {
    /** Index lane 1 = {@code index}; base on mem.w5 at cycle 4 (lane 1, scale 2); readb at {@code readAt}. */
    private static String program(int index, int readAt) {
        return """
                .data lo, mem.w6+mem.w7, 0, i16, [0, %d]
                .data word0, mem.w5, 0, i8, [10]
                .data word2, mem.w5, 2, i8, [12]
                .data word4, mem.w5, 4, i8, [14]
                .data word6, mem.w5, 6, i8, [16]
                .region out, mem.w3, 10, i8, 1
                .queue mem.w6
                @1 read e0, lo
                .queue mem.w7
                @0 read e1, lo
                .queue mem.w5
                %s
                .queue mem.w3
                @%d write out, e2
                """.formatted(index, readAt < 4 ? "@%d readb e2, 0\n@4 base e0, 1, 2".formatted(readAt)
                : "@4 base e0, 1, 2\n@%d readb e2, 0".formatted(readAt), readAt + 4);
    }

    @Test
    void aReadbIssuedAfterTheBaseReadsAtTheChosenWord() {
        for (int index = 0; index < 4; index++) {
            SimResult r = functional(program(index, 5));
            assertThat(r.region(0, "out").orElseThrow()[0]).as("index %d", index).isEqualTo(10 + 2 * index);
        }
    }

    @Test
    void theScheduleIsTheSameWhateverTheIndex() {
        SimResult timing = timing(program(0, 5));
        for (int index = 0; index < 4; index++) {
            SimResult r = functional(program(index, 5));
            assertThat(r.cycles()).isEqualTo(timing.cycles());
            assertThat(r.traceHash()).isEqualTo(timing.traceHash());
        }
    }

    @Test
    void aReadbBeforeTheBaseReadsAtItsOwnAddress() {
        // the base at cycle 4 holds mem.w5's read path (occupancy 1) and its queue: readb at 3 sees base 0
        assertThat(functional(program(3, 3)).region(0, "out").orElseThrow()[0]).isEqualTo(10);
        assertThat(functional(program(3, 5)).region(0, "out").orElseThrow()[0]).isEqualTo(16);
    }

    @Test
    void aBasePastTheSliceIsCaughtInFunctionalMode() {
        String program = program(4100, 5);
        assertThatThrownBy(() -> functional(program)).isInstanceOf(HazardException.class)
                .satisfies(e -> assertThat(((HazardException) e).kind()).isEqualTo(HazardKind.ADDRESS_OUT_OF_RANGE))
                .hasMessageContaining("reads words 8200..8200 of mem.w5 (read base 8200)");
        assertThat(timing(program).instructions()).as("timing-only mode carries no addresses").isEqualTo(5);
    }
}
