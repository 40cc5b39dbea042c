// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa.system;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The wiring of a {@link SystemSpec}. Chip ids count chips within a node, then nodes within a rack, then racks.
 * <ul>
 *   <li>Local: chip c of a node reaches chip d of the same node on link {@code d < c ? d : d - 1}.</li>
 *   <li>Global: a node's global links are numbered as ports {@code p = c * G + g} (chip c, its g-th global link,
 *       link id {@code chipsPerNode - 1 + g}). Ports 0 .. N-2 join the N nodes of a rack: port j of node n
 *       reaches node (n + 1 + j) mod N (at its port N - 2 - j). The next ports go to the other racks, k per
 *       rack (k = the ports left over divided by R - 1): port N - 1 + k d + i of node n in rack r reaches node n
 *       of rack (r + 1 + d) mod R, at its port N - 1 + k (R - 2 - d) + i. Ports left over stay unconnected.</li>
 *   <li>With more other racks than a node has ports left (k would be 0), a rack's ports left are spread over the
 *       other racks instead ({@link #wireManyRacks}): each rack reaches each other rack from one of its nodes, not
 *       from every one.</li>
 * </ul>
 * Every chip is two hops from any chip of its rack's other nodes (at most three), and at most five from any chip
 * where every node reaches every other rack (up to 25 racks of 9 nodes with 4 global links per chip); racks wired
 * rack to rack are further apart (the topology command measures it: 7 hops for tsp-10440, against the published
 * "at most about 5" of a system whose wiring between racks is not published).
 */
public final class Topology {
    private final SystemSpec system;
    private final int links;
    private final int[] farChip;
    private final int[] farLink;
    private final LinkKind[] kind;
    private byte[][] hops;

    public Topology(SystemSpec system) {
        this.system = system;
        this.links = system.chip().links().count();
        int chips = system.chips();
        farChip = new int[chips * links];
        farLink = new int[chips * links];
        kind = new LinkKind[chips * links];
        Arrays.fill(farChip, -1);
        Arrays.fill(farLink, -1);
        int cpn = system.chipsPerNode();
        for (int chip = 0; chip < chips; chip++) {
            int node = chip / cpn;
            int c = chip % cpn;
            for (int d = 0; d < cpn; d++) {
                if (d != c) {
                    connect(chip, d < c ? d : d - 1, node * cpn + d, c < d ? c : c - 1, LinkKind.LOCAL);
                }
            }
        }
        wireGlobal();
    }

    /** {@code full}'s wiring with every link that has an end outside {@code kept} unconnected. */
    private Topology(Topology full, boolean[] kept) {
        this.system = full.system;
        this.links = full.links;
        this.farChip = full.farChip.clone();
        this.farLink = full.farLink.clone();
        this.kind = full.kind.clone();
        for (int i = 0; i < farChip.length; i++) {
            if (!kept[i / links] || farChip[i] >= 0 && !kept[farChip[i]]) {
                farChip[i] = -1;
                farLink[i] = -1;
                kind[i] = null;
            }
        }
    }

    /**
     * This wiring with only {@code chips} in it: every link with an end outside them unconnected, so that hops and
     * routes stay among them. A copy of a model confined to its share of a system is compiled over this view, and
     * its transfers then never touch another copy's chips or links.
     *
     * @throws IllegalArgumentException if a chip is not in the system
     */
    public Topology within(Collection<Integer> chips) {
        boolean[] kept = new boolean[chips()];
        for (int c : chips) {
            if (c < 0 || c >= chips()) {
                throw new IllegalArgumentException("chip " + c + " is not in " + system.name());
            }
            kept[c] = true;
        }
        return new Topology(this, kept);
    }

    /**
     * Whether the chips {@code to} are wired among themselves as the chips {@code from} are, position by position:
     * for every chip {@code from[i]} and link l, where the link reaches {@code from[j]} (on its far link f, of kind
     * k), link l of {@code to[i]} reaches {@code to[j]} on f, of kind k; where it reaches no chip of {@code from},
     * link l of {@code to[i]} reaches none of {@code to}. Then the two sets' views ({@link #within}) are the same
     * wiring with the chips renamed.
     */
    public boolean wiredAlike(List<Integer> from, List<Integer> to) {
        if (from.size() != to.size()) {
            return false;
        }
        int[] fromAt = positions(from);
        int[] toAt = positions(to);
        for (int i = 0; i < from.size(); i++) {
            int a = from.get(i);
            int b = to.get(i);
            for (int l = 0; l < links; l++) {
                int fa = farChip(a, l);
                int fb = farChip(b, l);
                boolean inA = fa >= 0 && fromAt[fa] >= 0;
                boolean inB = fb >= 0 && toAt[fb] >= 0;
                if (inA != inB || inA && (fromAt[fa] != toAt[fb] || farLink(a, l) != farLink(b, l)
                        || kind(a, l) != kind(b, l))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Each chip's index in {@code chips}, -1 for the others. */
    private int[] positions(List<Integer> chips) {
        int[] at = new int[chips()];
        Arrays.fill(at, -1);
        for (int i = 0; i < chips.size(); i++) {
            at[chips.get(i)] = i;
        }
        return at;
    }

    private void wireGlobal() {
        int n = system.nodesPerRack();
        int r = system.racks();
        int g = system.globalLinksPerChip();
        int ports = system.chipsPerNode() * g;
        int rackPorts = n > 1 ? n - 1 : 0;
        int left = ports - rackPorts;
        int perRack = r > 1 ? left / (r - 1) : 0;
        if (r > 1 && perRack == 0) {
            wireManyRacks(left);
        }
        for (int rack = 0; rack < r; rack++) {
            for (int node = 0; node < n; node++) {
                for (int j = 0; j < rackPorts; j++) {
                    connectPorts(rack, node, j, rack, (node + 1 + j) % n, n - 2 - j, LinkKind.RACK);
                }
                for (int d = 0; d < r - 1; d++) {
                    for (int i = 0; i < perRack; i++) {
                        connectPorts(rack, node, rackPorts + perRack * d + i, (rack + 1 + d) % r, node,
                                rackPorts + perRack * (r - 2 - d) + i, LinkKind.INTER_RACK);
                    }
                }
            }
        }
    }

    /**
     * More other racks than a node has ports left after joining its rack ({@code left}): a rack's ports left, port
     * {@code q} being node {@code q / left}'s port {@code N - 1 + q mod left}, go k to each other rack (k = the rack's
     * ports left divided by R - 1): port k d + i of rack r reaches rack (r + 1 + d) mod R, at its port
     * k (R - 2 - d) + i.
     */
    private void wireManyRacks(int left) {
        int n = system.nodesPerRack();
        int r = system.racks();
        int rackPorts = n > 1 ? n - 1 : 0;
        int k = n * left / (r - 1);
        for (int rack = 0; rack < r; rack++) {
            for (int d = 0; d < r - 1; d++) {
                for (int i = 0; i < k; i++) {
                    int q = k * d + i;
                    int fq = k * (r - 2 - d) + i;
                    connectPorts(rack, q / left, rackPorts + q % left, (rack + 1 + d) % r, fq / left,
                            rackPorts + fq % left, LinkKind.INTER_RACK);
                }
            }
        }
    }

    private void connectPorts(int rack, int node, int port, int farRack, int farNode, int farPort, LinkKind k) {
        int g = system.globalLinksPerChip();
        int cpn = system.chipsPerNode();
        int a = (rack * system.nodesPerRack() + node) * cpn + port / g;
        int b = (farRack * system.nodesPerRack() + farNode) * cpn + farPort / g;
        connect(a, cpn - 1 + port % g, b, cpn - 1 + farPort % g, k);
    }

    private void connect(int chip, int link, int far, int farLinkId, LinkKind k) {
        int i = chip * links + link;
        if (farChip[i] >= 0 && (farChip[i] != far || farLink[i] != farLinkId)) {
            throw new IllegalStateException("link " + link + " of chip " + chip + " wired twice");
        }
        farChip[i] = far;
        farLink[i] = farLinkId;
        kind[i] = k;
    }

    public SystemSpec system() {
        return system;
    }

    public int chips() {
        return system.chips();
    }

    /** Links per chip (connected or not). */
    public int linksPerChip() {
        return links;
    }

    /** The chip at the far end of a link, or -1 if the link is unconnected. */
    public int farChip(int chip, int link) {
        return farChip[chip * links + link];
    }

    /** The far chip's link id of this link, or -1. */
    public int farLink(int chip, int link) {
        return farLink[chip * links + link];
    }

    /** The kind of a connected link, or null. */
    public LinkKind kind(int chip, int link) {
        return kind[chip * links + link];
    }

    /** Cycles from a vector's serialisation to its arrival on this link (its kind's latency). */
    public long latencyCycles(int chip, int link) {
        return system.latencyCycles(kind(chip, link));
    }

    /** The link of {@code chip} that reaches {@code to} directly, or -1. Lowest link id first. */
    public int linkTo(int chip, int to) {
        for (int l = 0; l < links; l++) {
            if (farChip(chip, l) == to) {
                return l;
            }
        }
        return -1;
    }

    /** Connected links, counting each cable once. */
    public int connectedLinks() {
        int n = 0;
        for (int i = 0; i < farChip.length; i++) {
            if (farChip[i] >= 0 && farChip[i] > i / links) {
                n++;
            }
        }
        return n;
    }

    /** Connected links of one kind, each cable once. */
    public int connectedLinks(LinkKind k) {
        int n = 0;
        for (int i = 0; i < farChip.length; i++) {
            if (kind[i] == k && farChip[i] > i / links) {
                n++;
            }
        }
        return n;
    }

    /** Fewest links between two chips (0 for the same chip), or -1 if they are not connected. */
    public synchronized int hops(int a, int b) {
        if (hops == null) {
            hops = new byte[chips()][];
        }
        if (hops[b] == null) {
            hops[b] = bfs(b);
        }
        return hops[b][a];
    }

    private byte[] bfs(int from) {
        byte[] dist = new byte[chips()];
        Arrays.fill(dist, (byte) -1);
        int[] queue = new int[chips()];
        int head = 0;
        int tail = 0;
        queue[tail++] = from;
        dist[from] = 0;
        while (head < tail) {
            int c = queue[head++];
            for (int l = 0; l < links; l++) {
                int f = farChip(c, l);
                if (f >= 0 && dist[f] < 0) {
                    dist[f] = (byte) (dist[c] + 1);
                    queue[tail++] = f;
                }
            }
        }
        return dist;
    }

    /** The largest hop count between any two chips. */
    public int diameter() {
        int max = 0;
        for (int b = 0; b < chips(); b++) {
            for (int a = 0; a < chips(); a++) {
                max = Math.max(max, hops(a, b));
            }
        }
        return max;
    }

    /** One hop of a route: leave {@code chip} on {@code link}. */
    public record Hop(int chip, int link) {
    }

    /**
     * A shortest route from {@code a} to {@code b}: at each chip, the lowest link id that brings the vector one hop
     * closer. Empty if a == b.
     *
     * @throws IllegalArgumentException if the chips are not connected
     */
    public List<Hop> route(int a, int b) {
        if (hops(a, b) < 0) {
            throw new IllegalArgumentException("chips " + a + " and " + b + " are not connected");
        }
        List<Hop> out = new ArrayList<>();
        int c = a;
        while (c != b) {
            int d = hops(c, b);
            for (int l = 0; l < links; l++) {
                int f = farChip(c, l);
                if (f >= 0 && hops(f, b) == d - 1) {
                    out.add(new Hop(c, l));
                    c = f;
                    break;
                }
            }
        }
        return out;
    }

    /**
     * Links crossing the cut between chips 0 .. n/2-1 and n/2 .. n-1 (half the racks, half the nodes, or half the
     * chips of a node, as the system's shape gives): the bisection of this wiring along its natural halves.
     */
    public int bisectionLinks() {
        int half = chips() / 2;
        int n = 0;
        for (int c = 0; c < half; c++) {
            for (int l = 0; l < links; l++) {
                if (farChip(c, l) >= half) {
                    n++;
                }
            }
        }
        return n;
    }
}
