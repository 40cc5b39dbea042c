// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.validate;

import dev.lockstep.isa.DataType;
import dev.lockstep.isa.chip.ChipSpec;
import dev.lockstep.isa.chip.MxmSpec;
import dev.lockstep.isa.chip.SliceKind;

/**
 * The chip's arithmetic figures, computed from its description: peak int8 and fp16 (by the piece rule of
 * {@link MxmSpec}), the SRAM and stream register file bandwidths as the paper counts them, and the weight install
 * rate the weight streams give.
 */
final class ChipRows {
    /** The paper's arithmetic clock for the bandwidth figures. */
    private static final double PAPER_HZ = 1e9;
    /** The paper's "TiB": 1024 x 10^9 bytes (56.32 x 10^12 B/s is its 55 TiB/s). */
    private static final double PAPER_TIB = 1024e9;

    private ChipRows() {
    }

    static int mxmSlices(ChipSpec chip) {
        return chip.floorplan().slicesOf(SliceKind.MXM).size();
    }

    /** MACs per cycle on pieces of {@code type}: pieces side by side x K x columns. */
    static long macsPerCycle(ChipSpec chip, DataType type) {
        MxmSpec m = chip.mxm();
        return (long) mxmSlices(chip) * m.piecesPerSlice(type) * m.pieceK(type) * m.cols();
    }

    static Row peak(ChipSpec chip, DataType type) {
        MxmSpec m = chip.mxm();
        long macs = macsPerCycle(chip, type);
        double tera = 2.0 * macs * chip.clockHz() / 1e12;
        boolean int8 = type == DataType.I8;
        String unit = int8 ? "TOPS" : "TFLOPS";
        String note = String.format("%d MXM slices x %d %s pieces side by side x K %d x %d columns = %,d MACs a "
                        + "cycle, x 2 ops x %s", mxmSlices(chip), m.piecesPerSlice(type), int8 ? "int8" : "fp16",
                m.pieceK(type), m.cols(), macs, mhz(chip));
        return Row.of(int8 ? Published.PEAK_INT8 : Published.PEAK_FP16, tera, String.format("%.1f %s", tera, unit),
                note);
    }

    static Row sramBandwidth(ChipSpec chip) {
        int slices = chip.floorplan().slicesOf(SliceKind.MEM).size();
        long perCycle = (long) slices * chip.mem().banks() * chip.mem().accessesPerBankPerCycle() * chip.vectorBytes();
        return bandwidth(Published.SRAM_BANDWIDTH, chip, perCycle, String.format("%d MEM slices x %d banks x %d "
                + "access x %d B = %,d B a cycle", slices, chip.mem().banks(), chip.mem().accessesPerBankPerCycle(),
                chip.vectorBytes(), perCycle));
    }

    static Row streamBandwidth(ChipSpec chip) {
        long perCycle = 2L * chip.streamsPerDirection() * chip.vectorBytes();
        return bandwidth(Published.SRF_BANDWIDTH, chip, perCycle, String.format("2 directions x %d streams x %d "
                + "lanes = %,d B a cycle", chip.streamsPerDirection(), chip.vectorBytes(), perCycle));
    }

    /** Bytes a cycle the chip's MXMs take in as weights: slices x weight streams x one byte per lane. */
    static Row weightRate(ChipSpec chip) {
        long perCycle = (long) mxmSlices(chip) * chip.mxm().weightStreams() * chip.vectorBytes();
        return Row.of(Published.WEIGHT_RATE, perCycle, String.format("%,d B/cycle", perCycle), String.format(
                "%d MXM slices x mxm.weight_streams %d x %d lanes; weight_streams was set from this rate: it checks "
                        + "only the arithmetic", mxmSlices(chip), chip.mxm().weightStreams(), chip.vectorBytes()));
    }

    private static Row bandwidth(Figure f, ChipSpec chip, long bytesPerCycle, String how) {
        double paper = bytesPerCycle * PAPER_HZ / PAPER_TIB;
        double atClock = bytesPerCycle * (double) chip.clockHz() / PAPER_TIB;
        String note = how + String.format(" x 1 GHz = %.2f x 10^12 B/s, the paper's TiB being 1024 x 10^9 B "
                        + "(%.1f in 2^40 B); at %s: %.1f", bytesPerCycle * PAPER_HZ / 1e12,
                bytesPerCycle * PAPER_HZ / Math.pow(2, 40), mhz(chip), atClock);
        return Row.of(f, paper, String.format("%.1f TiB/s at 1 GHz (%.1f at %s)", paper, atClock, mhz(chip)), note);
    }

    static String mhz(ChipSpec chip) {
        return String.format("%.0f MHz", chip.clockHz() / 1e6);
    }
}
