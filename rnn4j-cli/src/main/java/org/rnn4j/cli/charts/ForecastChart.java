package org.rnn4j.cli.charts;

import static org.rnn4j.cli.charts.ChartStyle.*;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DateFormat;
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
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.DateTickUnit;
import org.jfree.chart.axis.DateTickUnitType;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * A forecast against the actual series, with its interval band where there is one, in the
 * {@link ChartStyle}.
 *
 * <p>Inputs are checked before anything is drawn: empty data or mismatched lengths throw {@link
 * IllegalArgumentException} saying what was expected and what was received; a missing folder throws
 * {@link IOException} naming it. The file is written atomically.
 *
 * <p>Stateless and thread-safe: each call builds its own chart.
 */
public final class ForecastChart {
  static {
    ChartStyle.headless();
  }

  /** Size of the chart, in pixels. */
  public static final int WIDTH = 1200;
  /** Size of the chart, in pixels. */
  public static final int HEIGHT = 600;
  private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

  private ForecastChart() {
  }

  /**
   * The actual series and the forecast over the same points as two lines, "actual" (blue) and
   * "forecast" (orange), {@value #WIDTH}x{@value #HEIGHT}; the subtitle gives the
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
    write(chart, png, WIDTH, HEIGHT);
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

}
