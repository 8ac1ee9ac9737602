package org.rnn4j.cli.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeriesCollection;
import org.rnn4j.io.AtomicFiles;

/**
 * The one look of every PNG chart of the command-line tool, drawn with JFreeChart: colours
 * (matplotlib's "tab10", distinguishable with the common colour-vision deficiencies), fonts, axes,
 * line renderers, plot and legend, number formatting, and the atomic write (a temporary file in the
 * same folder renamed over the target, so a reader never sees half a PNG). Each chart is a small class
 * of its own ({@link LossChart}, {@link ForecastChart}, {@link ConfusionChart}, {@link TuneCharts})
 * built from these pieces.
 *
 * <p><b>Headless.</b> Loading this class sets the system property {@code java.awt.headless=true}
 * (in its static initializer, before it touches any AWT class), so charts render on servers without
 * a display. AWT reads that property once, when it first starts: if the process already used AWT
 * before the first chart, start it with {@code -Djava.awt.headless=true} instead. Rendering text
 * needs a font on the machine (any TrueType font fontconfig can find, such as DejaVu).
 *
 * <p>Stateless and thread-safe.
 */
public final class ChartStyle {
  static {
    // First statement of the class initializer, before any AWT class is loaded by the fields below.
    System.setProperty("java.awt.headless", "true");
  }


  /** Up to this many points, each one gets a marker (a line alone hides single points). */
  static final int MARKERS_UP_TO = 60;
  /** A value range wider than this ratio (two decades) gets a logarithmic axis. */
  static final double LOG_SCALE_RATIO = 100;

  // matplotlib's "tab10" blue and orange: distinguishable with the common colour-vision deficiencies.
  static final Color BLUE = new Color(0x1f77b4);
  static final Color ORANGE = new Color(0xff7f0e);
  static final Color GREEN = new Color(0x2ca02c);
  static final Color PURPLE = new Color(0x9467bd);
  static final Color GRID = new Color(0xdddddd);
  static final Color MINOR_GRID = new Color(0xf0f0f0);
  static final Color TEXT = new Color(0x202020);
  static final Color MUTED = new Color(0x555555);
  static final String FAMILY = Font.SANS_SERIF;
  static final Font TITLE_FONT = new Font(FAMILY, Font.BOLD, 20);
  static final Font SUBTITLE_FONT = new Font(FAMILY, Font.PLAIN, 14);
  static final Font AXIS_LABEL_FONT = new Font(FAMILY, Font.PLAIN, 16);
  static final Font TICK_FONT = new Font(FAMILY, Font.PLAIN, 13);
  static final Font LEGEND_FONT = new Font(FAMILY, Font.PLAIN, 14);

  private ChartStyle() {
  }

  static NumberAxis numberAxis(String label) {
    NumberAxis axis = new NumberAxis(label);
    style(axis);
    axis.setAutoRangeIncludesZero(false);
    axis.setStandardTickUnits(NumberAxis.createStandardTickUnits(Locale.ROOT));
    return axis;
  }

  /**
   * A linear axis for values in [min, max]; a flat series (one epoch, a constant) gets a range of
   * 10% of its value around it instead of a sliver where every tick has the same label.
   */
  static NumberAxis valueAxis(String label, double min, double max) {
    NumberAxis axis = numberAxis(label);
    double magnitude = Math.max(Math.abs(min), Math.abs(max));
    axis.setAutoRangeMinimumSize(Math.max(1e-9, magnitude * 0.2));
    return axis;
  }

  /** A log axis with a label at each power of ten (0.001, 0.01, 0.1, 1) and minor ticks between. */
  static LogAxis logAxis(String label) {
    LogAxis axis = new LogAxis(label);
    style(axis);
    axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
    axis.setNumberFormatOverride(new PlainNumberFormat());
    axis.setMinorTickMarksVisible(true);
    axis.setMinorTickCount(9);
    return axis;
  }

  /** Formats tick values with {@link #number(double)}: 0.001 rather than 1E-3 or 10^-3. */
  private static final class PlainNumberFormat extends NumberFormat {
    private static final long serialVersionUID = 1L;

    @Override
    public StringBuffer format(double v, StringBuffer to, FieldPosition pos) {
      return to.append(number(v));
    }

    @Override
    public StringBuffer format(long v, StringBuffer to, FieldPosition pos) {
      return to.append(number(v));
    }

    @Override
    public Number parse(String source, ParsePosition pos) {
      throw new UnsupportedOperationException("tick labels are only formatted");
    }
  }

  static void style(ValueAxis axis) {
    axis.setLabelFont(AXIS_LABEL_FONT);
    axis.setLabelPaint(TEXT);
    axis.setTickLabelFont(TICK_FONT);
    axis.setTickLabelPaint(TEXT);
    axis.setAxisLinePaint(MUTED);
    axis.setTickMarkPaint(MUTED);
  }

  static XYLineAndShapeRenderer lineRenderer(boolean markers) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, markers);
    r.setAutoPopulateSeriesStroke(false);
    r.setAutoPopulateSeriesShape(false);
    r.setDefaultStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    r.setDefaultShape(new Ellipse2D.Double(-3.5, -3.5, 7, 7));
    r.setDefaultLegendShape(new Ellipse2D.Double(-4, -4, 8, 8));
    r.setDrawSeriesLineAsPath(false);
    return r;
  }

  static XYPlot plot(XYSeriesCollection data, ValueAxis x, ValueAxis y,
      XYLineAndShapeRenderer renderer) {
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setOutlinePaint(MUTED);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.setDomainGridlineStroke(new BasicStroke(1f));
    plot.setRangeGridlineStroke(new BasicStroke(1f));
    plot.setAxisOffset(new RectangleInsets(4, 4, 4, 4));
    return plot;
  }

  static JFreeChart chart(String title, XYPlot plot) {
    JFreeChart chart = new JFreeChart(title, TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    chart.setPadding(new RectangleInsets(10, 10, 10, 20));
    LegendTitle legend = chart.getLegend();
    legend.setItemFont(LEGEND_FONT);
    legend.setItemPaint(TEXT);
    legend.setFrame(BlockBorder.NONE);
    legend.setBackgroundPaint(Color.WHITE);
    legend.setPosition(RectangleEdge.TOP);
    return chart;
  }

  static void subtitle(JFreeChart chart, String text) {
    TextTitle t = new TextTitle(text, SUBTITLE_FONT);
    t.setPaint(MUTED);
    t.setPadding(new RectangleInsets(2, 0, 6, 0));
    chart.addSubtitle(0, t);
  }

  /** Three significant digits, without exponent for ordinary magnitudes: 0.0431, 1.23, 1230. */
  static String number(double v) {
    if (!Double.isFinite(v)) {
      return Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
    }
    if (v == 0) {
      return "0";
    }
    double abs = Math.abs(v);
    if (abs < 1e-4 || abs >= 1e7) {
      return String.format(Locale.ROOT, "%.2e", v);
    }
    return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  static void write(JFreeChart chart, Path png, int width, int height) throws IOException {
    AtomicFiles.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
  }

  /** Logarithmic when all values are positive and the largest is over 100 times the smallest. */
  static boolean useLogScale(double min, double max) {
    return min > 0 && max / min > LOG_SCALE_RATIO;
  }

  /**
   * Does nothing; a chart class calls it from its static initializer so that this class's (which makes
   * AWT headless) runs before the chart touches AWT.
   */
  static void headless() {
  }
}
