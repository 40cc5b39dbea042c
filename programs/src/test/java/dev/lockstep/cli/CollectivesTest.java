// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.CompiledKernel;
import dev.lockstep.compiler.system.Collectives;
import dev.lockstep.compiler.system.Exchange;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SimResult;
import dev.lockstep.sim.SystemSimulator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compiled link transfers and collectives on node-8, simulated: the cycle counts equal the formulas derived from
 * {@link Exchange}'s lane timing. With R the read latency, P the port latency, L the link latency and V the link
 * vector time, a flow of n words on send lane k (its staging slice k + 1 hops from the SXM) ends when its receive
 * side is free: t0 + R + (1 + k) + P + L + V n.
 */
class CollectivesTest {
    static final SystemSpec NODE = SystemSpecs.preset("node-8");
    static final long R = NODE.chip().timing().cycles(TimingParam.MEM_READ_LATENCY_CYCLES);
    static final long P = NODE.chip().timing().cycles(TimingParam.C2C_PORT_LATENCY_CYCLES);
    static final long L = NODE.chip().links().latencyCycles();
    static final long V = NODE.vectorCycles();

    static SimResult simulate(SystemBuild b, int threads) {
        Program p = b.toProgram();
        return SystemSimulator.run(NODE, p, SimOptions.timingOnly(), new SystemSimulator.Parallelism(threads, true));
    }

    @Test
    void twoChipTransferTakesTheFlowFormula() {
        SystemBuild b = new SystemBuild(NODE);
        long end = Exchange.run(b, List.of(new Exchange.Flow(0, 1, 26)), 100);
        assertThat(end).isEqualTo(100 + R + 1 + P + L + V * 26);
        SimResult r = simulate(b, 1);
        assertThat(r.cycles()).isEqualTo(end);
        assertThat(SystemSimulator.run(NODE, b.toProgram(), SimOptions.functional(),
                new SystemSimulator.Parallelism(2, false)).cycles()).isEqualTo(end);
    }

    /**
     * All-reduce of 13 f32 vectors (a 4096-value row) over the 8 chips of a node. Segments of 2, 2, 2, 2, 2, 1, 1,
     * 1 vectors (8 or 4 words). Reduce-scatter: the longest flow carries 8 words on send lane 4 (chips 5..7
     * sending to chip 4 skip no lane before it): R + P + L + (1 + 4) + 8 V. Then every chip sums its segment (S,
     * the compiler's cycles for 8 inputs of 2 vectors). All-gather: chips 0..4 send 8 words to 7 others on lanes
     * 0..6: R + P + L + (1 + 6) + 8 V.
     */
    @Test
    void eightChipAllReduceTakesItsFormula() {
        SystemBuild b = new SystemBuild(NODE);
        Collectives c = new Collectives(b);
        List<Integer> node = List.of(0, 1, 2, 3, 4, 5, 6, 7);
        long end = c.allReduce(node, 13, 0);
        CompiledKernel sum = new Collectives(new SystemBuild(NODE)).sumForTest(0, 8, 2);
        long formula = (R + P + L + 5 + 8 * V) + sum.predictedCycles() + (R + P + L + 7 + 8 * V);
        assertThat(end).isEqualTo(formula);
        assertThat(simulate(b, 1).cycles()).isEqualTo(formula);
        assertThat(simulate(b, 2).traceHash()).isEqualTo(simulate(b, 1).traceHash());
    }

    @Test
    void reduceThenBroadcastIsLongerThanTheAllReduceForTheSameRow() {
        SystemBuild b = new SystemBuild(NODE);
        Collectives c = new Collectives(b);
        List<Integer> node = List.of(0, 1, 2, 3, 4, 5, 6, 7);
        long reduced = c.reduce(0, node, 13, 0);
        long end = c.broadcast(0, node, 52, reduced);
        assertThat(simulate(b, 2).cycles()).isEqualTo(end);
        SystemBuild b2 = new SystemBuild(NODE);
        assertThat(new Collectives(b2).allReduce(node, 13, 0)).isLessThan(end);
    }
}
