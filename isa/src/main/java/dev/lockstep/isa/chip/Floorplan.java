// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.chip;

import dev.lockstep.isa.Unit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The row of slices west to east and the instruction queues that drive them, derived from the slice kinds in
 * order and the queue counts per kind. The VXM is the centre: slices west of it are named {@code .wN}, east of
 * it {@code .eN}, N counting outward from the VXM. Lookup maps are only ever queried, never iterated.
 */
public final class Floorplan {
    private final List<SliceKind> layout;
    private final List<Slice> slices;
    private final List<Queue> queues;
    private final Map<String, Queue> queuesByName = new HashMap<>();
    private final Map<String, Slice> slicesByName = new HashMap<>();
    /** Per slice kind (ordinal), its slices west to east. */
    private final List<List<Slice>> slicesByKind = new ArrayList<>();
    /** Per floorplan position, the id of the slice's first queue. */
    private final int[] firstQueue;

    /**
     * @param layout         slice kinds west to east, with exactly one VXM
     * @param queuesPerSlice queue count for each kind present
     * @param extraUnits     units issued by each kind's queues besides its own unit and ICU
     */
    public Floorplan(List<SliceKind> layout, Map<SliceKind, Integer> queuesPerSlice,
                     Map<SliceKind, Set<Unit>> extraUnits) {
        this.layout = List.copyOf(layout);
        int center = layout.indexOf(SliceKind.VXM);
        if (center < 0 || layout.lastIndexOf(SliceKind.VXM) != center) {
            throw new IllegalArgumentException("the floorplan must have exactly one VXM slice, its centre");
        }
        List<Slice> s = new ArrayList<>();
        int[] kindCounts = new int[SliceKind.values().length];
        for (int pos = 0; pos < layout.size(); pos++) {
            SliceKind kind = layout.get(pos);
            String name;
            if (pos == center) {
                name = kind.text();
            } else {
                boolean west = pos < center;
                int outward = 0;
                for (int p = west ? pos + 1 : pos - 1; p != center; p += west ? 1 : -1) {
                    if (layout.get(p) == kind) {
                        outward++;
                    }
                }
                name = kind.text() + "." + (west ? "w" : "e") + outward;
            }
            s.add(new Slice(pos, kind, kindCounts[kind.ordinal()]++, name));
        }
        this.slices = List.copyOf(s);
        for (SliceKind kind : SliceKind.values()) {
            slicesByKind.add(slices.stream().filter(x -> x.kind() == kind).toList());
        }
        this.firstQueue = new int[slices.size()];
        List<Queue> q = new ArrayList<>();
        for (Slice slice : slices) {
            firstQueue[slice.position()] = q.size();
            int n = queuesPerSlice.getOrDefault(slice.kind(), 0);
            Set<Unit> units = EnumSet.of(Unit.ICU, slice.kind().unit());
            units.addAll(extraUnits.getOrDefault(slice.kind(), Set.of()));
            for (int i = 0; i < n; i++) {
                String name = n == 1 ? slice.name() : slice.name() + "." + i;
                q.add(new Queue(q.size(), name, slice, i, units));
            }
        }
        this.queues = List.copyOf(q);
        queues.forEach(x -> queuesByName.put(x.name(), x));
        slices.forEach(x -> slicesByName.put(x.name(), x));
    }

    public List<SliceKind> layout() {
        return layout;
    }

    /** Slices west to east. */
    public List<Slice> slices() {
        return slices;
    }

    /** Queues by id. */
    public List<Queue> queues() {
        return queues;
    }

    public Optional<Queue> queue(String name) {
        return Optional.ofNullable(queuesByName.get(name));
    }

    public Optional<Slice> slice(String name) {
        return Optional.ofNullable(slicesByName.get(name));
    }

    /** The slices of one kind, west to east. */
    public List<Slice> slicesOf(SliceKind kind) {
        return slicesByKind.get(kind.ordinal());
    }

    /** Queue {@code indexInSlice} of a slice (which must have that many queues). */
    public Queue queue(Slice slice, int indexInSlice) {
        int id = firstQueue[slice.position()] + indexInSlice;
        if (indexInSlice < 0 || id >= queues.size() || !queues.get(id).slice().equals(slice)) {
            throw new IllegalArgumentException(slice.name() + " has no queue " + indexInSlice);
        }
        return queues.get(id);
    }

    /** Position of the VXM. */
    public int center() {
        return layout.indexOf(SliceKind.VXM);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Floorplan f && f.slices.equals(slices) && f.queues.equals(queues);
    }

    @Override
    public int hashCode() {
        return slices.hashCode() * 31 + queues.hashCode();
    }
}
