package org.rnn4j.cli.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.text.DateFormat;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.text.SimpleDateFormat;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TimeZone;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.DateTickUnit;
import org.jfree.chart.axis.DateTickUnitType;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.rnn4j.io.AtomicFiles;
import org.rnn4j.train.History;

/**
 * The PNG charts of the command-line tool, drawn with JFreeChart: training loss curves, a forecast
 * against the actual series, and a confusion-matrix heatmap. Each file is written atomically (a
 * temporary file in the same folder renamed over the target), so a reader never sees half a PNG.
 *
 * <p><b>Headless.</b> Loading this class sets the system property {@code java.awt.headless=true}
 * (in its static initializer, before it touches any AWT class), so charts render on servers without
 * a display. AWT reads that property once, when it first starts: if the process already used AWT
 * before the first call here, start it with {@code -Djava.awt.headless=true} instead. Rendering
 * text needs a font on the machine (any TrueType font fontconfig can find, such as DejaVu).
 *
 * <p>Inputs are checked before anything is drawn: empty data or mismatched lengths throw {@link
 * IllegalArgumentException} saying what was expected and what was received; a missing folder throws
 * {@link IOException} naming it.
 *
 * <p>Stateless and thread-safe: each call builds its own chart.
 */
public final class Charts {
  static {
    // First statement of the class initializer, before any AWT class is loaded by the fields below.
    System.setProperty("java.awt.headless", "true");
  }

  /** Size of {@link #lossCurves} charts, in pixels. */
  public static final int LOSS_WIDTH = 1000;
  /** Size of {@link #lossCurves} charts, in pixels. */
  public static final int LOSS_HEIGHT = 600;
  /** Size of {@link #forecastVsActual} charts, in pixels. */
  public static final int FORECAST_WIDTH = 1200;
  /** Size of {@link #forecastVsActual} charts, in pixels. */
  public static final int FORECAST_HEIGHT = 600;

  /** A loss range wider than this ratio (two decades) gets a logarithmic axis. */
  static final double LOG_SCALE_RATIO = 100;
  /** Up to this many points, each one gets a marker (a line alone hides single points). */
  private static final int MARKERS_UP_TO = 60;

  // matplotlib's "tab10" blue and orange: distinguishable with the common colour-vision deficiencies.
  static final Color BLUE = new Color(0x1f77b4);
  static final Color ORANGE = new Color(0xff7f0e);
  static final Color GREEN = new Color(0x2ca02c);
  private static final Color PURPLE = new Color(0x9467bd);
  private static final Color GRID = new Color(0xdddddd);
  private static final Color MINOR_GRID = new Color(0xf0f0f0);
  private static final Color TEXT = new Color(0x202020);
  static final Color MUTED = new Color(0x555555);
  private static final String FAMILY = Font.SANS_SERIF;
  private static final Font TITLE_FONT = new Font(FAMILY, Font.BOLD, 20);
  private static final Font SUBTITLE_FONT = new Font(FAMILY, Font.PLAIN, 14);
  private static final Font AXIS_LABEL_FONT = new Font(FAMILY, Font.PLAIN, 16);
  private static final Font TICK_FONT = new Font(FAMILY, Font.PLAIN, 13);
  private static final Font LEGEND_FONT = new Font(FAMILY, Font.PLAIN, 14);
  private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

  private Charts() {
  }

  // ---------------------------------------------------------------------------------------------
  // Loss curves

  /**
   * Train and validation loss per epoch, {@value #LOSS_WIDTH}x{@value #LOSS_HEIGHT}: x axis
   * "epoch", y axis "loss" (logarithmic when the losses span more than two decades), a legend, a
   * dashed line at the epoch of the best validation loss and a subtitle with the final losses.
   * Epochs whose validation loss is NaN (no validation data) are left out of the validation curve;
   * without any, only the train curve is drawn.
   *
   * @param history the run's history, at least one epoch with a finite loss
   * @param png     the file to write (its folder must exist)
   * @param title   the chart title; null or blank for "Training history"
   * @throws IllegalArgumentException when the history has no epochs or no finite loss
   * @throws IOException              when the file cannot be written
   */
  public static void lossCurves(History history, Path png, String title) throws IOException {
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(png, "png");
    List<History.Epoch> epochs = history.epochs();
    if (epochs.isEmpty()) {
      throw new IllegalArgumentException(
          "lossCurves: expected a history with at least one epoch, got 0 epochs");
    }
    XYSeries train = new XYSeries("train", false, true);
    XYSeries validation = new XYSeries("validation", false, true);
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    History.Epoch best = null;
    for (History.Epoch e : epochs) {
      if (Double.isFinite(e.trainLoss())) {
        train.add(e.epoch(), e.trainLoss());
        min = Math.min(min, e.trainLoss());
        max = Math.max(max, e.trainLoss());
      }
      if (Double.isFinite(e.validationLoss())) {
        validation.add(e.epoch(), e.validationLoss());
        min = Math.min(min, e.validationLoss());
        max = Math.max(max, e.validationLoss());
        if (best == null || e.validationLoss() < best.validationLoss()) {
          best = e;
        }
      }
    }
    if (train.isEmpty() && validation.isEmpty()) {
      throw new IllegalArgumentException("lossCurves: expected at least one finite loss, got "
          + epochs.size() + " epochs whose losses are all NaN or infinite");
    }
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = lineRenderer(epochs.size() <= MARKERS_UP_TO);
    int series = 0;
    if (!train.isEmpty()) {
      data.addSeries(train);
      renderer.setSeriesPaint(series++, BLUE);
    }
    if (!validation.isEmpty()) {
      data.addSeries(validation);
      renderer.setSeriesPaint(series, ORANGE);
    }

    int first = epochs.get(0).epoch();
    int lastEpoch = epochs.get(epochs.size() - 1).epoch();
    NumberAxis x = numberAxis("epoch");
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
    x.setRange(Math.min(first, lastEpoch) - 0.5, Math.max(first, lastEpoch) + 0.5);
    ValueAxis y = useLogScale(min, max) ? logAxis("loss") : valueAxis("loss", min, max);
    XYPlot plot = plot(data, x, y, renderer);
    if (y instanceof LogAxis) {
      plot.setRangeMinorGridlinesVisible(true);
      plot.setRangeMinorGridlinePaint(MINOR_GRID);
      plot.setRangeMinorGridlineStroke(new BasicStroke(0.8f));
    }
    if (best != null && validation.getItemCount() > 1) {
      ValueMarker marker = new ValueMarker(best.epoch(), MUTED, new BasicStroke(1.2f,
          BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
      marker.setLabel("best val_loss (epoch " + best.epoch() + ")");
      marker.setLabelFont(TICK_FONT);
      marker.setLabelPaint(MUTED);
      marker.setLabelBackgroundColor(new Color(255, 255, 255, 0));
      boolean rightHalf = best.epoch() - x.getLowerBound() > x.getRange().getLength() / 2;
      // The label sits on the side of the line with more room, so it is never cut at the edge.
      marker.setLabelAnchor(rightHalf ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT);
      marker.setLabelTextAnchor(rightHalf ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
      marker.setLabelOffset(new RectangleInsets(6, 6, 6, 6));
      plot.addDomainMarker(marker);
    }

    JFreeChart chart = chart(title == null || title.isBlank() ? "Training history" : title,
        withMetrics(plot, x, epochs));
    History.Epoch last = epochs.get(epochs.size() - 1);
    StringBuilder sub = new StringBuilder(String.format(Locale.ROOT, "%d %s; last: train %s",
        epochs.size(), epochs.size() == 1 ? "epoch" : "epochs", number(last.trainLoss())));
    if (Double.isFinite(last.validationLoss())) {
      sub.append(", validation ").append(number(last.validationLoss()));
    }
    if (best != null) {
      sub.append(String.format(Locale.ROOT, "; best validation %s at epoch %d",
          number(best.validationLoss()), best.epoch()));
    }
    subtitle(chart, sub.toString());
    write(chart, png, LOSS_WIDTH, LOSS_HEIGHT);
  }

  /**
   * The loss plot alone, or, when the epochs carry validation metrics, the loss plot above a second
   * plot of the metrics (one line each) sharing the epoch axis.
   */
  private static XYPlot withMetrics(XYPlot lossPlot, NumberAxis x, List<History.Epoch> epochs) {
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    for (History.Epoch e : epochs) {
      names.addAll(e.metrics().keySet());
    }
    if (names.isEmpty()) {
      return lossPlot;
    }
    XYSeriesCollection data = new XYSeriesCollection();
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (String n : names) {
      XYSeries series = new XYSeries("val_" + n, false, true);
      for (History.Epoch e : epochs) {
        Double v = e.metrics().get(n);
        if (v != null && Double.isFinite(v)) {
          series.add(e.epoch(), v);
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
      if (!series.isEmpty()) {
        data.addSeries(series);
      }
    }
    if (data.getSeriesCount() == 0) {
      return lossPlot;
    }
    XYLineAndShapeRenderer renderer = lineRenderer(epochs.size() <= MARKERS_UP_TO);
    Color[] palette = {GREEN, PURPLE, BLUE, ORANGE};
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesPaint(i, palette[i % palette.length]);
    }
    XYPlot metrics = plot(data, numberAxis("epoch"), valueAxis("metric", min, max), renderer);
    org.jfree.chart.plot.CombinedDomainXYPlot combined = new org.jfree.chart.plot.CombinedDomainXYPlot(x);
    combined.setGap(12);
    combined.add(lossPlot, 3);
    combined.add(metrics, 2);
    return combined;
  }

  /** Logarithmic when all losses are positive and the largest is over 100 times the smallest. */
  static boolean useLogScale(double min, double max) {
    return min > 0 && max / min > LOG_SCALE_RATIO;
  }

  // ---------------------------------------------------------------------------------------------
  // Forecast vs actual

  /**
   * The actual series and the forecast over the same points as two lines, "actual" (blue) and
   * "forecast" (orange), {@value #FORECAST_WIDTH}x{@value #FORECAST_HEIGHT}; the subtitle gives the
   * mean absolute and root-mean-square errors over the points where both are finite. NaN values
   * (missing data) leave gaps.
   *
   * @param x          the time of each point, or null to number the points 0, 1, 2, ... (x axis
   *                   "time step"); otherwise one per point, all {@link LocalDate}, {@link
   *                   LocalDateTime} (taken as UTC), {@link Instant}, {@link OffsetDateTime}, {@link
   *                   ZonedDateTime}, {@link Date}, or ISO-8601 text ({@code 2024-01-31}, {@code
   *                   2024-01-31T13:00}, {@code 2024-01-31T13:00:00Z}), drawn on a date axis "date"
   * @param actual     the observed values
   * @param predicted  the forecast, as long as {@code actual}
   * @param seriesName what the values are, for the title and the y axis ("temp_max"); null or
   *                   blank for "value"
   * @param unit       the unit for the y axis ("°C" gives "temp_max (°C)"); null or blank for none
   * @param png        the file to write (its folder must exist)
   * @throws IllegalArgumentException when there are no points, the lengths differ, or an x value is
   *                                  not a date
   * @throws IOException              when the file cannot be written
   */
  public static void forecastVsActual(List<?> x, double[] actual, double[] predicted,
      String seriesName, String unit, Path png) throws IOException {
    forecastVsActual(x, actual, predicted, null, null, null, seriesName, unit, png);
  }

  /**
   * As {@link #forecastVsActual(List, double[], double[], String, String, Path)}, with a forecast
   * interval drawn as a shaded band under the lines.
   *
   * @param lower     the band's lower edge, as long as {@code actual} (null: no band)
   * @param upper     the band's upper edge, as long as {@code actual} (null: no band)
   * @param bandLabel the band's legend entry, e.g. "80% interval"
   */
  public static void forecastVsActual(List<?> x, double[] actual, double[] predicted, double[] lower,
      double[] upper, String bandLabel, String seriesName, String unit, Path png) throws IOException {
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(predicted, "predicted");
    Objects.requireNonNull(png, "png");
    int n = actual.length;
    if (n == 0) {
      throw new IllegalArgumentException("forecastVsActual: expected at least one point, got 0");
    }
    if (predicted.length != n) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "forecastVsActual: predicted must be as long as actual. Expected %d values, got %d",
          n, predicted.length));
    }
    if (x != null && x.size() != n) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "forecastVsActual: expected one x value per point. Expected %d, got %d", n, x.size()));
    }
    long[] millis = x == null ? null : epochMillis(x);

    XYSeries a = new XYSeries("actual", false, true);
    XYSeries f = new XYSeries("forecast", false, true);
    double absSum = 0;
    double sqSum = 0;
    int pairs = 0;
    for (int i = 0; i < n; i++) {
      double t = millis == null ? i : millis[i];
      a.add(t, actual[i]);
      f.add(t, predicted[i]);
      double err = predicted[i] - actual[i];
      if (Double.isFinite(err)) {
        absSum += Math.abs(err);
        sqSum += err * err;
        pairs++;
      }
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(a);
    data.addSeries(f);
    XYLineAndShapeRenderer renderer = lineRenderer(n <= MARKERS_UP_TO);
    renderer.setSeriesPaint(0, BLUE);
    renderer.setSeriesPaint(1, ORANGE);
    // Long series: thin lines, or the noise of one hides the other.
    float width = n > 400 ? 1.1f : n > 150 ? 1.6f : 2.2f;
    renderer.setDefaultStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));

    ValueAxis xAxis;
    if (millis == null) {
      NumberAxis steps = numberAxis("time step");
      steps.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
      xAxis = steps;
    } else {
      xAxis = dateAxis("date", hasTimeOfDay(millis));
    }
    String name = seriesName == null || seriesName.isBlank() ? "value" : seriesName.strip();
    String u = unit == null || unit.isBlank() ? "" : unit.strip();
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      for (double v : new double[] {actual[i], predicted[i]}) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo > hi) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "forecastVsActual: expected at least one finite value, got %d points that are all NaN or"
              + " infinite", n));
    }
    boolean band = lower != null && upper != null;
    if (band && (lower.length != n || upper.length != n)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "forecastVsActual: expected band edges as long as actual (%d), got %d and %d", n, lower.length,
          upper.length));
    }
    YIntervalSeriesCollection bandData = new YIntervalSeriesCollection();
    if (band) {
      YIntervalSeries b = new YIntervalSeries(bandLabel == null ? "interval" : bandLabel, false, true);
      for (int i = 0; i < n; i++) {
        double t = millis == null ? i : millis[i];
        b.add(t, predicted[i], lower[i], upper[i]);
        if (Double.isFinite(lower[i]) && Double.isFinite(upper[i])) {
          lo = Math.min(lo, lower[i]);
          hi = Math.max(hi, upper[i]);
        }
      }
      bandData.addSeries(b);
    }
    ValueAxis y = valueAxis(u.isEmpty() ? name : name + " (" + u + ")", lo, hi);
    XYPlot plot = plot(data, xAxis, y, renderer);
    plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD); // the forecast on top
    if (band) {
      // the band is dataset 1, drawn first (under the lines): a translucent fill, no outline
      Color tint = new Color(ORANGE.getRed(), ORANGE.getGreen(), ORANGE.getBlue(), 70);
      DeviationRenderer fill = new DeviationRenderer(false, false) {
        @Override
        public LegendItem getLegendItem(int datasetIndex, int series) {
          LegendItem plain = super.getLegendItem(datasetIndex, series);
          // lines and shapes are off, so the default entry has no swatch: a tinted box instead
          return plain == null ? null
              : new LegendItem(plain.getLabel(), null, null, null, new Rectangle2D.Double(-7, -5, 14, 10), tint);
        }
      };
      fill.setSeriesPaint(0, ORANGE);
      fill.setSeriesFillPaint(0, ORANGE);
      fill.setAlpha(0.22f);
      fill.setSeriesStroke(0, new BasicStroke(0f));
      plot.setDataset(1, bandData);
      plot.setRenderer(1, fill);
      plot.setDatasetRenderingOrder(DatasetRenderingOrder.REVERSE);
    }

    JFreeChart chart = chart(name + ": forecast vs actual", plot);
    if (pairs > 0) {
      String suffix = u.isEmpty() ? "" : " " + u;
      subtitle(chart, String.format(Locale.ROOT, "MAE %s%s, RMSE %s%s over %d points",
          number(absSum / pairs), suffix, number(Math.sqrt(sqSum / pairs)), suffix, pairs));
    }
    write(chart, png, FORECAST_WIDTH, FORECAST_HEIGHT);
  }

  /** Each x value as milliseconds since the epoch (UTC). */
  private static long[] epochMillis(List<?> x) {
    long[] millis = new long[x.size()];
    for (int i = 0; i < millis.length; i++) {
      Object o = x.get(i);
      Instant t = instant(o);
      if (t == null) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "forecastVsActual: expected x values that are dates (LocalDate, LocalDateTime, Instant,"
                + " or ISO-8601 text such as 2024-01-31), got %s at index %d",
            o == null ? "null" : "\"" + o + "\" (" + o.getClass().getSimpleName() + ")", i));
      }
      millis[i] = t.toEpochMilli();
    }
    return millis;
  }

  private static Instant instant(Object o) {
    if (o instanceof LocalDate d) {
      return d.atStartOfDay(ZoneOffset.UTC).toInstant();
    } else if (o instanceof LocalDateTime t) {
      return t.toInstant(ZoneOffset.UTC);
    } else if (o instanceof Instant t) {
      return t;
    } else if (o instanceof OffsetDateTime t) {
      return t.toInstant();
    } else if (o instanceof ZonedDateTime t) {
      return t.toInstant();
    } else if (o instanceof Date d) {
      return d.toInstant();
    } else if (o instanceof CharSequence cs) {
      String s = cs.toString().strip();
      try {
        return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e) {
        // try the next form
      }
      try {
        return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        // try the next form
      }
      try {
        return OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }

  private static boolean hasTimeOfDay(long[] millis) {
    for (long m : millis) {
      if (Math.floorMod(m, 86_400_000L) != 0) {
        return true;
      }
    }
    return false;
  }

  /** A UTC date axis whose tick units all format like the labels they produce (no overlaps). */
  private static DateAxis dateAxis(String label, boolean withTime) {
    DateAxis axis = new DateAxis(label, UTC, Locale.ROOT);
    style(axis);
    DateFormat day = format("yyyy-MM-dd");
    DateFormat month = format("yyyy-MM");
    DateFormat year = format("yyyy");
    DateFormat time = format("yyyy-MM-dd HH:mm");
    TickUnits units = new TickUnits();
    if (withTime) {
      for (int h : new int[] {1, 2, 3, 6, 12}) {
        units.add(new DateTickUnit(DateTickUnitType.HOUR, h, time));
      }
    }
    for (int d : new int[] {1, 2, 7, 14}) {
      units.add(new DateTickUnit(DateTickUnitType.DAY, d, day));
    }
    for (int m : new int[] {1, 2, 3, 6}) {
      units.add(new DateTickUnit(DateTickUnitType.MONTH, m, month));
    }
    for (int y : new int[] {1, 2, 5, 10, 20, 50, 100}) {
      units.add(new DateTickUnit(DateTickUnitType.YEAR, y, year));
    }
    axis.setStandardTickUnits(units);
    axis.setLowerMargin(0.01);
    axis.setUpperMargin(0.01);
    return axis;
  }

  private static DateFormat format(String pattern) {
    SimpleDateFormat f = new SimpleDateFormat(pattern, Locale.ROOT);
    f.setTimeZone(UTC);
    return f;
  }

  // ---------------------------------------------------------------------------------------------
  // Confusion matrix

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

  // ---------------------------------------------------------------------------------------------
  // Shared look

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

  private static void style(ValueAxis axis) {
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
}
