// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * How cost per token scales with chips: for each model, weights, batch and every other setting but chips and system,
 * run on at least two chip counts, a least squares line through (ln chips bought, ln $ per million tokens): cost ~
 * chips^exponent. An exponent of 1 means more chips buy no throughput; below 1, they buy some.
 */
public final class SweepFits {
    /**
     * One fit.
     *
     * @param model    the model
     * @param weights  its precision
     * @param batch    sequences in flight
     * @param others   the group's other settings, as key=value words (empty if none)
     * @param points   points fitted
     * @param exponent the slope on logarithms
     * @param rSquared how well the line fits (1: exactly, as any line through two points does)
     */
    public record Fit(String model, String weights, int batch, String others, int points, double exponent,
                      double rSquared) {
    }

    private SweepFits() {
    }

    public static List<Fit> fit(List<Row> rows) {
        Map<List<String>, List<Row.Figures>> groups = new LinkedHashMap<>();
        Map<List<String>, String> othersOf = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.figures().isEmpty() || r.figures().get().cost().isEmpty()) {
                continue;
            }
            Row.Figures f = r.figures().get();
            String others = others(r.point());
            List<String> key = List.of(f.model(), f.weights(), String.valueOf(f.batch()), others);
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
            othersOf.put(key, others);
        }
        List<Fit> fits = new ArrayList<>();
        for (Map.Entry<List<String>, List<Row.Figures>> e : groups.entrySet()) {
            List<Row.Figures> g = e.getValue();
            long chipCounts = g.stream().mapToInt(Row.Figures::chipsBought).distinct().count();
            if (chipCounts < 2) {
                continue;
            }
            SimpleRegression reg = new SimpleRegression();
            for (Row.Figures f : g) {
                reg.addData(Math.log(f.chipsBought()), Math.log(f.cost().orElseThrow().usdPerMillion()));
            }
            Row.Figures first = g.get(0);
            fits.add(new Fit(first.model(), first.weights(), first.batch(), othersOf.get(e.getKey()), g.size(),
                    reg.getSlope(), reg.getRSquare()));
        }
        return fits;
    }

    /** A point's settings other than those a fit is over or named by (model, weights, batch, chips, system). */
    private static String others(Grid.Point p) {
        List<String> words = new ArrayList<>();
        for (Grid.Setting s : p.settings()) {
            if (!List.of("model", "weights", "batch", "chips", "system").contains(s.key())) {
                words.add(s.key() + "=" + s.value());
            }
        }
        return String.join(" ", words);
    }
}
