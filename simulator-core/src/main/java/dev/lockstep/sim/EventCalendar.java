// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The simulator's event queue: a calendar of buckets for the next {@link #WINDOW} cycles, one list per phase, and
 * a priority queue for events further out, moved into the calendar as time reaches them. Events of one cycle and
 * phase run in creation order, but for the ISSUE phase, whose only events are the queues' own issue events (each
 * queue has at most one pending, its order being the queue's id): a bucket keeps them as a set of queue ids, and they
 * run in queue-id order. Time jumps over empty stretches.
 */
final class EventCalendar {
    static final int WINDOW = 512;
    /** A bucket keeps one list per {@link CyclePhase}, at the phase's ordinal (the ISSUE phase's stays empty). */
    private static final int PHASES = CyclePhase.values().length;
    private static final int ISSUE_PHASE = CyclePhase.ISSUE.ordinal();

    private final Bucket[] buckets = new Bucket[WINDOW];
    private final PriorityQueue<ChipSimulator.Event> far = new PriorityQueue<>();
    /** Per queue id: its issue event (the same object each time it is pending). */
    private final ChipSimulator.QueueRun[] issuers;
    private long now;
    private long near;
    private long seq;
    /** Events pending in any phase but ISSUE. */
    private long others;

    /** @param queues issue events have orders (queue ids) from 0 to {@code queues - 1} */
    EventCalendar(int queues) {
        this.issuers = new ChipSimulator.QueueRun[queues];
        int words = (queues + 63) / 64;
        for (int i = 0; i < WINDOW; i++) {
            buckets[i] = new Bucket(words);
        }
    }

    boolean isEmpty() {
        return near == 0 && far.isEmpty();
    }

    /**
     * Adds an event at its cycle and phase; {@code order} is set unless it is an issue event (whose order is its
     * queue's id, with no other event of that queue pending).
     */
    void add(ChipSimulator.Event e, boolean assignOrder) {
        if (e.phase.ordinal() == ISSUE_PHASE) {
            addIssue((ChipSimulator.QueueRun) e);
            return;
        }
        if (assignOrder) {
            e.order = seq++;
        }
        if (e.cycle < now) {
            throw new IllegalStateException("event in the past: " + e.cycle + " < " + now);
        }
        others++;
        if (e.cycle - now < WINDOW) {
            near(e);
        } else {
            far.add(e);
        }
    }

    /**
     * Adds a queue's issue event at its cycle (its order being the queue's id, with no other event of that queue
     * pending).
     */
    void addIssue(ChipSimulator.QueueRun e) {
        if (e.cycle < now) {
            throw new IllegalStateException("event in the past: " + e.cycle + " < " + now);
        }
        if (e.cycle - now < WINDOW) {
            int q = (int) e.order;
            issuers[q] = e;
            buckets[(int) (e.cycle & (WINDOW - 1))].addIssue(q);
            near++;
        } else {
            far.add(e);
        }
    }

    private void near(ChipSimulator.Event e) {
        Bucket b = buckets[(int) (e.cycle & (WINDOW - 1))];
        if (e.phase.ordinal() == ISSUE_PHASE) {
            int q = (int) e.order;
            issuers[q] = (ChipSimulator.QueueRun) e;
            b.addIssue(q);
        } else {
            b.add(e);
        }
        near++;
    }

    /** Called before the events of each cycle that has any run. */
    @FunctionalInterface
    interface CycleHook {
        /**
         * @param cycle the cycle whose events are about to run
         * @param quiet whether every pending event is a queue's issue event (nothing else is in flight)
         * @return 0 to run the cycle, or a number of cycles by which every pending event moves later (only when
         *         quiet): the run then goes on from the moved events
         */
        long onCycle(long cycle, boolean quiet);
    }

    /**
     * Runs every event before cycle {@code limit} in cycle order; calls {@code hook} with each cycle that had
     * events.
     */
    void run(long limit, CycleHook hook) {
        while (near > 0 || !far.isEmpty()) {
            if (near == 0) {
                if (far.peek().cycle >= limit) {
                    return;
                }
                now = far.peek().cycle;
            }
            if (now >= limit) {
                return;
            }
            while (!far.isEmpty() && far.peek().cycle - now < WINDOW) {
                near(far.poll());
            }
            Bucket b = buckets[(int) (now & (WINDOW - 1))];
            if (b.total > 0) {
                long jump = hook.onCycle(now, others == 0);
                if (jump > 0) {
                    moveAll(jump);
                    continue;
                }
                for (int phase = 0; phase < PHASES; phase++) {
                    if (phase == ISSUE_PHASE) {
                        runIssues(b);
                        continue;
                    }
                    for (int i = 0; i < b.sizes[phase]; i++) {
                        ChipSimulator.Event e = b.events[phase][i];
                        b.events[phase][i] = null;
                        near--;
                        others--;
                        e.run();
                    }
                    b.sizes[phase] = 0;
                }
                b.total = 0;
            }
            now++;
        }
    }

    /** Runs a bucket's issue events in queue-id order. */
    private void runIssues(Bucket b) {
        long[] set = b.issues;
        for (int w = 0; w < set.length; w++) {
            long bits;
            while ((bits = set[w]) != 0) {
                int bit = Long.numberOfTrailingZeros(bits);
                set[w] = bits & (bits - 1);
                near--;
                issuers[w * 64 + bit].run();
            }
        }
    }

    /** Moves every pending event, all of them issue events, {@code by} cycles later, and the present with them. */
    private void moveAll(long by) {
        if (others != 0) {
            throw new IllegalStateException("only issue events can move: " + others + " others are pending");
        }
        List<ChipSimulator.Event> moved = new ArrayList<>();
        for (Bucket b : buckets) {
            long[] set = b.issues;
            for (int w = 0; w < set.length; w++) {
                for (long bits = set[w]; bits != 0; bits &= bits - 1) {
                    moved.add(issuers[w * 64 + Long.numberOfTrailingZeros(bits)]);
                }
                set[w] = 0;
            }
            b.total = 0;
        }
        near = 0;
        // the far queue is rebuilt: its events' cycles may have been changed in place (see ChipSimulator#skipPeriods)
        moved.addAll(far);
        far.clear();
        now += by;
        for (ChipSimulator.Event e : moved) {
            e.cycle += by;
            add(e, false);
        }
    }

    /** The events of one cycle: a list per phase, each in creation order, and the queues that issue. */
    private static final class Bucket {
        /** Per phase, its events (null until the bucket's first event of that phase). */
        final ChipSimulator.Event[][] events = new ChipSimulator.Event[PHASES][];
        final int[] sizes = new int[PHASES];
        /** The ids of the queues with an issue event in this cycle, as a bit set. */
        final long[] issues;
        int total;

        Bucket(int words) {
            this.issues = new long[words];
        }

        void add(ChipSimulator.Event e) {
            int p = e.phase.ordinal();
            ChipSimulator.Event[] list = events[p];
            int n = sizes[p];
            if (list == null) {
                list = new ChipSimulator.Event[8];
                events[p] = list;
            } else if (n == list.length) {
                list = Arrays.copyOf(list, n * 2);
                events[p] = list;
            }
            list[n] = e;
            sizes[p] = n + 1;
            total++;
        }

        void addIssue(int queue) {
            long bit = 1L << queue;
            if ((issues[queue >>> 6] & bit) != 0) {
                throw new IllegalStateException("queue " + queue + " already issues in this cycle");
            }
            issues[queue >>> 6] |= bit;
            total++;
        }
    }
}
