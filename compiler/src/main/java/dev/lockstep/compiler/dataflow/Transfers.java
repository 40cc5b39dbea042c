// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.dataflow;

import dev.lockstep.compiler.CompileException;
import dev.lockstep.compiler.system.ChipBuild;
import dev.lockstep.compiler.system.Exchange;
import dev.lockstep.compiler.system.Moves;
import dev.lockstep.compiler.system.SystemBuild;
import dev.lockstep.isa.chip.Slice;
import dev.lockstep.isa.chip.SliceKind;
import dev.lockstep.isa.program.Region;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Rows carried between chips with their values: each sender copies its rows' words into a send lane's staging
 * buffer ({@link Moves}), one {@link Exchange} carries every transfer over its direct link, and each receiver
 * copies them out of its receive lane into SRAM of its own, where they are rows for its later steps. Staging
 * buffers are reused by every transfer, so each chip's transfers happen in the order they are made: an exchange
 * starts after its receivers have copied out what they last received, and a sender stages nothing new until the
 * exchange has sent what it staged.
 */
public final class Transfers {
    private Transfers() {
    }

    /** Whole rows (offset 0) from one chip's flow to another's. */
    public record Transfer(ChipDataflow from, ChipDataflow to, List<Row> rows) {
    }

    /** Carries every transfer in one exchange; returns, per transfer, its rows on the receiving chip. */
    public static List<List<Row>> run(SystemBuild build, List<Transfer> transfers) {
        Map<Integer, Integer> sendLanes = new TreeMap<>();
        List<Exchange.Flow> flows = new ArrayList<>();
        long staged = 0;
        for (Transfer tr : transfers) {
            int from = tr.from().build().chipId();
            int lane = sendLanes.merge(from, 1, Integer::sum) - 1;
            List<Moves.Word> words = new ArrayList<>();
            for (Row r : tr.rows()) {
                words.addAll(r.words());
            }
            long done = Moves.toSendStaging(build, from, lane, words, tr.from().end());
            tr.from().waitUntil(done);
            staged = Math.max(staged, done);
            flows.add(new Exchange.Flow(from, tr.to().build().chipId(), words.size()));
        }
        // a receiver's lanes are free once it has copied out what it last received (its cursor); a sender's staging
        // buffers once the exchange has sent them (below)
        for (Transfer tr : transfers) {
            staged = Math.max(staged, tr.to().end());
        }
        long arrived = Exchange.run(build, flows, staged);
        for (Transfer tr : transfers) {
            tr.from().waitUntil(arrived);
        }
        Map<Integer, Integer> receiveLanes = new TreeMap<>();
        List<List<Row>> out = new ArrayList<>();
        for (Transfer tr : transfers) {
            ChipBuild to = tr.to().build();
            int lane = receiveLanes.merge(to.chipId(), 1, Integer::sum) - 1;
            int vectors = tr.rows().stream().mapToInt(r -> r.vectors().size()).sum();
            int planes = tr.rows().get(0).vectors().get(0).slices().size();
            int[] slices = emptiest(build, to, planes);
            int address;
            try {
                address = to.takeWords(slices, vectors);
            } catch (CompileException e) {
                throw new CompileException(vectors + " received vectors do not fit: " + e.getMessage());
            }
            List<Moves.Word> words = new ArrayList<>();
            List<Row> rows = new ArrayList<>();
            int v = 0;
            for (Row r : tr.rows()) {
                List<Region> placed = new ArrayList<>();
                for (Region src : r.vectors()) {
                    List<Integer> here = new ArrayList<>();
                    for (int p = 0; p < src.slices().size(); p++) {
                        words.add(new Moves.Word(slices[p], address + v));
                        here.add(slices[p]);
                    }
                    placed.add(new Region("", here, address + v, src.dtype(), src.elements(), false));
                    v++;
                }
                rows.add(new Row(placed, 0, r.length(), r.extent()));
            }
            tr.to().waitUntil(Moves.fromReceiveStaging(build, to.chipId(), lane, words, arrived));
            out.add(rows);
        }
        return out;
    }

    /**
     * The {@code n} MEM slices with the most room in one hemisphere (the planes of a vector must be: an operation
     * reads them all on streams of one direction), outside the link lanes' staging slices; the hemisphere where
     * they start lowest.
     */
    public static int[] emptiest(SystemBuild build, ChipBuild chip, int n) {
        Set<Integer> staging = Exchange.stagingPositions(build);
        int center = build.chip().floorplan().center();
        int[] best = null;
        int bestStart = Integer.MAX_VALUE;
        for (boolean west : new boolean[] {true, false}) {
            List<Slice> candidates = new ArrayList<>(build.chip().floorplan().slicesOf(SliceKind.MEM).stream()
                    .filter(s -> !staging.contains(s.position()) && (s.position() < center) == west).toList());
            if (candidates.size() < n) {
                continue;
            }
            candidates.sort(Comparator.<Slice>comparingInt(s -> chip.sram().top(s.position()))
                    .thenComparingInt(Slice::position));
            int[] out = new int[n];
            int start = 0;
            for (int i = 0; i < n; i++) {
                out[i] = candidates.get(i).position();
                start = Math.max(start, chip.sram().top(out[i]));
            }
            if (start < bestStart) {
                bestStart = start;
                best = out;
            }
        }
        Arrays.sort(best);
        return best;
    }
}
