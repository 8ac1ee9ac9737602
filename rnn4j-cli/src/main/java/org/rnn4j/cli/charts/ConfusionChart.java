package org.rnn4j.cli.charts;

import static org.rnn4j.cli.charts.ChartStyle.*;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.util.Locale;
import java.util.Objects;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * A confusion-matrix heatmap, cells sized so that labels and counts fit, in the {@link ChartStyle}.
 *
 * <p>Inputs are checked before anything is drawn: empty data or mismatched lengths throw {@link
 * IllegalArgumentException} saying what was expected and what was received; a missing folder throws
 * {@link IOException} naming it. The file is written atomically.
 *
 * <p>Stateless and thread-safe: each call builds its own chart.
 */
public final class ConfusionChart {
  static {
    ChartStyle.headless();
  }

  private ConfusionChart() {
  }

  /**
   * A confusion matrix as a heatmap: rows are the true classes (top to bottom), columns the
   * predicted ones (left to right), each cell coloured by its count on a white-to-blue scale shown
   * at the right and with its count written in it; the subtitle gives the accuracy. The cells are
   * square, 44 px for 10 to 25 classes (larger below, down to 22 px above), so the image grows with
   * the number of classes and 20 classes stay readable; long labels are written vertically under
   * the columns.
   *
   * @param labels the class names, in row (and column) order; null or blank entries show their
   *               index
   * @param matrix {@code matrix[t][p]}: how many examples of true class t were predicted as p;
   *               square, as many rows as labels, no negative counts
   * @param png    the file to write (its folder must exist)
   * @param title  the chart title; null or blank for "Confusion matrix"
   * @throws IllegalArgumentException when there are no classes, the matrix is not labels.length
   *                                  square, or a count is negative
   * @throws IOException              when the file cannot be written
   */
  public static void heatmap(String[] labels, long[][] matrix, Path png, String title)
      throws IOException {
    Objects.requireNonNull(png, "png");
    Heatmap h = heatmapChart(labels, matrix, title);
    write(h.chart(), png, h.width(), h.height());
  }

  /** A heatmap chart and the image size that makes its cells {@code cell} pixels square. */
  record Heatmap(JFreeChart chart, int width, int height, int cell) {
  }

  /** Checks the input and builds the chart of {@link #heatmap}, sized for square cells. */
  static Heatmap heatmapChart(String[] labels, long[][] matrix, String title) {
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(matrix, "matrix");
    int n = labels.length;
    if (n == 0) {
      throw new IllegalArgumentException("heatmap: expected at least one class label, got 0");
    }
    if (matrix.length != n) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "heatmap: expected a %dx%d matrix (one row per label), got %d rows", n, n, matrix.length));
    }
    long maxCount = 0;
    long total = 0;
    long correct = 0;
    for (int t = 0; t < n; t++) {
      if (matrix[t] == null || matrix[t].length != n) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "heatmap: expected a %dx%d matrix (one column per label), got %s in row %d", n, n,
            matrix[t] == null ? "null" : matrix[t].length + " columns", t));
      }
      for (int p = 0; p < n; p++) {
        long c = matrix[t][p];
        if (c < 0) {
          throw new IllegalArgumentException(String.format(Locale.ROOT,
              "heatmap: expected counts >= 0, got %d at row %d, column %d", c, t, p));
        }
        maxCount = Math.max(maxCount, c);
        total += c;
        if (t == p) {
          correct += c;
        }
      }
    }
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = labels[i] == null || labels[i].isBlank() ? Integer.toString(i) : labels[i];
    }
    Layout layout = layout(names, Long.toString(maxCount));

    double[] xs = new double[n * n];
    double[] ys = new double[n * n];
    double[] zs = new double[n * n];
    for (int t = 0; t < n; t++) {
      for (int p = 0; p < n; p++) {
        xs[t * n + p] = p;
        ys[t * n + p] = t;
        zs[t * n + p] = matrix[t][p];
      }
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("counts", new double[][] {xs, ys, zs});
    BluesScale scale = new BluesScale(Math.max(1, maxCount));
    XYBlockRenderer renderer = new XYBlockRenderer();
    renderer.setPaintScale(scale);

    SymbolAxis x = new SymbolAxis("predicted", names);
    SymbolAxis y = new SymbolAxis("true", names);
    for (SymbolAxis axis : new SymbolAxis[] {x, y}) {
      style(axis);
      axis.setTickLabelFont(layout.tickFont);
      axis.setGridBandsVisible(false);
      axis.setAutoRange(false);
      axis.setRange(-0.5, n - 0.5);
      axis.setTickUnit(new NumberTickUnit(1)); // every label, never a thinned-out selection
      axis.setTickMarksVisible(false);
    }
    x.setVerticalTickLabels(layout.verticalLabels);
    y.setInverted(true);
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    plot.setOutlinePaint(MUTED);
    plot.setAxisOffset(RectangleInsets.ZERO_INSETS);

    Color zero = new Color(0xb0b0b0);
    for (int t = 0; t < n; t++) {
      for (int p = 0; p < n; p++) {
        long c = matrix[t][p];
        XYTextAnnotation a = new XYTextAnnotation(Long.toString(c), p, t);
        a.setFont(layout.cellFont);
        a.setTextAnchor(TextAnchor.CENTER);
        a.setPaint(c == 0 ? zero : luminance(scale.color(c)) < 0.5 ? Color.WHITE : TEXT);
        plot.addAnnotation(a, false);
      }
    }

    JFreeChart chart = new JFreeChart(title == null || title.isBlank() ? "Confusion matrix" : title,
        TITLE_FONT, plot, false);
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    chart.setPadding(new RectangleInsets(10, 10, 10, 10));
    subtitle(chart, total == 0 ? "no examples"
        : String.format(Locale.ROOT, "accuracy %.1f%% (%d of %d)", 100.0 * correct / total,
            correct, total));
    NumberAxis countAxis = new NumberAxis("count");
    style(countAxis);
    countAxis.setRange(0, scale.getUpperBound());
    countAxis.setTickUnit(new NumberTickUnit(niceStep(scale.getUpperBound() / 6),
        NumberFormat.getIntegerInstance(Locale.ROOT)));
    PaintScaleLegend legend = new PaintScaleLegend(scale, countAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setAxisLocation(AxisLocation.TOP_OR_RIGHT);
    legend.setSubdivisionCount(256);
    legend.setStripWidth(18);
    legend.setStripOutlineVisible(true);
    legend.setAxisOffset(4);
    legend.setBackgroundPaint(Color.WHITE);
    legend.setMargin(new RectangleInsets(0, 16, 0, 4)); // top and bottom are set below
    chart.addSubtitle(legend);

    // Everything around the plot keeps its size whatever the image size, so one trial rendering
    // tells how much the image must grow or shrink for the plot to be exactly n cells wide and high.
    int side = n * layout.cell;
    int width = side + 400;
    int height = side + 300;
    Rectangle2D trial = render(chart, width, height).getPlotInfo().getDataArea();
    width += (int) Math.round(side - trial.getWidth());
    height += (int) Math.round(side - trial.getHeight());
    // The colour strip spans the plot's height: margins equal to the axes' space above and below.
    PlotRenderingInfo placed = render(chart, width, height).getPlotInfo();
    Rectangle2D plotArea = placed.getPlotArea();
    Rectangle2D dataArea = placed.getDataArea();
    legend.setMargin(new RectangleInsets(dataArea.getMinY() - plotArea.getMinY(), 16,
        plotArea.getMaxY() - dataArea.getMaxY(), 4));
    return new Heatmap(chart, width, height, layout.cell);
  }

  private static ChartRenderingInfo render(JFreeChart chart, int width, int height) {
    ChartRenderingInfo info = new ChartRenderingInfo();
    chart.createBufferedImage(width, height, info);
    return info;
  }

  /** 1, 2 or 5 times a power of ten, at least {@code rough} and at least 1 (counts are whole). */
  static double niceStep(double rough) {
    if (!(rough > 1)) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(rough)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= rough - 1e-9) {
        return m * p;
      }
    }
    return 10 * p;
  }

  /** Cell size and fonts worked out from the text, so the labels and counts fit. */
  private static final class Layout {
    int cell;
    Font tickFont;
    Font cellFont;
    boolean verticalLabels;
  }

  private static Layout layout(String[] names, String widestCount) {
    int n = names.length;
    Layout l = new Layout();
    l.cell = n <= 25 ? Math.max(44, 440 / n) : Math.max(22, 1100 / n);
    l.tickFont = new Font(FAMILY, Font.PLAIN, l.cell >= 40 ? 14 : l.cell >= 30 ? 12 : 10);
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = scratch.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      FontMetrics tick = g.getFontMetrics(l.tickFont);
      int widest = 0;
      for (String s : names) {
        widest = Math.max(widest, tick.stringWidth(s));
      }
      l.verticalLabels = widest > l.cell - 8;
      // Counts: 40% of the cell's height, at most 26 pt, smaller if the largest would not fit.
      int size = Math.min(26, (int) Math.round(l.cell * 0.4));
      Font font = new Font(FAMILY, Font.PLAIN, size);
      while (size > 7 && g.getFontMetrics(font).stringWidth(widestCount) > l.cell * 0.85) {
        size--;
        font = new Font(FAMILY, Font.PLAIN, size);
      }
      l.cellFont = font;
    } finally {
      g.dispose();
    }
    return l;
  }

  /** White to dark blue, interpolated through matplotlib's "Blues" (light to dark, monotone). */
  private static final class BluesScale implements PaintScale {
    private static final int[] STOPS = {0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6,
        0x2171b5, 0x08519c, 0x08306b};
    private final double upper;

    BluesScale(double upper) {
      this.upper = upper;
    }

    @Override
    public double getLowerBound() {
      return 0;
    }

    @Override
    public double getUpperBound() {
      return upper;
    }

    @Override
    public Paint getPaint(double value) {
      return color(value);
    }

    Color color(double value) {
      double f = Double.isNaN(value) ? 0 : Math.max(0, Math.min(1, value / upper));
      double pos = f * (STOPS.length - 1);
      int i = Math.min(STOPS.length - 2, (int) Math.floor(pos));
      double w = pos - i;
      int a = STOPS[i];
      int b = STOPS[i + 1];
      return new Color(mix(a >> 16, b >> 16, w), mix(a >> 8, b >> 8, w), mix(a, b, w));
    }

    private static int mix(int a, int b, double w) {
      return (int) Math.round((a & 0xff) * (1 - w) + (b & 0xff) * w);
    }
  }

  /** Relative luminance in [0, 1], to choose white or dark text on a cell. */
  private static double luminance(Color c) {
    return (0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue()) / 255;
  }

}
