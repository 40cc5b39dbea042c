// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sweep;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A sweep's plots as PNGs (JFreeChart, headless, fixed size and default fonts: the same rows give the same pixels on
 * one machine): tokens/s per user against $ per million tokens with the frontier marked, and tokens/s per user and
 * joules per token against chips and against batch.
 */
public final class SweepPlots {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 700;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private SweepPlots() {
    }

    /** Tokens/s per user against $ per million tokens, one series per model and weights, and the frontier. */
    public static byte[] frontier(List<Row> rows, String title) {
        List<Row.Figures> ok = ok(rows).stream().filter(f -> f.cost().isPresent()).toList();
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, List<Row.Figures>> e : group(ok, f -> f.model() + ", " + f.weights()).entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), false, true);
            e.getValue().forEach(f -> s.add(usd(f), f.tokensPerSecondPerUser()));
            data.addSeries(s);
        }
        XYSeries front = new XYSeries("frontier (no point both cheaper and faster)", false, true);
        frontierOf(ok).forEach(f -> front.add(usd(f), f.tokensPerSecondPerUser()));
        data.addSeries(front);
        LogarithmicAxis x = new LogarithmicAxis("$ per million generated tokens (published power per server; log "
                + "scale)");
        x.setStrictValuesFlag(false);
        x.setExpTickLabelsFlag(false);
        XYLineAndShapeRenderer r = colours(new XYLineAndShapeRenderer(false, true), data.getSeriesCount());
        int last = data.getSeriesCount() - 1;
        r.setSeriesLinesVisible(last, true);
        r.setSeriesShapesVisible(last, false);
        r.setSeriesPaint(last, Color.BLACK);
        r.setSeriesStroke(last, new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
                new float[] {6f, 4f}, 0f));
        XYPlot plot = new XYPlot(data, x, axis("tokens/s per user"), r);
        return png(chart(title, plot));
    }

    /**
     * Tokens/s per user and joules per token against {@code x} (chips bought, or batch), one series per the other
     * settings ({@code seriesOf}).
     */
    public static byte[] against(List<Row> rows, String title, String xLabel, ToDoubleFunction<Row.Figures> x,
                                 Function<Row.Figures, String> seriesOf) {
        List<Row.Figures> ok = new ArrayList<>(ok(rows));
        ok.sort(Comparator.comparingDouble(x));
        XYSeriesCollection speed = new XYSeriesCollection();
        XYSeriesCollection energy = new XYSeriesCollection();
        for (Map.Entry<String, List<Row.Figures>> e : group(ok, seriesOf).entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), true, true);
            XYSeries j = new XYSeries(e.getKey(), true, true);
            e.getValue().forEach(f -> {
                s.add(x.applyAsDouble(f), f.tokensPerSecondPerUser());
                j.add(x.applyAsDouble(f), f.joulesPerToken());
            });
            speed.addSeries(s);
            energy.addSeries(j);
        }
        NumberAxis xAxis = axis(xLabel);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(xAxis);
        plot.add(new XYPlot(speed, null, axis("tokens/s per user"), colours(new XYLineAndShapeRenderer(true, true),
                speed.getSeriesCount())));
        XYLineAndShapeRenderer second = colours(new XYLineAndShapeRenderer(true, true), energy.getSeriesCount());
        second.setDefaultSeriesVisibleInLegend(false);
        plot.add(new XYPlot(energy, null, axis("joules per generated token (estimate)"), second));
        return png(chart(title, plot));
    }

    /** Ten distinct colours, series i taking colour i mod 10 in every plot (so both halves of a plot agree). */
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};

    private static XYLineAndShapeRenderer colours(XYLineAndShapeRenderer r, int series) {
        for (int i = 0; i < series; i++) {
            r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        return r;
    }

    /** The points no other point beats on both cost and speed, cheapest first. */
    static List<Row.Figures> frontierOf(List<Row.Figures> ok) {
        List<Row.Figures> sorted = new ArrayList<>(ok);
        sorted.sort(Comparator.comparingDouble(SweepPlots::usd)
                .thenComparing(Comparator.comparingDouble(Row.Figures::tokensPerSecondPerUser).reversed()));
        List<Row.Figures> front = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (Row.Figures f : sorted) {
            if (f.tokensPerSecondPerUser() > best) {
                front.add(f);
                best = f.tokensPerSecondPerUser();
            }
        }
        return front;
    }

    private static double usd(Row.Figures f) {
        return f.cost().orElseThrow().usdPerMillion();
    }

    private static List<Row.Figures> ok(List<Row> rows) {
        List<Row.Figures> out = new ArrayList<>();
        rows.forEach(r -> r.figures().ifPresent(out::add));
        return out;
    }

    private static Map<String, List<Row.Figures>> group(List<Row.Figures> ok, Function<Row.Figures, String> key) {
        Map<String, List<Row.Figures>> m = new LinkedHashMap<>();
        ok.forEach(f -> m.computeIfAbsent(key.apply(f), k -> new ArrayList<>()).add(f));
        return m;
    }

    private static NumberAxis axis(String label) {
        NumberAxis a = new NumberAxis(label);
        a.setAutoRangeIncludesZero(false);
        return a;
    }

    private static JFreeChart chart(String title, XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        if (plot instanceof CombinedDomainXYPlot c) {
            for (XYPlot sub : c.getSubplots()) {
                sub.setBackgroundPaint(Color.WHITE);
                sub.setDomainGridlinePaint(Color.LIGHT_GRAY);
                sub.setRangeGridlinePaint(Color.LIGHT_GRAY);
            }
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT.deriveFont(14f), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static byte[] png(JFreeChart chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
