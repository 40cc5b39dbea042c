// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.validate;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.asm.Assembler;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.Slice;
import dev.lockstep.isa.chip.SliceKind;
import dev.lockstep.isa.program.Program;
import dev.lockstep.run.Verified;
import dev.lockstep.sim.SimOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The cold weight install of ISCA 2020 ("all four planes' weights read from MEM and installed in under 40 cycles,
 * transit included"), as a program: for each MXM slice, the {@code mxm.weight_streams} MEM slices nearest it each
 * read their share of both planes' int8 weights (stream j carries rows j, j + g, ...), timed so that all arrive at
 * the MXM together; the planes' LWs take turns on the slice's shared weight streams; each plane's IW follows its LW.
 * The schedule is derived from the timing parameters, and the simulation must end where it says.
 */
final class WeightInstall {
    private WeightInstall() {
    }

    /**
     * The program and its parts.
     *
     * @param text        the assembly text
     * @param transit     cycles from the first read to the weights at the MXM (read latency + stream hops)
     * @param loadCycles  cycles of one plane's LW
     * @param planes      planes per MXM slice (their LWs take turns)
     * @param install     cycles of one IW
     * @param endCycle    the last install done (the first read is at cycle 0)
     */
    record Plan(String text, long transit, long loadCycles, int planes, long install, long endCycle) {
    }

    static Plan plan(ChipSpec chip) {
        int g = chip.mxm().weightStreams();
        if (g > chip.streamsPerDirection()) {
            throw new IllegalArgumentException("mxm.weight_streams " + g + " is more than the "
                    + chip.streamsPerDirection() + " streams of a direction");
        }
        long r = chip.timing().cycles(TimingParam.MEM_READ_LATENCY_CYCLES);
        long h = chip.timing().cycles(TimingParam.STREAM_HOP_CYCLES);
        long install = chip.timing().cycles(TimingParam.MXM_INSTALL_CYCLES);
        int k = chip.mxm().pieceK(DataType.I8);
        int planes = chip.mxm().planesPerSlice();
        if (planes > chip.mxm().queuesPerSlice()) {
            throw new IllegalArgumentException(planes + " planes per MXM slice but " + chip.mxm().queuesPerSlice()
                    + " queues: this program gives each plane a queue");
        }
        long load = chip.mxm().weightLoadCycles(DataType.I8, k);
        long words = planes * load;
        if (words > chip.mem().wordsPerSlice()) {
            throw new IllegalArgumentException("each feeding MEM slice holds " + words + " words; a slice has "
                    + chip.mem().wordsPerSlice());
        }
        int center = chip.floorplan().center();
        List<List<Slice>> feeds = new ArrayList<>();
        long farthest = 0;
        for (Slice mxm : chip.floorplan().slicesOf(SliceKind.MXM)) {
            boolean west = mxm.position() < center;
            List<Slice> mems = chip.floorplan().slicesOf(SliceKind.MEM).stream()
                    .filter(s -> (s.position() < center) == west)
                    .sorted(Comparator.comparingInt(s -> Math.abs(s.position() - mxm.position())))
                    .limit(g).toList();
            if (mems.size() < g) {
                throw new IllegalArgumentException("mxm.weight_streams " + g + " needs as many MEM slices beside "
                        + mxm.name() + "; it has " + mems.size());
            }
            feeds.add(mems);
            farthest = Math.max(farthest, Math.abs(mems.get(g - 1).position() - mxm.position()));
        }
        long arrive = r + h * farthest;
        StringBuilder text = new StringBuilder("; the cold install of every plane's int8 weights (lockstep validate)\n");
        List<Slice> mxms = chip.floorplan().slicesOf(SliceKind.MXM);
        for (int m = 0; m < mxms.size(); m++) {
            Slice mxm = mxms.get(m);
            String dir = mxm.position() < center ? "w" : "e";
            for (int j = 0; j < g; j++) {
                Slice mem = feeds.get(m).get(j);
                String region = "W" + m + "_" + j;
                long read = arrive - r - h * Math.abs(mem.position() - mxm.position());
                text.append(String.format(".region %s, %s, 0, i8, %d%n.queue %s%n@%d read %s%d, %s, %d%n", region,
                        mem.name(), words * chip.vectorBytes(), mem.name(), read, dir, j, region, words));
            }
            for (int p = 0; p < planes; p++) {
                text.append(String.format(".queue %s.%d%n@%d lw.i8 %d, %s0, %d%n@%d iw %d%n", mxm.name(), p,
                        arrive + p * load, p, dir, k, arrive + (p + 1) * load, p));
            }
        }
        return new Plan(text.toString(), arrive, load, planes, install, arrive + planes * load + install);
    }

    /** The row: the plan assembled and simulated (timing-only); it must end at the plan's last install. */
    static Row row(ChipSpec chip) {
        Plan p = plan(chip);
        Program program = new Assembler(chip).assemble("weight-install.lsa", p.text(), Path.of("."));
        long cycles = Verified.simulate(chip, program, SimOptions.timingOnly(), p.endCycle(), "the weight install")
                .cycles();
        String note = String.format("simulated: transit %d (read %d + stream hops to the MXM), LW %d x %d (the "
                        + "planes of a slice share its %d weight streams, so their loads take turns), IW %d: to meet "
                        + "40 the unpublished stream_hop_cycles, mxm_install_cycles (IW) and the shared weight group "
                        + "would have to change (e.g. a weight-stream group per plane, an install overlapping its "
                        + "load)", p.transit(), chip.timing().cycles(TimingParam.MEM_READ_LATENCY_CYCLES),
                p.planes(), p.loadCycles(), chip.mxm().weightStreams(), p.install());
        return Row.of(Published.WEIGHT_INSTALL, cycles, cycles + " cycles", note);
    }
}
