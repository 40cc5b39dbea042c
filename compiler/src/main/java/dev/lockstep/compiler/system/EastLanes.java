// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.compiler.system;

import dev.lockstep.isa.Streams;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Slice;
import dev.lockstep.isa.chip.SliceKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A send and a receive lane beside the east SXM, for transfers that run while the west lanes carry others
 * ({@link CablePipeline}): the east SXM's first two queues, the two MEM slices nearest it as staging (the receive
 * lane's the nearer), and the highest-numbered stream of each direction, which neither the west lanes (0 to 13) nor
 * on-chip copies ({@link Moves#STREAM}) take.
 *
 * @param send    the send lane: a read onto the stream toward the SXM, a send from it
 * @param receive the receive lane: a receive onto the stream away from the SXM, a write from it
 */
record EastLanes(Exchange.Lanes.Lane send, Exchange.Lanes.Lane receive) {
    /**
     * The chip's east lanes, if it has them: a second SXM, two MEM slices between it and the VXM that are not west
     * staging slices, and a stream above those the others take. Lying outward of every other MEM slice, they keep
     * clear of any kernel whose tensors avoid them ({@link CablePipeline}).
     */
    static Optional<EastLanes> of(ChipSpec chip, Exchange.Lanes west) {
        List<Slice> sxms = chip.floorplan().slicesOf(SliceKind.SXM);
        int stream = chip.streamsPerDirection() - 1;
        if (sxms.size() < 2 || stream <= Moves.STREAM || stream < 2 * Exchange.Lanes.LANES) {
            return Optional.empty();
        }
        Slice sxm = sxms.get(sxms.size() - 1);
        int center = chip.floorplan().center();
        List<Slice> mem = new ArrayList<>(chip.floorplan().slicesOf(SliceKind.MEM));
        mem.sort(Comparator.comparingInt(s -> Math.abs(s.position() - sxm.position())));
        if (mem.size() < 2) {
            return Optional.empty();
        }
        Slice receive = mem.get(0);
        Slice send = mem.get(1);
        for (Slice s : List.of(receive, send)) {
            boolean inward = (s.position() - sxm.position()) * (center - sxm.position()) > 0;
            if (!inward || Exchange.stagingPositions(west).contains(s.position())) {
                return Optional.empty();
            }
        }
        long hop = chip.timing().cycles(TimingParam.STREAM_HOP_CYCLES);
        boolean westOfSxm = center < sxm.position();
        return Optional.of(new EastLanes(
                new Exchange.Lanes.Lane(chip.floorplan().queue(sxm, 0), chip.floorplan().queue(send, 0),
                        send.position(), westOfSxm ? Streams.east(stream) : Streams.west(stream),
                        Math.abs(send.position() - sxm.position()) * hop),
                new Exchange.Lanes.Lane(chip.floorplan().queue(sxm, 1), chip.floorplan().queue(receive, 0),
                        receive.position(), westOfSxm ? Streams.west(stream) : Streams.east(stream),
                        Math.abs(receive.position() - sxm.position()) * hop)));
    }
}
