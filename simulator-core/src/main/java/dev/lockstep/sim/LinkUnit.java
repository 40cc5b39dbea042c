// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One chip's ends of its chip-to-chip links: the SEND, RECV and FWD trains, and (when the simulation delivers data)
 * one receive register per link. A SEND's vector i is sampled from its stream at issue + i x V (V = link vector
 * cycles, the serialisation of one frame) and has arrived whole at the far chip {@code c2c_send_end_cycles} + V +
 * the link kind's latency later; a RECV's vector i is taken from the register at issue + i x V and appears on its
 * stream {@code c2c_receive_end_cycles} after that; a FWD's vector i is taken from one link's register at issue +
 * i x V and has arrived whole at the far end of another link {@code c2c_forward_cycles} + V + that link's latency
 * later, without touching a stream (docs/model.md, "Hops"). The register holds one vector: it must be taken before
 * the next arrives, and by the end of the run.
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

        /** The same instruction {@code copies} periods later, its queue's index {@code step[queueId]} on each. */
        Who later(int copies, int[] step) {
            return new Who(chip, queue, queueId, index + copies * step[queueId], instruction);
        }
    }

    /**
     * A vector a SEND sampled (or a FWD took) at {@code cycle} for {@code link}; {@code lead} cycles later its frame
     * starts on the wire (the send end's or the forward's cycles).
     */
    record Sent(int link, long cycle, long lead, byte[] data, Who who) {
        /** The cycle the vector has arrived whole at the far end of a link of {@code latency} cycles. */
        long arrival(long vectorCycles, long latency) {
            return cycle + lead + vectorCycles + latency;
        }
    }

    /** A vector a RECV took from {@code link} at {@code cycle}. */
    record Taken(int link, long cycle, Who who) {
    }

    /** A vector in a receive register. */
    private record Arrival(long cycle, byte[] data, Who from, int fromChip) {
    }

    /** The chip's simulator while it runs; null once {@link #detach}ed. */
    private ChipSimulator sim;
    private final int chip;
    private final Topology topology;
    private final boolean deliver;
    private final long sendEnd;
    private final long receiveEnd;
    private final long forward;
    private final long vectorCycles;
    private final Arrival[] register;
    /**
     * Per link, the frames on (or headed for) the wire whose end is still ahead: {start, end, sample cycle}. A SEND
     * and a FWD reach the wire after different leads, so a later one can overtake an earlier one onto it.
     */
    private final List<List<long[]>> wire = new ArrayList<>();
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
        this.sendEnd = sim.chip().timing().cycles(TimingParam.C2C_SEND_END_CYCLES);
        this.receiveEnd = sim.chip().timing().cycles(TimingParam.C2C_RECEIVE_END_CYCLES);
        this.forward = sim.chip().timing().cycles(TimingParam.C2C_FORWARD_CYCLES);
        this.vectorCycles = sim.chip().links().vectorCycles(sim.chip().vectorBytes(), sim.chip().clockHz());
        this.register = new Arrival[sim.chip().links().count()];
        for (int l = 0; l < register.length; l++) {
            wire.add(new ArrayList<>());
        }
    }

    /**
     * Ends the run's part: lets go of the chip's simulator (its calendar, streams and units) and of what was in
     * flight, keeping the records, which a system's link check reads after every chip has run. Without this, a
     * recording run of hundreds of chips would hold every chip's simulator until the check.
     */
    void detach() {
        sim = null;
        wire.clear();
        active.clear();
        Arrays.fill(register, null);
    }

    /**
     * Appends the frames that a send from {@code now} on could still meet on each link's wire, cycles counted from
     * {@code now} ({@link RepeatSkip}; recording runs, with no send in progress).
     */
    void state(long now, StateWords out) {
        if (!active.isEmpty() || deliver) {
            throw new IllegalStateException("a link unit's state is taken between sends, in a recording run");
        }
        long soonest = now + Math.min(sendEnd, forward);
        for (int l = 0; l < wire.size(); l++) {
            for (long[] f : wire.get(l)) {
                if (f[1] > soonest) {
                    out.add(l).add(f[0] - now).add(f[1] - now);
                }
            }
        }
    }

    /**
     * The sends and takes of the periods a recording run skipped ({@link RepeatSkip}), recorded once: after send
     * {@code sentTo - 1} (and take {@code takenTo - 1}) come {@code copies} copies of sends [{@code sentFrom},
     * {@code sentTo}) and takes [{@code takenFrom}, {@code takenTo}), copy j every cycle {@code j x period} later and
     * its instructions {@code j x indexStep[queue id]} further on their queues; then the sends and takes recorded
     * after them.
     */
    record Repeat(int sentFrom, int sentTo, int takenFrom, int takenTo, long period, int copies, int[] indexStep) {
        /** Who made copy {@code copy} of a record (copy 0: the record itself). */
        Who who(Who base, int copy) {
            return copy == 0 ? base : base.later(copy, indexStep);
        }
    }

    /** The periods skipped, or null. */
    Repeat repeat;

    /**
     * Moves the link state {@code by} cycles later; the sends and takes recorded since {@code sentFrom} and
     * {@code takenFrom} happen {@code copies} more times, each {@code period} cycles after the last ({@link Repeat}).
     */
    void shift(long now, long by, int sentFrom, int takenFrom, long period, int copies, int[] indexStep) {
        if (repeat != null) {
            throw new IllegalStateException("a chip's run skips periods once");
        }
        long soonest = now + Math.min(sendEnd, forward);
        for (List<long[]> frames : wire) {
            frames.removeIf(f -> f[1] <= soonest);
            for (long[] f : frames) {
                f[0] += by;
                f[1] += by;
                f[2] += by;
            }
        }
        repeat = new Repeat(sentFrom, sent.size(), takenFrom, taken.size(), period, copies, indexStep);
    }

    /** The cycle a vector this chip sent has arrived whole at the far chip. */
    long arrival(Sent s) {
        return s.arrival(vectorCycles, topology.latencyCycles(chip, s.link()));
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
        SendTrain t = new SendTrain(is, pos, link, ins.operand("src"), -1, (int) ins.operand("count"));
        active.add(t);
        sim.schedule(t, is.cycle(), CyclePhase.CONSUME);
    }

    /** A FWD: takes each vector from link {@code from}'s register and sends it on over {@code link}. */
    void forward(ChipSimulator.Issue is) {
        Instruction ins = is.ins();
        int link = (int) ins.operand("link");
        int from = (int) ins.operand("from");
        checkConnected(is, from);
        checkConnected(is, link);
        SendTrain t = new SendTrain(is, -1, link, -1, from, (int) ins.operand("count"));
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
                byte[] data = take(link, at, who);
                sim.produce(is, at + receiveEnd, pos, dst, 1, data == null ? null : new byte[][] {data});
            });
        }
    }

    /**
     * Puts the frame of a vector sampled at {@code cycle} on {@code link}'s wire {@code lead} cycles later, for one
     * vector time: a frame already there in that time is a {@code link_busy} hazard (the transmit side's occupancy
     * catches two SENDs or two FWDs; this catches a SEND and a FWD, whose frames reach the wire after different
     * leads).
     */
    private void onWire(ChipSimulator.Issue is, int link, long cycle, long lead) {
        long start = cycle + lead;
        long soonest = cycle + Math.min(sendEnd, forward);
        List<long[]> frames = wire.get(link);
        frames.removeIf(f -> f[1] <= soonest);
        for (long[] f : frames) {
            if (f[0] < start + vectorCycles && start < f[1]) {
                throw sim.hazard(HazardKind.LINK_BUSY, is, cycle, "its frame would be on the wire of link " + link
                        + " (to " + farEnd(link) + ") from cycle " + start + ", while the frame of the vector taken "
                        + "at cycle " + f[2] + " is on it from " + f[0] + " to " + (f[1] - 1) + " (c2c_send_end_cycles "
                        + sendEnd + " and c2c_forward_cycles " + forward + " differ); a link carries one frame at a "
                        + "time");
            }
        }
        frames.add(new long[] {start, start + vectorCycles, cycle});
    }

    /** Takes the vector in {@code link}'s register at {@code cycle} (delivering), or records the take. */
    private byte[] take(int link, long cycle, Who who) {
        if (!deliver) {
            taken.add(new Taken(link, cycle, who));
            return null;
        }
        Arrival a = register[link];
        if (a == null) {
            throw nothingArrived(who, topology, chip, link, cycle);
        }
        register[link] = null;
        return a.data;
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

    /** The earliest cycle at which this chip could still sample (or forward) a vector for a send already issued. */
    long nextActiveSample() {
        long m = Long.MAX_VALUE;
        for (SendTrain t : active) {
            m = Math.min(m, t.cycle);
        }
        return m;
    }

    /**
     * A SEND or a FWD as one event: samples vector k from its stream (SEND) or takes it from link {@code from}'s
     * register (FWD, {@code from >= 0}) at issue + k x V.
     */
    private final class SendTrain extends ChipSimulator.Event {
        private final ChipSimulator.Issue is;
        private final int pos;
        private final int link;
        private final long src;
        private final int from;
        private final int count;
        private final Who who;
        private int k;

        SendTrain(ChipSimulator.Issue is, int pos, int link, long src, int from, int count) {
            this.is = is;
            this.pos = pos;
            this.link = link;
            this.src = src;
            this.from = from;
            this.count = count;
            this.who = who(is);
        }

        @Override
        void run() {
            onWire(is, link, cycle, from >= 0 ? forward : sendEnd);
            if (from >= 0) {
                sent.add(new Sent(link, cycle, forward, take(from, cycle, who), who));
            } else {
                byte[][] v = sim.sample(is, cycle, pos, src, 1);
                sent.add(new Sent(link, cycle, sendEnd, v == null ? null : v[0], who));
            }
            if (++k < count) {
                sim.schedule(this, cycle + vectorCycles, CyclePhase.CONSUME);
            } else {
                active.remove(this);
            }
        }
    }

    static boolean isLink(Opcode op) {
        return op == Opcode.SEND || op == Opcode.RECV || op == Opcode.FWD;
    }
}
