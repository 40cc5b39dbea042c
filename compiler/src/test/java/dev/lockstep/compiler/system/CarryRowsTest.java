// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.program.Region;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.sim.SimResult;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Rows carried at once between chips of a node ({@link Collectives#carryRows}), a broadcast's and a reduction's:
 * each read where it lies and written at its place as it passes on the receive lane's stream. Simulated in
 * functional mode: every value arrives bit for bit by the predicted cycle (the simulator checks every stream and
 * queue rule: a write that met another in a slice's queue would be a hazard).
 */
class CarryRowsTest {
    private static final SystemSpec NODE = SystemSpecs.preset("node-8");
    private static final int VECTORS = 13;

    /** A 13-vector f32 row from chip 0 to chips 1, 2 and 3 at once, landing in a different place on each. */
    @Test
    void aBroadcastsRowArrivesBitForBitOnEveryChip() {
        SystemBuild b = new SystemBuild(NODE);
        SplittableRandom r = new SplittableRandom(3);
        Placed src = placed(b, 0, new int[] {70, 71, 72, 73}, r, true);
        List<Collectives.RowFlow> flows = new ArrayList<>();
        List<Placed> targets = new ArrayList<>();
        for (int c = 1; c <= 3; c++) {
            Placed t = placed(b, c, new int[] {20 + c, 30 + c, 40 + c, 50 + c}, r, false, "c" + c + "v");
            targets.add(t);
            flows.add(new Collectives.RowFlow(0, c, src.words(), t.words()));
        }
        long end = new Collectives(b).carryRows(flows, 100);
        SimResult sim = Simulated.exactly(b, 2, end);
        for (int c = 1; c <= 3; c++) {
            for (int v = 0; v < VECTORS; v++) {
                assertThat(sim.region(c, "c" + c + "v" + v).orElseThrow()).as("chip %d, vector %d", c, v)
                        .containsExactly(src.values()[v]);
            }
        }
        assertThat(b.exchanges()).as("one exchange: every flow at once").isEqualTo(1);
    }

    /**
     * Chips 1 to 3's rows to chip 0 at once, each on its own receive lane, written at three places there that share
     * their 4 slices.
     */
    @Test
    void aReductionsRowsArriveBitForBitOnTheRoot() {
        SystemBuild b = new SystemBuild(NODE);
        SplittableRandom r = new SplittableRandom(5);
        List<Collectives.RowFlow> flows = new ArrayList<>();
        List<Placed> sources = new ArrayList<>();
        for (int c = 1; c <= 3; c++) {
            Placed s = placed(b, c, new int[] {60 + c, 64 + c, 68 + c, 72 + c}, r, true);
            sources.add(s);
            Placed t = placed(b, 0, new int[] {40, 41, 42, 43}, r, false, "c" + c + "v");
            flows.add(new Collectives.RowFlow(c, 0, s.words(), t.words()));
        }
        long end = new Collectives(b).carryRows(flows, 0);
        // each word written at its place as it passes on its lane's stream; the three rows' places share slices, so
        // flows whose writes would meet in a slice's queue go a cycle or more apart
        SimResult sim = Simulated.exactly(b, 1, end);
        for (int c = 1; c <= 3; c++) {
            for (int v = 0; v < VECTORS; v++) {
                assertThat(sim.region(0, "c" + c + "v" + v).orElseThrow()).as("chip %d's vector %d", c, v)
                        .containsExactly(sources.get(c - 1).values()[v]);
            }
        }
    }

    /** A row of 40 vectors (160 words: more than a staging buffer) to two chips, in two rounds. */
    @Test
    void aRowLongerThanAStagingBufferGoesInRounds() {
        SystemBuild b = new SystemBuild(NODE);
        SplittableRandom r = new SplittableRandom(7);
        Placed src = placed(b, 0, new int[] {70, 71, 72, 73}, r, true, "", 40);
        List<Collectives.RowFlow> flows = new ArrayList<>();
        for (int c = 1; c <= 2; c++) {
            Placed t = placed(b, c, new int[] {20 + c, 30 + c, 40 + c, 50 + c}, r, false, "c" + c + "v", 40);
            flows.add(new Collectives.RowFlow(0, c, src.words(), t.words()));
        }
        long end = new Collectives(b).carryRows(flows, 0);
        assertThat(b.exchanges()).as("a round per staging buffer's words").isEqualTo(2);
        SimResult sim = Simulated.exactly(b, 2, end);
        for (int c = 1; c <= 2; c++) {
            for (int v = 0; v < 40; v++) {
                assertThat(sim.region(c, "c" + c + "v" + v).orElseThrow()).as("chip %d, vector %d", c, v)
                        .containsExactly(src.values()[v]);
            }
        }
    }

    @Test
    void rowsCarriedAtOnceGoOverDirectLinks() {
        SystemBuild b = new SystemBuild(SystemSpecs.preset("rack-72"));
        List<Moves.Word> one = List.of(new Moves.Word(30, 0));
        assertThatThrownBy(() -> new Collectives(b).carryRows(List.of(new Collectives.RowFlow(0, 20, one, one)), 0))
                .hasMessageContaining("share no link");
        assertThatThrownBy(() -> new Collectives.RowFlow(1, 1, one, one)).hasMessageContaining("between two chips");
    }

    /** A row's words where it lies, and (a source's) its values. */
    private record Placed(List<Moves.Word> words, double[][] values) {
    }

    private static Placed placed(SystemBuild b, int chip, int[] slices, SplittableRandom r, boolean source) {
        return placed(b, chip, slices, r, source, "");
    }

    /**
     * A 13-vector f32 row taken on {@code chip} in {@code slices}: with random values as initial data (a source), or
     * named {@code <name><vector>} (a target).
     */
    private static Placed placed(SystemBuild b, int chip, int[] slices, SplittableRandom r, boolean source,
                                 String name) {
        return placed(b, chip, slices, r, source, name, VECTORS);
    }

    /** As {@link #placed(SystemBuild, int, int[], SplittableRandom, boolean, String)}, a row of {@code vectors}. */
    private static Placed placed(SystemBuild b, int chip, int[] slices, SplittableRandom r, boolean source,
                                 String name, int vectors) {
        int lanes = NODE.chip().vectorBytes();
        int at = b.chip(chip).takeWords(slices, vectors);
        List<Moves.Word> words = new ArrayList<>();
        double[][] values = new double[vectors][];
        for (int v = 0; v < vectors; v++) {
            for (int p = 0; p < 4; p++) {
                words.add(new Moves.Word(slices[p], at + v));
            }
            if (source) {
                values[v] = SendRowTest.randomF32(b, chip, slices, at + v, r);
            } else {
                b.chip(chip).addRegion(new Region(name + v, List.of(slices[0], slices[1], slices[2], slices[3]),
                        at + v, DataType.F32, lanes, false));
            }
        }
        return new Placed(words, values);
    }
}
