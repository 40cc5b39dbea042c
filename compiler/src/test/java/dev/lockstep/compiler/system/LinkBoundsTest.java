// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lockstep.compiler.testing.Simulated;
import dev.lockstep.isa.DataType;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.isa.system.SystemSpecs;
import dev.lockstep.isa.system.Topology;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each exchange against its own bound ({@link LinkBounds}): a 4,096-value fp16 row (13 vectors, 2 words each: 26
 * words) between two chips of a node, between nodes of a rack and across racks of tsp-576, and the all-reduce of a
 * 4,096-value f32 row (52 words) over the 8 chips of a node and over the 16 of two nodes. Cycle counts are pinned
 * from the compiler and checked against the simulator (predicted = simulated, no hazard). A hop, one word SRAM to
 * SRAM on lanes 0, is 650 cycles; a frame (V) 22; one more link on a path, forwarded, 439 (docs/model.md, "Hops").
 */
class LinkBoundsTest {
    private static final SystemSpec TSP = SystemSpecs.preset("tsp-576");
    private static final int ROW_FP16 = 26;
    private static final int ROW_F32 = 52;

    private static long sent(SystemBuild b, int from, int to, int words) {
        long end = new Collectives(b).send(from, to, words, 0);
        assertThat(Simulated.timingOnly(b, 2).cycles()).as("simulated = predicted").isEqualTo(end);
        return end;
    }

    /**
     * Within a node: the direct link and six two-hop paths through the node's other chips (each 439 cycles later
     * for its first word, the time of 20 words on a link). Words go where they land first: 21 on the direct link
     * (ending at 650 + 20 x 22 = 1,090), then one on each of the two-hop paths 1 to 5, path p's word landing at
     * 1,089 + 2 p (its lanes at both ends lie p slices further from the SXM than lane 0's); the last at 1,099.
     * One link alone: 650 + 25 x 22 = 1,200. The bound, every path at lanes 0: the direct link alone delivers
     * 20.95 words by 1,089, when the six others' first words land: 1,089.
     */
    @Test
    void aRowBetweenTwoChipsOfANodeTakesSevenPathsWithinOnePercentOfItsBound() {
        SystemBuild b = new SystemBuild(TSP);
        long end = sent(b, 0, 1, ROW_FP16);
        assertThat(end).isEqualTo(1_099);
        assertThat(LinkBounds.transfer(b, 0, 1, ROW_FP16)).isEqualTo(1_089);
        assertThat(new Collectives(new SystemBuild(TSP)).route(0, 1, ROW_FP16, 0)).isEqualTo(650 + 25 * 22);
        // the two-hop paths: chips 2 to 6 each forward one word, chip 7 none (its path would end later)
        for (int c = 2; c <= 6; c++) {
            assertThat(b.chip(c).instructions()).as("chip " + c + " forwards").isEqualTo(1);
        }
        assertThat(b.chip(7).instructions()).isZero();
    }

    /**
     * Pinned from the compiler, checked by the simulator; each within 15 % of its bound (here within 1 %). Between
     * nodes of a rack the shortest route is 3 links (to the chip holding the cable, the cable, from the chip at its
     * far end): 650 + 2 x 439 = 1,528 for one word; the other paths go through other nodes (4 to 7 links). Across
     * racks, 4 links (1,967 for one word), and three paths of 5 links over the other cables between the two nodes.
     * One word always goes on the shortest route alone, at its bound.
     */
    @ParameterizedTest(name = "chip {0} to chip {1}: {2} words in {3} cycles, bound {4}")
    @CsvSource({
        "1, 13, 1, 1528, 1528",
        "1, 13, 26, 2013, 2012",
        "1, 81, 1, 1967, 1967",
        "1, 81, 26, 2429, 2411",
        "0, 1, 1, 650, 650",
        "0, 1, 416, 2327, 2312",
    })
    void rowsBetweenNodesAndRacksComeWithinFifteenPercentOfTheirBound(int from, int to, int words, long cycles,
                                                                      long bound) {
        SystemBuild b = new SystemBuild(TSP);
        long end = sent(b, from, to, words);
        assertThat(end).isEqualTo(cycles);
        assertThat(LinkBounds.transfer(b, from, to, words)).isEqualTo(bound);
        assertThat((double) end).isBetween((double) bound, 1.15 * bound);
    }

    /**
     * A prefill chunk's 8 f32 rows (416 words) on one link alone go in rounds of a staging buffer (128 words), one
     * after another: 3 x (650 + 127 x 22) + (650 + 31 x 22) = 11,664 cycles, five times the 2,327 over seven paths.
     */
    @Test
    void aChunkOnOnePathTakesFiveTimesLonger() {
        assertThat(new Collectives(new SystemBuild(TSP)).route(0, 1, 416, 0))
                .isEqualTo(3 * (650 + 127 * 22) + (650 + 31 * 22)).isEqualTo(11_664);
    }

    @Test
    void pathsShareNoChipButTheirEndsAndNoLink() {
        Topology t = new Topology(TSP);
        for (int[] pair : new int[][] {{0, 1}, {1, 13}, {1, 81}, {1, 157}, {5, 570}, {66, t.farChip(66, 7)}}) {
            List<List<Topology.Hop>> paths = MultiPath.paths(t, pair[0], pair[1], 7);
            assertThat(paths).hasSize(7);
            assertThat(paths.get(0)).isEqualTo(t.route(pair[0], pair[1]));
            Set<Integer> chips = new HashSet<>();
            Set<List<Integer>> links = new HashSet<>();
            for (List<Topology.Hop> p : paths) {
                assertThat(p.get(0).chip()).isEqualTo(pair[0]);
                Topology.Hop last = p.get(p.size() - 1);
                assertThat(t.farChip(last.chip(), last.link())).isEqualTo(pair[1]);
                for (int i = 0; i < p.size(); i++) {
                    Topology.Hop h = p.get(i);
                    if (i > 0) {
                        assertThat(chips.add(h.chip())).as("chip " + h.chip() + " on two paths").isTrue();
                        assertThat(t.farChip(p.get(i - 1).chip(), p.get(i - 1).link())).isEqualTo(h.chip());
                    }
                    // a link by its end with the lower (chip, link): two chips may share more than one cable
                    List<Integer> here = List.of(h.chip(), h.link());
                    List<Integer> there = List.of(t.farChip(h.chip(), h.link()), t.farLink(h.chip(), h.link()));
                    boolean hereFirst = h.chip() < there.get(0) || h.chip() == there.get(0) && h.link() < there.get(1);
                    assertThat(links.add(hereFirst ? here : there)).as("link " + h + " on two paths").isTrue();
                }
            }
        }
    }

    /**
     * Chip 66 of tsp-576 (rack 0, node 8, chip 2) holds all three cables from its node to node 8 of rack 1 (its
     * links 7, 8 and 9), two of them ending on one chip there: two paths of one link each, 13 words on each (650 + 12 x 22 = 914 on lanes 0,
     * 916 on lanes 1, whose staging slices lie one slice further from the SXM at each end; the longer paths would
     * end later). The bound, both paths at lanes 0: 914.
     */
    @Test
    void twoCablesBetweenTheSameTwoChipsAreTwoPaths() {
        Topology t = new Topology(TSP);
        int far = t.farChip(66, 7);
        assertThat(t.farChip(66, 8)).isEqualTo(far);
        List<List<Topology.Hop>> paths = MultiPath.paths(t, 66, far, 7);
        assertThat(paths.get(0)).hasSize(1);
        assertThat(paths.get(1)).hasSize(1);
        SystemBuild b = new SystemBuild(TSP);
        long end = sent(b, 66, far, ROW_FP16);
        assertThat(end).isEqualTo(LinkBounds.transfer(b, 66, far, ROW_FP16) + 2)
                .isLessThan(new Collectives(new SystemBuild(TSP)).route(66, far, ROW_FP16, 0));
    }

    /** With the node's other chips busy, the paths through them would start late: the row takes the direct link. */
    @Test
    void busyChipsOnTheOtherPathsLeaveTheRowOnOne() {
        SystemBuild b = new SystemBuild(TSP);
        for (int c = 2; c < 8; c++) {
            b.chip(c).advance(0, 5_000);
        }
        assertThat(sent(b, 0, 1, ROW_FP16)).isEqualTo(650 + 25 * 22);
        for (int c = 2; c < 8; c++) {
            assertThat(b.chip(c).instructions()).isZero();
        }
    }

    /**
     * Reduce-scatter, sums, all-gather (CollectivesTest derives the 1,720). The bound: two exchanges of 6.5 words
     * per link (2 x (650 + 5.5 x 22) = 1,542) and an 8-input sum of 2 vectors at its lower bound (28): 1,570; one
     * exchange of every whole row would take 650 + 51 x 22 + 28 = 1,800.
     */
    @Test
    void anEightChipAllReduceIsWithinFifteenPercentOfItsBound() {
        SystemBuild b = new SystemBuild(SystemSpecs.preset("node-8"));
        Collectives col = new Collectives(b);
        List<Integer> node = List.of(0, 1, 2, 3, 4, 5, 6, 7);
        long end = col.allReduce(node, 13, 0);
        long bound = LinkBounds.allReduceInNode(b, col, node, 13, DataType.F32);
        assertThat(end).isEqualTo(1_720);
        assertThat(bound).isEqualTo(1_570);
        assertThat((double) end).isBetween((double) bound, 1.15 * bound);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
    }

    /**
     * Two nodes of rack-72, one cable between them, in pieces of one vector ({@link CablePipeline}): each peer's row
     * lands on its hub word i at 650 + j + 22 i (receive lane j), so piece p (4 words) is whole at 722 + 88 p; the
     * hub adds its node's 8 rows of it in 66 cycles (722 + 88 p to 788 + 88 p); the cable's word 4 p is read at
     * 788 + 88 p, just as its piece is summed, and lands on the far hub 644 cycles later (the east lanes: 1,432 +
     * 22 i); the two nodes' sums of a piece (20 cycles) go where the node sums leave the VXM room: piece 0's is
     * ready at 1,498, when the VXM is free only until 1,514 (the next node sum), so it runs at 1,580 to 1,600, and
     * each hub's sends to its peers
     * start at 1,600 and their last word lands at 1,600 + 650 + 6 + 51 x 22 = 3,378. The bound, 3 x 650 + 51 x 22
     * (the whole row over the one cable) + 28 = 3,100: 9.0 % over (5,703 before, in three exchanges one after
     * another).
     */
    @Test
    void aSixteenChipAllReduceOverOneCableIsWithinFifteenPercentOfItsBound() {
        SystemBuild b = new SystemBuild(SystemSpecs.preset("rack-72"));
        Collectives col = new Collectives(b);
        long end = col.allReduceAcrossNodes(List.of(0, 1), 13, DataType.F32, 0);
        long bound = LinkBounds.allReduceOfTwoNodes(b, col, 0, 1, 13, DataType.F32);
        assertThat(end).isEqualTo(3_378);
        assertThat(bound).isEqualTo(3 * 650 + 51 * 22 + 28);
        assertThat((double) end).isBetween((double) bound, 1.15 * bound);
        assertThat(Simulated.timingOnly(b, 2).cycles()).isEqualTo(end);
    }
}
