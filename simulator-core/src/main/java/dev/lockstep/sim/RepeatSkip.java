// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.QueueProgram;

/**
 * Runs the repeated part of a chip's timing-only program once per period instead of once per repeat, exactly.
 *
 * <p>A program whose queues repeat a block every P cycles ({@link QueueProgram#repeated}: a prefill's chunks) issues,
 * in a window [A, Z) of the chip's time, the same instructions in every period, each P cycles after the one before.
 * What a period does depends on two things only: the instructions it issues and the chip's state when it starts
 * (units busy, vectors on streams and bank accesses counted ahead, weights in the MXM, frames on links, pending
 * repeats; {@link ChipSimulator#state}).
 * So when the state at some cycle t in the window equals, every cycle counted from t, the state at t - P (both taken
 * when nothing but issue events is pending), every later period in the window does what the last one did, P cycles
 * later: the run moves from t to t + m x P at once (t + m x P at most Z), with its counters grown by m times the
 * last period's, its link records copied m times and its trace hash folded m times ({@link TraceHash.Period}); each
 * repeating queue then waits for its next instruction at that instruction's own cycle, which may be the first after
 * its repeats ({@link ChipSimulator#skippable}). The result is the same as
 * running every event (a test compares them chip by chip); the periods skipped are counted as issues not
 * simulated. When the states never match (a chip never quiet at the same point of two periods, say) the run simply
 * goes on event by event.
 *
 * <p>Not for functional runs (data differs from period to period) nor with a listener (it wants every event), and
 * not for programs with sync, notify or deskew, whose parking depends on a history this state does not hold.
 */
final class RepeatSkip {
    /**
     * The chip's counters and records at a snapshot: issues, hash, per queue run the next index, per queue id
     * issues and busy cycles, per resource busy cycles, per {@link Activity} its count, and how many link sends and
     * takes were recorded.
     */
    record Snapshot(long cycle, StateWords state, long issues, long hash, int[] queueNext, long[] queueIssued,
                    long[] queueBusy, long[] busyCycles, long[] activity, int sent, int taken) {
    }

    private final ChipSimulator sim;
    private final ChipProgram program;
    private final long period;
    /** The window [from, until) in which every queue's instructions repeat every period. */
    private final long from;
    private final long until;
    /** Per queue run, instructions per period (its block's size, or 0 if it issues nothing in the window). */
    private final int[] step;
    private final int[] stepById;
    private long nextCheck;
    private Snapshot last;
    private long skipped;
    private long skippedCycles;

    private RepeatSkip(ChipSimulator sim, ChipProgram program, long period, long from, long until, int[] step,
                       int[] stepById) {
        this.sim = sim;
        this.program = program;
        this.period = period;
        this.from = from;
        this.until = until;
        this.step = step;
        this.stepById = stepById;
        this.nextCheck = from;
    }

    /** The skipper for a chip's program, or null if it has no window of at least three periods to skip in. */
    static RepeatSkip of(ChipSimulator sim, ChipProgram program) {
        long period = 0;
        long from = Long.MIN_VALUE;
        long until = Long.MAX_VALUE;
        int maxQueue = 0;
        for (QueueProgram q : program.queues()) {
            maxQueue = Math.max(maxQueue, q.queueId());
            if (q.uses(Opcode.SYNC) || q.uses(Opcode.NOTIFY) || q.uses(Opcode.DESKEW)) {
                return null;
            }
            if (q.repeats() == 0) {
                continue;
            }
            if (period != 0 && q.period() != period) {
                return null;
            }
            period = q.period();
            from = Math.max(from, q.blockStart());
            until = Math.min(until, q.blockStart() + q.repeats() * q.period());
        }
        if (period == 0) {
            return null;
        }
        int[] step = new int[program.queues().size()];
        int[] stepById = new int[maxQueue + 1];
        for (int i = 0; i < step.length; i++) {
            QueueProgram q = program.queues().get(i);
            if (q.repeats() > 0) {
                step[i] = q.blockSize();
                stepById[q.queueId()] = q.blockSize();
            } else {
                // a queue that does not repeat must issue nothing in the window: it ends before its next instruction
                until = Math.min(until, firstAtOrAfter(q, from));
            }
        }
        if (until - from < 3 * period) {
            return null;
        }
        return new RepeatSkip(sim, program, period, from, until, step, stepById);
    }

    /** The cycle of the queue's first instruction at or after {@code cycle}, or {@link Long#MAX_VALUE}. */
    private static long firstAtOrAfter(QueueProgram q, long cycle) {
        int lo = 0;
        int hi = q.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (q.cycle(mid) < cycle) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo < q.size() ? q.cycle(lo) : Long.MAX_VALUE;
    }

    /** Issues counted but not simulated. */
    long skippedIssues() {
        return skipped;
    }

    /** Cycles of the chip's timeline skipped. */
    long skippedCycles() {
        return skippedCycles;
    }

    /**
     * Called at the start of a cycle with events when only issue events are pending: the cycles to move the run on
     * by, or 0 to run this cycle. The state is taken at the check's own cycle when no event ran since, else just
     * after the last cycle with events (it is the same state then, counted from that cycle), so that a chip idle
     * at a period's start compares at the start.
     */
    long at(long now) {
        if (now < nextCheck) {
            return 0;
        }
        long t = Math.max(nextCheck, sim.lastCycle() + 1);
        Snapshot s = new Snapshot(t, sim.state(t, period, step, until), sim.issues(), sim.hash(), sim.queueNext(),
                sim.queueIssued().clone(), sim.queueBusy().clone(), sim.busyCycles().clone(), sim.activity().clone(),
                sim.links().sent.size(), sim.links().taken.size());
        if (last != null && t - last.cycle() == period && s.state().equals(last.state()) && stepsMatch(last, s)) {
            int copies = sim.skippable(now, period, (int) Math.min((until - t) / period, Integer.MAX_VALUE), step,
                    until);
            if (copies >= 1) {
                sim.skipPeriods(t, period, copies, step, stepById, until, last, s);
                skipped += copies * (s.issues() - last.issues());
                skippedCycles += copies * period;
                nextCheck = Long.MAX_VALUE;
                last = null;
                return copies * period;
            }
        }
        if (t + period >= until) {
            // no whole period left to skip
            nextCheck = Long.MAX_VALUE;
            last = null;
            return 0;
        }
        last = s;
        nextCheck = t + period;
        return 0;
    }

    /** Each queue moved on by its block in the period, as a repeat of the block must. */
    private boolean stepsMatch(Snapshot before, Snapshot after) {
        for (int i = 0; i < step.length; i++) {
            if (after.queueNext()[i] - before.queueNext()[i] != step[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code into[i] += copies x (after[i] - before[i])}. */
    static void addTimes(long[] into, long[] before, long[] after, int copies) {
        for (int i = 0; i < into.length; i++) {
            into[i] += copies * (after[i] - before[i]);
        }
    }

    @Override
    public String toString() {
        return "RepeatSkip[chip " + program.chipId() + ", period " + period + ", window " + from + ".." + until + "]";
    }
}
