// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.chip;

import dev.lockstep.isa.Unit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the ISA, compiler and simulator need to know about one chip, immutable. Load one with
 * {@link ChipSpecs#load} or take a preset with {@link ChipSpecs#preset}; docs/model.md explains every field,
 * its value in the {@code tsp-v1} preset and where that value comes from.
 */
public final class ChipSpec {
    private final String name;
    private final long clockHz;
    private final int superlanes;
    private final int lanesPerSuperlane;
    private final int streamsPerDirection;
    private final MemSpec mem;
    private final VxmSpec vxm;
    private final MxmSpec mxm;
    private final SxmSpec sxm;
    private final LinkSpec links;
    private final Timing timing;
    private final Floorplan floorplan;

    public ChipSpec(String name, long clockHz, int superlanes, int lanesPerSuperlane, int streamsPerDirection,
                    List<SliceKind> layout, MemSpec mem, VxmSpec vxm, MxmSpec mxm, SxmSpec sxm, LinkSpec links,
                    Timing timing) {
        this.name = Objects.requireNonNull(name);
        this.clockHz = clockHz;
        this.superlanes = superlanes;
        this.lanesPerSuperlane = lanesPerSuperlane;
        this.streamsPerDirection = streamsPerDirection;
        this.mem = Objects.requireNonNull(mem);
        this.vxm = Objects.requireNonNull(vxm);
        this.mxm = Objects.requireNonNull(mxm);
        this.sxm = Objects.requireNonNull(sxm);
        this.links = Objects.requireNonNull(links);
        this.timing = Objects.requireNonNull(timing);
        Map<SliceKind, Integer> queues = new EnumMap<>(SliceKind.class);
        queues.put(SliceKind.MEM, mem.queuesPerSlice());
        queues.put(SliceKind.VXM, vxm.queuesPerSlice());
        queues.put(SliceKind.MXM, mxm.queuesPerSlice());
        queues.put(SliceKind.SXM, sxm.queuesPerSlice());
        Map<SliceKind, Set<Unit>> extra = new EnumMap<>(SliceKind.class);
        extra.put(SliceKind.SXM, sxm.alsoIssues());
        this.floorplan = new Floorplan(layout, queues, extra);
    }

    public String name() {
        return name;
    }

    public long clockHz() {
        return clockHz;
    }

    public int superlanes() {
        return superlanes;
    }

    public int lanesPerSuperlane() {
        return lanesPerSuperlane;
    }

    /** Bytes of one vector: one per lane, superlanes x lanes per superlane (320 in tsp-v1). */
    public int vectorBytes() {
        return superlanes * lanesPerSuperlane;
    }

    public int streamsPerDirection() {
        return streamsPerDirection;
    }

    public MemSpec mem() {
        return mem;
    }

    public VxmSpec vxm() {
        return vxm;
    }

    public MxmSpec mxm() {
        return mxm;
    }

    public SxmSpec sxm() {
        return sxm;
    }

    public LinkSpec links() {
        return links;
    }

    public Timing timing() {
        return timing;
    }

    public Floorplan floorplan() {
        return floorplan;
    }

    /** SRAM bytes of the whole chip: MEM slices x words x vector bytes. */
    public long sramBytes() {
        return (long) floorplan.slicesOf(SliceKind.MEM).size() * mem.wordsPerSlice() * vectorBytes();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChipSpec c && c.name.equals(name) && c.clockHz == clockHz && c.superlanes == superlanes
                && c.lanesPerSuperlane == lanesPerSuperlane && c.streamsPerDirection == streamsPerDirection
                && c.mem.equals(mem) && c.vxm.equals(vxm) && c.mxm.equals(mxm) && c.sxm.equals(sxm)
                && c.links.equals(links) && c.timing.equals(timing) && c.floorplan.equals(floorplan);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, clockHz, superlanes, lanesPerSuperlane, streamsPerDirection, mem, vxm, mxm, sxm,
                links, timing, floorplan);
    }

    @Override
    public String toString() {
        return "ChipSpec[" + name + "]";
    }
}
