// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.schedule;

import dev.lockstep.isa.Instruction;
import dev.lockstep.isa.Resource;
import dev.lockstep.isa.Streams;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Queue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the schedule has taken so far, by cycle: queue issue slots (an instruction holds its queue for its dispatch
 * cycles), resource instances (for the occupancy the ISA table gives), stream segments (a vector train occupies a
 * run of space-time diagonals between its producer's and its consumer's positions) and SRAM slices (a slice is
 * never read and written in overlapping windows, which rules out bank conflicts conservatively). Every number
 * comes from the ISA table and the chip description; none is restated here. Maps are only looked up, never
 * iterated, so their order cannot reach a schedule.
 */
public final class ReservationTable {
    private final ChipSpec chip;
    private final long hop;
    private final Map<Integer, TreeMap<Long, Long>> queues = new HashMap<>();
    private final Map<String, TreeMap<Long, Long>> resources = new HashMap<>();
    /** Per stream: its segments by first diagonal, and the longest segment's diagonal count (to bound a lookup). */
    private final Map<Long, TreeMap<Long, List<long[]>>> streams = new HashMap<>();
    private final Map<Long, Long> longestSegment = new HashMap<>();
    private final Map<Integer, TreeMap<Long, Long>> sliceReads = new HashMap<>();
    private final Map<Integer, TreeMap<Long, Long>> sliceWrites = new HashMap<>();

    public ReservationTable(ChipSpec chip) {
        this.chip = chip;
        this.hop = chip.timing().cycles(TimingParam.STREAM_HOP_CYCLES);
    }

    /** Whether [from, to) overlaps an interval of the set. */
    private static boolean overlaps(TreeMap<Long, Long> set, long from, long to) {
        if (set == null || to <= from) {
            return false;
        }
        Map.Entry<Long, Long> before = set.floorEntry(from);
        if (before != null && before.getValue() > from) {
            return true;
        }
        Map.Entry<Long, Long> after = set.ceilingEntry(from);
        return after != null && after.getKey() < to;
    }

    /** Adds [from, to) to a set of disjoint intervals, merging it with any it overlaps or touches. */
    private static void take(Map<? super Object, TreeMap<Long, Long>> sets, Object key, long from, long to) {
        if (to <= from) {
            return;
        }
        TreeMap<Long, Long> set = sets.computeIfAbsent(key, k -> new TreeMap<>());
        Map.Entry<Long, Long> before = set.floorEntry(from);
        if (before != null && before.getValue() >= from) {
            from = before.getKey();
            to = Math.max(to, before.getValue());
            set.remove(before.getKey());
        }
        Map.Entry<Long, Long> after = set.ceilingEntry(from);
        while (after != null && after.getKey() <= to) {
            to = Math.max(to, after.getValue());
            set.remove(after.getKey());
            after = set.ceilingEntry(from);
        }
        set.put(from, to);
    }

    /** The resource instance an instruction holds, as a key, and how many instances (fp16 plane groups). */
    private String resourceKey(Queue queue, Instruction ins, int offset) {
        Resource r = ins.opcode().resource();
        return switch (r) {
            case MEM_READ, MEM_WRITE -> r + "@" + queue.slice().position();
            case VXM_ALU, SXM_SWITCH -> r + "#" + queue.id();
            case MXM_WEIGHT_BUFFER, MXM_ARRAY, MXM_ACCUMULATOR -> r + "@" + queue.slice().position() + "/"
                    + (ins.operand("plane") + offset);
            case C2C_TRANSMIT, C2C_RECEIVE -> r + ":" + ins.operand("link");
            case NONE -> "";
        };
    }

    /** Planes an MXM instruction holds: the fp16 group for fp16 work, else 1. */
    private int planesHeld(Instruction ins, boolean fp16) {
        return ins.opcode().unit() == dev.lockstep.isa.Unit.MXM && fp16 ? chip.mxm().fp16PlanesPerPiece() : 1;
    }

    /**
     * Whether {@code queue} can issue {@code ins} at {@code cycle}: its issue slot and every resource instance it
     * holds are free for the times the ISA table gives.
     */
    public boolean canIssue(Queue queue, Instruction ins, long cycle, boolean fp16) {
        long dispatch = ins.opcode().dispatch().cycles(chip, ins);
        if (overlaps(queues.get(queue.id()), cycle, cycle + dispatch)) {
            return false;
        }
        long occupancy = ins.opcode().occupancy().cycles(chip, ins);
        if (ins.opcode().resource() != Resource.NONE && occupancy > 0) {
            for (int i = 0; i < planesHeld(ins, fp16); i++) {
                if (overlaps(resources.get(resourceKey(queue, ins, i)), cycle, cycle + occupancy)) {
                    return false;
                }
            }
        }
        return true;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public void issue(Queue queue, Instruction ins, long cycle, boolean fp16) {
        if (!canIssue(queue, ins, cycle, fp16)) {
            throw new IllegalStateException("queue " + queue.name() + " cannot issue " + ins + " at " + cycle);
        }
        take((Map) queues, queue.id(), cycle, cycle + ins.opcode().dispatch().cycles(chip, ins));
        long occupancy = ins.opcode().occupancy().cycles(chip, ins);
        if (ins.opcode().resource() != Resource.NONE && occupancy > 0) {
            for (int i = 0; i < planesHeld(ins, fp16); i++) {
                take((Map) resources, resourceKey(queue, ins, i), cycle, cycle + occupancy);
            }
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
        return !overlaps((read ? sliceWrites : sliceReads).get(position), from, to);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public void takeSlice(int position, long from, long to, boolean read) {
        take((Map) (read ? sliceReads : sliceWrites), position, from, to);
    }

    /** The (first) queue of the MEM slice at a floorplan position. */
    public Queue memQueue(int position) {
        return memQueues.computeIfAbsent(position, p -> chip.floorplan().queues().stream()
                .filter(q -> q.slice().position() == p).findFirst().orElseThrow());
    }

    private final Map<Integer, Queue> memQueues = new HashMap<>();

    /** Cycles a stream hop takes. */
    public long hop() {
        return hop;
    }
}
