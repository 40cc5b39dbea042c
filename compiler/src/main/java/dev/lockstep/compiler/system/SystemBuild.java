// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.compiler.SramMap;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** The programs of a system's chips under construction; each chip reserves its link staging buffers first. */
public final class SystemBuild {
    private final SystemSpec system;
    private final Topology topology;
    private final TreeMap<Integer, ChipBuild> chips = new TreeMap<>();
    private final Exchange.Lanes lanes;
    private long exchanges;
    /** Per chip, the address of its east lanes' staging words, once taken ({@link #eastStaging}). */
    private final TreeMap<Integer, Integer> eastStaging = new TreeMap<>();

    public SystemBuild(SystemSpec system) {
        this(system, new Topology(system));
    }

    /**
     * A build whose transfers are routed over {@code topology}: the system's wiring, or a view of it with some chips
     * only ({@link Topology#within}), for a copy of a model confined to its share of the system.
     */
    public SystemBuild(SystemSpec system, Topology topology) {
        if (topology.system() != system && !topology.system().equals(system)) {
            throw new IllegalArgumentException("a wiring of " + topology.system().name() + " for a build of "
                    + system.name());
        }
        this.system = system;
        this.topology = topology;
        this.lanes = new Exchange.Lanes(system.chip());
    }

    public SystemSpec system() {
        return system;
    }

    /** The wiring transfers are routed over. */
    public Topology topology() {
        return topology;
    }

    public ChipSpec chip() {
        return system.chip();
    }

    /** Exchanges scheduled so far, those that ran side by side counted once ({@link #countSideBySide}). */
    public long exchanges() {
        return exchanges;
    }

    void countExchange() {
        exchanges++;
    }

    /**
     * Of the exchanges placed since the count was {@code before}, some ran side by side: only {@code onPath}, those
     * of one path through them (the critical path's), count, so that {@link #exchanges} counts a token's critical
     * path.
     */
    void countSideBySide(long before, long onPath) {
        exchanges = before + onPath;
    }

    /** Whether a chip has its east lanes' staging words ({@link #eastStaging}), or room to take them. */
    boolean eastStagingFits(int chip, EastLanes east) {
        SramMap m = chip(chip).sram();
        return eastStaging.containsKey(chip) || Math.max(m.top(east.send().staging()), m.top(east.receive().staging()))
                + Exchange.Lanes.STAGING_WORDS <= m.ceiling();
    }

    /**
     * The address of a chip's east lanes' staging words ({@link CablePipeline}): a staging buffer's words in both of
     * their slices, taken on first use ({@link #eastStagingFits} first).
     */
    int eastStaging(int chip, EastLanes east) {
        return eastStaging.computeIfAbsent(chip, c -> chip(c).takeWords(new int[] {east.send().staging(),
                east.receive().staging()}, Exchange.Lanes.STAGING_WORDS));
    }

    Exchange.Lanes lanes() {
        return lanes;
    }

    /** The chip's build, created (with its staging buffers reserved) on first use. */
    public ChipBuild chip(int id) {
        if (id < 0 || id >= system.chips()) {
            throw new IllegalArgumentException("chip " + id + " is not in " + system.name() + " (0.."
                    + (system.chips() - 1) + ")");
        }
        return chips.computeIfAbsent(id, i -> new ChipBuild(i, system.chip(), lanes.reserved(SramMap.empty(
                system.chip()))));
    }

    /** The chips built so far, by id. */
    public List<ChipBuild> chips() {
        return List.copyOf(chips.values());
    }

    /** The program of every chip built. */
    public Program toProgram() {
        return toProgram(false);
    }

    /**
     * The program of every chip built, made chip by chip and queue by queue, each queue's instructions let go in
     * the build as soon as its program is made: what a build as large as its program (a long prefill's) needs to
     * end in about its program's memory instead of twice that. Nothing can be placed afterwards.
     */
    public Program toProgramReleasing() {
        return toProgram(true);
    }

    private Program toProgram(boolean release) {
        List<ChipProgram> out = new ArrayList<>();
        SharedQueues shared = new SharedQueues();
        for (ChipBuild c : chips.values()) {
            out.add(c.toProgram(release, shared));
        }
        return new Program(system.chip().name(), system.chip().vectorBytes(), List.of(), List.of(), out);
    }
}
