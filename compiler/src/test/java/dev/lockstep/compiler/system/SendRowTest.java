// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.program.DataBlock;
import dev.lockstep.isa.program.Region;
import dev.lockstep.isa.program.VectorLayout;
import dev.lockstep.isa.semantics.Lanes;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.sim.SimResult;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A row carried between chips with its values ({@link Collectives#sendRow}): its words read where they lie on the
 * sender (slices far from the SXM as well as near), sent over one path or several, in one round or more, written at
 * the row's place on the receiver as they pass on the receive lanes' streams. Simulated in functional mode: every
 * value arrives bit for bit, at the predicted cycle.
 */
class SendRowTest {
    private static final SystemSpec NODE = SystemSpecs.preset("node-8");
    private static final int[] NEAR = {20, 21, 22, 23};
    private static final int[] FAR = {70, 71, 72, 73};

    /** A row of 3 f32 vectors (12 words: one path) from the far hemisphere into the near one. */
    @Test
    void aShortRowArrivesBitForBit() {
        carry(3, FAR, NEAR, 1, 2, 5);
    }

    /** A row of 60 f32 vectors (240 words: more than one staging buffer, so over several paths at once). */
    @Test
    void aLongRowOverSeveralPathsArrivesBitForBit() {
        carry(60, NEAR, FAR, 0, 7, 9);
    }

    /** A row of 240 f32 vectors (960 words: more than 7 staging buffers, so in two rounds). */
    @Test
    void aRowLongerThanARoundGoesInRounds() {
        carry(240, FAR, NEAR, 3, 4, 13);
    }

    @Test
    void aRowIsCarriedBetweenTwoChips() {
        SystemBuild b = new SystemBuild(NODE);
        List<Moves.Word> one = List.of(new Moves.Word(30, 0));
        assertThatThrownBy(() -> new Collectives(b).sendRow(1, 1, one, one, 0))
                .hasMessageContaining("between two chips");
    }

    /**
     * An f32 vector of random values in -100..100 put on chip {@code chip} at {@code address} of {@code slices} (its 4
     * byte planes) as initial data; its values, as f32 holds them.
     */
    static double[] randomF32(SystemBuild b, int chip, int[] slices, int address, SplittableRandom r) {
        int lanes = b.chip().vectorBytes();
        double[] values = r.doubles(lanes, -100, 100).toArray();
        long[] bits = new long[lanes];
        for (int l = 0; l < lanes; l++) {
            bits[l] = Lanes.roundBits(DataType.F32, values[l]);
            values[l] = Float.intBitsToFloat((int) bits[l]);
        }
        byte[][] planes = VectorLayout.planes(DataType.F32, bits, lanes);
        for (int p = 0; p < 4; p++) {
            b.chip(chip).addData(new DataBlock(slices[p], address, planes[p]));
        }
        return values;
    }

    private static void carry(int vectors, int[] fromSlices, int[] toSlices, int from, int to, long seed) {
        SystemBuild b = new SystemBuild(NODE);
        SplittableRandom r = new SplittableRandom(seed);
        int lanes = NODE.chip().vectorBytes();
        int at = b.chip(from).takeWords(fromSlices, vectors);
        int into = b.chip(to).takeWords(toSlices, vectors);
        List<Moves.Word> source = new ArrayList<>();
        List<Moves.Word> target = new ArrayList<>();
        double[][] values = new double[vectors][];
        for (int v = 0; v < vectors; v++) {
            values[v] = randomF32(b, from, fromSlices, at + v, r);
            for (int p = 0; p < 4; p++) {
                source.add(new Moves.Word(fromSlices[p], at + v));
                target.add(new Moves.Word(toSlices[p], into + v));
            }
            b.chip(to).addRegion(new Region("v" + v, List.of(toSlices[0], toSlices[1], toSlices[2], toSlices[3]),
                    into + v, DataType.F32, lanes, false));
        }
        long end = new Collectives(b).sendRow(from, to, source, target, 100);
        SimResult sim = Simulated.exactly(b, 2, end);
        for (int v = 0; v < vectors; v++) {
            assertThat(sim.region(to, "v" + v).orElseThrow()).as("vector %d", v).containsExactly(values[v]);
        }
    }
}
