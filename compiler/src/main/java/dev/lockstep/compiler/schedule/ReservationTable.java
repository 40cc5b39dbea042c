// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.schedule;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Resource;
import dev.lockstep.isa.ResourceUse;
import dev.lockstep.isa.ResourceUses;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Queue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the schedule has taken so far, by cycle: queue issue slots (an instruction holds its queue for its dispatch
 * cycles), resource instances (those {@link ResourceUses} names, as the simulator checks them, for the occupancy the
 * ISA table gives), stream segments (a vector train occupies a run of space-time diagonals between its producer's
 * and its consumer's positions) and SRAM slices (a slice is never read and written in overlapping windows, which
 * rules out bank conflicts conservatively). Every number comes from the ISA table and the chip description; none
 * is restated here. Maps are only looked up, never iterated, so their order cannot reach a schedule.
 */
public final class ReservationTable {
    private final ChipSpec chip;
    private final long hop;
    /** Per queue id: the cycles its issue slot is taken (null: none yet). */
    private final Intervals[] queues;
    /** Which instances of its resource an instruction holds: the ISA's rule, as the simulator checks it. */
    private final ResourceUses uses;
    /** Per resource (by ordinal) and instance: the cycles it is held (null: none yet). */
    private final Intervals[][] resources = new Intervals[Resource.values().length][];
    /** Per stream: its segments by first diagonal, and the longest segment's diagonal count (to bound a lookup). */
    private final Map<Long, TreeMap<Long, List<long[]>>> streams = new HashMap<>();
    private final Map<Long, Long> longestSegment = new HashMap<>();
    /** Per floorplan position: the cycles its slice is read, and written (null: none yet). */
    private final Intervals[] sliceReads;
    private final Intervals[] sliceWrites;
    private final Map<Integer, Queue> memQueues = new HashMap<>();

    public ReservationTable(ChipSpec chip) {
        this.chip = chip;
        this.hop = chip.timing().cycles(TimingParam.STREAM_HOP_CYCLES);
        this.uses = new ResourceUses(chip);
        this.queues = new Intervals[chip.floorplan().queues().size()];
        for (Resource r : Resource.values()) {
            resources[r.ordinal()] = new Intervals[ResourceUses.instances(chip, r)];
        }
        this.sliceReads = new Intervals[chip.floorplan().slices().size()];
        this.sliceWrites = new Intervals[chip.floorplan().slices().size()];
    }

    /**
     * A set of disjoint half-open intervals of cycles [start, end), none touching another, in order: two sorted
     * arrays of primitives (a kernel's scheduler asks millions of times whether an interval is free, and most
     * intervals come at the end).
     */
    private static final class Intervals {
        private long[] starts = new long[8];
        private long[] ends = new long[8];
        private int size;

        /** The index of the last interval starting at or before {@code t}, or -1. */
        private int floor(long t) {
            if (size > 0 && starts[size - 1] <= t) {
                return size - 1;
            }
            int lo = 0;
            int hi = size - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (starts[mid] <= t) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return hi;
        }

        /** Whether [from, to) overlaps an interval of the set. */
        boolean overlaps(long from, long to) {
            if (to <= from) {
                return false;
            }
            int i = floor(from);
            if (i >= 0 && ends[i] > from) {
                return true;
            }
            return i + 1 < size && starts[i + 1] < to;
        }

        /** Adds [from, to), merging it with any interval it overlaps or touches. */
        void take(long from, long to) {
            if (to <= from) {
                return;
            }
            int i = floor(from);
            int lo = i + 1;
            if (i >= 0 && ends[i] >= from) {
                lo = i;
                from = starts[i];
                to = Math.max(to, ends[i]);
            }
            int hi = lo;
            while (hi < size && starts[hi] <= to) {
                to = Math.max(to, ends[hi]);
                hi++;
            }
            // [lo, hi) becomes the one interval [from, to)
            int shift = 1 - (hi - lo);
            if (size + shift > starts.length) {
                starts = Arrays.copyOf(starts, 2 * starts.length);
                ends = Arrays.copyOf(ends, 2 * ends.length);
            }
            if (shift != 0 && hi < size) {
                System.arraycopy(starts, hi, starts, hi + shift, size - hi);
                System.arraycopy(ends, hi, ends, hi + shift, size - hi);
            }
            starts[lo] = from;
            ends[lo] = to;
            size += shift;
        }
    }

    private static boolean overlaps(Intervals set, long from, long to) {
        return set != null && set.overlaps(from, to);
    }

    /** Takes [from, to) in set {@code index} of {@code sets}, making the set on first use. */
    private static void take(Intervals[] sets, int index, long from, long to) {
        if (to <= from) {
            return;
        }
        if (sets[index] == null) {
            sets[index] = new Intervals();
        }
        sets[index].take(from, to);
    }

    /**
     * Whether {@code queue} can issue {@code ins} at {@code cycle}: its issue slot and every resource instance it
     * holds are free for the times the ISA table gives. For any instruction but IW (see
     * {@link ResourceUses#of(Queue, Instruction)}).
     */
    public boolean canIssue(Queue queue, Instruction ins, long cycle) {
        return canIssue(queue, ins, cycle, uses.of(queue, ins));
    }

    /** As {@link #canIssue(Queue, Instruction, long)}, for an instruction working on MXM pieces of a type. */
    public boolean canIssue(Queue queue, Instruction ins, long cycle, DataType pieceType) {
        return canIssue(queue, ins, cycle, uses.of(queue, ins, pieceType));
    }

    private boolean canIssue(Queue queue, Instruction ins, long cycle, ResourceUse use) {
        long dispatch = ins.opcode().dispatch().cycles(chip, ins);
        if (overlaps(queues[queue.id()], cycle, cycle + dispatch)) {
            return false;
        }
        long occupancy = ins.opcode().occupancy().cycles(chip, ins);
        Intervals[] instances = resources[use.resource().ordinal()];
        for (int i = use.instance(); i < use.end(); i++) {
            if (overlaps(instances[i], cycle, cycle + occupancy)) {
                return false;
            }
        }
        return true;
    }

    /** Takes what {@code queue} issuing {@code ins} at {@code cycle} takes (any instruction but IW). */
    public void issue(Queue queue, Instruction ins, long cycle) {
        issue(queue, ins, cycle, uses.of(queue, ins));
    }

    /** As {@link #issue(Queue, Instruction, long)}, for an instruction working on MXM pieces of a type. */
    public void issue(Queue queue, Instruction ins, long cycle, DataType pieceType) {
        issue(queue, ins, cycle, uses.of(queue, ins, pieceType));
    }

    private void issue(Queue queue, Instruction ins, long cycle, ResourceUse use) {
        if (!canIssue(queue, ins, cycle, use)) {
            throw new IllegalStateException("queue " + queue.name() + " cannot issue " + ins + " at " + cycle);
        }
        take(queues, queue.id(), cycle, cycle + ins.opcode().dispatch().cycles(chip, ins));
        long occupancy = ins.opcode().occupancy().cycles(chip, ins);
        for (int i = use.instance(); i < use.end(); i++) {
            take(resources[use.resource().ordinal()], i, cycle, cycle + occupancy);
        }
    }

    private long diagonal(boolean west, int position, long cycle) {
        return west ? cycle + position * hop : cycle - position * hop;
    }

    /**
     * Whether a train of {@code count} vectors may travel on one stream from {@code from} (produced there at
     * {@code cycle} + i) to {@code to}: no other train uses that stream on those diagonals between those positions.
     */
    public boolean streamFree(long stream, int from, int to, long cycle, int count) {
        boolean west = Streams.isWest(stream);
        long d0 = diagonal(west, from, cycle);
        int lo = Math.min(from, to);
        int hi = Math.max(from, to);
        TreeMap<Long, List<long[]>> segments = streams.get(stream);
        if (segments == null) {
            return true;
        }
        long longest = longestSegment.get(stream);
        for (List<long[]> list : segments.subMap(d0 - longest, true, d0 + count - 1, true).values()) {
            for (long[] s : list) {
                boolean diagonals = d0 <= s[1] && s[0] <= d0 + count - 1;
                boolean positions = lo <= s[3] && s[2] <= hi;
                if (diagonals && positions) {
                    return false;
                }
            }
        }
        return true;
    }

    public void takeStream(long stream, int from, int to, long cycle, int count) {
        if (!streamFree(stream, from, to, cycle, count)) {
            throw new IllegalStateException("stream " + Streams.text(stream) + " is taken");
        }
        long d0 = diagonal(Streams.isWest(stream), from, cycle);
        streams.computeIfAbsent(stream, k -> new TreeMap<>()).computeIfAbsent(d0, k -> new ArrayList<>())
                .add(new long[] {d0, d0 + count - 1, Math.min(from, to), Math.max(from, to)});
        longestSegment.merge(stream, (long) count, Math::max);
    }

    /** Whether a slice may be read (or written) in cycles [from, to) without meeting a write (or read) there. */
    public boolean sliceFree(int position, long from, long to, boolean read) {
        return !overlaps((read ? sliceWrites : sliceReads)[position], from, to);
    }

    /** Takes a slice for reading (or writing) in cycles [from, to). */
    public void takeSlice(int position, long from, long to, boolean read) {
        take(read ? sliceReads : sliceWrites, position, from, to);
    }

    /** The (first) queue of the MEM slice at a floorplan position. */
    public Queue memQueue(int position) {
        return memQueues.computeIfAbsent(position, p -> chip.floorplan().queues().stream()
                .filter(q -> q.slice().position() == p).findFirst().orElseThrow());
    }

    /** Cycles a stream hop takes. */
    public long hop() {
        return hop;
    }
}
