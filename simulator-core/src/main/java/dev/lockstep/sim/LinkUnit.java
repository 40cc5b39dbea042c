// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One chip's ends of its chip-to-chip links: the SEND and RECV trains, and (when the simulation delivers data)
 * one receive register per link. A SEND's vector i is sampled from its stream at issue + i x V (V =
 * link vector cycles) and reaches the far chip {@code c2c_port_latency_cycles} + the link kind's latency later; a
 * RECV's vector i is taken from the register at issue + i x V and appears on its stream
 * {@code c2c_port_latency_cycles} after that. The register holds one vector: it must be taken before the next
 * arrives, and by the end of the run.
 *
 * <p>Two ways to run. <b>Delivering</b> (functional multi-chip runs): vectors carry data, arrive as events and
 * every rule is checked as it happens. <b>Recording</b> (timing-only runs): a chip's timeline does not depend on
 * what arrives (the hardware has no interlocks), so sends and takes are only recorded here and
 * {@link LinkChecker} applies the same rules afterwards, over the whole system.
 */
final class LinkUnit {
    /** The instruction behind a link event, for messages. */
    record Who(int chip, String queue, int queueId, int index, String instruction) {
        HazardException hazard(HazardKind kind, int atChip, long cycle, String what) {
            return new HazardException(kind, atChip, cycle, queue, queueId, index, instruction, what);
        }
    }

    /** A vector a SEND sampled at {@code cycle} for {@code link}. */
    record Sent(int link, long cycle, byte[] data, Who who) {
    }

    /** A vector a RECV took from {@code link} at {@code cycle}. */
    record Taken(int link, long cycle, Who who) {
    }

    /** A vector in a receive register. */
    private record Arrival(long cycle, byte[] data, Who from, int fromChip) {
    }

    private final ChipSimulator sim;
    private final int chip;
    private final Topology topology;
    private final boolean deliver;
    private final long portLatency;
    private final long vectorCycles;
    private final Arrival[] register;
    private final List<SendTrain> active = new ArrayList<>();
    /** Sends since the last drain (delivering) or all sends (recording). */
    final List<Sent> sent = new ArrayList<>();
    /** All takes (recording only). */
    final List<Taken> taken = new ArrayList<>();

    /**
     * @param topology the system's wiring, or null when the chip runs alone (every link is unconnected)
     * @param deliver  true to carry data and check the rules as it runs; false to record
     */
    LinkUnit(ChipSimulator sim, int chip, Topology topology, boolean deliver) {
        this.sim = sim;
        this.chip = chip;
        this.topology = topology;
        this.deliver = deliver;
        this.portLatency = sim.chip().timing().cycles(TimingParam.C2C_PORT_LATENCY_CYCLES);
        this.vectorCycles = sim.chip().links().vectorCycles(sim.chip().vectorBytes(), sim.chip().clockHz());
        this.register = new Arrival[sim.chip().links().count()];
    }

    /** Cycles from sampling a vector on this chip's {@code link} to its arrival at the far chip. */
    long flightCycles(int link) {
        return portLatency + topology.latencyCycles(chip, link);
    }

    long portLatency() {
        return portLatency;
    }

    private void checkConnected(ChipSimulator.Issue is, int link) {
        if (topology == null) {
            throw sim.hazard(HazardKind.LINK_UNCONNECTED, is, is.cycle(), "link " + link + " goes nowhere: a "
                    + "single chip has no chip-to-chip links (simulate a system: --system PRESET|FILE)");
        }
        if (deliver && topology.farChip(chip, link) < 0) {
            throw unconnected(who(is), topology, chip, link, is.cycle());
        }
    }

    // ---------------------------------------------------------------- the rules' messages (both ways of running)

    static HazardException unconnected(Who who, Topology topology, int chip, int link, long cycle) {
        List<Integer> out = new ArrayList<>();
        for (int l = 0; l < topology.linksPerChip(); l++) {
            if (topology.farChip(chip, l) >= 0) {
                out.add(l);
            }
        }
        return who.hazard(HazardKind.LINK_UNCONNECTED, chip, cycle, "link " + link + " of chip " + chip
                + " is not connected in " + topology.system().name() + " (connected links: " + out + ")");
    }

    static HazardException nothingArrived(Who who, Topology topology, int chip, int link, long cycle) {
        return who.hazard(HazardKind.LINK_NOTHING_ARRIVED, chip, cycle, "takes a vector from link " + link
                + " at cycle " + cycle + ", but nothing from " + farEnd(topology, chip, link) + " is waiting there");
    }

    static HazardException overwritten(Who from, int fromChip, int chip, int link, long cycle, long waiting) {
        return from.hazard(HazardKind.LINK_OVERWRITTEN, fromChip, cycle, "the vector it sent to chip " + chip
                + " arrives on that chip's link " + link + " at cycle " + cycle + " while the vector that "
                + "arrived at cycle " + waiting + " still waits for a recv (a link holds one vector; "
                + "receive it before the next arrives)");
    }

    static HazardException neverReceived(Who from, int fromChip, int chip, int link, long cycle) {
        return from.hazard(HazardKind.LINK_NEVER_RECEIVED, fromChip, cycle, "the vector it sent arrived on link "
                + link + " of chip " + chip + " at cycle " + cycle + " and no recv took it before the program ended");
    }

    /** Who the far end of a link is, for messages. */
    static String farEnd(Topology topology, int chip, int link) {
        return topology == null || topology.farChip(chip, link) < 0 ? "nothing"
                : "chip " + topology.farChip(chip, link) + " (its link " + topology.farLink(chip, link) + ")";
    }

    String farEnd(int link) {
        return farEnd(topology, chip, link);
    }

    /** Orders hazards found on different chips: earliest cycle, then lowest chip, then kind. */
    static final Comparator<HazardException> FIRST = Comparator
            .comparingLong(HazardException::cycle).thenComparingInt(HazardException::chip)
            .thenComparing(HazardException::kind);

    void send(ChipSimulator.Issue is, int pos) {
        Instruction ins = is.ins();
        int link = (int) ins.operand("link");
        checkConnected(is, link);
        SendTrain t = new SendTrain(is, pos, link, ins.operand("src"), (int) ins.operand("count"));
        active.add(t);
        sim.schedule(t, is.cycle(), CyclePhase.CONSUME);
    }

    void recv(ChipSimulator.Issue is, int pos) {
        Instruction ins = is.ins();
        int link = (int) ins.operand("link");
        checkConnected(is, link);
        long dst = ins.operand("dst");
        Who who = who(is);
        int count = (int) ins.operand("count");
        for (int k = 0; k < count; k++) {
            long at = is.cycle() + k * vectorCycles;
            sim.at(at, CyclePhase.CONSUME, () -> {
                byte[] data = null;
                if (deliver) {
                    Arrival a = register[link];
                    if (a == null) {
                        throw nothingArrived(who, topology, chip, link, at);
                    }
                    register[link] = null;
                    data = a.data;
                } else {
                    taken.add(new Taken(link, at, who));
                }
                sim.produce(is, at + portLatency, pos, dst, 1, data == null ? null : new byte[][] {data});
            });
        }
    }

    private Who who(ChipSimulator.Issue is) {
        return new Who(chip, is.q().queueName(), is.q().queueId(), is.index(), sim.text(is.ins()));
    }

    /** Delivering: a vector from {@code fromChip} arrives on {@code link} at {@code cycle}. */
    void arrive(int link, long cycle, byte[] data, Who from, int fromChip) {
        sim.at(cycle, CyclePhase.COMMIT, () -> {
            Arrival waiting = register[link];
            if (waiting != null) {
                throw overwritten(from, fromChip, chip, link, cycle, waiting.cycle);
            }
            register[link] = new Arrival(cycle, data, from, fromChip);
        });
    }

    /** Delivering, at the end of the run: the first vector nobody took, as a hazard, or null. */
    HazardException unreceived() {
        HazardException first = null;
        for (int l = 0; l < register.length; l++) {
            Arrival a = register[l];
            if (a != null) {
                HazardException h = neverReceived(a.from, a.fromChip, chip, l, a.cycle);
                if (first == null || FIRST.compare(h, first) < 0) {
                    first = h;
                }
            }
        }
        return first;
    }

    /** The earliest cycle at which this chip could still sample a vector for a send already issued. */
    long nextActiveSample() {
        long m = Long.MAX_VALUE;
        for (SendTrain t : active) {
            m = Math.min(m, t.cycle);
        }
        return m;
    }

    /** A SEND as one event: samples vector k at issue + k x V. */
    private final class SendTrain extends ChipSimulator.Event {
        private final ChipSimulator.Issue is;
        private final int pos;
        private final int link;
        private final long src;
        private final int count;
        private final Who who;
        private int k;

        SendTrain(ChipSimulator.Issue is, int pos, int link, long src, int count) {
            this.is = is;
            this.pos = pos;
            this.link = link;
            this.src = src;
            this.count = count;
            this.who = who(is);
        }

        @Override
        void run() {
            byte[][] v = sim.sample(is, cycle, pos, src, 1);
            sent.add(new Sent(link, cycle, v == null ? null : v[0], who));
            if (++k < count) {
                sim.schedule(this, cycle + vectorCycles, CyclePhase.CONSUME);
            } else {
                active.remove(this);
            }
        }
    }

    static boolean isLink(Opcode op) {
        return op == Opcode.SEND || op == Opcode.RECV;
    }
}
