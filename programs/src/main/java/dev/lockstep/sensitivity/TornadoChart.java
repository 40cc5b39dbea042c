// SPDX-License-Identifier: Apache-2.0
package dev.lockstep.sensitivity;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * A tornado chart of a {@link SensitivityReport} as a PNG (JFreeChart, drawn headless): one row per parameter,
 * largest swing at the top, a bar from the baseline's tokens/s per user to the halved value's and one to the doubled
 * value's. Fixed size and JFreeChart's default fonts; the pixels may differ between machines with different fonts,
 * the table and the JSON never do.
 */
public final class TornadoChart {
    /** The chart's width in pixels. */
    public static final int WIDTH = 1100;
    private static final int HEADER = 140;
    private static final int ROW = 26;

    static {
        // before anything touches AWT: no display is needed, nor used if there is one
        System.setProperty("java.awt.headless", "true");
    }

    private TornadoChart() {
    }

    /** The chart's height in pixels for {@code rows} parameters. */
    public static int height(int rows) {
        return HEADER + ROW * Math.max(rows, 4);
    }

    /** The chart as PNG bytes. */
    public static byte[] png(SensitivityReport report) {
        JFreeChart chart = chart(report);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, height(report.rows().size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static JFreeChart chart(SensitivityReport report) {
        double base = report.baseline().tokensPerSecondPerUser();
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (SensitivityReport.Row r : report.rows()) {
            String category = r.knob().name() + " (" + r.baselineValue() + ")";
            data.addValue(r.halved().outcome().tokensPerSecondPerUser(), "halved", category);
            data.addValue(r.doubled().outcome().tokensPerSecondPerUser(), "doubled", category);
        }
        String title = report.base().model().name() + " on " + report.base().system().name() + " ("
                + report.chips() + " chips, " + report.base().weights().text() + ", batch " + report.base().batch()
                + ", context " + report.base().context() + "): each unpublished parameter halved and doubled";
        JFreeChart chart = ChartFactory.createBarChart(title, "parameter (baseline value)",
                String.format("tokens/s per user (baseline %.1f)", base), data, PlotOrientation.HORIZONTAL, true,
                false, false);
        chart.getTitle().setFont(chart.getTitle().getFont().deriveFont(14f));
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        BarRenderer bars = (BarRenderer) plot.getRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setBase(base);
        bars.setIncludeBaseInRange(true);
        bars.setItemMargin(0.0);
        bars.setSeriesPaint(0, new Color(0x1f77b4));
        bars.setSeriesPaint(1, new Color(0xd62728));
        // the bars start at the baseline: zero is far off and would squeeze them into a corner
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        ValueMarker marker = new ValueMarker(base, Color.BLACK, new BasicStroke(1.5f));
        plot.addRangeMarker(marker);
        return chart;
    }
}
