// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sensitivity;

import dev.lockstep.isa.TimingParam;
import dev.lockstep.isa.system.LinkKind;
import dev.lockstep.isa.system.SystemSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one list of what {@code lockstep sensitivity} varies and what it leaves out, each with its reason (the source
 * codes are docs/model.md's: P published, R/V press or vendor, D derived, A assumption).
 *
 * <p><b>Varied</b> (an unpublished number that sets a duration):
 * <ul>
 *   <li>every {@link TimingParam} (the chip's {@code timing.*}): no functional-unit latency of the chip is
 *       published; each default is our reasoned guess (A). {@code timing.c2c_receive_end_cycles} is D: it is what is
 *       left of the published 650 cycles per hop once the other, assumed, parts are counted; varying it asks what if
 *       a hop were not that split (the published total no longer holds). The valid range is the loader's: at least
 *       1 cycle (the simulator needs a result never to appear in the cycle its inputs are sampled),
 *       {@code stream_hop_cycles} at most 100 and {@code mem_read_latency_cycles} at most 1,000
 *       ({@link TimingParam#max}).</li>
 *   <li>the system's {@code latency_cycles.rack} and {@code latency_cycles.inter_rack} (A): only the in-node links
 *       were measured; the cables take the in-node figure.</li>
 * </ul>
 * <p><b>Left out</b>: see {@link #LEFT_OUT}; in short, what is published or derived from published figures, what
 * is not a number, and what is the shape of the chip or system asked for rather than a duration. A test checks that
 * every key of the chip's and the system's schema is in exactly one of the two lists.
 */
public final class Knobs {
    /** The parameters varied, in the order a tie in effect is broken by. */
    public static final List<Knob> VARIED = varied();

    /** The parameters left out, and why. */
    public static final List<LeftOut> LEFT_OUT = List.of(
            new LeftOut(Knob.Scope.CHIP, List.of("name"), "a label, not a number"),
            new LeftOut(Knob.Scope.CHIP, List.of("clock_hz"), "published (P, V): 900 MHz"),
            new LeftOut(Knob.Scope.CHIP, List.of("links.latency_cycles"), "published (P): measured, 216.3 to 217.4 "
                    + "cycles over the in-node links (ISCA 2022)"),
            new LeftOut(Knob.Scope.CHIP, List.of("links.bytes_per_second_per_direction", "links.framing_bytes"),
                    "published (P, R, V): 14 GB/s per direction (spec sheet), 8 bytes of framing per vector"),
            new LeftOut(Knob.Scope.CHIP, List.of("superlanes", "lanes_per_superlane", "streams_per_direction",
                    "floorplan", "mem.words_per_slice", "mem.banks", "mem.accesses_per_bank_per_cycle",
                    "mem.queues_per_slice", "vxm.alus_per_lane", "vxm.queues_per_slice", "mxm.planes_per_slice",
                    "mxm.rows", "mxm.cols", "mxm.int8_k", "mxm.fp16_k", "mxm.fp16_planes_per_piece",
                    "mxm.queues_per_slice", "mxm.weight_streams", "sxm.queues_per_slice", "links.count"),
                    "the chip's shape and capacities, published (P, R) or derived from published figures (D); "
                            + "halving one changes what fits where (the plan), a different question from how much "
                            + "an unknown latency matters"),
            new LeftOut(Knob.Scope.CHIP, List.of("sxm.also_issues"), "an assumption (A) but not a number: which "
                    + "queues issue the C2C instructions"),
            new LeftOut(Knob.Scope.SYSTEM, List.of("name", "chip"), "labels, not numbers"),
            new LeftOut(Knob.Scope.SYSTEM, List.of("racks", "nodes_per_rack", "chips_per_node",
                    "global_links_per_chip"), "the shape of the system asked for (--system), not a duration"),
            new LeftOut(Knob.Scope.SYSTEM, List.of("latency_cycles.local"), "published (P): the measured in-node "
                    + "link, the chip's links.latency_cycles"));

    private Knobs() {
    }

    private static List<Knob> varied() {
        List<Knob> out = new ArrayList<>();
        for (TimingParam p : TimingParam.values()) {
            boolean derived = p == TimingParam.C2C_RECEIVE_END_CYCLES;
            out.add(new Knob(Knob.Scope.CHIP, "timing." + p.key(), derived ? "D" : "A", 1, p.max(),
                    derived ? "the rest of the published 650 cycles per hop once the assumed parts are counted"
                            : "unpublished; the default is our reasoned guess (lockstep isa --timing)",
                    s -> s.chip().timing().cycles(p)));
        }
        for (LinkKind k : List.of(LinkKind.RACK, LinkKind.INTER_RACK)) {
            out.add(new Knob(Knob.Scope.SYSTEM, "latency_cycles." + k.key(), "A", 1, 1_000_000,
                    "not measured: the cables take the in-node links' measured latency",
                    (SystemSpec s) -> s.latencyCycles(k)));
        }
        return List.copyOf(out);
    }

    /** The varied parameter named {@code name} (its dotted key, e.g. {@code timing.mxm_install_cycles}). */
    public static Optional<Knob> byName(String name) {
        return VARIED.stream().filter(k -> k.name().equals(name)).findFirst();
    }
}
