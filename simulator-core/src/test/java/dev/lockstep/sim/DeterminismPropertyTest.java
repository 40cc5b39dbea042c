// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.testing.RandomPrograms;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Determinism is the product: same inputs, same results, in both data modes, every time. */
class DeterminismPropertyTest {

    /** The outcome of one run: its numbers, or the hazard that stopped it. */
    private record Outcome(String what) {
        static Outcome of(Program p, SimOptions options) {
            try {
                SimResult r = Simulator.run(Programs.TSP, p, options);
                return new Outcome("cycles=" + r.cycles() + " instructions=" + r.instructions() + " hash="
                        + TraceHash.hex(r.traceHash()) + " sram=" + r.sramWordsInUse());
            } catch (HazardException h) {
                return new Outcome(h.kind() + " " + h.getMessage());
            }
        }
    }

    @Test
    void randomProgramsGiveTheSameOutcomeInBothModesAndTwiceInOneJvm() {
        qt().withFixedSeed(5150L).withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            Program p = new RandomPrograms(Programs.TSP, seed).program();
            Outcome functional = Outcome.of(p, SimOptions.functional());
            if (functional.what().startsWith(HazardKind.ADDRESS_OUT_OF_RANGE.name())) {
                return;
            }
            assertThat(Outcome.of(p, SimOptions.timingOnly())).isEqualTo(functional);
            assertThat(Outcome.of(p, SimOptions.functional())).isEqualTo(functional);
        });
    }

    private static final List<String> BINARY = List.of("vadd", "vsub", "vmul", "vmax", "vmin", "vcmplt");

    /**
     * A random hazard-free program: pipelines, 100 cycles apart, each reading two vectors of a random type from
     * random MEM slices (every byte plane in its own slice), so that they meet at the VXM, combining them with a
     * random binary op and writing the result where it arrives.
     */
    static String pipelines(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        DataType[] types = DataType.values();
        StringBuilder data = new StringBuilder();
        StringBuilder[] queues = new StringBuilder[144];
        int n = 1 + r.nextInt(6);
        for (int i = 0; i < n; i++) {
            DataType t = types[r.nextInt(types.length)];
            int w = t.bytes();
            String op = BINARY.get(r.nextInt(BINARY.size()));
            long meet = 100L * (i + 1);
            int stream = r.nextInt(32 - 3 * w);
            // sources: slices west (eastward streams) or east (westward) of the VXM, planes in consecutive slices
            String[] names = {"a" + i, "b" + i};
            int[] firstSlice = {r.nextInt(30 - w), r.nextInt(30 - w)};
            boolean[] west = {r.nextBoolean(), r.nextBoolean()};
            if (west[0] == west[1]) {
                firstSlice[1] = firstSlice[0] + w < 30 - w ? firstSlice[0] + w : firstSlice[0] - w;
                if (firstSlice[1] < 0) {
                    west[1] = !west[0];
                    firstSlice[1] = firstSlice[0];
                }
            }
            for (int s = 0; s < 2; s++) {
                StringBuilder slices = new StringBuilder();
                StringBuilder values = new StringBuilder("[");
                for (int p = 0; p < w; p++) {
                    slices.append(p == 0 ? "" : "+").append("mem.").append(west[s] ? "w" : "e").append(firstSlice[s] + p);
                }
                for (int l = 0; l < 320; l++) {
                    values.append(l == 0 ? "" : ", ").append(t.isFloating() ? Double.toString(r.nextDouble(-4, 4))
                            : Long.toString(r.nextLong(-100, 100)));
                }
                data.append(".data ").append(names[s]).append(", ").append(slices).append(", ").append(10 * i)
                        .append(", ").append(t.text()).append(", ").append(values).append("]\n");
                for (int p = 0; p < w; p++) {
                    int distance = firstSlice[s] + p + 1;
                    String dir = west[s] ? "e" : "w";
                    int q = queueId("mem." + (west[s] ? "w" : "e") + (firstSlice[s] + p));
                    append(queues, q, "@" + (meet - 2 - distance) + " read " + dir + (stream + s * w + p) + ", "
                            + names[s]);
                }
            }
            String a = (west[0] ? "e" : "w") + stream;
            String b = (west[1] ? "e" : "w") + (stream + w);
            int outStream = stream + 2 * w;
            append(queues, queueId("vxm." + r.nextInt(16)), "@" + meet + " " + op + "." + t.text() + " e" + outStream
                    + ", " + a + ", " + b);
            long produced = meet + (t.isFloating() ? 4 : 2);
            // result plane p travels east from the VXM (46) to mem.e(36 + p) at position 83 + p
            for (int p = 0; p < w; p++) {
                append(queues, queueId("mem.e" + (36 + p)), "@" + (produced + 37 + p) + " write "
                        + (100 + 10 * i) + ", e" + (outStream + p));
            }
        }
        StringBuilder out = new StringBuilder(data);
        for (int q = 0; q < queues.length; q++) {
            if (queues[q] != null) {
                out.append(".queue q").append(q).append('\n').append(queues[q]);
            }
        }
        return out.toString();
    }

    private static int queueId(String name) {
        return Programs.TSP.floorplan().queue(name).orElseThrow().id();
    }

    private static void append(StringBuilder[] queues, int q, String line) {
        if (queues[q] == null) {
            queues[q] = new StringBuilder();
        }
        queues[q].append(line).append('\n');
    }

    @Test
    void randomHazardFreePipelinesRunAndAgreeInBothModes() {
        qt().withFixedSeed(5151L).withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            Program p = Programs.asm(pipelines(seed));
            SimResult f = Simulator.run(Programs.TSP, p, SimOptions.functional());
            SimResult t = Simulator.run(Programs.TSP, p, SimOptions.timingOnly());
            assertThat(t.cycles()).isEqualTo(f.cycles());
            assertThat(t.instructions()).isEqualTo(f.instructions());
            assertThat(t.traceHash()).isEqualTo(f.traceHash());
            assertThat(Simulator.run(Programs.TSP, p, SimOptions.functional()).traceHash()).isEqualTo(f.traceHash());
        });
    }
}
