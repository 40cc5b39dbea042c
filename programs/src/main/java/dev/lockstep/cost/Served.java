// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cost;

import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.run.DecodeReport;
import java.util.BitSet;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a system serves, as a cost needs it: from a decode run ({@link #of}) or from a run's JSON report.
 *
 * @param what                    a line naming the run
 * @param chip                    the chip description's name
 * @param chips                   chips bought: every chip of each server (node) the run used a chip of
 * @param slots                   sequences in flight (batch x pipelines)
 * @param tokensPerSecondPerUser  each sequence's decode rate
 * @param timeToFirstTokenSeconds a prompt's prefill time, if the run simulated one
 * @param promptTokens            that prompt's length (0 if none)
 * @param simulatedSystemKw       the system's power from the energy model, hosts included, if known
 */
public record Served(String what, String chip, int chips, int slots, double tokensPerSecondPerUser,
                     Optional<Double> timeToFirstTokenSeconds, int promptTokens, OptionalDouble simulatedSystemKw) {
    public Served {
        if (chips < 1 || slots < 1 || !(tokensPerSecondPerUser > 0)) {
            throw new IllegalArgumentException("served: chips " + chips + ", slots " + slots + ", rate "
                    + tokensPerSecondPerUser);
        }
    }

    /** A decode run's figures and its power from {@code model}. */
    public static Served of(DecodeReport rep, Power power) {
        return new Served(rep.request().title() + " on " + rep.chipsUsed() + " chips of " + rep.request().system()
                .name(), rep.request().system().chip().name(), chipsBought(rep),
                rep.request().batch() * rep.request().pipelines(),
                rep.tokensPerSecondPerUser(), rep.timeToFirstTokenSeconds(),
                rep.prefill().map(p -> p.timing().promptTokens()).orElse(0), OptionalDouble.of(power.systemKw()));
    }

    /**
     * The chips of every node (server) in which the run used a chip: a pipeline's chips follow the system's wiring,
     * so N chips may touch more than N / 8 servers, and a server's idle chips are bought and powered too.
     */
    public static int chipsBought(DecodeReport rep) {
        int perNode = rep.request().system().chipsPerNode();
        BitSet nodes = new BitSet();
        for (int c : rep.sim().chipIds()) {
            if (rep.sim().instructions(c) > 0) {
                nodes.set(c / perNode);
            }
        }
        return nodes.cardinality() * perNode;
    }

    /**
     * A decode run's power. Its program is batch + 1 tokens of each pipeline (every sequence's next token, and the
     * first sequence's second, docs/model.md), each through every chip of its pipeline; in the steady state a chip
     * makes batch tokens every cycles-per-token, so the program's work is (batch + 1) / batch of those periods.
     */
    public static Power power(DecodeReport rep, EnergyModel model) {
        ChipSpec chip = rep.request().system().chip();
        int batch = rep.request().batch();
        double workSeconds = (batch + 1.0) / batch * rep.cyclesPerToken() / rep.clockHz();
        return Power.of(model, chip, rep.sim(), chipsBought(rep), rep.request().system().chipsPerNode(),
                workSeconds, rep.tokensPerSecondTotal());
    }
}
