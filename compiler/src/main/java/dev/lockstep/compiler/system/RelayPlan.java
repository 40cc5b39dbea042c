// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.isa.system.Topology;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A relayed broadcast as it is planned ({@link RelayBroadcast}'s chain, {@link RelayTree}): its flows, the chips the
 * row has reached (when each of its words lands there, and how many exchanges from the source), and the send lanes
 * each chip uses. Every flow from a chip reads each word no sooner than it has landed there
 * ({@link PieceSchedule#startFor}), on the chip's next free send lane. Places nothing.
 */
final class RelayPlan {
    private final SystemBuild build;
    private final PieceSchedule ps;
    private final PieceSchedule.Pieces cut;
    private final int words;
    private final long t0;
    private final Map<Integer, long[]> landed = new TreeMap<>();
    private final Map<Integer, Integer> depth = new TreeMap<>();
    private final Map<Integer, Integer> sends = new TreeMap<>();
    /** When the row's last word lands last so far, and that chip's exchanges from the source. */
    private long latest;
    private int latestDepth;

    /** A row of {@code words} words on {@code source} at {@code t0}. */
    RelayPlan(SystemBuild build, int words, long t0, int source) {
        this.build = build;
        this.ps = new PieceSchedule(build, t0);
        this.cut = new PieceSchedule.Pieces(words, 1, 1);
        this.words = words;
        this.t0 = t0;
        this.latest = t0;
        long[] at = new long[words];
        Arrays.fill(at, t0);
        landed.put(source, at);
        depth.put(source, 0);
    }

    /** The chips reached, by chip: when each word of the row has landed there. */
    Map<Integer, long[]> landed() {
        return landed;
    }

    /** Whether {@code chip} (reached) has a send lane left. */
    boolean canSend(int chip) {
        return sends.getOrDefault(chip, 0) < Exchange.Lanes.LANES;
    }

    /**
     * Relays the row from {@code from} (reached) to {@code to} over their link, landing on {@code receiveLane}; false
     * (nothing added) if {@code from} has no send lane left.
     */
    boolean relay(int from, int to, int receiveLane) {
        int link = build.topology().linkTo(from, to);
        if (link < 0) {
            throw new IllegalArgumentException("chips " + from + " and " + to + " share no link");
        }
        return along(from, List.of(new Topology.Hop(from, link)), receiveLane);
    }

    /**
     * Relays the row from {@code from} (reached) along {@code path}, forwarded by the chips on the way, landing on
     * receive lane {@code receiveLane} of its last chip: one exchange further from the source. False (nothing added)
     * if {@code from} has no send lane left.
     */
    boolean along(int from, List<Topology.Hop> path, int receiveLane) {
        if (!canSend(from)) {
            return false;
        }
        int lane = sends.getOrDefault(from, 0);
        sends.put(from, lane + 1);
        Exchange.Lanes lanes = build.lanes();
        PieceSchedule.Flow f = ps.flow(path, lanes.send(lane), lanes.receive(receiveLane), words,
                ps.startFor(landed.get(from), cut, t0), 0, 0);
        int to = ps.to(f);
        long[] at = new long[words];
        for (int i = 0; i < words; i++) {
            at[i] = ps.landed(f, i);
        }
        landed.put(to, at);
        int d = depth.get(from) + 1;
        depth.put(to, d);
        // of chips landing together, the one more exchanges away
        if (at[words - 1] > latest || at[words - 1] == latest && d > latestDepth) {
            latest = at[words - 1];
            latestDepth = d;
        }
        return true;
    }

    /** {@code root} (reached) sends the row to every other chip of {@code seg}; false if it cannot. */
    boolean fanOut(int root, List<Integer> seg) {
        for (int chip : seg) {
            if (chip != root && (build.topology().linkTo(root, chip) < 0 || !relay(root, chip, 0))) {
                return false;
            }
        }
        return true;
    }

    /** The plan: its flows, and the exchanges on the way to the chip where the row lands last. */
    RelayBroadcast.Tree tree() {
        return new RelayBroadcast.Tree(ps, latestDepth);
    }
}
