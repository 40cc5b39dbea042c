// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.dataflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.compiler.vector.VectorGraph;
import dev.lockstep.compiler.vector.VectorKernels;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.sim.SimResult;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rows between chips keep their values when one sender's transfers follow each other faster than the receiver can
 * take them: chip 0 makes three rows while chip 1 is still busy with long work, and sends each as soon as it is
 * made. The staging buffers are reused by every transfer; a second row staged before the first was sent would
 * overwrite it (a bug this test caught in the functional run).
 */
class TransfersTest {
    private static final SystemSpec NODE = SystemSpecs.preset("node-8");

    @Test
    void rowsSentBackToBackToABusyChipArriveEachWithItsOwnValues() {
        SystemBuild b = new SystemBuild(NODE);
        ChipDataflow sender = new ChipDataflow(NODE.chip(), b.chip(0), 0);
        ChipDataflow receiver = new ChipDataflow(NODE.chip(), b.chip(1), 0);
        // keep chip 1 busy: a long chain of vector work
        double[] ones = new double[320];
        Arrays.fill(ones, 1);
        Row busy = receiver.vectors(s -> {
            List<VectorGraph.Ref> v = VectorKernels.row(s.graph(), ones, 0);
            var acc = v.get(0);
            for (int i = 0; i < 400; i++) {
                acc = s.graph().binary(Opcode.VADD, acc, v.get(0));
            }
            return List.of(new ChipDataflow.Out(List.of(acc), 320));
        }).get(0);
        long busyUntil = receiver.end();
        for (int k = 0; k < 3; k++) {
            double[] values = new double[320];
            for (int l = 0; l < 320; l++) {
                values[l] = 1000 * k + l;
            }
            Row made = sender.vectors(s -> List.of(new ChipDataflow.Out(VectorKernels.row(s.graph(), values, 0),
                    320))).get(0);
            Row got = Transfers.run(b, List.of(new Transfers.Transfer(sender, receiver, List.of(made)))).get(0)
                    .get(0);
            receiver.name("got" + k + "_", receiver.vectors(s -> List.of(new ChipDataflow.Out(s.row(got), 320)))
                    .get(0));
        }
        receiver.name("busy", busy);
        assertThat(sender.end()).as("the sender's own work is short").isLessThan(busyUntil + 10_000);
        SimResult r = Simulated.exactly(b, 2, Math.max(sender.end(), receiver.end()));
        for (int k = 0; k < 3; k++) {
            double[] v = r.region(1, "got" + k + "_0").orElseThrow();
            for (int l = 0; l < 320; l++) {
                assertThat(v[l]).as("row %d lane %d", k, l).isEqualTo(1000.0 * k + l);
            }
        }
        assertThat(r.region(1, "busy0").orElseThrow()[0]).isEqualTo(401.0);
    }
}
