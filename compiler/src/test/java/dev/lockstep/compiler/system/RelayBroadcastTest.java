// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static org.assertj.core.api.Assertions.assertThat;

import static dev.lockstep.compiler.testing.Instructions.count;

import dev.lockstep.compiler.testing.Nodes;
import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.isa.Opcode;
import dev.lockstep.isa.program.ChipProgram;
import dev.lockstep.isa.program.QueueProgram;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Broadcasts along nodes relayed word by word ({@link RelayBroadcast}: along the segments, or over the nodes' cables,
 * {@link RelayTree}, whichever ends sooner), against the same broadcast with whole rows (the row sent to the next
 * node's first chip, then every node's broadcast), both simulated exactly as predicted.
 */
class RelayBroadcastTest {
    private static final SystemSpec RACK = SystemSpecs.preset("rack-72");
    /** A normed 4,096-value row in fp16: 13 vectors of 2 words. */
    private static final int ROW = 26;

    /**
     * Rack-72's path positions 8..23, two nodes, the row from the first node's first chip. It goes along its route
     * to the second node's first chip forwarded by the first node's last chip: word 0 read at 0 on send lane 0,
     * on the stream at 3, leaves after the send end (83), is on the next chip after a frame and the link (322),
     * forwarded (200) and over the cable (522 + 22 + 217 = 761, the receive), lands after the receive end, the
     * hops to receive lane 0's slice, the write and its cycle (761 + 318 + 8 + 1 + 1 = 1,089), word i 22 i later.
     * The second node's first chip reads word i at 1,089 + 22 i, just as it has landed, onto send lanes 0..6; on
     * lane 6 (7 hops to the SXM) its last word lands 2 + 7 + 80 + 22 + 217 + 318 + 8 + 1 + 1 + 25 x 22 = 1,206
     * later: 2,295. With whole rows: 2,429. The bound (the latest chip's {@link LinkBounds#transfer} from the
     * source, over every path it has, alone): 2,012, so 14.1 % over it, where whole rows were 20.7 % over. Over the
     * nodes' cables (a peer of the source relays over its cable, landing, 650, where the route is forwarded, 439)
     * it would end at 2,512: the chain is taken.
     */
    @Test
    void twoNodesRelayedEndWithinFifteenPercentOfTheirBound() {
        SystemBuild b = new SystemBuild(RACK);
        List<List<Integer>> segs = new ChipPath(b.topology()).segments(8, 24);
        assertThat(segs).extracting(List::size).containsExactly(8, 8);
        long end = new Collectives(b).broadcastAlong(segs, ROW, 0);
        assertThat(end).isEqualTo(1_089 + 2 + 7 + 80 + 22 + 217 + 318 + 8 + 1 + 1 + 25 * 22).isEqualTo(2_295);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
        assertThat(b.exchanges()).as("the route (forwarded: one exchange), then the relay").isEqualTo(2);
        assertThat(b.exchanges() * Exchange.minimumCycles(b)).isLessThanOrEqualTo(end);

        long bound = bound(b, segs, ROW);
        assertThat(bound).isEqualTo(2_012);
        assertThat((double) end / bound).isLessThan(1.15);
        long whole = wholeRows(segs, ROW);
        assertThat(whole).isEqualTo(2_429);
        assertThat((double) whole / bound).isGreaterThan(1.15);
        assertThat(RelayTree.plan(new SystemBuild(RACK), segs, ROW, 0).schedule().end()).isEqualTo(2_512);
    }

    /**
     * Three segments: one chip then two nodes (from path position 7), four chips then two nodes (from 4), two chips
     * then two nodes (from 6), all three over the nodes' cables ({@link RelayTree}: the chain along the segments
     * would take 2,945, 3,384 and 3,595); and an f32 row (52 words) along two nodes, by the chain. From 7 the source
     * is alone in its segment and has a cable into each node: two exchanges, 18 % over the bound; from 4 and 6 a
     * peer of the source relays over its cable, then that node's root to its node: three. Each is simulated exactly
     * as predicted, counts the exchanges on its way to the chip where the row lands last, and ends sooner than with
     * whole rows.
     */
    @ParameterizedTest(name = "from path position {0}, {1} words: {2} cycles, whole rows {3}, bound {5}")
    @CsvSource({"7, 26, 1857, 3629, 2, 1573", "4, 26, 2509, 4003, 3, 2078", "6, 26, 2507, 4003, 3, 2078",
            "8, 52, 2867, 3137, 2, 2298"})
    void longerWaysAndRowsEndSoonerRelayed(int from, int words, long cycles, long wholeCycles, int exchanges,
                                           long bound) {
        SystemBuild b = new SystemBuild(RACK);
        List<List<Integer>> segs = new ChipPath(b.topology()).segments(from, 24);
        long end = new Collectives(b).broadcastAlong(segs, words, 0);
        assertThat(end).isEqualTo(cycles);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
        assertThat(b.exchanges()).isEqualTo(exchanges);
        assertThat(b.exchanges() * Exchange.minimumCycles(b)).isLessThanOrEqualTo(end);
        assertThat(wholeRows(segs, words)).isEqualTo(wholeCycles).isGreaterThan(end);
        assertThat(bound(b, segs, words)).isEqualTo(bound).isLessThan(end);
    }

    /**
     * The normed row of Mixtral's LM head on tsp-576 (path positions 520..575: 7 nodes of one rack): along the chain
     * each of the 6 routes waits for the one before (7,740 cycles); over the nodes' cables ({@link RelayTree}) each
     * node is reached from the first node's chips or from a node reached before: 3,819, five exchanges on the way to
     * the chip where the row lands last. The chain ends later from the same start; the simulator agrees to the
     * cycle, and every relaying chip reads each word after it has landed.
     */
    @Test
    void theHeadsSevenNodesGoOverTheirCables() {
        SystemSpec sys = SystemSpecs.preset("tsp-576");
        SystemBuild b = new SystemBuild(sys);
        List<List<Integer>> segs = new ChipPath(b.topology()).segments(520, 576);
        assertThat(segs).hasSize(7);
        long end = new Collectives(b).broadcastAlong(segs, ROW, 0);
        assertThat(end).isEqualTo(3_819);
        assertThat(b.exchanges()).isEqualTo(5);
        assertThat(RelayBroadcast.chain(new SystemBuild(sys), segs, ROW, 0).schedule().end()).isEqualTo(7_740);
        assertThat(bound(b, segs, ROW)).as("the latest chip's transfer bound from the source").isEqualTo(2_012);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
        // the 6 other nodes' roots and 3 chips that feed a node over a cable (a root of a full node spends its 7
        // send lanes on its node)
        assertThat(relayingChipsReadLandedWords(b, segs)).isEqualTo(9);
    }

    /**
     * Nodes 0, 5 and 7 of rack-72 as segments, whose last and next first chips share no link: the chain cannot go.
     * The tree over the nodes' cables does: node 0's cables to nodes 5 and 7 are on its chip 1 (ports 4 to 7, 4 global
     * links a chip), a peer of the source with its lanes free. Simulated exactly as predicted; every chip but the
     * source receives the row.
     */
    @Test
    void whereTheChainHasNoLinksTheTreeGoes() {
        SystemBuild b = new SystemBuild(RACK);
        int per = RACK.chipsPerNode();
        List<List<Integer>> segs = List.of(Nodes.chips(0, per), Nodes.chips(5, per), Nodes.chips(7, per));
        assertThat(b.topology().linkTo(segs.get(0).get(per - 1), segs.get(1).get(0))).isNegative();
        assertThat(segs.get(1).stream().anyMatch(c -> b.topology().linkTo(1, c) >= 0)).as("node 0's chip 1 to node 5")
                .isTrue();
        assertThat(segs.get(2).stream().anyMatch(c -> b.topology().linkTo(1, c) >= 0)).as("node 0's chip 1 to node 7")
                .isTrue();
        long tree = RelayTree.plan(new SystemBuild(RACK), segs, ROW, 0).schedule().end();
        long end = new Collectives(b).broadcastAlong(segs, ROW, 0);
        assertThat(end).isEqualTo(tree);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
        assertThat(relayingChipsReadLandedWords(b, segs)).isPositive();
    }

    /**
     * Nodes 0, 2 and 4: node 0's cables to both are on the source (ports 0 to 3, chip 0), whose 7 send lanes its
     * peers take, and the tree does not leave a peer to another relay to free one (docs/model.md says so); nor can
     * the chain go. The row goes whole, as before relays, and the simulator agrees to the cycle.
     */
    @Test
    void whereNeitherWayCanGoTheRowGoesWhole() {
        SystemBuild b = new SystemBuild(RACK);
        int per = RACK.chipsPerNode();
        List<List<Integer>> segs = List.of(Nodes.chips(0, per), Nodes.chips(2, per), Nodes.chips(4, per));
        assertThat(RelayTree.plan(new SystemBuild(RACK), segs, ROW, 0)).isNull();
        long end = new Collectives(b).broadcastAlong(segs, ROW, 0);
        assertThat(end).isEqualTo(wholeRows(segs, ROW));
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
    }


    /**
     * The second node's first chip busy until 5,000: the relay starts when that chip can take its receive (761
     * cycles after the start, above), and ends as long after it as when nothing was busy.
     */
    @Test
    void aBusyRelayDelaysTheBroadcastUntilItCanReceive() {
        SystemBuild b = new SystemBuild(RACK);
        List<List<Integer>> segs = new ChipPath(b.topology()).segments(8, 24);
        b.chip(segs.get(1).get(0)).advance(0, 5_000);
        long end = new Collectives(b).broadcastAlong(segs, ROW, 0);
        assertThat(end).isEqualTo(5_000 - 761 + 2_295);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
    }

    /**
     * Every chip of the two nodes but the source receives the row once. The source sends 7 (the route and 6 of its
     * peers), the first node's second chip one (to the node's last chip, which forwards the route and takes its own
     * row from there), the second node's first chip 7; the others send nothing.
     */
    @Test
    void everyChipReceivesTheRowOnceAndThreeChipsSendIt() {
        SystemBuild b = new SystemBuild(RACK);
        List<List<Integer>> segs = new ChipPath(b.topology()).segments(8, 24);
        new Collectives(b).broadcastAlong(segs, ROW, 0);
        int source = segs.get(0).get(0);
        for (List<Integer> seg : segs) {
            for (int chip : seg) {
                ChipProgram p = b.chip(chip).program();
                assertThat(count(p, Opcode.RECV)).as("chip " + chip).isEqualTo(chip == source ? 0 : 1);
                long sends = chip == source || chip == segs.get(1).get(0) ? 7 : chip == segs.get(0).get(1) ? 1 : 0;
                assertThat(count(p, Opcode.SEND)).as("chip " + chip).isEqualTo(sends);
                assertThat(count(p, Opcode.FWD)).as("chip " + chip).isEqualTo(chip == segs.get(0).get(7) ? 1 : 0);
            }
        }
    }

    /**
     * No relaying chip reads a word before it has landed there: on every queue of such a chip that reads for a send,
     * read k (word k) issues after the k-th write of the row it received has taken effect (its issue + the write
     * latency + the cycle the run counts). Along two nodes the relaying chips are the second node's first chip and
     * the first node's second chip (which feeds that node's last chip); from path position 6 (two chips, then two
     * nodes, over the nodes' cables) the source's peer, which relays over its cables, and each node's root.
     * The simulator cannot catch an early read here (it reads the send staging, the row landed in the receive
     * staging), so this is the check. The second node's first chip reads word 0 the first cycle it can.
     */
    @ParameterizedTest(name = "from path position {0}: {1} relaying chips")
    @CsvSource({"8, 2", "6, 3"})
    void noRelayReadsAWordBeforeItHasLanded(int from, int relaying) {
        SystemBuild b = new SystemBuild(RACK);
        List<List<Integer>> segs = new ChipPath(b.topology()).segments(from, 24);
        new Collectives(b).broadcastAlong(segs, ROW, 0);
        assertThat(relayingChipsReadLandedWords(b, segs)).isEqualTo(relaying);
        if (from == 8) {
            long[] landed = landed(b, segs.get(1).get(0));
            assertThat(landed).isNotNull();
            for (QueueProgram q : b.chip(segs.get(1).get(0)).program().queues()) {
                if (q.size() > 0 && q.instruction(0).opcode() == Opcode.READ) {
                    assertThat(q.cycle(0)).isEqualTo(landed[0]);
                }
            }
        }
    }

    /**
     * Checks that every chip of {@code segs} but the source received the row, and that every one that sends it on
     * reads word k no sooner than the k-th write of the row has taken effect there (its issue + the write latency +
     * the cycle the run counts); the number of such chips.
     */
    private static int relayingChipsReadLandedWords(SystemBuild b, List<List<Integer>> segs) {
        int relays = 0;
        for (List<Integer> seg : segs) {
            for (int chip : seg) {
                long[] landed = landed(b, chip);
                assertThat(landed == null).as("chip " + chip + " received the row unless it is the source")
                        .isEqualTo(chip == segs.get(0).get(0));
                boolean relayed = false;
                for (QueueProgram q : b.chip(chip).program().queues()) {
                    if (landed == null || q.size() == 0 || q.instruction(0).opcode() != Opcode.READ) {
                        continue;
                    }
                    relayed = true;
                    assertThat(q.size()).isEqualTo(landed.length).isEqualTo(ROW);
                    for (int k = 0; k < ROW; k++) {
                        assertThat(q.cycle(k)).as("chip " + chip + ", read of word " + k)
                                .isGreaterThanOrEqualTo(landed[k]);
                    }
                }
                relays += relayed ? 1 : 0;
            }
        }
        return relays;
    }

    /** When each word of the row {@code chip} received has landed there; null if it received none. */
    private static long[] landed(SystemBuild b, int chip) {
        long[] landed = null;
        for (QueueProgram q : b.chip(chip).program().queues()) {
            if (q.size() > 0 && q.instruction(0).opcode() == Opcode.WRITE) {
                assertThat(landed).as("chip " + chip + " receives the row once").isNull();
                landed = new long[q.size()];
                for (int k = 0; k < q.size(); k++) {
                    landed[k] = q.cycle(k) + b.lanes().writeLatency + 1;
                }
            }
        }
        return landed;
    }

    /**
     * A row of more than a staging buffer is not relayed: it goes in rounds of whole rows, as before, and counts one
     * path through it (the route, then the second node's broadcast, two rounds: 3 exchanges).
     */
    @Test
    void aRowLongerThanAStagingBufferGoesWhole() {
        SystemBuild b = new SystemBuild(RACK);
        List<List<Integer>> segs = new ChipPath(b.topology()).segments(8, 24);
        assertThat(RelayBroadcast.broadcast(b, segs, Exchange.Lanes.STAGING_WORDS + 1, 0)).isEmpty();
        assertThat(RelayBroadcast.broadcast(b, segs.subList(0, 1), ROW, 0)).as("one node").isEmpty();
        long end = new Collectives(b).broadcastAlong(segs, Exchange.Lanes.STAGING_WORDS + 1, 0);
        assertThat(end).isEqualTo(wholeRows(segs, Exchange.Lanes.STAGING_WORDS + 1));
        assertThat(b.exchanges()).as("the route, then the second node's broadcast in two rounds").isEqualTo(3);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
    }

    /** The latest of every chip's transfer bound from the source, each alone over every path it has. */
    private static long bound(SystemBuild b, List<List<Integer>> segs, int words) {
        long bound = 0;
        for (List<Integer> seg : segs) {
            for (int chip : seg) {
                bound = Math.max(bound, LinkBounds.transfer(b, segs.get(0).get(0), chip, words));
            }
        }
        return bound;
    }

    /** The same broadcast with whole rows: sent on from segment to segment, then every segment's broadcast. */
    private static long wholeRows(List<List<Integer>> segs, int words) {
        SystemBuild old = new SystemBuild(RACK);
        Collectives o = new Collectives(old);
        long[] arrived = new long[segs.size()];
        for (int s = 1; s < segs.size(); s++) {
            arrived[s] = o.send(segs.get(s - 1).get(0), segs.get(s).get(0), words, arrived[s - 1]);
        }
        long end = 0;
        for (int s = 0; s < segs.size(); s++) {
            end = Math.max(end, o.broadcast(segs.get(s).get(0), segs.get(s), words, arrived[s]));
        }
        assertThat(Simulated.timingOnly(old, 2).cycles()).isEqualTo(end);
        return end;
    }
}
