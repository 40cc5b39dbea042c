// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.dataflow.ChipDataflow;
import dev.lockstep.compiler.dataflow.Row;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.compiler.testing.TestSystems;
import dev.lockstep.compiler.vector.VectorKernels;
import dev.lockstep.sim.SimResult;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The on-chip greedy choice breaks ties as the reference does (and as argmax does in PyTorch and NumPy): the
 * lowest index holding the largest logit, whether the tied maxima sit in one vector or in different ones, and
 * whatever the padding past the vocabulary.
 */
class GreedyTest {
    /** The token the chip's greedy choice picks from {@code logits}, simulated in exactly the predicted cycles. */
    private static int chosen(double[] logits) {
        SystemBuild b = new SystemBuild(TestSystems.ONE_CHIP);
        ChipDataflow f = new ChipDataflow(b.chip(), b.chip(0), 0);
        Row row = f.vectors(s -> List.of(new ChipDataflow.Out(VectorKernels.row(s.graph(), logits, 0),
                logits.length))).get(0);
        f.name("t", f.vectors(s -> List.of(new ChipDataflow.Out(List.of(LayerVectors.greedy(s, row,
                logits.length)), 1))).get(0));
        SimResult r = Simulated.exactly(b, 1, f.end());
        return (int) r.region(0, "t0").orElseThrow()[0];
    }

    @Test
    void theLowestIndexOfTheLargestLogitWins() {
        double[] v = new double[700];
        for (int i = 0; i < v.length; i++) {
            v[i] = -1 - (i % 7) * 0.01;
        }
        v[650] = 3;
        assertThat(chosen(v)).as("one maximum, in the last vector").isEqualTo(650);
        v[400] = 3;
        assertThat(chosen(v)).as("tied across the second and third vectors").isEqualTo(400);
        v[5] = 3;
        assertThat(chosen(v)).as("tied across three vectors").isEqualTo(5);
        v[2] = 3;
        assertThat(chosen(v)).as("tied within the first vector").isEqualTo(2);
        double[] negative = new double[650];
        Arrays.fill(negative, -5);
        negative[649] = -4;
        assertThat(chosen(negative)).as("all negative: the zero padding past the vocabulary must not win")
                .isEqualTo(649);
    }
}
