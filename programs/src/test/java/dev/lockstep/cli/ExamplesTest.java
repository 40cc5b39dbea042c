// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.isa.asm.Assembler;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.ChipSpecs;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.Simulator;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The example programs run on the simulator and give the values their comments promise, computed here anew. */
class ExamplesTest {
    private static final ChipSpec TSP = ChipSpecs.tspV1();

    private static SimResult run(String example) {
        return Simulator.run(TSP, new Assembler(TSP).assemble(Path.of("asm", example)), SimOptions.functional());
    }

    @Test
    void vectorAddGivesTheSumOfItsInputs() {
        SimResult r = run("vector-add.lsa");
        double[] sum = r.region(0, "sum").orElseThrow();
        for (int i = 0; i < 320; i++) {
            assertThat(sum[i]).as("sum[%d]", i).isEqualTo((i % 32) * 0.5 + (i / 32) * 0.25);
        }
        assertThat(r.cycles()).as("the last write commits at cycle 15").isEqualTo(16);
    }

    @Test
    void gemvTileGivesXTimesW() {
        SimResult r = run("gemv-tile.lsa");
        double[] y = r.region(0, "y").orElseThrow();
        for (int n = 0; n < 320; n++) {
            double expected = 0;
            for (int k = 0; k < 160; k++) {
                double w = k % 2 == 0 ? 1 : n / 64.0;
                expected += (k % 8) * 0.125 * w;
            }
            assertThat(y[n]).as("y[%d]", n).isEqualTo(expected);
        }
    }

    @Test
    void transposeSwapsStreamsAndLanesInEverySuperlane() {
        SimResult r = run("transpose.lsa");
        for (int i = 0; i < 16; i++) {
            double[] out = r.region(0, "out" + i).orElseThrow();
            for (int g = 0; g < 20; g++) {
                for (int j = 0; j < 16; j++) {
                    assertThat(out[16 * g + j]).as("out%d lane %d", i, 16 * g + j).isEqualTo((byte) (16 * j + i));
                }
            }
        }
    }
}
