// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.function.IntUnaryOperator;

/**
 * Applies the link rules of {@link LinkUnit} after a recording (timing-only) run, over the whole system: every
 * send and receive on a connected link, one vector per receive register, each taken before the next arrives and
 * before the end. The same rules and messages as a delivering run; the first broken rule by
 * {@link LinkUnit#FIRST}. A unit's records are read link by link, the copies of periods its chip skipped
 * ({@link LinkUnit.Repeat}) included: the unit stores them once, and the check of one link lists that link's
 * copies while it runs (memory for one link's records at a time per thread: runs of chips are checked side by
 * side), but for the periods in which the link's records repeat, of which it checks the first few and leaves out
 * the rest, exactly ({@link LinkCut}). Longer than most files here: the records of a link, merged from both its ends
 * and their copies, and the sweep that checks them are one piece of work that nothing else reads (its two record
 * classes are nested for that reason).
 */
final class LinkChecker {
    private LinkChecker() {
    }

    /**
     * @param units  per chip id, the recorded link unit of the chip that ran its program (for a deduplicated chip,
     *               the chip whose identical program ran), or null if the chip has no program
     * @param shifts per chip id, cycles to add to the recorded unit's events (a deduplicated chip's start minus the
     *               start of the chip that ran)
     * @param linkOf per chip id, the chip's link for each link of the recorded unit (its programs' links may be
     *               numbered differently, see {@link LinkLabels}); null for chips without a program
     * @return the first rule broken as the run goes (unconnected link, nothing arrived, overwritten) and the first
     *         vector never received (judged at the end, so it counts only if nothing else went wrong); each null if
     *         none
     */
    static HazardException[] check(Topology topology, LinkUnit[] units, long[] shifts, int[][] linkOf,
                                   long vectorCycles, ExecutorService pool) {
        HazardException first = null;
        HazardException atEnd = null;
        // a copy of a skipped period uses the links of its record, later: the records alone find the first
        for (int c = 0; c < units.length; c++) {
            if (units[c] == null) {
                continue;
            }
            for (LinkUnit.Sent s : units[c].sent) {
                int l = linkOf[c][s.link()];
                if (topology.farChip(c, l) < 0) {
                    first = min(first, LinkUnit.unconnected(s.who(), topology, c, l, s.cycle() + shifts[c]));
                }
            }
            for (LinkUnit.Taken t : units[c].taken) {
                int l = linkOf[c][t.link()];
                if (topology.farChip(c, l) < 0) {
                    first = min(first, LinkUnit.unconnected(t.who(), topology, c, l, t.cycle() + shifts[c]));
                }
            }
        }
        Map<LinkUnit, ByLink> byLink = new IdentityHashMap<>();
        for (LinkUnit u : units) {
            if (u != null) {
                byLink.computeIfAbsent(u, ByLink::new);
            }
        }
        // the chips' receive registers in runs of chips, checked side by side (each reads the records only); their
        // results combine in chip order, as one pass over the chips would (min keeps the earlier of equals)
        List<Callable<HazardException[]>> runs = new ArrayList<>();
        int per = Math.max(1, (units.length + CHECK_RUNS - 1) / CHECK_RUNS);
        for (int from = 0; from < units.length; from += per) {
            int lo = from;
            int hi = Math.min(units.length, from + per);
            runs.add(() -> checkChips(topology, units, shifts, linkOf, vectorCycles, byLink, lo, hi));
        }
        for (HazardException[] found : Parallel.invoke(pool, runs)) {
            first = min(first, found[0]);
            atEnd = min(atEnd, found[1]);
        }
        return new HazardException[] {first, atEnd};
    }

    /** Runs of chips whose links {@link #check} checks as one task each. */
    private static final int CHECK_RUNS = 16;

    /** The receive registers of chips {@code lo .. hi - 1}: the first rule broken, and the first never received. */
    private static HazardException[] checkChips(Topology topology, LinkUnit[] units, long[] shifts, int[][] linkOf,
                                                long vectorCycles, Map<LinkUnit, ByLink> byLink, int lo, int hi) {
        HazardException first = null;
        HazardException atEnd = null;
        for (int r = lo; r < hi; r++) {
            for (int l = 0; l < topology.linksPerChip(); l++) {
                int f = topology.farChip(r, l);
                if (f < 0) {
                    continue;
                }
                long latency = topology.latencyCycles(f, topology.farLink(r, l));
                ByLink sender = units[f] == null ? null : byLink.get(units[f]);
                ByLink taker = units[r] == null ? null : byLink.get(units[r]);
                int farLink = topology.farLink(r, l);
                long flight = vectorCycles + latency;
                LinkCut.Span arriving = sender == null ? LinkCut.Span.NONE
                        : sender.span(linkOf[f], farLink, true, shifts[f], flight);
                LinkCut.Span taking = taker == null ? LinkCut.Span.NONE
                        : taker.span(linkOf[r], l, false, shifts[r], 0);
                LinkCut cut = LinkCut.of(arriving, taking);
                Records in = sender == null ? Records.NONE
                        : sender.arrivals(linkOf[f], farLink, shifts[f], flight, arriving, cut);
                Records out = taker == null ? Records.NONE
                        : taker.takes(linkOf[r], l, shifts[r], taking, cut);
                if (in.size > 0 || out.size > 0) {
                    HazardException h = link(topology, r, l, f, in, out, cut);
                    if (h != null && h.kind() == HazardKind.LINK_NEVER_RECEIVED) {
                        atEnd = min(atEnd, h);
                    } else {
                        first = min(first, h);
                    }
                }
            }
        }
        return new HazardException[] {first, atEnd};
    }

    /**
     * Runs one receive register through its arrivals ({@code in}, in order of arrival) and takes, in time order;
     * arrivals first within a cycle. With a {@link LinkCut}, {@code in} and {@code out} lack the records in the periods
     * it removes, and a vector still waiting when the run passes them is the one the same number of periods later
     * (the one that would wait there had they been run).
     */
    private static HazardException link(Topology topology, int chip, int link, int from, Records in, Records out,
                                        LinkCut cut) {
        int i = 0;
        int j = 0;
        long waiting = -1;
        int waitingAt = -1;
        int waitingLater = 0;
        boolean passed = cut == null;
        while (true) {
            long next = i < in.size ? in.time[i] : Long.MAX_VALUE;
            long take = j < out.size ? out.time[j] : Long.MAX_VALUE;
            if (!passed && Math.min(next, take) >= cut.to()) {
                // past the periods left out (or at the end): a vector waiting since the last window kept is the one
                // that would be waiting after the last window left out
                passed = true;
                if (waitingAt >= 0 && waiting >= cut.from() - cut.period()) {
                    waiting += cut.periods() * cut.period();
                    waitingLater = cut.periods();
                }
            }
            if (i >= in.size && j >= out.size) {
                break;
            }
            if (j >= out.size || next <= take) {
                if (waitingAt >= 0) {
                    return LinkUnit.overwritten(in.who(i, 0), from, chip, link, next, waiting);
                }
                waitingAt = i++;
                waiting = next;
                waitingLater = 0;
            } else {
                if (waitingAt < 0) {
                    return LinkUnit.nothingArrived(out.who(j, 0), topology, chip, link, take);
                }
                j++;
                waitingAt = -1;
            }
        }
        return waitingAt < 0 ? null
                : LinkUnit.neverReceived(in.who(waitingAt, waitingLater), from, chip, link, waiting);
    }

    private static HazardException min(HazardException a, HazardException b) {
        if (b == null) {
            return a;
        }
        return a == null || LinkUnit.FIRST.compare(b, a) < 0 ? b : a;
    }

    /**
     * Times (arrivals or takes) on one link in order, each with the record it comes from: {@code key} holds the
     * record's index in its list and, above bit 32, its copy (0 for the record itself).
     */
    private static final class Records {
        static final Records NONE = new Records(null, true);
        final LinkUnit unit;
        final boolean sends;
        long[] time = new long[16];
        long[] key = new long[16];
        /** Each record's place in its unit's records, copies included (ties in time keep that order). */
        long[] place = new long[16];
        int size;

        Records(LinkUnit unit, boolean sends) {
            this.unit = unit;
            this.sends = sends;
        }

        void add(long t, long k, long p) {
            if (size == time.length) {
                time = Arrays.copyOf(time, size * 2);
                key = Arrays.copyOf(key, size * 2);
                place = Arrays.copyOf(place, size * 2);
            }
            time[size] = t;
            key[size] = k;
            place[size++] = p;
        }

        /** Who made record {@code i}, or its copy {@code later} periods later. */
        LinkUnit.Who who(int i, int later) {
            int index = (int) key[i];
            int copy = (int) (key[i] >>> 32) + later;
            LinkUnit.Who base = sends ? unit.sent.get(index).who() : unit.taken.get(index).who();
            return copy == 0 ? base : unit.repeat.who(base, copy);
        }

        /** Sorted by time, ties in the order of their records (for records of several links merged). */
        Records sorted() {
            for (int i = 1; i < size; i++) {
                if (time[i] < time[i - 1]) {
                    Integer[] order = new Integer[size];
                    for (int k = 0; k < size; k++) {
                        order[k] = k;
                    }
                    Arrays.sort(order, (a, b) -> time[a] != time[b] ? Long.compare(time[a], time[b])
                            : Long.compare(place[a], place[b]));
                    Records out = new Records(unit, sends);
                    for (Integer k : order) {
                        out.add(time[k], key[k], place[k]);
                    }
                    return out;
                }
            }
            return this;
        }
    }

    /** One unit's records, indexed by the unit's link. */
    private static final class ByLink {
        private final LinkUnit unit;
        private final int[][] sent;
        private final int[][] taken;

        ByLink(LinkUnit unit) {
            this.unit = unit;
            int links = 0;
            for (LinkUnit.Sent s : unit.sent) {
                links = Math.max(links, s.link() + 1);
            }
            for (LinkUnit.Taken t : unit.taken) {
                links = Math.max(links, t.link() + 1);
            }
            sent = byLink(links, unit.sent.size(), i -> unit.sent.get(i).link());
            taken = byLink(links, unit.taken.size(), i -> unit.taken.get(i).link());
        }

        /** Per link, the indexes of the {@code n} records on it, in order ({@code linkOf}: each record's link). */
        private static int[][] byLink(int links, int n, IntUnaryOperator linkOf) {
            int[] count = new int[links];
            for (int i = 0; i < n; i++) {
                count[linkOf.applyAsInt(i)]++;
            }
            int[][] out = new int[links][];
            for (int l = 0; l < links; l++) {
                out[l] = new int[count[l]];
            }
            int[] at = new int[links];
            for (int i = 0; i < n; i++) {
                int l = linkOf.applyAsInt(i);
                out[l][at[l]++] = i;
            }
            return out;
        }

        /**
         * The arrivals at the far end of the chip's link {@code link} ({@code map}: the chip's link for each of the
         * unit's), in order of arrival: each send's sample cycle plus {@code shift}, its lead and {@code flight}; those
         * in the periods {@code cut} leaves out (if not null) left out ({@code span}: where they lie, from
         * {@link #span}).
         */
        Records arrivals(int[] map, int link, long shift, long flight, LinkCut.Span span, LinkCut cut) {
            Records out = new Records(unit, true);
            int[] skip = cut == null ? null : cut.copiesLeftOut(span);
            int matched = 0;
            for (int ul = 0; ul < sent.length; ul++) {
                if (map[ul] != link) {
                    continue;
                }
                matched++;
                // sends and forwards reach the wire after different leads: each kind is in order, merged by arrival
                Records[] kinds = {new Records(unit, true), new Records(unit, true)};
                long firstLead = -1;
                long[] keys = logical(sent[ul], true, skip);
                for (long k : keys) {
                    LinkUnit.Sent s = unit.sent.get((int) k);
                    if (firstLead < 0) {
                        firstLead = s.lead();
                    }
                    long copy = k >>> 32;
                    long t = s.cycle() + shift + copy * period() + s.lead() + flight;
                    if (cut == null || !cut.removes(t)) {
                        kinds[s.lead() == firstLead ? 0 : 1].add(t, k, place(k, true));
                    }
                }
                merge(kinds[0], kinds[1], out);
            }
            return matched > 1 ? out.sorted() : out;
        }

        /** The takes from the chip's link {@code link}, in time order, as {@link #arrivals} leaves some out. */
        Records takes(int[] map, int link, long shift, LinkCut.Span span, LinkCut cut) {
            Records out = new Records(unit, false);
            int[] skip = cut == null ? null : cut.copiesLeftOut(span);
            int matched = 0;
            for (int ul = 0; ul < taken.length; ul++) {
                if (map[ul] != link) {
                    continue;
                }
                matched++;
                for (long k : logical(taken[ul], false, skip)) {
                    LinkUnit.Taken t = unit.taken.get((int) k);
                    long time = t.cycle() + shift + (k >>> 32) * period();
                    if (cut == null || !cut.removes(time)) {
                        out.add(time, k, place(k, false));
                    }
                }
            }
            return matched > 1 ? out.sorted() : out;
        }

        /**
         * A record's place among all of its unit's records, copies included: those before the repeated ones end,
         * then the copies, then the rest.
         */
        private long place(long key, boolean sends) {
            LinkUnit.Repeat rep = unit.repeat;
            int index = (int) key;
            long copy = key >>> 32;
            int from = rep == null ? 0 : sends ? rep.sentFrom() : rep.takenFrom();
            int to = rep == null ? 0 : sends ? rep.sentTo() : rep.takenTo();
            if (rep == null || copy == 0 && index < to) {
                return index;
            }
            long span = to - from;
            return copy > 0 ? to + (copy - 1) * span + (index - from) : index + span * rep.copies();
        }

        private long period() {
            return unit.repeat == null ? 0 : unit.repeat.period();
        }

        /**
         * Where the records of the chip's link {@code link} lie in time ({@link LinkCut.Span}): arrivals at the far end
         * ({@code sends}: each send's sample cycle plus {@code shift}, its lead and {@code flight}) or takes (plus
         * {@code shift}).
         */
        LinkCut.Span span(int[] map, int link, boolean sends, long shift, long flight) {
            LinkUnit.Repeat rep = unit.repeat;
            int[][] lists = sends ? sent : taken;
            int from = rep == null ? Integer.MAX_VALUE : sends ? rep.sentFrom() : rep.takenFrom();
            int to = rep == null ? Integer.MAX_VALUE : sends ? rep.sentTo() : rep.takenTo();
            boolean any = false;
            boolean repeats = false;
            long beforeMax = Long.MIN_VALUE;
            long afterMin = Long.MAX_VALUE;
            long lo = Long.MAX_VALUE;
            long hi = Long.MIN_VALUE;
            for (int ul = 0; ul < lists.length; ul++) {
                if (map[ul] != link) {
                    continue;
                }
                for (int i : lists[ul]) {
                    long t;
                    if (sends) {
                        LinkUnit.Sent s = unit.sent.get(i);
                        t = s.cycle() + shift + s.lead() + flight;
                    } else {
                        t = unit.taken.get(i).cycle() + shift;
                    }
                    any = true;
                    if (i < from) {
                        beforeMax = Math.max(beforeMax, t);
                    } else if (i < to) {
                        repeats = true;
                        lo = Math.min(lo, t);
                        hi = Math.max(hi, t);
                    } else {
                        afterMin = Math.min(afterMin, t);
                    }
                }
            }
            return repeats ? new LinkCut.Span(true, beforeMax, afterMin, true, lo, hi, rep.period(), rep.copies())
                    : new LinkCut.Span(any, beforeMax, afterMin, false, 0, 0, 0, 0);
        }

        /**
         * The keys of a link's records in time order: the records before the end of the repeated ones, the copies
         * of the repeated ones (but copies {@code skip[0]} to {@code skip[1]}, which a cut leaves out whole), then
         * the rest.
         */
        private long[] logical(int[] indexes, boolean sends, int[] skip) {
            LinkUnit.Repeat rep = unit.repeat;
            if (rep == null) {
                long[] out = new long[indexes.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = indexes[i];
                }
                return out;
            }
            int from = sends ? rep.sentFrom() : rep.takenFrom();
            int to = sends ? rep.sentTo() : rep.takenTo();
            int lo = lowerBound(indexes, from);
            int hi = lowerBound(indexes, to);
            int copies = rep.copies() - (skip == null ? 0 : skip[1] - skip[0] + 1);
            long[] out = new long[Math.toIntExact(indexes.length + (long) (hi - lo) * copies)];
            int n = 0;
            for (int i = 0; i < hi; i++) {
                out[n++] = indexes[i];
            }
            for (long copy = 1; copy <= rep.copies(); copy++) {
                if (skip != null && copy >= skip[0] && copy <= skip[1]) {
                    continue;
                }
                for (int i = lo; i < hi; i++) {
                    out[n++] = copy << 32 | indexes[i];
                }
            }
            for (int i = hi; i < indexes.length; i++) {
                out[n++] = indexes[i];
            }
            return out;
        }

        private static int lowerBound(int[] sorted, int value) {
            int i = Arrays.binarySearch(sorted, value);
            return i >= 0 ? i : -i - 1;
        }

        /** Two runs in time order into one, ties in the order of their records. */
        private static void merge(Records a, Records b, Records out) {
            int i = 0;
            int j = 0;
            while (i < a.size || j < b.size) {
                boolean takeA = j >= b.size || i < a.size && (a.time[i] < b.time[j]
                        || a.time[i] == b.time[j] && a.place[i] < b.place[j]);
                if (takeA) {
                    out.add(a.time[i], a.key[i], a.place[i]);
                    i++;
                } else {
                    out.add(b.time[j], b.key[j], b.place[j]);
                    j++;
                }
            }
        }
    }
}
