// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The simulator's event queue: a calendar of buckets for the next {@link #WINDOW} cycles, one list per phase, and
 * a priority queue for events further out, moved into the calendar as time reaches them. Events of one cycle and
 * phase run in creation order; the ISSUE phase runs in queue-id order (issue events carry the queue id as their
 * order). Time jumps over empty stretches.
 */
final class EventCalendar {
    static final int WINDOW = 512;
    /** A bucket keeps one list per {@link CyclePhase}, at the phase's ordinal. */
    private static final int PHASES = CyclePhase.values().length;
    private static final int ISSUE_PHASE = CyclePhase.ISSUE.ordinal();
    private static final Comparator<ChipSimulator.Event> ISSUE_ORDER = Comparator.comparingLong(e -> e.order);

    private final Bucket[] buckets = new Bucket[WINDOW];
    private final PriorityQueue<ChipSimulator.Event> far = new PriorityQueue<>();
    private long now;
    private long near;
    private long seq;
    /** Events pending in any phase but ISSUE (the queues' own issue events are the ISSUE phase's only events). */
    private long others;

    EventCalendar() {
        for (int i = 0; i < WINDOW; i++) {
            buckets[i] = new Bucket();
        }
    }

    boolean isEmpty() {
        return near == 0 && far.isEmpty();
    }

    /** Adds an event at its cycle and phase; {@code order} is set unless it is an issue event. */
    void add(ChipSimulator.Event e, boolean assignOrder) {
        if (assignOrder) {
            e.order = seq++;
        }
        if (e.cycle < now) {
            throw new IllegalStateException("event in the past: " + e.cycle + " < " + now);
        }
        if (e.phase.ordinal() != ISSUE_PHASE) {
            others++;
        }
        if (e.cycle - now < WINDOW) {
            buckets[(int) (e.cycle & (WINDOW - 1))].add(e);
            near++;
        } else {
            far.add(e);
        }
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
                ChipSimulator.Event e = far.poll();
                buckets[(int) (e.cycle & (WINDOW - 1))].add(e);
                near++;
            }
            Bucket b = buckets[(int) (now & (WINDOW - 1))];
            if (b.total > 0) {
                long jump = hook.onCycle(now, others == 0);
                if (jump > 0) {
                    moveAll(jump);
                    continue;
                }
                for (int phase = 0; phase < PHASES; phase++) {
                    ChipSimulator.Event[] list = b.events[phase];
                    if (phase == ISSUE_PHASE && !sorted(list, b.sizes[phase])) {
                        Arrays.sort(list, 0, b.sizes[phase], ISSUE_ORDER);
                    }
                    for (int i = 0; i < b.sizes[phase]; i++) {
                        ChipSimulator.Event e = b.events[phase][i];
                        b.events[phase][i] = null;
                        near--;
                        if (phase != ISSUE_PHASE) {
                            others--;
                        }
                        e.run();
                    }
                    b.sizes[phase] = 0;
                }
                b.total = 0;
            }
            now++;
        }
    }

    /** Moves every pending event, all of them issue events, {@code by} cycles later, and the present with them. */
    private void moveAll(long by) {
        if (others != 0) {
            throw new IllegalStateException("only issue events can move: " + others + " others are pending");
        }
        List<ChipSimulator.Event> moved = new ArrayList<>();
        for (Bucket b : buckets) {
            ChipSimulator.Event[] list = b.events[ISSUE_PHASE];
            for (int i = 0; i < b.sizes[ISSUE_PHASE]; i++) {
                moved.add(list[i]);
                list[i] = null;
            }
            b.sizes[ISSUE_PHASE] = 0;
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

    private static boolean sorted(ChipSimulator.Event[] list, int n) {
        for (int i = 1; i < n; i++) {
            if (list[i - 1].order > list[i].order) {
                return false;
            }
        }
        return true;
    }

    /** The events of one cycle, a list per phase, each in creation order. */
    private static final class Bucket {
        final ChipSimulator.Event[][] events = new ChipSimulator.Event[PHASES][8];
        final int[] sizes = new int[PHASES];
        int total;

        void add(ChipSimulator.Event e) {
            int p = e.phase.ordinal();
            if (sizes[p] == events[p].length) {
                events[p] = Arrays.copyOf(events[p], sizes[p] * 2);
            }
            events[p][sizes[p]++] = e;
            total++;
        }
    }
}
