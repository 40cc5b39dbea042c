// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.program.Region;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.sim.SimResult;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A copy of SRAM words on one chip ({@link Moves#copy}) on several streams at once, each word at the first cycle its
 * slices allow: three rows of 13 f32 vectors (156 words) from three sets of slices into one, simulated in functional
 * mode, every value where it was sent, in fewer cycles than one stream's word a cycle would take.
 */
class MovesTest {
    @Test
    void threeRowsCopiedIntoOnePlaceArriveOnSeveralStreams() {
        SystemBuild b = new SystemBuild(SystemSpecs.preset("node-8"));
        SplittableRandom r = new SplittableRandom(11);
        int vectors = 13;
        int into = b.chip(0).takeWords(new int[] {20, 21, 22, 23}, 3 * vectors);
        List<Moves.Word> from = new ArrayList<>();
        List<Moves.Word> to = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (int row = 0; row < 3; row++) {
            int[] slices = {60 + 4 * row, 61 + 4 * row, 62 + 4 * row, 63 + 4 * row};
            int at = b.chip(0).takeWords(slices, vectors);
            for (int v = 0; v < vectors; v++) {
                values.add(SendRowTest.randomF32(b, 0, slices, at + v, r));
                int target = into + row * vectors + v;
                for (int p = 0; p < 4; p++) {
                    from.add(new Moves.Word(slices[p], at + v));
                    to.add(new Moves.Word(20 + p, target));
                }
                b.chip(0).addRegion(new Region("r" + row + "v" + v, List.of(20, 21, 22, 23), target, DataType.F32,
                        b.chip().vectorBytes(), false));
            }
        }
        long end = Moves.copy(b, 0, from, to, 0);
        assertThat(end).as("156 words: a word a cycle on one stream would take 156 cycles and the latency")
                .isLessThan(from.size());
        SimResult sim = Simulated.exactly(b, 1, end);
        for (int row = 0; row < 3; row++) {
            for (int v = 0; v < vectors; v++) {
                assertThat(sim.region(0, "r" + row + "v" + v).orElseThrow()).as("row %d, vector %d", row, v)
                        .containsExactly(values.get(row * vectors + v));
            }
        }
    }
}
