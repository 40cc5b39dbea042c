// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.validate;

import java.util.List;

/**
 * Every published figure {@code lockstep validate} compares the model with, in table order (sources:
 * docs/reference/tsp-facts.md). A band is chosen per figure: 5 % where the figure is exact arithmetic, 10 % where
 * it is a measurement or a rounded paper figure, 20 % where it is a vendor or press figure of a whole system.
 */
public final class Published {
    private Published() {
    }

    public static final Figure PEAK_INT8 = new Figure("peak-int8", "peak int8", 750, "TOPS",
            "750 TOPS at 900 MHz", "GroqChip spec sheet (V)", Kind.DEFINITIONAL, Band.within(5));
    public static final Figure PEAK_FP16 = new Figure("peak-fp16", "peak fp16", 188, "TFLOPS",
            "188 TFLOPS at 900 MHz", "GroqChip spec sheet (V)", Kind.DEFINITIONAL, Band.within(5));
    public static final Figure SRAM_BANDWIDTH = new Figure("sram-bandwidth", "SRAM bandwidth", 55, "TiB/s",
            "about 55 TiB/s (1 GHz arithmetic)", "ISCA 2020 (P)", Kind.DEFINITIONAL, Band.within(5));
    public static final Figure SRF_BANDWIDTH = new Figure("srf-bandwidth", "stream register file bandwidth", 20,
            "TiB/s", "about 20 TiB/s (1 GHz arithmetic)", "ISCA 2020 (P)", Kind.DEFINITIONAL, Band.within(5));
    public static final Figure WEIGHT_RATE = new Figure("weight-rate", "weight install rate", 10240, "B/cycle",
            "about 10,240 B/cycle per chip (409,600 B in 40 cycles)", "ISCA 2020 (P), derived (D)", Kind.INPUT,
            Band.within(10));
    public static final Figure LINK_LATENCY = new Figure("link-latency", "link latency", 216.85, "cycles",
            "216.3..217.4 cycles (means over the 7 in-node links)", "ISCA 2022, Table 2 (P)", Kind.INPUT,
            Band.range(216.3, 217.4, "216.3..217.4 cycles"));
    public static final Figure ONE_HOP = new Figure("one-hop", "one hop, SRAM to SRAM", 722, "ns", "about 722 ns",
            "ISCA 2022 (P)", Kind.INPUT, Band.within(10));
    public static final Figure WEIGHT_INSTALL = new Figure("weight-install", "weight install, all planes, cold",
            40, "cycles", "under 40 cycles, transit included", "ISCA 2020 (P)", Kind.HELD_OUT,
            Band.atMost(40, "<= 40 cycles"));
    public static final Figure GEMM_1376 = gemm(1376);
    public static final Figure GEMM_2048 = gemm(2048);
    public static final Figure GEMM_3500 = gemm(3500);
    public static final Figure ALL_REDUCE_256 = new Figure("all-reduce-256", "3-hop all-reduce, 256 chips", 2.17,
            "us", "about 2.17 us", "ISCA 2022 (P)", Kind.HELD_OUT, Band.within(10));
    public static final Figure FIVE_HOPS = new Figure("five-hops", "5 hops, largest system", 3, "us",
            "under 3 us (10,440 chips, at most 5 hops)", "ISCA 2022 (P)", Kind.HELD_OUT, Band.atMost(3, "<= 3 us"));
    public static final Figure MIXTRAL_576 = new Figure("mixtral-576", "Mixtral-8x7B, 576 chips", 480, "tokens/s",
            "about 480 tokens/s per user", "vendor and press, early 2024 (V, R)", Kind.HELD_OUT, Band.within(20));
    public static final Figure LLAMA_70B_MEDIAN = new Figure("llama-2-70b-median", "Llama-2-70B, 576 chips", 185,
            "tokens/s", "185 tokens/s per user (median)", "public benchmark, January 2024 (R)", Kind.HELD_OUT,
            Band.within(20));
    public static final Figure LLAMA_70B_VENDOR = new Figure("llama-2-70b-vendor", "Llama-2-70B, 576 chips", 300,
            "tokens/s", "about 300 tokens/s per user (claimed)", "vendor, early 2024 (V)", Kind.HELD_OUT,
            Band.within(20));

    public static final Figure CHIP_TDP = new Figure("chip-tdp", "chip power, heaviest compiled workload", 215, "W",
            "215 W TDP", "GroqChip product brief, second-hand (V)", Kind.INPUT, Band.within(1));
    public static final Figure CHIP_AVERAGE_POWER = new Figure("chip-average-power", "chip power, Mixtral-8x7B "
            + "decode", 185, "W", "about 185 W average", "GroqChip product brief, second-hand (V)", Kind.HELD_OUT,
            Band.within(20));

    /** Every figure, in table order: chip arithmetic, inputs, held-out chip and system figures, end to end. */
    public static final List<Figure> ALL = List.of(PEAK_INT8, PEAK_FP16, SRAM_BANDWIDTH, SRF_BANDWIDTH, WEIGHT_RATE,
            LINK_LATENCY, ONE_HOP, WEIGHT_INSTALL, GEMM_1376, GEMM_2048, GEMM_3500, CHIP_TDP, ALL_REDUCE_256,
            FIVE_HOPS, MIXTRAL_576, CHIP_AVERAGE_POWER, LLAMA_70B_MEDIAN, LLAMA_70B_VENDOR);

    /** The end-to-end figures: each from a whole decode run of a model on 576 chips (tens of seconds). */
    public static final List<Figure> END_TO_END = List.of(MIXTRAL_576, CHIP_AVERAGE_POWER, LLAMA_70B_MEDIAN,
            LLAMA_70B_VENDOR);

    /** The GEMM widths of the published utilisation figure. */
    public static final List<Integer> GEMM_N = List.of(1376, 2048, 3500);

    private static Figure gemm(int n) {
        return new Figure("gemm-" + n, "GEMM [2304x4096]x[4096x" + n + "] fp16, MXM utilisation", 80, "%",
                ">= 80 % of MXM peak", "ISCA 2020 (P)", Kind.HELD_OUT, Band.atLeast(80, ">= 80 %"));
    }
}
