// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.cli;

import dev.lockstep.compiler.model.DecodeBuilder;
import dev.lockstep.compiler.model.DecodePlan;
import dev.lockstep.isa.io.InputException;
import dev.lockstep.isa.system.SystemSpec;
import dev.lockstep.sim.SystemSimulator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code lockstep run --trace}: the timeline of some chips of a decode run, written once it is compiled (so also when
 * its simulation fails). They run again on their own, with a listener (exact: see SystemSimulator).
 *
 * @param file        where the Chrome trace goes
 * @param firstLayer  whether the chips are the first layer's (the default), else {@code from .. to - 1}
 * @param from        the first path position traced
 * @param to          past the last path position traced
 * @param windowFrom  the first cycle kept
 * @param windowTo    past the last cycle kept
 */
record RunTrace(Path file, boolean firstLayer, int from, int to, long windowFrom, long windowTo) {

    /** The options, checked before the run (the chips' range once the plan is known). */
    static RunTrace parse(Path file, String chips, String window) {
        boolean layer0 = chips.equals("layer0");
        long[] c = layer0 ? new long[] {0, 1} : pair(chips, "--trace-chips", "FROM:TO (path positions) or layer0");
        long[] w = pair(window, "--trace-window", "FROM:TO (cycles)");
        if (!layer0 && (c[0] < 0 || c[0] >= c[1] || c[1] - c[0] > 64 || c[1] > Integer.MAX_VALUE)) {
            throw new InputException("--trace-chips", 1, 1, "--trace-chips must name 1 to 64 path positions "
                    + "FROM:TO with FROM < TO, got " + chips);
        }
        if (w[0] < 0 || w[0] >= w[1]) {
            throw new InputException("--trace-window", 1, 1, "--trace-window FROM:TO needs 0 <= FROM < TO, got "
                    + window);
        }
        return new RunTrace(file, layer0, (int) c[0], (int) c[1], w[0], w[1]);
    }

    /** Two whole numbers FROM:TO of option {@code option}, which takes {@code what}. */
    private static long[] pair(String text, String option, String what) {
        String[] p = text.split(":");
        try {
            if (p.length != 2) {
                throw new NumberFormatException(text);
            }
            return new long[] {Long.parseLong(p[0]), Long.parseLong(p[1])};
        } catch (NumberFormatException e) {
            throw new InputException(option, 1, 1, option + " takes " + what + ", got " + text);
        }
    }

    /** Simulates the chosen chips of {@code built} again on their own, with a listener, and writes the trace. */
    void write(SystemSpec system, DecodeBuilder.Result built, PrintWriter err) {
        DecodePlan plan = built.plan();
        int lo = firstLayer ? plan.layerStart(0) : from;
        int hi = firstLayer ? plan.layerStart(0) + plan.chipsPerLayer() : to;
        if (lo < 0 || hi > plan.chips() || lo >= hi || hi - lo > 64) {
            throw new InputException("--trace-chips", 1, 1, "--trace-chips must name 1 to 64 path positions within "
                    + "0.." + plan.chips() + ", got " + lo + ":" + hi);
        }
        List<Integer> ids = new ArrayList<>();
        for (int p = lo; p < hi; p++) {
            ids.add(built.path().chip(p));
        }
        ChromeTrace chrome = new ChromeTrace(system.chip(), built.program(), windowFrom, windowTo, 5_000_000);
        SystemSimulator.trace(system, built.program(), ids, chrome);
        chrome.write(file);
        err.printf("lockstep run: wrote %s: chips %s, cycles %d..%d, %d instructions%s%n", file, ids, windowFrom,
                windowTo, chrome.kept(), chrome.dropped() > 0 ? " (" + chrome.dropped() + " beyond the limit dropped)"
                        : "");
        err.flush();
    }
}
