// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.Resource;
import dev.lockstep.isa.ResourceUses;
import dev.lockstep.isa.Unit;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.Region;
import dev.lockstep.isa.program.RegionWatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntUnaryOperator;

/** What a simulation found: cycles, issues, utilisation, the trace hash and, in functional mode, the outputs. */
public final class SimResult {
    private final ChipSpec chip;
    /** Empty for a result put together from others ({@link #union}, {@link #movedTo}), which keeps no program. */
    private final Optional<Program> program;
    private final Mode mode;
    private final List<ChipResult> chips;
    private final int chipsRun;
    private final long instructionsRun;
    private final Map<Integer, Integer> ranAs;

    SimResult(ChipSpec chip, Program program, Mode mode, List<ChipResult> chips, int chipsRun, long instructionsRun) {
        this(chip, program, mode, chips, chipsRun, instructionsRun, Map.of());
    }

    SimResult(ChipSpec chip, Program program, Mode mode, List<ChipResult> chips, int chipsRun, long instructionsRun,
              Map<Integer, Integer> ranAs) {
        this.ranAs = Map.copyOf(ranAs);
        this.chipsRun = chipsRun;
        this.instructionsRun = instructionsRun;
        this.chip = chip;
        this.program = Optional.ofNullable(program);
        this.mode = mode;
        this.chips = List.copyOf(chips);
    }

    /** Chips in the program (in every program, for a result put together from others). */
    public int chipCount() {
        return chips.size();
    }

    /** Chip programs actually simulated; the others reused an identical program's result (timing-only). */
    public int chipsRun() {
        return chipsRun;
    }

    /** The chip whose simulation gave this chip's result: itself, unless deduplication shared another's. */
    public int simulatedAs(int chipId) {
        return ranAs.getOrDefault(chipId, chipId);
    }

    /**
     * Cycles of the timelines of the chips actually simulated, each from its first issue to its end, that the
     * simulation went through event by event (periods skipped by {@link RepeatSkip} left out): with
     * {@link #instructionsRun()}, the simulator's own work.
     */
    public long chipCyclesRun() {
        long n = 0;
        for (ChipResult c : chips) {
            if (simulatedAs(c.chip()) == c.chip()) {
                n += c.simulatedCycles();
            }
        }
        return n;
    }

    /** Instructions executed by the chips actually simulated (the simulator's own work). */
    public long instructionsRun() {
        return instructionsRun;
    }

    public Mode mode() {
        return mode;
    }

    /** Cycles of the longest chip: from cycle 0 to its last event, inclusive. */
    public long cycles() {
        return chips.stream().mapToLong(ChipResult::cycles).max().orElse(0);
    }

    /** Instructions executed on all chips (repeats expanded; a repeat itself is not counted). */
    public long instructions() {
        return chips.stream().mapToLong(ChipResult::issues).sum();
    }

    /**
     * The program's trace hash (see {@link TraceHash}), from each chip's in chip order: for a result put together from
     * others, the hash of their programs simulated together.
     */
    public long traceHash() {
        long h = TraceHash.INITIAL;
        for (ChipResult c : chips) {
            h = TraceHash.chip(h, c.chip(), c.firstIssue(), c.traceHash());
        }
        return h;
    }

    public long sramWordsInUse() {
        return chips.stream().mapToLong(ChipResult::sramWordsInUse).sum();
    }

    /** Busy cycles of a resource summed over its instances and chips. */
    public long busyCycles(Resource r) {
        return chips.stream().mapToLong(c -> c.busyByResource()[r.ordinal()]).sum();
    }

    /** The work of one kind counted on all chips (see {@link Activity}). */
    public long activity(Activity a) {
        return chips.stream().mapToLong(c -> c.activity()[a.ordinal()]).sum();
    }

    /** The work counted on one chip, per {@link Activity} ordinal (a copy). */
    public long[] activities(int chipId) {
        return chipResult(chipId).activity().clone();
    }

    /** The work of one kind counted on one chip. */
    public long activity(int chipId, Activity a) {
        return chipResult(chipId).activity()[a.ordinal()];
    }

    /** Instances of a resource on one chip. */
    public int instances(Resource r) {
        return ResourceUses.instances(chip, r);
    }

    /**
     * Utilisation per unit kind, busy over available: MEM counts read and write paths, VXM the ALU columns, MXM
     * the arrays (the multiply-accumulate planes), SXM the switch units, C2C both sides of every link.
     */
    public Map<Unit, Double> unitUtilization() {
        Map<Unit, Double> out = new EnumMap<>(Unit.class);
        out.put(Unit.MEM, util(Resource.MEM_READ, Resource.MEM_WRITE));
        out.put(Unit.VXM, util(Resource.VXM_ALU));
        out.put(Unit.MXM, util(Resource.MXM_ARRAY));
        out.put(Unit.SXM, util(Resource.SXM_SWITCH));
        out.put(Unit.C2C, util(Resource.C2C_TRANSMIT, Resource.C2C_RECEIVE));
        return out;
    }

    private double util(Resource... rs) {
        long busy = 0;
        long available = 0;
        for (Resource r : rs) {
            busy += busyCycles(r);
            available += (long) instances(r) * cycles() * chips.size();
        }
        return available == 0 ? 0 : (double) busy / available;
    }

    /** Per chip, per queue id: instructions executed. */
    public long issued(int chipId, int queueId) {
        return chipResult(chipId).issuedByQueue()[queueId];
    }

    /** Per chip, per queue id: the cycles in which its instructions hold a resource, each counted once. */
    public long busy(int chipId, int queueId) {
        return chipResult(chipId).busyByQueue()[queueId];
    }

    /** One chip's trace hash (its issue events only; see {@link TraceHash}). */
    public long traceHash(int chipId) {
        return chipResult(chipId).traceHash();
    }

    /** One chip's cycles. */
    public long cycles(int chipId) {
        return chipResult(chipId).cycles();
    }

    /** One chip's instructions executed. */
    public long instructions(int chipId) {
        return chipResult(chipId).issues();
    }

    /** One chip's busy cycles of a resource, summed over its instances. */
    public long busyCycles(int chipId, Resource r) {
        return chipResult(chipId).busyByResource()[r.ordinal()];
    }

    public List<Integer> chipIds() {
        return chips.stream().map(ChipResult::chip).toList();
    }

    private ChipResult chipResult(int chipId) {
        // the results are usually in chip order: look there first
        if (chipId >= 0 && chipId < chips.size() && chips.get(chipId).chip() == chipId) {
            return chips.get(chipId);
        }
        return chips.stream().filter(c -> c.chip() == chipId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no chip " + chipId + " in the program"));
    }

    /**
     * The values of a named region at the end of a functional run, element by element (exact for every type).
     *
     * @throws IllegalStateException after a timing-only run, which carries no data
     */
    public Optional<double[]> region(int chipId, String name) {
        if (mode != Mode.FUNCTIONAL) {
            throw new IllegalStateException("a timing-only run carries no data");
        }
        Optional<Region> region = program().chip(chipId).flatMap(cp -> cp.region(name));
        if (region.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(chipResult(chipId).sram().values(region.get()));
    }

    /**
     * The values of a watched region ({@link SimOptions#watches}) as they stood at the start of the watch's cycle,
     * element by element; empty if the run did not watch it.
     */
    public Optional<double[]> watched(RegionWatch watch) {
        if (mode != Mode.FUNCTIONAL) {
            throw new IllegalStateException("a timing-only run carries no data");
        }
        if (chips.stream().noneMatch(c -> c.chip() == watch.chip())) {
            return Optional.empty();
        }
        return Optional.ofNullable(chipResult(watch.chip()).watched().get(watch)).map(double[]::clone);
    }

    /**
     * The type of a named region.
     *
     * @throws IllegalStateException for a result put together from others ({@link #union}, {@link #movedTo}), which
     *                               keeps no program
     */
    public Optional<DataType> regionType(int chipId, String name) {
        return program().chip(chipId).flatMap(c -> c.region(name)).map(Region::dtype);
    }

    private Program program() {
        return program.orElseThrow(() -> new IllegalStateException("a result put together from others keeps no "
                + "program"));
    }

    /**
     * This timing-only result as the same programs give it on other chips: chip c's result becomes chip
     * {@code to.applyAsInt(c)}'s, every event at the same cycle. For a copy of a model wired among its chips as
     * another copy is among its own, and compiled the same, its simulation is the other's with the chips renamed
     * (the trace hash counts chip ids, so the system's is recomputed from the chips', not copied). Nothing is
     * simulated: {@link #chipsRun} and {@link #instructionsRun} are 0, and each chip is
     * {@link #simulatedAs} the chip whose simulation gave it. Keeps no program.
     *
     * @throws IllegalStateException    after a functional run (its data stays on its chips)
     * @throws IllegalArgumentException if two chips are sent to one
     */
    public SimResult movedTo(IntUnaryOperator to) {
        requireTimingOnly(this);
        List<ChipResult> moved = new ArrayList<>();
        Map<Integer, Integer> as = new TreeMap<>();
        for (ChipResult c : chips) {
            int id = to.applyAsInt(c.chip());
            moved.add(c.shifted(id, 0));
            if (as.put(id, simulatedAs(c.chip())) != null) {
                throw new IllegalArgumentException("two chips moved to chip " + id);
            }
        }
        moved.sort(Comparator.comparingInt(ChipResult::chip));
        return new SimResult(chip, null, mode, moved, 0, 0, as);
    }

    /**
     * Timing-only results of programs on disjoint chips that share no link, as one: what simulating them together
     * gives (each chip's events depend on its own program only; the link rules, checked in each, concern links
     * between the chips of one). The caller guarantees that no link joins a chip of one to a chip of the other
     * (this cannot see the programs' links). Keeps no program.
     *
     * @throws IllegalStateException    after a functional run
     * @throws IllegalArgumentException if the two share a chip or were run on different chips' descriptions
     */
    public static SimResult union(SimResult a, SimResult b) {
        requireTimingOnly(a);
        requireTimingOnly(b);
        if (!a.chip.equals(b.chip)) {
            throw new IllegalArgumentException("results of " + a.chip.name() + " and " + b.chip.name());
        }
        List<ChipResult> all = new ArrayList<>(a.chips);
        all.addAll(b.chips);
        all.sort(Comparator.comparingInt(ChipResult::chip));
        Map<Integer, Integer> as = new TreeMap<>(a.ranAs);
        as.putAll(b.ranAs);
        for (int i = 1; i < all.size(); i++) {
            if (all.get(i).chip() == all.get(i - 1).chip()) {
                throw new IllegalArgumentException("both results have chip " + all.get(i).chip());
            }
        }
        return new SimResult(a.chip, null, a.mode, all, a.chipsRun + b.chipsRun, a.instructionsRun
                + b.instructionsRun, as);
    }

    private static void requireTimingOnly(SimResult r) {
        if (r.mode != Mode.TIMING_ONLY) {
            throw new IllegalStateException("only timing-only results are moved or put together");
        }
    }
}
