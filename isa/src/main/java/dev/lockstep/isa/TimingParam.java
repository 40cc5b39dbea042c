// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.isa;

import java.util.Locale;

/**
 * Every timing number of the chip that is not published. Each is a named parameter with a default and the
 * reason for that default; a chip description (JSON) may override any of them under {@code "timing"}. The
 * reference for the reasoning is docs/model.md, "Timing parameters"; a test keeps that page and this enum
 * in step.
 */
public enum TimingParam {
    STREAM_HOP_CYCLES(1, "Per-hop stream latency is unpublished. 1 assumes a stream register at every slice "
            + "position, clocked every cycle: the simplest reading of the published east/west dataflow."),
    MEM_READ_LATENCY_CYCLES(2, "Unpublished. One cycle of SRAM array access plus one to drive the stream "
            + "register at the slice's position."),
    MEM_WRITE_LATENCY_CYCLES(1, "Unpublished. Cycles from sampling the stream until the word is visible to a "
            + "read of the same address: one SRAM write cycle."),
    MEM_GATHER_LATENCY_CYCLES(3, "Unpublished. A read (2) plus one cycle to decode per-lane addresses."),
    VXM_INT_LATENCY_CYCLES(2, "Unpublished. Integer and bitwise ALU ops: one operate cycle plus one to drive "
            + "the result stream."),
    VXM_FP_LATENCY_CYCLES(4, "Unpublished. Floating-point add, multiply, fused multiply-add, compare: a "
            + "conventional 3-stage FP pipeline plus the stream drive."),
    VXM_CONVERT_LATENCY_CYCLES(2, "Unpublished. Type conversions: one cycle plus the stream drive."),
    VXM_TRANSCENDENTAL_LATENCY_CYCLES(8, "Unpublished. Exp, TanH, RSqrt, reciprocal, sigmoid: table lookup "
            + "plus two polynomial or Newton steps of 3 cycles each, plus the stream drive."),
    VXM_REDUCE_LATENCY_CYCLES(12, "Unpublished. Reductions across all lanes: log2(320) = 9 adder-tree levels, "
            + "two cycles to cross the superlanes, one to drive the result."),
    MXM_INSTALL_CYCLES(20, "Unpublished (docs/reference/tsp-facts.md: weight-install time unknown). IW copies the 320-row weight "
            + "buffer into the array; assumed 16 rows (one superlane's worth) per cycle: 320 / 16 = 20."),
    MXM_ARRAY_LATENCY_CYCLES(20, "Unpublished. An activation vector entering by ABC reaches the accumulators "
            + "after crossing the 20 superlanes of the array, one per cycle."),
    MXM_ACC_LATENCY_CYCLES(2, "Unpublished. ACC reads the accumulators and drives the result stream."),
    SXM_SHIFT_LATENCY_CYCLES(2, "Unpublished. Shift, rotate, distribute: one switch stage plus the stream "
            + "drive."),
    SXM_PERMUTE_LATENCY_CYCLES(3, "Unpublished. A general lane permutation: two switch stages plus the drive."),
    SXM_TRANSPOSE_LATENCY_CYCLES(4, "Unpublished. The 16 x 16 transpose takes 16 streams in and puts 16 out; "
            + "assumed one stage more than a permutation."),
    C2C_SEND_END_CYCLES(80, "Unpublished breakdown (docs/model.md, Hops). The sending end of a hop: from the "
            + "stream at the C2C port to the first bit on the wire: the stream path to the link module at the die's "
            + "edge (about 20), framing and FEC encoding (about 20), the serialiser's pipeline (about 40)."),
    C2C_RECEIVE_END_CYCLES(318, "Set by the published 722 ns (650 cycles) per hop SRAM to SRAM (ISCA 2022), "
            + "the other parts of a hop being counted: 650 - (2 read + 1 hop + 80 send end + 22 serialisation + "
            + "217 link + 8 hops + 1 write + 1) on the compiler's first lanes. The receiving end of a hop, from the "
            + "last bit at the pins to the vector on a stream: clock recovery and the deserialiser's pipeline "
            + "(about 60), the path to the stream (about 20), lane deskew and FEC decoding, which holds a whole "
            + "codeword before it corrects it (the rest, about 238)."),
    C2C_FORWARD_CYCLES(200, "Unpublished. A vector passing through a chip without landing in its SRAM (fwd), "
            + "from the last bit at the pins to the first bit out: deserialised (about 60), across the chip on its "
            + "streams (up to 92 slice positions, about 92), serialised again (about 40); about 192, taken as 200. "
            + "A forward skips what only an SRAM end does: it passes the frame on with its FEC check bytes (the "
            + "final receiver decodes) and needs no deskew to a receiving program. The published 3 us at 5 hops "
            + "allows at most 273 (docs/model.md, Hops)."),
    NOTIFY_LATENCY_CYCLES(8, "Unpublished. A Notify reaches every queue parked on Sync after this many cycles "
            + "(the signal crosses the chip's 93 slice positions in a few pipelined stages)."),
    IFETCH_LATENCY_CYCLES(2, "Unpublished. Ifetch takes instruction words from a stream like a MEM write."),
    DESKEW_EPOCH_CYCLES(256, "Unpublished. Deskew parks a queue until the hardware-aligned counter reaches the "
            + "next multiple of this many cycles (the ISCA 2022 HAC/DESKEW mechanism); 256 is a power of two "
            + "comfortably above the link latency hint.");

    private final long defaultCycles;
    private final String reason;

    TimingParam(long defaultCycles, String reason) {
        this.defaultCycles = defaultCycles;
        this.reason = reason;
    }

    /** The default, in cycles. */
    public long defaultCycles() {
        return defaultCycles;
    }

    /** Why the default is what it is. */
    public String reason() {
        return reason;
    }

    /**
     * The largest value a chip description may give. The simulator keeps the vectors still readable on streams and
     * the bank accesses a read counts ahead in windows that grow with the stream hop (the time to cross the chip)
     * and the read latency, so those two are held to values far above any plausible chip: 100 and 1,000 cycles.
     */
    public long max() {
        return switch (this) {
            case STREAM_HOP_CYCLES -> 100;
            case MEM_READ_LATENCY_CYCLES -> 1000;
            default -> 1_000_000;
        };
    }

    /** The key under {@code "timing"} in a chip description, e.g. {@code mem_read_latency_cycles}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
