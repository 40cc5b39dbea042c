// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.Program;
import dev.lockstep.isa.program.ProgramRules;
import dev.lockstep.isa.program.QueueProgram;
import dev.lockstep.isa.program.Region;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Simulates a program on a system of chips joined by links (docs/model.md, "Simulating many chips").
 *
 * <p><b>Timing-only</b>: the hardware has no interlocks, so a chip's timeline is a function of its own program:
 * what arrives on a link changes data, never when anything happens. Each chip runs on its own (in parallel), its
 * sends and receives recorded, and {@link LinkChecker} applies the link rules over the whole system afterwards.
 * With deduplication, chips whose programs are identical up to a shift in time (every instruction the same number
 * of cycles later) and a renumbering of links ({@link LinkLabels}), with the same initial data and the same regions
 * but for their names, run once and share the result, shifted and relabelled; that is exact because the timeline
 * depends on nothing else.
 *
 * <p><b>Functional</b>: vectors carry data, so chips exchange them. The run advances in windows: each window ends
 * at H = (the earliest cycle any chip could sample a vector for a send) + (the shortest flight time of a link).
 * Nothing sent inside a window arrives before H, so the chips of a window run independently, in parallel; between
 * windows the vectors sent are delivered in a fixed order. Results never depend on the number of threads.
 */
public final class SystemSimulator {
    private SystemSimulator() {
    }

    /**
     * How to spread the work.
     *
     * @param threads     worker threads (1 or more); a listener forces one, so its events come in a fixed order
     * @param deduplicate in timing-only mode, run identical chip programs once, and the repeated periods of a chip's
     *                    program once ({@link RepeatSkip}); false runs every chip and every event
     */
    public record Parallelism(int threads, boolean deduplicate) {
        public Parallelism {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
        }
    }

    public static SimResult run(SystemSpec system, Program program, SimOptions options, Parallelism parallelism) {
        int threads = options.listener() != null ? 1 : parallelism.threads();
        ExecutorService pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "lockstep-sim");
            t.setDaemon(true);
            return t;
        });
        try {
            ProgramRules.check(program, system.chip(), pool, threads);
            for (ChipProgram cp : program.chips()) {
                if (cp.chipId() >= system.chips()) {
                    throw new IllegalArgumentException("the program has chip " + cp.chipId() + " but the system "
                            + system.name() + " has " + system.chips() + " chips (0.." + (system.chips() - 1) + ")");
                }
            }
            Topology topology = new Topology(system);
            return options.mode() == Mode.TIMING_ONLY
                    ? recording(system, topology, program, options,
                    parallelism.deduplicate() && options.listener() == null, pool)
                    : delivering(system, topology, program, options, pool);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Runs the given chips again, timing-only, one after another in id order, telling {@code listener} of every
     * issue: exact, since a chip's timeline depends on its program alone (for timelines of a few chips of a large
     * system, after a deduplicated run).
     */
    public static void trace(SystemSpec system, Program program, List<Integer> chipIds, IssueListener listener) {
        Topology topology = new Topology(system);
        for (int id : chipIds.stream().sorted().distinct().toList()) {
            ChipProgram cp = program.chip(id).orElseThrow(() -> new IllegalArgumentException("chip " + id
                    + " has no program"));
            new ChipSimulator(system.chip(), program, cp, Mode.TIMING_ONLY, listener, topology, false, false).run();
        }
    }

    // ------------------------------------------------------------------------------------------ timing-only

    /**
     * What makes two chips' timing-only runs identical up to a shift in time: every instruction at the same cycle
     * counted from the chip's first issue, the same initial data and regions (but for their names).
     */
    private static final class Key {
        final ChipProgram cp;
        final long base;
        final List<Region> regions;
        final LinkLabels labels;
        final QueueFacts facts;
        final int hash;

        Key(ChipProgram cp, int links, QueueFacts facts) {
            this.cp = cp;
            this.facts = facts;
            // deskew waits for an absolute counter epoch: a program that uses it is only equal to itself at the
            // same start (no shift)
            this.base = usesDeskew(cp) ? 0 : ChipSimulator.firstIssue(cp);
            this.labels = LinkLabels.of(cp, links, facts);
            this.regions = cp.regions().stream().map(r -> new Region("", r.slices(), r.address(), r.dtype(),
                    r.elements(), r.readOnly())).toList();
            int h = cp.data().hashCode() * 31 + regions.hashCode();
            for (QueueProgram q : cp.queues()) {
                h = h * 31 + facts.hash(q, base, labels);
            }
            this.hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        private static boolean usesDeskew(ChipProgram cp) {
            return cp.queues().stream().anyMatch(q -> q.uses(Opcode.DESKEW));
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key k) || k.hash != hash || k.cp.queues().size() != cp.queues().size()
                    || !k.regions.equals(regions) || !k.cp.data().equals(cp.data())) {
                return false;
            }
            for (int j = 0; j < cp.queues().size(); j++) {
                QueueProgram a = cp.queues().get(j);
                QueueProgram b = k.cp.queues().get(j);
                if (a.queueId() != b.queueId() || a.storedSize() != b.storedSize()
                        || !java.util.Arrays.equals(a.shape(base), b.shape(k.base))) {
                    return false;
                }
                if (facts.sameWithoutLinks(a, base, b, k.base)) {
                    // one stored queue at the same distance from each chip's first issue, no link to renumber
                    continue;
                }
                // stored alike (a repeated block once), so equal stored instructions are equal queues
                for (int i = 0; i < a.storedSize(); i++) {
                    long wa = a.storedWord(i);
                    long wb = b.storedWord(i);
                    boolean same = LinkLabels.isLink(wa) ? labels.canonical(wa) == k.labels.canonical(wb) : wa == wb;
                    if (a.storedCycle(i, base) != b.storedCycle(i, k.base) || !same) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    /**
     * How one chip's timing-only run ended: its result, or the hazard that stopped it (then no result); either way
     * its link records, complete up to where it stopped.
     */
    private record ChipRun(ChipResult result, LinkUnit links, HazardException hazard) {
    }

    /** The chip's link numbering: its key's if it has one, else read from its program. */
    private static LinkLabels labels(LinkLabels[] known, ChipProgram cp, SystemSpec system) {
        LinkLabels l = known[cp.chipId()];
        return l != null ? l : LinkLabels.of(cp, system.chip().links().count());
    }

    private static SimResult recording(SystemSpec system, Topology topology, Program program, SimOptions options,
                                       boolean dedup, ExecutorService pool) {
        // the chip that starts first (then the lowest id) runs; the others of its group start later or together
        List<ChipProgram> order = new ArrayList<>(program.chips());
        order.sort(Comparator.comparingLong(ChipSimulator::firstIssue).thenComparingInt(ChipProgram::chipId));
        List<List<ChipProgram>> list = new ArrayList<>();
        // each chip's link numbering, read once: by its key when deduplicating, else below
        LinkLabels[] labelsOf = new LinkLabels[system.chips()];
        if (dedup) {
            // the keys read every instruction of every chip: made in parallel, grouped in order
            List<Callable<Key>> keying = new ArrayList<>();
            QueueFacts facts = new QueueFacts();
            for (ChipProgram cp : order) {
                keying.add(() -> new Key(cp, system.chip().links().count(), facts));
            }
            Map<Key, List<ChipProgram>> groups = new LinkedHashMap<>();
            for (Key k : Parallel.invoke(pool, keying)) {
                groups.computeIfAbsent(k, x -> new ArrayList<>()).add(k.cp);
                labelsOf[k.cp.chipId()] = k.labels;
            }
            list.addAll(groups.values());
        } else {
            for (ChipProgram cp : order) {
                list.add(List.of(cp));
            }
        }
        List<Callable<ChipRun>> tasks = new ArrayList<>();
        for (List<ChipProgram> g : list) {
            ChipProgram rep = g.get(0);
            tasks.add(() -> {
                ChipSimulator sim = new ChipSimulator(system.chip(), program, rep, options.mode(), options.listener(),
                        topology, false, dedup);
                try {
                    return new ChipRun(sim.run(), sim.links(), null);
                } catch (HazardException e) {
                    // the records up to the hazard still count: a link rule broken earlier elsewhere comes first
                    return new ChipRun(null, sim.links(), e);
                } finally {
                    sim.links().detach();
                }
            });
        }
        List<ChipRun> outcomes = Parallel.invoke(pool, tasks);
        HazardException first = null;
        ChipResult[] byChip = new ChipResult[system.chips()];
        LinkUnit[] units = new LinkUnit[system.chips()];
        long[] shifts = new long[system.chips()];
        int[][] linkOf = new int[system.chips()][];
        for (int i = 0; i < list.size(); i++) {
            ChipRun outcome = outcomes.get(i);
            if (outcome.hazard() != null) {
                HazardException h = outcome.hazard();
                first = first == null || LinkUnit.FIRST.compare(h, first) < 0 ? h : first;
            }
            ChipProgram rep = list.get(i).get(0);
            long base = ChipSimulator.firstIssue(rep);
            LinkLabels repLabels = labels(labelsOf, rep, system);
            for (ChipProgram cp : list.get(i)) {
                long shift = ChipSimulator.firstIssue(cp) - base;
                byChip[cp.chipId()] = outcome.result() == null ? null : outcome.result().shifted(cp.chipId(), shift);
                units[cp.chipId()] = outcome.links();
                shifts[cp.chipId()] = shift;
                LinkLabels own = cp == rep ? repLabels : labels(labelsOf, cp, system);
                int[] map = new int[system.chip().links().count()];
                for (int l = 0; l < map.length; l++) {
                    map[l] = repLabels.rank(l) < 0 ? l : own.link(repLabels.rank(l));
                }
                linkOf[cp.chipId()] = map;
            }
        }
        // records are complete up to the first hazard, so a link rule broken before it comes first; a vector never
        // received is judged at the end, which a run stopped by a hazard never reaches
        HazardException[] link = LinkChecker.check(topology, units, shifts, linkOf, system.vectorCycles(), pool);
        if (link[0] != null && (first == null || LinkUnit.FIRST.compare(link[0], first) < 0)) {
            first = link[0];
        }
        if (first == null) {
            first = link[1];
        }
        if (first != null) {
            throw first;
        }
        List<ChipResult> results = new ArrayList<>();
        for (ChipProgram cp : program.chips()) {
            results.add(byChip[cp.chipId()]);
        }
        long run = 0;
        Map<Integer, Integer> ranAs = new TreeMap<>();
        for (List<ChipProgram> g : list) {
            ChipResult r = byChip[g.get(0).chipId()];
            run += r.simulatedIssues();
            for (ChipProgram cp : g) {
                ranAs.put(cp.chipId(), g.get(0).chipId());
            }
        }
        return new SimResult(system.chip(), program, options.mode(), results, list.size(), run, ranAs);
    }

    // ------------------------------------------------------------------------------------------ functional

    private static SimResult delivering(SystemSpec system, Topology topology, Program program, SimOptions options,
                                        ExecutorService pool) {
        List<ChipSimulator> sims = new ArrayList<>();
        ChipSimulator[] byChip = new ChipSimulator[system.chips()];
        for (ChipProgram cp : program.chips()) {
            ChipSimulator sim = new ChipSimulator(system.chip(), program, cp, options.mode(), options.listener(),
                    topology, true, false);
            sims.add(sim);
            byChip[cp.chipId()] = sim;
        }
        ChipSimulator.watch(program, sims, options.watches());
        // a vector sampled (or forwarded) at c arrives no sooner than c + the shorter lead + its frame + a link
        long minFlight = Math.min(system.chip().timing().cycles(TimingParam.C2C_SEND_END_CYCLES),
                system.chip().timing().cycles(TimingParam.C2C_FORWARD_CYCLES)) + system.vectorCycles()
                + system.minLatencyCycles();
        while (true) {
            long earliest = Long.MAX_VALUE;
            boolean busy = false;
            for (ChipSimulator s : sims) {
                earliest = Math.min(earliest, s.nextSendSample());
                busy |= !s.done();
            }
            if (!busy) {
                break;
            }
            long horizon = earliest == Long.MAX_VALUE ? Long.MAX_VALUE : earliest + minFlight;
            List<Callable<HazardException>> tasks = new ArrayList<>();
            for (ChipSimulator s : sims) {
                if (!s.done()) {
                    tasks.add(() -> {
                        try {
                            s.advance(horizon);
                            return null;
                        } catch (HazardException e) {
                            return e;
                        }
                    });
                }
            }
            HazardException first = Parallel.invoke(pool, tasks).stream().filter(Objects::nonNull).min(LinkUnit.FIRST)
                    .orElse(null);
            if (first != null) {
                throw first;
            }
            deliver(topology, sims, byChip, system, program, options);
        }
        List<ChipResult> results = new ArrayList<>();
        HazardException first = null;
        for (ChipSimulator s : sims) {
            HazardException h = s.links().unreceived();
            if (h != null && (first == null || LinkUnit.FIRST.compare(h, first) < 0)) {
                first = h;
            }
            if (program.chip(s.chipId()).isPresent()) {
                results.add(s.finish());
            }
        }
        if (first != null) {
            throw first;
        }
        return new SimResult(system.chip(), program, options.mode(), results, sims.size(),
                results.stream().mapToLong(ChipResult::issues).sum());
    }

    /**
     * Moves every vector sent in the last window to its receiver, in (sender, sample order). A chip without a
     * program gets an empty one, so that its registers apply the same rules (nothing will take the vector).
     */
    private static void deliver(Topology topology, List<ChipSimulator> sims, ChipSimulator[] byChip,
                                SystemSpec system, Program program, SimOptions options) {
        for (ChipSimulator s : List.copyOf(sims)) {
            LinkUnit u = s.links();
            for (LinkUnit.Sent v : u.sent) {
                int far = topology.farChip(s.chipId(), v.link());
                long arrival = u.arrival(v);
                ChipSimulator to = byChip[far];
                if (to == null) {
                    to = new ChipSimulator(system.chip(), program, new ChipProgram(far, List.of(), List.of(),
                            List.of()), options.mode(), null, topology, true, false);
                    byChip[far] = to;
                    sims.add(to);
                }
                to.links().arrive(topology.farLink(s.chipId(), v.link()), arrival, v.data(), v.who(), s.chipId());
            }
            u.sent.clear();
        }
    }
}
