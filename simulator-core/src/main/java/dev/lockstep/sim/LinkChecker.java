// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sim;

import dev.lockstep.isa.system.Topology;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the link rules of {@link LinkUnit} after a recording (timing-only) run, over the whole system: every
 * send and receive on a connected link, one vector per receive register, each taken before the next arrives and
 * before the end. The same rules and messages as a delivering run; the first broken rule by
 * {@link LinkUnit#FIRST}.
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
                                   long vectorCycles) {
        HazardException first = null;
        HazardException atEnd = null;
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
        for (int r = 0; r < units.length; r++) {
            for (int l = 0; l < topology.linksPerChip(); l++) {
                int f = topology.farChip(r, l);
                if (f < 0) {
                    continue;
                }
                List<LinkUnit.Sent> in = new ArrayList<>();
                if (units[f] != null) {
                    int fl = topology.farLink(r, l);
                    for (LinkUnit.Sent s : units[f].sent) {
                        if (linkOf[f][s.link()] == fl) {
                            in.add(new LinkUnit.Sent(s.link(), s.cycle() + shifts[f], s.lead(), null, s.who()));
                        }
                    }
                }
                List<LinkUnit.Taken> out = new ArrayList<>();
                if (units[r] != null) {
                    for (LinkUnit.Taken t : units[r].taken) {
                        if (linkOf[r][t.link()] == l) {
                            out.add(new LinkUnit.Taken(t.link(), t.cycle() + shifts[r], t.who()));
                        }
                    }
                }
                if (!in.isEmpty() || !out.isEmpty()) {
                    long latency = topology.latencyCycles(f, topology.farLink(r, l));
                    // a FWD's frame reaches the wire later after its sample than a SEND's: order by arrival
                    in.sort(java.util.Comparator.comparingLong(s -> s.arrival(vectorCycles, latency)));
                    long[] arrival = new long[in.size()];
                    for (int i = 0; i < arrival.length; i++) {
                        arrival[i] = in.get(i).arrival(vectorCycles, latency);
                    }
                    HazardException h = link(topology, r, l, f, in, arrival, out);
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
     * Runs one receive register through its arrivals ({@code in}, in order of {@code arrival}) and takes, in time
     * order; arrivals first within a cycle.
     */
    private static HazardException link(Topology topology, int chip, int link, int from, List<LinkUnit.Sent> in,
                                        long[] arrival, List<LinkUnit.Taken> out) {
        int i = 0;
        int j = 0;
        long waiting = -1;
        LinkUnit.Sent waitingSent = null;
        while (i < in.size() || j < out.size()) {
            long next = i < in.size() ? arrival[i] : Long.MAX_VALUE;
            if (j >= out.size() || next <= out.get(j).cycle()) {
                LinkUnit.Sent s = in.get(i++);
                if (waitingSent != null) {
                    return LinkUnit.overwritten(s.who(), from, chip, link, next, waiting);
                }
                waitingSent = s;
                waiting = next;
            } else {
                LinkUnit.Taken t = out.get(j++);
                if (waitingSent == null) {
                    return LinkUnit.nothingArrived(t.who(), topology, chip, link, t.cycle());
                }
                waitingSent = null;
            }
        }
        return waitingSent == null ? null : LinkUnit.neverReceived(waitingSent.who(), from, chip, link, waiting);
    }

    private static HazardException min(HazardException a, HazardException b) {
        if (b == null) {
            return a;
        }
        return a == null || LinkUnit.FIRST.compare(b, a) < 0 ? b : a;
    }
}
