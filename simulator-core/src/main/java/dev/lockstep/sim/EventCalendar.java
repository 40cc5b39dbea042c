// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import java.util.Arrays;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.function.LongConsumer;

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
        if (e.cycle - now < WINDOW) {
            buckets[(int) (e.cycle & (WINDOW - 1))].add(e);
            near++;
        } else {
            far.add(e);
        }
    }

    /**
     * Runs every event before cycle {@code limit} in cycle order; calls {@code onCycle} with each cycle that had
     * events.
     */
    void run(long limit, LongConsumer onCycle) {
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
                onCycle.accept(now);
                for (int phase = 0; phase < PHASES; phase++) {
                    ChipSimulator.Event[] list = b.events[phase];
                    if (phase == ISSUE_PHASE && !sorted(list, b.sizes[phase])) {
                        Arrays.sort(list, 0, b.sizes[phase], ISSUE_ORDER);
                    }
                    for (int i = 0; i < b.sizes[phase]; i++) {
                        ChipSimulator.Event e = b.events[phase][i];
                        b.events[phase][i] = null;
                        near--;
                        e.run();
                    }
                    b.sizes[phase] = 0;
                }
                b.total = 0;
            }
            now++;
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
