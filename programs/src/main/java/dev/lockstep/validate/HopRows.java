// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.validate;

import dev.lockstep.compiler.system.HopFigures;
import dev.lockstep.isa.system.LinkKind;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.run.Verified;
import dev.lockstep.sim.SimOptions;
import dev.lockstep.sim.SystemSimulator;

/**
 * The link and hop figures of ISCA 2022 (docs/model.md, "Hops"): the link latency as the system states it, and the
 * three end-to-end figures built by {@link HopFigures}, each simulated (timing-only) to the cycle the compiler said.
 */
final class HopRows {
    private HopRows() {
    }

    static Row linkLatency(SystemSpec node) {
        long l = node.latencyCycles(LinkKind.LOCAL);
        return Row.of(Published.LINK_LATENCY, l, l + " cycles", node.name() + "'s in-node links (latency_cycles.local;"
                + " tsp-v1's links.latency_cycles " + node.chip().links().latencyCycles() + "), the measured mean "
                + "taken as exact: its jitter (209..228) is not modelled");
    }

    static Row oneHop(SystemSpec node) {
        long cycles = simulated(node, HopFigures.oneHop(node), "one hop");
        double ns = cycles * 1e9 / node.chip().clockHz();
        return Row.of(Published.ONE_HOP, ns, String.format("%.0f ns (%d cycles)", ns, cycles), "chip 0 to 1 of "
                + node.name() + ", simulated; c2c_receive_end_cycles was set so that this comes out at 650 cycles");
    }

    static Row allReduce(SystemSpec rack) {
        long cycles = simulated(rack, HopFigures.allReduceAcrossAllNodes(rack), "the all-reduce");
        double us = cycles * 1e6 / rack.chip().clockHz();
        return Row.of(Published.ALL_REDUCE_256, us, String.format("%.2f us (%d cycles)", us, cycles), "one int8 "
                + "vector per chip of " + rack.name() + " (" + rack.chips() + " chips), three hops each landing for "
                + "a sum, simulated; the paper's figure is 3 x 722 ns with nothing added, ours adds the sums and the "
                + "lanes' extra stream hops");
    }

    static Row farHops(SystemSpec largest) {
        HopFigures.Built b = HopFigures.farHops(largest);
        long cycles = simulated(largest, b, "the 5-hop route");
        double us = cycles * 1e6 / largest.chip().clockHz();
        return Row.of(Published.FIVE_HOPS, us, String.format("%.2f us (%d cycles)", us, cycles), "chip 0 to chip "
                + b.to() + " of " + largest.name() + " (its diameter; the published system has 10,440 chips), "
                + "forwarded by 4 chips, simulated; rests on the unpublished c2c_forward_cycles");
    }

    private static long simulated(SystemSpec system, HopFigures.Built b, String what) {
        return Verified.simulate(system, b.build().toProgram(), SimOptions.timingOnly(),
                new SystemSimulator.Parallelism(1, true), b.endCycle(), what).cycles();
    }
}
