// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import static dev.lockstep.sim.CyclePhase.COMMIT;
import static dev.lockstep.sim.CyclePhase.CONSUME;
import static dev.lockstep.sim.CyclePhase.ISSUE;
import static dev.lockstep.sim.CyclePhase.PRODUCE;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.OperandKind;
import dev.lockstep.isa.Resource;
import dev.lockstep.isa.ResourceUse;
import dev.lockstep.isa.ResourceUses;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.asm.Disassembler;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Queue;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.QueueProgram;
import dev.lockstep.isa.program.RegionWatch;
import dev.lockstep.isa.semantics.VectorOps;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one chip's program cycle by cycle. Time advances from event to event (idle stretches cost nothing); within
 * a cycle the {@link CyclePhase}s run in a fixed order, documented in docs/model.md ("Order of events in a cycle"):
 * COMMIT, ISSUE, ACCESS, PRODUCE, CONSUME. Events of one phase and cycle run in the order they were created, which
 * follows issue order, so the whole run is deterministic. Every violation of the hardware's rules stops the run
 * with a {@link HazardException}. (Over 400 lines: the issue path of every unit shares this class's per-cycle state,
 * which is the simulator's hot loop; units whose state stands alone already live apart: {@link MxmUnits},
 * {@link LinkUnit}, {@link Sram}, {@link StreamFile}.)
 */
final class ChipSimulator {
    private final ChipSpec chip;
    private final Program program;
    private final ChipProgram chipProgram;
    final boolean functional;
    private final IssueListener listener;
    private final StreamFile streams;
    private final Sram sram;
    private final EventCalendar events;
    private final QueueRun[] queueRuns;
    /** Per resource (by ordinal), where its instances start in {@link #held}. */
    private final int[] instanceBase = new int[Resource.values().length + 1];
    /**
     * Per resource instance (resource by resource, instance by instance), {@link #HELD} longs side by side: the cycle
     * until which it is busy, and who holds it last (for hazard messages): the instruction word, its issue cycle and
     * its queue's id.
     */
    private final long[] held;
    private static final int HELD = 4;
    private static final int UNTIL = 0;
    private static final int HOLDER_WORD = 1;
    private static final int HOLDER_CYCLE = 2;
    private static final int HOLDER_QUEUE = 3;
    private final long[] busyCycles = new long[Resource.values().length];
    private final long[] activity = new long[Activity.values().length];
    private final int positions;
    private final MxmUnits mxm;
    private final ResourceUses resourceUses;
    /** Per queue id x resources + resource ordinal: what the queue holds when it alone decides it, else null. */
    private final ResourceUse[] queueUses;
    /** Per queue id x resources + resource ordinal: where that use's one instance lies in {@link #held}, or -1. */
    private final int[] queueHeld;
    private static final int RESOURCES = Resource.values().length;
    private final DecodedWords words;
    private final List<List<Long>> notifyArrivals = new ArrayList<>();
    final int vectorBytes;
    private long issues;
    private long lastCycle = -1;
    private final long firstIssue;
    private final LinkLabels labels;
    private long hash = TraceHash.CHIP_INITIAL;
    /** Skips repeated periods of the run, or null when the run goes event by event throughout. */
    private final RepeatSkip skip;
    private final long[] queueIssued;
    private final long[] queueBusy;
    private final long[] queueBusyUntil;
    private long lastOccupied = -1;
    private final LinkUnit links;
    private long[][] sendFrom;
    /** Per slice: its read base (readb), and a value set by base with the cycle from which readb sees it. */
    private final long[] readBase;
    private final long[] nextBase;
    private final long[] nextBaseFrom;
    /** The last cycle at which a read train put ahead accesses or vectors (-1: none); it counts as a cycle run. */
    private long lastAhead = -1;
    /** The regions to read as the run goes, by cycle ({@link #watch}), and those read so far. */
    private List<RegionWatch> watches = List.of();
    private int nextWatch;
    private final Map<RegionWatch, double[]> watched = new HashMap<>();

    /**
     * @param topology the system's wiring, or null for a chip alone (its links go nowhere)
     * @param deliver  carry vectors between chips and check link rules as they happen ({@link LinkUnit})
     * @param skipRepeats in a timing-only run without a listener, skip the periods of a repeated program whose
     *                    state repeats ({@link RepeatSkip}); the result is the same either way
     */
    ChipSimulator(ChipSpec chip, Program program, ChipProgram chipProgram, Mode mode, IssueListener listener,
                  Topology topology, boolean deliver, boolean skipRepeats) {
        this.chip = chip;
        this.program = program;
        this.chipProgram = chipProgram;
        this.functional = mode == Mode.FUNCTIONAL;
        this.listener = listener;
        this.vectorBytes = chip.vectorBytes();
        int positions = chip.floorplan().slices().size();
        this.positions = positions;
        // a read train counts its vectors up to READ_AHEAD words and a read's latency ahead (ReadTrain)
        int lookahead = (int) Math.min(READ_AHEAD + chip.timing().cycles(TimingParam.MEM_READ_LATENCY_CYCLES),
                Integer.MAX_VALUE / 4);
        this.events = new EventCalendar(chip.floorplan().queues().size());
        this.streams = new StreamFile(positions, chip.timing().cycles(TimingParam.STREAM_HOP_CYCLES),
                chip.streamsPerDirection(), lookahead, functional);
        this.sram = new Sram(chip, chipProgram, functional, lookahead);
        this.readBase = new long[positions];
        this.nextBase = new long[positions];
        this.nextBaseFrom = new long[positions];
        Arrays.fill(nextBaseFrom, Long.MAX_VALUE);
        for (Resource r : Resource.values()) {
            instanceBase[r.ordinal() + 1] = instanceBase[r.ordinal()] + ResourceUses.instances(chip, r);
        }
        this.mxm = new MxmUnits(this, chip, positions);
        this.resourceUses = new ResourceUses(chip);
        this.held = new long[instanceBase[Resource.values().length] * HELD];
        this.queueUses = new ResourceUse[chip.floorplan().queues().size() * RESOURCES];
        this.queueHeld = new int[queueUses.length];
        for (Queue queue : chip.floorplan().queues()) {
            for (Resource r : Resource.values()) {
                int i = queue.id() * RESOURCES + r.ordinal();
                queueUses[i] = resourceUses.ofQueue(queue, r).orElse(null);
                // a use the queue alone decides is one instance (the plane groups are named by an operand)
                queueHeld[i] = queueUses[i] == null || queueUses[i].width() != 1 ? -1
                        : (instanceBase[r.ordinal()] + queueUses[i].instance()) * HELD;
            }
        }
        this.links = new LinkUnit(this, chipProgram.chipId(), topology, deliver);
        this.firstIssue = firstIssue(chipProgram);
        this.labels = LinkLabels.of(chipProgram, chip.links().count());
        this.words = new DecodedWords(chip, labels);
        for (int b = 0; b < 16; b++) {
            notifyArrivals.add(new ArrayList<>());
        }
        this.queueRuns = new QueueRun[chipProgram.queues().size()];
        int queues = chip.floorplan().queues().size();
        this.queueIssued = new long[queues];
        this.queueBusy = new long[queues];
        this.queueBusyUntil = new long[queues];
        for (int i = 0; i < queueRuns.length; i++) {
            QueueProgram qp = chipProgram.queues().get(i);
            queueRuns[i] = new QueueRun(chip.floorplan().queues().get(qp.queueId()), qp);
            events.add(queueRuns[i], false);
        }
        this.skip = skipRepeats && !functional && listener == null && !deliver ? RepeatSkip.of(this, chipProgram)
                : null;
    }

    /** The cycle of a chip program's first instruction (0 for an empty program). */
    static long firstIssue(ChipProgram cp) {
        long first = Long.MAX_VALUE;
        for (QueueProgram qp : cp.queues()) {
            first = Math.min(first, qp.cycle(0));
        }
        return first == Long.MAX_VALUE ? 0 : first;
    }

    /** Runs to the last event. */
    ChipResult run() {
        advance(Long.MAX_VALUE);
        return finish();
    }

    /**
     * Reads {@code mine} (watches of this chip's regions) as the run goes, each at the start of its cycle: functional
     * mode, before the run starts. The reading is no event: it moves neither the trace nor the chip's last cycle.
     *
     * @throws IllegalArgumentException if a watch is of another chip or of a region the program does not name
     */
    void watch(List<RegionWatch> mine) {
        if (mine.isEmpty()) {
            return;
        }
        if (!functional || issues > 0 || lastCycle >= 0) {
            throw new IllegalStateException("regions are watched in a functional run, from its start");
        }
        for (RegionWatch w : mine) {
            if (w.chip() != chipId() || chipProgram.region(w.region()).isEmpty()) {
                throw new IllegalArgumentException("chip " + chipId() + "'s program names no region " + w.region()
                        + (w.chip() != chipId() ? " (the watch is of chip " + w.chip() + ")" : ""));
            }
        }
        watches = mine.stream().sorted(Comparator.comparingLong(RegionWatch::cycle)).toList();
    }

    /** Runs every event before {@code limit}, reading the regions watched at cycles before it where they fall. */
    void advance(long limit) {
        while (nextWatch < watches.size() && watches.get(nextWatch).cycle() < limit) {
            RegionWatch w = watches.get(nextWatch++);
            runEvents(w.cycle());
            read(w);
        }
        runEvents(limit);
    }

    /**
     * Gives each of {@code sims}, the simulators of {@code program}'s chips, its share of {@code watches}
     * ({@link #watch}).
     *
     * @throws IllegalArgumentException if a watch is of a chip the program does not have
     */
    static void watch(Program program, List<ChipSimulator> sims, List<RegionWatch> watches) {
        checkWatched(program, watches);
        for (ChipSimulator s : sims) {
            s.watch(watches.stream().filter(w -> w.chip() == s.chipId()).toList());
        }
    }

    /**
     * Checks that every one of {@code watches} is of a chip {@code program} has.
     *
     * @throws IllegalArgumentException if one is not
     */
    static void checkWatched(Program program, List<RegionWatch> watches) {
        for (RegionWatch w : watches) {
            if (program.chip(w.chip()).isEmpty()) {
                throw new IllegalArgumentException("a region watch of chip " + w.chip() + ", which has no program");
            }
        }
    }

    private void read(RegionWatch w) {
        watched.put(w, sram.values(chipProgram.region(w.region()).orElseThrow()));
    }

    private void runEvents(long limit) {
        events.run(limit, (cycle, quiet) -> {
            if (skip != null && quiet) {
                long by = skip.at(cycle);
                if (by > 0) {
                    return by;
                }
            }
            lastCycle = cycle;
            return 0;
        });
    }

    /** The instruction of a valid word. */
    private Instruction decode(long word) {
        return words.of(word).ins;
    }

    boolean done() {
        return events.isEmpty();
    }

    LinkUnit links() {
        return links;
    }

    ChipSpec chip() {
        return chip;
    }

    int chipId() {
        return chipProgram.chipId();
    }

    String text(Instruction ins) {
        return Disassembler.instruction(ins, program);
    }

    /**
     * A lower bound on the next cycle at which this chip samples a vector for a send (or takes one to forward): the
     * next sample of a send or forward in progress, or the issue cycle of the next SEND or FWD (or repeat of one) on
     * any queue.
     */
    long nextSendSample() {
        if (sendFrom == null) {
            sendFrom = new long[queueRuns.length][];
            for (int i = 0; i < queueRuns.length; i++) {
                sendFrom[i] = sendCycles(queueRuns[i].qp);
            }
        }
        long m = links.nextActiveSample();
        for (int i = 0; i < queueRuns.length; i++) {
            QueueRun q = queueRuns[i];
            if (q.repeatLeft > 0 && sends(q.previous.op)) {
                m = Math.min(m, q.cycle);
            } else {
                m = Math.min(m, sendFrom[i][Math.min(q.next, sendFrom[i].length - 1)]);
            }
        }
        return m;
    }

    /** Whether an opcode puts vectors on a link. */
    private static boolean sends(Opcode op) {
        return op == Opcode.SEND || op == Opcode.FWD;
    }

    /** Per index i, the smallest issue cycle of a SEND or FWD, or a REPEAT of one, at index i or later. */
    private static long[] sendCycles(QueueProgram qp) {
        long[] out = new long[qp.size() + 1];
        out[qp.size()] = Long.MAX_VALUE;
        Opcode[] previous = new Opcode[qp.size()];
        Opcode last = null;
        for (int i = 0; i < qp.size(); i++) {
            previous[i] = last;
            Opcode op = qp.instruction(i).opcode();
            if (op != Opcode.NOP && op != Opcode.REPEAT) {
                last = op;
            }
        }
        for (int i = qp.size() - 1; i >= 0; i--) {
            Opcode op = qp.instruction(i).opcode();
            boolean send = sends(op) || op == Opcode.REPEAT && sends(previous[i]);
            out[i] = send ? Math.min(qp.cycle(i), out[i + 1]) : out[i + 1];
        }
        return out;
    }

    /** Ends the run: the chip's result. */
    ChipResult finish() {
        // the watches after the last event read what the run left
        while (nextWatch < watches.size()) {
            read(watches.get(nextWatch++));
        }
        long cycles = Math.max(Math.max(lastCycle, lastOccupied), lastAhead) + 1;
        return new ChipResult(chipProgram.chipId(), firstIssue, cycles, issues,
                skip == null ? issues : issues - skip.skippedIssues(),
                cycles - firstIssue - (skip == null ? 0 : skip.skippedCycles()), hash, busyCycles.clone(),
                activity.clone(), queueIssued.clone(), queueBusy.clone(), sram.wordsInUse(), functional ? sram : null,
                Map.copyOf(watched));
    }

    // ------------------------------------------------------------------------------------------ repeats

    /**
     * The chip's state at the start of {@code now}, with nothing but issue events pending: everything that decides
     * what later instructions do, every cycle counted from {@code now} ({@link RepeatSkip}). Counters, the trace
     * hash and records are apart ({@link RepeatSkip.Snapshot}); so is each queue's position in its program.
     */
    StateWords state(long now, long period, int[] step, long until) {
        StateWords out = new StateWords();
        for (int i = 0; i < queueRuns.length; i++) {
            QueueRun q = queueRuns[i];
            boolean pending = q.next < q.qp.size() || q.repeatLeft > 0;
            if (pending && staysOnSkip(q, step[i], until)) {
                // its next instruction comes after the repeats: it stays where it is
                out.add(-2).add(q.cycle);
            } else {
                out.add(pending ? q.cycle - now : -1);
            }
            // the instruction issued last matters only to a repeat of it: in progress, or the next one to come
            long previous = q.previous == null || !repeatsPrevious(q) ? -1 : q.previous.word;
            out.add(q.repeatLeft).add(q.repeatGap).add(previous).add(q.parkedBarrier).addUntil(q.deskewUntil, now);
        }
        for (int i = 0; i < held.length; i += HELD) {
            out.addUntil(held[i + UNTIL], now);
        }
        for (long u : queueBusyUntil) {
            out.addUntil(u, now);
        }
        out.add(inLastPeriod(lastOccupied, now, period) ? lastOccupied - now : Long.MIN_VALUE);
        out.add(inLastPeriod(lastAhead, now, period) ? lastAhead - now : Long.MIN_VALUE);
        for (int p = 0; p < readBase.length; p++) {
            out.add(readBase[p]).add(nextBase[p]).addUntil(nextBaseFrom[p], now);
        }
        // the parts of variable length each end with their length, so that no two states read alike
        int from = out.size();
        streams.state(now, out);
        out.add(out.size() - from);
        from = out.size();
        sram.bankState(now, out);
        out.add(out.size() - from);
        from = out.size();
        mxm.state(now, out);
        out.add(out.size() - from);
        from = out.size();
        links.state(now, out);
        out.add(out.size() - from);
        return out;
    }

    /** Whether a last cycle of something ({@code -1}: none yet) is in the period before {@code now} or later. */
    private static boolean inLastPeriod(long last, long now, long period) {
        return last >= 0 && last >= now - period;
    }

    /** The last cycle at which events ran (-1 before any). */
    long lastCycle() {
        return lastCycle;
    }

    /**
     * How many of at most {@code copies} periods the run can skip when the calendar's present is {@code present}
     * (the state being taken at or before it, no event having run in between): after them each repeating queue
     * that waits for an instruction must still have one, and every instruction waited for (a repeating queue's
     * next, or that of a queue that does not repeat, due after the window) must be due no earlier than the present
     * moved on by as many periods.
     */
    int skippable(long present, long period, int copies, int[] step, long until) {
        for (; copies > 0; copies--) {
            long by = copies * period;
            boolean fits = true;
            for (int i = 0; i < queueRuns.length && fits; i++) {
                QueueRun q = queueRuns[i];
                if (staysOnSkip(q, step[i], until)) {
                    fits = q.cycle >= present + by;
                } else if (step[i] > 0 && q.repeatLeft == 0 && q.next < q.qp.size()) {
                    long next = q.next + (long) copies * step[i];
                    fits = next < q.qp.size() && q.qp.cycle((int) next) >= present + by;
                }
            }
            if (fits) {
                return copies;
            }
        }
        return 0;
    }

    /** Whether a queue's last instruction will be issued again: a repeat of it is in progress or comes next. */
    private static boolean repeatsPrevious(QueueRun q) {
        if (q.repeatLeft > 0) {
            return true;
        }
        int i = q.next;
        while (i < q.qp.size() && (int) (q.qp.word(i) >>> 56) == Opcode.NOP.code()) {
            i++;
        }
        return i < q.qp.size() && (int) (q.qp.word(i) >>> 56) == Opcode.REPEAT.code();
    }

    /** A queue that does not repeat, waiting for an instruction at or after the end of the repeats. */
    private static boolean staysOnSkip(QueueRun q, int step, long until) {
        return step == 0 && q.repeatLeft == 0 && q.next < q.qp.size() && q.cycle >= until;
    }

    /** What {@link RepeatSkip} reads and moves: counters, per queue, and the hash. */
    long issues() {
        return issues;
    }

    long hash() {
        return hash;
    }

    long[] queueIssued() {
        return queueIssued;
    }

    long[] queueBusy() {
        return queueBusy;
    }

    long[] busyCycles() {
        return busyCycles;
    }

    long[] activity() {
        return activity;
    }

    /** Per queue run (in program order), its next instruction's index. */
    int[] queueNext() {
        int[] out = new int[queueRuns.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = queueRuns[i].next;
        }
        return out;
    }

    /**
     * Moves the whole state from {@code now} (the snapshot's cycle, at or before the calendar's present) to
     * {@code now + copies x period}, as if the period before {@code now}
     * had run {@code copies} more times: the event calendar moves the pending issue events itself (by the same
     * cycles each, so the event of a queue that waits beyond the repeats, {@code until} or later, is moved back
     * first).
     *
     * @param step per queue run, instructions issued per period; {@code stepById} the same per queue id
     */
    void skipPeriods(long now, long period, int copies, int[] step, int[] stepById, long until,
                     RepeatSkip.Snapshot before, RepeatSkip.Snapshot after) {
        long by = copies * period;
        for (int i = 0; i < queueRuns.length; i++) {
            QueueRun q = queueRuns[i];
            if (staysOnSkip(q, step[i], until)) {
                // the calendar moves every pending event by the same cycles; this one must stay
                q.cycle -= by;
                continue;
            }
            q.next += copies * step[i];
            if (q.repeatLeft > 0) {
                q.repeatIndex += copies * step[i];
            } else if (step[i] > 0 && q.next < q.qp.size()) {
                // its next instruction: a repeat of the block, copies periods on, or the first after the repeats,
                // at its own cycle (the calendar then moves it by the same cycles as every other)
                q.cycle = q.qp.cycle(q.next) - by;
            }
        }
        if (inLastPeriod(lastCycle, now, period)) {
            lastCycle += by;
        }
        for (int i = 0; i < held.length; i += HELD) {
            if (held[i + UNTIL] > now) {
                held[i + UNTIL] += by;
                held[i + HOLDER_CYCLE] += by;
            }
        }
        for (int q = 0; q < queueBusyUntil.length; q++) {
            if (queueBusyUntil[q] > now) {
                queueBusyUntil[q] += by;
            }
        }
        if (inLastPeriod(lastOccupied, now, period)) {
            lastOccupied += by;
        }
        if (inLastPeriod(lastAhead, now, period)) {
            lastAhead += by;
        }
        for (int p = 0; p < nextBaseFrom.length; p++) {
            if (nextBaseFrom[p] != Long.MAX_VALUE && nextBaseFrom[p] > now) {
                nextBaseFrom[p] += by;
            }
        }
        streams.shift(now, by);
        sram.shiftBanks(now, by);
        mxm.shift(now, by);
        links.shift(now, by, before.sent(), before.taken(), period, copies, stepById);
        issues += copies * (after.issues() - before.issues());
        RepeatSkip.addTimes(queueIssued, before.queueIssued(), after.queueIssued(), copies);
        RepeatSkip.addTimes(queueBusy, before.queueBusy(), after.queueBusy(), copies);
        RepeatSkip.addTimes(busyCycles, before.busyCycles(), after.busyCycles(), copies);
        RepeatSkip.addTimes(activity, before.activity(), after.activity(), copies);
        hash = TraceHash.Period.between(before.hash(), before.issues(), after.hash(), after.issues())
                .fold(hash, period, copies);
    }

    // ------------------------------------------------------------------------------------------ events

    /** Something that happens at a cycle, in a phase; ordered by (cycle, phase, creation order). */
    abstract static class Event implements Comparable<Event> {
        long cycle;
        CyclePhase phase;
        long order;

        abstract void run();

        @Override
        public int compareTo(Event o) {
            int c = Long.compare(cycle, o.cycle);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(phase.ordinal(), o.phase.ordinal());
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    void schedule(Event e, long cycle, CyclePhase phase) {
        e.cycle = cycle;
        e.phase = phase;
        events.add(e, true);
    }

    /** An action at one cycle and phase. */
    void at(long cycle, CyclePhase phase, Runnable action) {
        schedule(new Event() {
            @Override
            void run() {
                action.run();
            }
        }, cycle, phase);
    }

    /** An action at {@code count} consecutive cycles from {@code first}, as one self-rescheduling event. */
    void train(long first, int count, CyclePhase phase, TrainStep step) {
        Event e = new Event() {
            int k;

            @Override
            void run() {
                step.run(k, cycle);
                if (++k < count) {
                    schedule(this, cycle + 1, phase);
                }
            }
        };
        schedule(e, first, phase);
    }

    @FunctionalInterface
    interface TrainStep {
        void run(int k, long cycle);
    }

    // ------------------------------------------------------------------------------------------ queues

    /** One queue's cursor through its program; it is its own issue event. */
    final class QueueRun extends Event {
        private final Queue queue;
        /** The queue's id and its slice's stream position. */
        private final int id;
        private final int position;
        private final QueueProgram qp;
        private int next;
        private DecodedWords.Word previous;
        private int repeatLeft;
        private long repeatGap;
        private int repeatIndex;
        private long parkedSince = -1;
        private int parkedBarrier = -1;
        private long deskewUntil = -1;

        String queueName() {
            return queue.name();
        }

        int queueId() {
            return queue.id();
        }

        QueueRun(Queue queue, QueueProgram qp) {
            this.queue = queue;
            this.id = queue.id();
            this.position = queue.slice().position();
            this.qp = qp;
            this.cycle = qp.cycle(0);
            this.phase = ISSUE;
            this.order = queue.id();
        }

        @Override
        void run() {
            if (repeatLeft > 0) {
                execute(this, previous, cycle, repeatIndex);
                repeatLeft--;
                if (repeatLeft > 0) {
                    reschedule(cycle + repeatGap);
                } else {
                    advance();
                }
                return;
            }
            int index = next++;
            DecodedWords.Word w = words.of(qp.word(index));
            checkParking(w.ins, index);
            if (w.op == Opcode.REPEAT) {
                repeatLeft = (int) w.ins.operand("n");
                repeatGap = w.ins.operand("d");
                repeatIndex = index;
                run();
                return;
            }
            execute(this, w, cycle, index);
            if (w.op != Opcode.NOP) {
                previous = w;
            }
            advance();
        }

        private void advance() {
            if (next < qp.size()) {
                reschedule(qp.cycle(next));
            }
        }

        private void reschedule(long at) {
            cycle = at;
            events.addIssue(this);
        }

        private void checkParking(Instruction ins, int index) {
            if (parkedBarrier >= 0) {
                long arrival = -1;
                for (long a : notifyArrivals.get(parkedBarrier)) {
                    if (a >= parkedSince) {
                        arrival = a;
                        break;
                    }
                }
                if (arrival < 0 || cycle < arrival) {
                    throw hazard(HazardKind.QUEUE_PARKED, this, cycle, index, ins, "the queue is parked by the sync "
                            + "at cycle " + parkedSince + " on barrier " + parkedBarrier + (arrival < 0
                            ? " and no notify on that barrier has arrived by cycle " + cycle
                            : ", released at cycle " + arrival + "; issue at " + arrival + " or later"));
                }
                parkedBarrier = -1;
            }
            if (deskewUntil >= 0) {
                if (cycle < deskewUntil) {
                    throw hazard(HazardKind.QUEUE_PARKED, this, cycle, index, ins, "the queue is parked by deskew "
                            + "until the counter epoch at cycle " + deskewUntil + "; issue at " + deskewUntil
                            + " or later");
                }
                deskewUntil = -1;
            }
        }
    }

    private HazardException hazard(HazardKind kind, QueueRun q, long cycle, int index, Instruction ins, String what) {
        return new HazardException(kind, chipProgram.chipId(), cycle, q.queue.name(), q.queue.id(), index,
                Disassembler.instruction(ins, program), what);
    }

    /** Context of one issue: who, where, when, for hazard messages and producer identity. */
    record Issue(QueueRun q, Instruction ins, long cycle, int index, long id) {
    }

    HazardException hazard(HazardKind kind, Issue is, long cycle, String what) {
        return hazard(kind, is.q, cycle, is.index, is.ins, what);
    }

    // ------------------------------------------------------------------------------------------ execution

    private void execute(QueueRun q, DecodedWords.Word w, long cycle, int index) {
        Instruction ins = w.ins;
        Opcode op = w.op;
        int qid = q.id;
        issues++;
        queueIssued[qid]++;
        hash = TraceHash.step(hash, cycle - firstIssue, qid, w.label);
        String instance = w.resource < 0 ? null : occupy(q, w, cycle, index);
        if (listener != null) {
            listener.issued(chipProgram.chipId(), q.queue, cycle, ins, w.occupancy, instance);
        }
        long latency = w.latency;
        int pos = q.position;
        ActivityCount.add(activity, w.activity, pos, positions);
        if (op == Opcode.READ || op == Opcode.READB) {
            // made without an Issue record (an allocation per issue) unless the train needs an event
            read(q, w, cycle, index, pos, latency, op == Opcode.READB);
        } else {
            start(new Issue(q, ins, cycle, index, issues), pos, latency);
        }
    }

    /** Starts what an issued instruction other than a read does (kept apart: the read is the hot path). */
    private void start(Issue is, int pos, long latency) {
        QueueRun q = is.q;
        Instruction ins = is.ins;
        long cycle = is.cycle;
        switch (ins.opcode()) {
            case NOP, REPEAT, CONFIG -> {
            }
            case SYNC -> {
                q.parkedBarrier = (int) ins.operand("barrier");
                q.parkedSince = cycle;
            }
            case NOTIFY -> notifyArrivals.get((int) ins.operand("barrier")).add(cycle + latency);
            case DESKEW -> {
                long epoch = chip.timing().cycles(TimingParam.DESKEW_EPOCH_CYCLES);
                q.deskewUntil = (cycle / epoch + 1) * epoch;
            }
            case IFETCH -> train(cycle, (int) ins.operand("count"), CONSUME,
                    (k, c) -> sample(is, c, pos, ins.operand("src"), 1));
            case READ, READB -> {
                // started above
            }
            case BASE -> base(is, pos, latency);
            case WRITE -> write(is, pos, latency);
            case GATHER -> gather(is, pos, latency);
            case SCATTER -> scatter(is, pos, latency);
            case LW -> mxm.loadWeights(is, pos);
            case IW -> mxm.installWeights(is, pos, latency);
            case ABC -> mxm.activations(is, pos, latency);
            case ACC -> mxm.accumulators(is, pos, latency);
            case SEND -> links.send(is, pos);
            case RECV -> links.recv(is, pos);
            case FWD -> links.forward(is);
            case SHIFT, ROTATE, PERMUTE, DISTRIBUTE, TRANSPOSE -> unitOp(is, pos, latency, true);
            default -> unitOp(is, pos, latency, false);
        }
    }

    /**
     * Takes the resource instances of an instruction that takes some for its occupancy; returns their name (for
     * traces).
     */
    private String occupy(QueueRun q, DecodedWords.Word w, long cycle, int index) {
        Instruction ins = w.ins;
        long cycles = w.occupancy;
        int ro = w.resource;
        int qid = q.id;
        int at = queueHeld[qid * RESOURCES + ro];
        if (at >= 0) {
            // the common case, one instance the queue decides
            if (cycle < held[at + UNTIL]) {
                ResourceUse use = queueUses[qid * RESOURCES + ro];
                throw busy(q, ins, cycle, index, use, use.instance());
            }
            long end = cycle + cycles;
            hold(at, end, w.word, cycle, qid);
            busyCycles[ro] += cycles;
            countBusy(qid, cycle, end);
            return listener == null ? null : resourceUses.describe(queueUses[qid * RESOURCES + ro]);
        }
        ResourceUse use = queueUses[qid * RESOURCES + ro];
        if (use == null) {
            use = useOf(q, ins, cycle, index);
        }
        int from = (instanceBase[ro] + use.instance()) * HELD;
        int to = from + use.width() * HELD;
        for (int i = from; i < to; i += HELD) {
            if (cycle < held[i + UNTIL]) {
                throw busy(q, ins, cycle, index, use, use.instance() + (i - from) / HELD);
            }
        }
        long end = cycle + cycles;
        for (int i = from; i < to; i += HELD) {
            hold(i, end, ins.word(), cycle, qid);
        }
        busyCycles[ro] += cycles * use.width();
        countBusy(qid, cycle, end);
        return listener == null ? null : resourceUses.describe(use);
    }

    /** Marks the resource instance at {@code at} in {@link #held} busy until {@code end}, held by an issue. */
    private void hold(int at, long end, long word, long cycle, int qid) {
        held[at + UNTIL] = end;
        held[at + HOLDER_WORD] = word;
        held[at + HOLDER_CYCLE] = cycle;
        held[at + HOLDER_QUEUE] = qid;
    }

    /** Counts a queue's resource held from {@code cycle} to {@code end} into its busy cycles. */
    private void countBusy(int qid, long cycle, long end) {
        lastOccupied = Math.max(lastOccupied, end - 1);
        queueBusy[qid] += Math.max(0, end - Math.max(cycle, queueBusyUntil[qid]));
        queueBusyUntil[qid] = Math.max(queueBusyUntil[qid], end);
    }

    /**
     * The resource instances an instruction takes where the queue alone does not decide them (an MXM plane or plane
     * group named by an operand); an fp16 group must be named by its first plane.
     */
    private ResourceUse useOf(QueueRun q, Instruction ins, long cycle, int index) {
        ResourceUse use = ins.opcode() != Opcode.IW ? resourceUses.of(q.queue, ins)
                : resourceUses.of(q.queue, ins, installing(q, ins));
        if (use.width() > 1) {
            // a plane group: fp16 work names the group's first plane
            int plane = (int) ins.operand("plane");
            int first = chip.mxm().firstPlaneOfGroup(plane, DataType.F16);
            if (plane != first) {
                throw hazard(HazardKind.MXM_TYPE_MISMATCH, q, cycle, index, ins, "fp16 pieces take planes " + first
                        + ".." + (first + use.width() - 1) + " together (mxm.fp16_planes_per_piece " + use.width()
                        + "): name plane " + first);
            }
        }
        return use;
    }

    /** The hazard of an issue that needs instance {@code i} of its use while another instruction holds it. */
    private HazardException busy(QueueRun q, Instruction ins, long cycle, int index, ResourceUse use, int i) {
        Resource r = use.resource();
        int ro = r.ordinal();
        int at = (instanceBase[ro] + i) * HELD;
        long until = held[at + UNTIL];
        String holder = chip.floorplan().queues().get((int) held[at + HOLDER_QUEUE]).name();
        long heldFrom = held[at + HOLDER_CYCLE];
        if (r == Resource.C2C_TRANSMIT) {
            return hazard(HazardKind.LINK_BUSY, q, cycle, index, ins, "link " + i + " (to " + links.farEnd(i)
                    + ") is still serialising the send issued at cycle " + heldFrom + " on " + holder + " until cycle "
                    + until + "; a link carries one vector at a time");
        }
        return hazard(HazardKind.UNIT_BUSY, q, cycle, index, ins, resourceUses.describe(use) + (i != use.instance()
                ? " (plane " + (ins.operand("plane") + i - use.instance()) + " of its fp16 group)" : "")
                + " is busy until cycle " + until + " (held by " + text(decode(held[at + HOLDER_WORD])) + " issued at cycle "
                + heldFrom + " on " + holder + ")");
    }

    /** The type of the pieces an IW installs: that of the weights in its plane's buffer (int8 when empty). */
    private DataType installing(QueueRun q, Instruction ins) {
        return mxm.plane(q.queue.slice().position(), ins).bufferType == DataType.F16 ? DataType.F16
                : DataType.I8;
    }

    // ------------------------------------------------------------------------------------------ streams

    private String where(long stream, int index, int pos) {
        return "stream " + Streams.text(Streams.plane(stream, index)) + " at position " + pos + " ("
                + chip.floorplan().slices().get(pos).name() + ")";
    }

    /** Samples {@code span} consecutive streams; each must carry a vector. Returns their planes (null data in
     * timing-only mode). */
    byte[][] sample(Issue is, long cycle, int pos, long stream, int span) {
        byte[][] planes = functional ? new byte[span][] : null;
        boolean west = Streams.isWest(stream);
        int base = Streams.index(stream);
        for (int p = 0; p < span; p++) {
            if (streams.read(west, base + p, pos, cycle) < 0) {
                throw hazard(HazardKind.STREAM_EMPTY, is, cycle, "reads " + where(stream, p, pos) + " at cycle "
                        + cycle + ", but no vector is there (nothing was put on that stream to arrive then)");
            }
            if (functional) {
                planes[p] = streams.lastData();
            }
        }
        return planes;
    }

    /**
     * For how many consecutive cycles from {@code firstCycle} (at most {@code n}) the {@code span} consecutive streams
     * from {@code stream} all carry a vector at {@code pos}, as far as productions counted so far tell (a timing-only
     * sample checked ahead).
     */
    int presentRun(long firstCycle, int pos, long stream, int span, int n) {
        boolean west = Streams.isWest(stream);
        int base = Streams.index(stream);
        int m = n;
        for (int p = 0; p < span && m > 0; p++) {
            m = streams.presentRun(west, base + p, pos, firstCycle, m);
        }
        return m;
    }

    /** Puts {@code span} planes on consecutive streams at {@code cycle}, in the PRODUCE phase. */
    void produce(Issue is, long cycle, int pos, long stream, int span, byte[][] planes) {
        Produce e = new Produce();
        e.is = is;
        e.pos = pos;
        e.stream = stream;
        e.span = span;
        e.planes = planes;
        schedule(e, cycle, PRODUCE);
    }

    /** Vectors appearing on streams. */
    private final class Produce extends Event {
        Issue is;
        int pos;
        long stream;
        int span;
        byte[][] planes;

        @Override
        void run() {
            boolean west = Streams.isWest(stream);
            int base = Streams.index(stream);
            for (int p = 0; p < span; p++) {
                if (!streams.produce(west, base + p, pos, cycle, is.id, planes == null ? null : planes[p])) {
                    throw hazard(HazardKind.STREAM_CONFLICT, is, cycle, streamConflict(stream, p, pos, cycle));
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ MEM

    private void bank(Issue is, int pos, long address, long cycle) {
        int bank = sram.bankOf(address);
        if (!sram.access(pos, bank, cycle)) {
            throw hazard(HazardKind.BANK_CONFLICT, is, cycle, bankConflict(pos, bank, address, cycle));
        }
    }

    private String bankConflict(int pos, int bank, long address, long cycle) {
        return "accesses bank " + bank + " of " + chip.floorplan().slices().get(pos).name() + " (address " + address
                + ") at cycle " + cycle + ", which already serves " + chip.mem().accessesPerBankPerCycle()
                + " access(es) that cycle";
    }

    /** The message of a vector put on plane {@code plane} of {@code stream} where another is already put. */
    private String streamConflict(long stream, int plane, int pos, long cycle) {
        return "writes " + where(stream, plane, pos) + " at cycle " + cycle + ", which another producer writes in the "
                + "same cycle";
    }

    private void allBanks(Issue is, int pos, long cycle) {
        for (int b = 0; b < sram.banks(); b++) {
            if (!sram.access(pos, b, cycle)) {
                throw hazard(HazardKind.BANK_CONFLICT, is, cycle, "a gather or scatter takes every bank of "
                        + chip.floorplan().slices().get(pos).name() + " at cycle " + cycle + ", but bank " + b
                        + " already serves another access that cycle");
            }
        }
    }

    /**
     * Starts a read, or a readb (its addresses from the slice's read base, all within the slice): in timing-only mode,
     * a train of at most {@link #READ_AHEAD} words is counted whole at its issue and needs no event; any other is a
     * {@link ReadTrain}.
     */
    private void read(QueueRun q, DecodedWords.Word w, long cycle, int index, int pos, long latency,
                      boolean based) {
        Instruction ins = w.ins;
        long addr = w.operands[READ_ADDR];
        long stride = w.operands[READ_STRIDE];
        int count = (int) w.operands[READ_COUNT];
        if (based) {
            if (nextBaseFrom[pos] <= cycle) {
                readBase[pos] = nextBase[pos];
                nextBaseFrom[pos] = Long.MAX_VALUE;
            }
            addr += readBase[pos];
            long last = addr + (count - 1) * stride;
            if (Math.max(addr, last) >= sram.words() || Math.min(addr, last) < 0) {
                throw hazard(HazardKind.ADDRESS_OUT_OF_RANGE, q, cycle, index, ins, "reads words " + addr + ".."
                        + last + " of " + chip.floorplan().slices().get(pos).name() + " (read base " + readBase[pos]
                        + "), outside 0.." + (sram.words() - 1));
            }
        }
        long stream = w.operands[READ_DST];
        if (!functional && count <= READ_AHEAD) {
            countAhead(q, ins, index, issues, cycle, pos, latency, addr, stride, stream, 0, count);
            return;
        }
        ReadTrain e = new ReadTrain();
        e.is = new Issue(q, ins, cycle, index, issues);
        e.pos = pos;
        e.latency = latency;
        e.addr = addr;
        e.stride = stride;
        e.stream = stream;
        e.count = count;
        e.ahead();
    }

    /**
     * Samples lane {@code lane} of the u16 on {@code src}, {@code src + 1} at the issue cycle and makes it, times
     * {@code scale}, the slice's read base for readb issued from issue + latency on. Timing-only runs carry no
     * values: their base stays 0 (the compiler keeps bases a multiple of the banks, so a readb takes the same bank
     * either way).
     */
    private void base(Issue is, int pos, long latency) {
        Instruction ins = is.ins;
        at(is.cycle, CONSUME, () -> {
            byte[][] v = sample(is, is.cycle, pos, ins.operand("src"), 2);
            int lane = (int) ins.operand("lane");
            long value = v == null ? 0 : ((v[0][lane] & 0xFF) | (v[1][lane] & 0xFF) << 8) * ins.operand("scale");
            nextBase[pos] = value;
            nextBaseFrom[pos] = is.cycle + latency;
        });
    }

    /** What a MEM read or write train knows: its issue, slice, latency, address run and stream. */
    private abstract class MemTrain extends Event {
        Issue is;
        int pos;
        long latency;
        long addr;
        long stride;
        long stream;
        int count;

        void init(Issue issue, int position, long lat, int addrOperand, int strideOperand, int streamOperand,
                  int countOperand) {
            Instruction ins = issue.ins;
            is = issue;
            pos = position;
            latency = lat;
            addr = ins.operand(addrOperand);
            stride = ins.operand(strideOperand);
            stream = ins.operand(streamOperand);
            count = (int) ins.operand(countOperand);
        }
    }

    /** Words a read train counts ahead at once ({@link ReadTrain#ahead}); it bounds the lookahead. */
    static final int READ_AHEAD = 64;
    private static final int READ_DST = Opcode.READ.operandIndex("dst");
    private static final int READ_ADDR = Opcode.READ.operandIndex("addr");
    private static final int READ_COUNT = Opcode.READ.operandIndex("count");
    private static final int READ_STRIDE = Opcode.READ.operandIndex("stride");
    private static final int WRITE_ADDR = Opcode.WRITE.operandIndex("addr");
    private static final int WRITE_SRC = Opcode.WRITE.operandIndex("src");
    private static final int WRITE_COUNT = Opcode.WRITE.operandIndex("count");
    private static final int WRITE_STRIDE = Opcode.WRITE.operandIndex("stride");

    /**
     * Counts words {@code from} to {@code to} of a read train issued at {@code start} (instruction {@code index} of
     * queue {@code q}, issue number {@code id}): word k accesses its bank at start + k (counted as one run by
     * {@link Sram#countRead}) and is on the stream at start + latency + k ({@link ReadTrain} says why counting them
     * ahead is exact).
     */
    private void countAhead(QueueRun q, Instruction ins, int index, long id, long start, int pos, long latency,
                            long addr, long stride, long stream, int from, int to) {
        sram.countRead(pos, start, addr, stride, to);
        boolean west = Streams.isWest(stream);
        int plane = Streams.index(stream);
        for (int k = from; k < to; k++) {
            k += streams.produceRun(west, plane, pos, start + k + latency, to - k, id);
            if (k < to) {
                long at = start + k + latency;
                deferred(new Issue(q, ins, start, index, id), HazardKind.STREAM_CONFLICT, at,
                        streamConflict(stream, 0, pos, at));
            }
        }
        lastAhead = Math.max(lastAhead, start + latency + to - 1);
    }

    /** A hazard found ahead, raised in the produce phase of its own cycle (an earlier one is raised first). */
    private void deferred(Issue is, HazardKind kind, long cycle, String what) {
        at(cycle, PRODUCE, () -> {
            throw hazard(kind, is, cycle, what);
        });
    }

    /**
     * A MEM read train. Its bank accesses and its vectors on the stream are counted ahead, {@link #READ_AHEAD} words
     * at a time (word k accesses SRAM at issue + k and is on the stream at issue + latency + k): nothing depends on
     * the order in which accesses and productions of later cycles are counted, since a read of a stream sees only
     * producers at its cycle or before, and a conflict found ahead is raised at its own cycle ({@link #deferred}).
     * In timing-only mode that is all, and no event is left pending for the words done; a longer train goes on, in
     * the produce phase of its next access, with the next words. In functional mode the train also runs in the
     * produce phase of each access cycle, to read its word then (after any write committed before) and give it to
     * the vector already on the stream.
     */
    private final class ReadTrain extends MemTrain {
        /** Words whose accesses and vectors are counted. */
        int counted;
        /** Words read from SRAM (functional mode). */
        int read;

        void ahead() {
            long start = is.cycle;
            int end = (int) Math.min(count, (long) counted + READ_AHEAD);
            countAhead(is.q, is.ins, is.index, is.id, is.cycle, pos, latency, addr, stride, stream, counted, end);
            counted = end;
            if (functional) {
                schedule(this, start + read, PRODUCE);
            } else if (end < count) {
                schedule(this, start + end, PRODUCE);
            }
        }

        @Override
        void run() {
            if (!functional) {
                ahead();
                return;
            }
            long a = addr + read * stride;
            streams.fill(Streams.isWest(stream), Streams.index(stream), pos, cycle + latency, is.id, sram.read(pos, a));
            read++;
            if (read == counted && counted < count) {
                ahead();
            } else if (read < count) {
                schedule(this, is.cycle + read, PRODUCE);
            }
        }
    }

    private void write(Issue is, int pos, long latency) {
        WriteTrain e = new WriteTrain();
        e.init(is, pos, latency, WRITE_ADDR, WRITE_STRIDE, WRITE_SRC, WRITE_COUNT);
        e.pending = functional ? new byte[(int) Math.min(e.count, latency + 1)][] : null;
        schedule(e, is.cycle, CONSUME);
    }

    /**
     * A MEM write train as one event: it samples vector k in the consume phase of issue + k (and accesses its
     * bank then), and commits vector j in the commit phase of issue + j + latency.
     */
    private final class WriteTrain extends MemTrain {
        /** The vectors sampled and not yet committed (functional mode), by sample number modulo its length. */
        byte[][] pending;
        int sampled;
        int committed;

        @Override
        void run() {
            long start = is.cycle;
            if (phase == COMMIT) {
                long a = addr + committed * stride;
                sram.write(pos, a, pending == null ? null : pending[committed % pending.length]);
                committed++;
            } else {
                long a = addr + sampled * stride;
                byte[][] v = sample(is, cycle, pos, stream, 1);
                bank(is, pos, a, cycle);
                checkWritable(is, pos, a, cycle);
                if (pending != null) {
                    pending[sampled % pending.length] = v[0];
                }
                sampled++;
            }
            long nextSample = sampled < count ? start + sampled : Long.MAX_VALUE;
            long nextCommit = committed < sampled ? start + committed + latency : Long.MAX_VALUE;
            if (nextCommit <= nextSample && nextCommit != Long.MAX_VALUE) {
                schedule(this, nextCommit, COMMIT);
            } else if (nextSample != Long.MAX_VALUE) {
                schedule(this, nextSample, CONSUME);
            }
        }
    }

    private void checkWritable(Issue is, int pos, long address, long cycle) {
        if (sram.isReadOnly(pos, address)) {
            throw hazard(HazardKind.READ_ONLY_WRITE, is, cycle, "writes address " + address + " of "
                    + chip.floorplan().slices().get(pos).name() + ", inside a region the program declared readonly");
        }
    }

    private long[] laneAddresses(Issue is, byte[][] index, long base, int pos, long cycle) {
        long[] out = new long[vectorBytes];
        for (int l = 0; l < vectorBytes; l++) {
            out[l] = base + ((index[0][l] & 0xFF) | (index[1][l] & 0xFF) << 8);
            if (out[l] >= sram.words()) {
                throw hazard(HazardKind.ADDRESS_OUT_OF_RANGE, is, cycle, "lane " + l + " addresses word " + out[l]
                        + " of " + chip.floorplan().slices().get(pos).name() + ", outside 0.." + (sram.words() - 1));
            }
        }
        return out;
    }

    private void gather(Issue is, int pos, long latency) {
        Instruction ins = is.ins;
        train(is.cycle, (int) ins.operand("count"), CONSUME, (k, c) -> {
            byte[][] index = sample(is, c, pos, ins.operand("index"), 2);
            allBanks(is, pos, c);
            byte[] word = null;
            if (functional) {
                long[] addresses = laneAddresses(is, index, ins.operand("base"), pos, c);
                word = new byte[vectorBytes];
                for (int l = 0; l < vectorBytes; l++) {
                    word[l] = sram.readByte(pos, addresses[l], l);
                }
            }
            produce(is, c + latency, pos, ins.operand("dst"), 1, word == null ? null : new byte[][] {word});
        });
    }

    private void scatter(Issue is, int pos, long latency) {
        Instruction ins = is.ins;
        train(is.cycle, (int) ins.operand("count"), CONSUME, (k, c) -> {
            byte[][] data = sample(is, c, pos, ins.operand("src"), 1);
            byte[][] index = sample(is, c, pos, ins.operand("index"), 2);
            allBanks(is, pos, c);
            long[] addresses = null;
            if (functional) {
                addresses = laneAddresses(is, index, ins.operand("base"), pos, c);
                for (int l = 0; l < vectorBytes; l++) {
                    checkWritable(is, pos, addresses[l], c);
                }
            }
            long[] lanes = addresses;
            // the commit is an event in both modes, so both end at the same cycle; only functional mode knows
            // which words it writes
            at(c + latency, COMMIT, () -> {
                if (lanes != null) {
                    for (int l = 0; l < vectorBytes; l++) {
                        sram.writeByte(pos, lanes[l], l, data[0][l]);
                    }
                }
            });
        });
    }

    // ------------------------------------------------------------------------------------------ VXM and SXM

    /** A VXM or SXM instruction: samples its stream inputs at issue, computes, produces after its latency. */
    private void unitOp(Issue is, int pos, long latency, boolean sxm) {
        UnitOp e = new UnitOp();
        e.is = is;
        e.pos = pos;
        e.latency = latency;
        e.sxm = sxm;
        schedule(e, is.cycle, CONSUME);
    }

    /** Per opcode, the indexes of its stream input operands and of its {@code dst}. */
    private static final int[][] STREAM_INPUTS = new int[256][];
    private static final int[] STREAM_DST = new int[256];

    static {
        for (Opcode op : Opcode.values()) {
            List<Integer> inputs = new ArrayList<>();
            STREAM_DST[op.code()] = -1;
            for (int i = 0; i < op.operands().size(); i++) {
                if (op.operands().get(i).kind() == OperandKind.STREAM) {
                    if (op.operands().get(i).name().equals("dst")) {
                        STREAM_DST[op.code()] = i;
                    } else {
                        inputs.add(i);
                    }
                }
            }
            STREAM_INPUTS[op.code()] = inputs.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /**
     * A VXM or SXM instruction as one event: samples its inputs in the consume phase of its issue cycle,
     * computes (functional mode), and puts the result on its streams in the produce phase after its latency.
     */
    private final class UnitOp extends Event {
        Issue is;
        int pos;
        long latency;
        boolean sxm;
        byte[][] out;

        @Override
        void run() {
            Instruction ins = is.ins;
            int code = ins.opcode().code();
            int dst = STREAM_DST[code];
            if (phase == CONSUME) {
                int[] inputs = STREAM_INPUTS[code];
                byte[][][] in = functional ? new byte[inputs.length][][] : null;
                for (int i = 0; i < inputs.length; i++) {
                    byte[][] planes = sample(is, cycle, pos, ins.operand(inputs[i]), ins.span(inputs[i]));
                    if (in != null) {
                        in[i] = planes;
                    }
                }
                if (functional) {
                    out = sxm ? VectorOps.sxm(ins, in[0], chip.lanesPerSuperlane(),
                            m -> program.maps().get(m).lanes()) : VectorOps.vxm(ins, in);
                }
                schedule(this, cycle + latency, PRODUCE);
                return;
            }
            long stream = ins.operand(dst);
            boolean west = Streams.isWest(stream);
            int base = Streams.index(stream);
            int span = ins.span(dst);
            for (int p = 0; p < span; p++) {
                if (!streams.produce(west, base + p, pos, cycle, is.id, out == null ? null : out[p])) {
                    throw hazard(HazardKind.STREAM_CONFLICT, is, cycle, streamConflict(stream, p, pos, cycle));
                }
            }
        }
    }
}
