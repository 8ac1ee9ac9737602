package org.rnn4j.cli.forecast;

import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.data.BaselineForecast;
import org.rnn4j.data.Baselines;
import org.rnn4j.data.ChronologicalSplit;
import org.rnn4j.data.DataException;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.data.Windows;
import org.rnn4j.forecast.ForecastFrame;
import org.rnn4j.forecast.Frequency;

/**
 * The forecasting commands' shared set-up decisions: the series' frequency and season, the row split
 * (fractions or whole rows), the default lookback, the candidate frames, and the checks that say in one
 * line what is too small. Stateless; thread-safe.
 */
public final class ForecastSetup {
  private ForecastSetup() {
  }

  /** The frequency of the table's date column, or {@link Frequency#none()} without usable dates. */
  static Frequency frequency(SeriesTable table) {
    if (!table.hasDateColumn() || table.rows() < 2) {
      return Frequency.none();
    }
    if (table.hasDates()) {
      return Frequency.infer(table.dates());
    }
    String[] labels = new String[table.rows()];
    for (int r = 0; r < labels.length; r++) {
      labels[r] = table.rowLabel(r);
    }
    return Frequency.inferFromLabels(labels);
  }

  /**
   * The table with a row for every step of its dates' frequency from the first date to the last: the
   * rows of missing steps are inserted with missing values (NaN) for a {@link
   * org.rnn4j.data.MissingValues} policy to fill. A table without parsed dates, or without gaps, is
   * returned as it is.
   *
   * @throws UserInputException if a date is not on the frequency's grid (e.g. the 15th in a monthly
   *     series of 1sts), naming it
   */
  static SeriesTable fillGaps(SeriesTable table) {
    if (!table.hasDates() || table.rows() < 2) {
      return table;
    }
    Frequency f = Frequency.infer(table.dates());
    if (f.isRegular()) {
      return table;
    }
    java.time.LocalDate[] dates = table.dates();
    List<java.time.LocalDate> grid = new java.util.ArrayList<>();
    java.time.LocalDate last = dates[dates.length - 1];
    for (int k = 0; ; k++) {
      java.time.LocalDate d = k == 0 ? dates[0] : f.after(dates[0], k);
      if (d.isAfter(last)) {
        break;
      }
      grid.add(d);
    }
    java.util.Map<java.time.LocalDate, Integer> at = new java.util.HashMap<>();
    for (int i = 0; i < grid.size(); i++) {
      at.put(grid.get(i), i);
    }
    java.util.Map<String, double[]> columns = new java.util.LinkedHashMap<>();
    for (String c : table.columnNames()) {
      double[] v = new double[grid.size()];
      java.util.Arrays.fill(v, Double.NaN);
      columns.put(c, v);
    }
    for (int r = 0; r < dates.length; r++) {
      Integer i = at.get(dates[r]);
      if (i == null) {
        throw new UserInputException("--gaps fill: the date " + dates[r] + " (" + table.rowLabel(r) + ") is not a "
            + f.name() + " step from " + dates[0] + "; expected dates on one grid, or use --gaps keep");
      }
      for (String c : table.columnNames()) {
        columns.get(c)[i] = table.value(c, r);
      }
    }
    return SeriesTable.of(columns).withDates(table.dateColumnName(), grid.toArray(java.time.LocalDate[]::new));
  }

  /** {@code --season}: {@code auto} (the frequency's period) or a whole number >= 1. */
  static int season(String option, Frequency frequency) {
    String s = option.trim();
    if (s.equalsIgnoreCase("auto")) {
      return frequency.period();
    }
    try {
      int m = Integer.parseInt(s);
      if (m >= 1) {
        return m;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UserInputException("--season: expected auto or a whole number of rows >= 1, got '" + option + "'");
  }

  /**
   * The row ranges: {@code --test-rows}/{@code --validation-rows} when given (validation defaults to 15%
   * of the rows before the test part, at least the horizon), else the fractions.
   */
  static ChronologicalSplit.RowRanges ranges(int rows, ChronologicalSplit fractions, Integer testRows,
      Integer validationRows, int horizon) {
    try {
      return fractions.ranges(rows, testRows, validationRows, horizon);
    } catch (DataException e) {
      throw new UserInputException(e.getMessage());
    }
  }

  /**
   * Two seasons (6 rows without a season), at most a third of the rows left for training windows so that
   * there are several windows per lookback; at least 1.
   */
  static int defaultLookback(int season, int trainRows, int horizon) {
    int wanted = season > 1 ? 2 * season : 6;
    int cap = (trainRows - horizon + 1) / 3;
    return Math.max(1, Math.min(wanted, cap));
  }

  /** One line naming the part that has no room for a window of this lookback and horizon. */
  static void requireWindows(ChronologicalSplit.RowRanges r, int lookback, int horizon, boolean autoLookback) {
    int trainWindows = r.trainTo() - lookback - horizon + 1;
    if (trainWindows < 1) {
      throw new UserInputException(String.format(Locale.ROOT, "too few rows: %d training rows hold no window of"
          + " lookback %d + horizon %d; expected at least %d training rows (%s)", r.trainRows(), lookback,
          horizon, lookback + horizon, autoLookback ? "use more data or a shorter --horizon"
              : "use more data or a shorter --lookback"));
    }
    if (r.validationRows() > 0 && r.validationRows() < horizon) {
      throw new UserInputException(String.format(Locale.ROOT, "too few rows: the validation part has %d rows,"
          + " a window of horizon %d needs %d; use --validation-rows %d or more", r.validationRows(), horizon,
          horizon, horizon));
    }
    if (r.testRows() < horizon) {
      throw new UserInputException(String.format(Locale.ROOT, "too few rows: the test part has %d rows, a window"
          + " of horizon %d needs %d; use --test-rows %d or more", r.testRows(), horizon, horizon, horizon));
    }
  }

  /**
   * {@code --transform}: auto (the level-free frames: change, and log-change where the series is
   * positive), one frame, or a comma-separated list of frames to choose from.
   */
  static List<ForecastFrame.Kind> frames(String option) {
    if (option.trim().equalsIgnoreCase("auto")) {
      return List.of(ForecastFrame.Kind.CHANGE, ForecastFrame.Kind.LOG_CHANGE);
    }
    List<ForecastFrame.Kind> kinds = new java.util.ArrayList<>();
    for (String part : option.split(",")) {
      try {
        ForecastFrame.Kind k = ForecastFrame.Kind.parse(part);
        if (!kinds.contains(k)) {
          kinds.add(k);
        }
      } catch (IllegalArgumentException e) {
        throw new UserInputException("--transform: expected auto, change, log-change, level or a list of them"
            + " separated by commas, got '" + option + "'");
      }
    }
    return List.copyOf(kinds);
  }

  /**
   * The quantile levels: {@code --quantiles} (0.5 added, sorted, repeats dropped), 0.1, 0.5, 0.9 with
   * {@code --intervals}, or none.
   */
  static List<Float> levels(boolean intervals, List<Float> quantiles) {
    if (quantiles == null || quantiles.isEmpty()) {
      return intervals ? List.of(0.1f, 0.5f, 0.9f) : List.of();
    }
    java.util.TreeSet<Float> set = new java.util.TreeSet<>();
    for (Float q : quantiles) {
      if (q == null || !(q > 0f && q < 1f)) {
        throw new UserInputException("--quantiles: expected levels strictly between 0 and 1, got " + q
            + " in " + quantiles);
      }
      set.add(q);
    }
    set.add(0.5f);
    if (set.size() < 2) {
      throw new UserInputException("--quantiles: expected at least one level besides 0.5 (an interval needs two"
          + " edges), got " + quantiles);
    }
    return List.copyOf(set);
  }

  /** Levels as the model file stores them: {@code 0.1,0.5,0.9}. */
  static String levelsText(List<Float> levels) {
    StringBuilder b = new StringBuilder();
    for (float q : levels) {
      b.append(b.length() == 0 ? "" : ",").append(q);
    }
    return b.toString();
  }

  /** The levels stored by {@link #levelsText}; empty for a missing or empty entry. */
  static List<Float> parseLevels(String text) {
    List<Float> out = new java.util.ArrayList<>();
    if (text != null && !text.isBlank()) {
      for (String part : text.split(",")) {
        out.add(Float.parseFloat(part.trim()));
      }
    }
    return List.copyOf(out);
  }

  /**
   * The baselines every forecast is compared with, from the rows before {@code trainTo} where they fit
   * anything: last value, seasonal naive (with a season > 1), drift, training mean.
   */
  static List<BaselineForecast> baselines(SeriesTable table, Windows windows, int trainTo, int season) {
    List<BaselineForecast> bs = new java.util.ArrayList<>();
    bs.add(Baselines.persistence(table, windows));
    if (season > 1) {
      bs.add(Baselines.seasonalNaive(table, windows, season));
    }
    bs.add(Baselines.drift(table, windows, 0, trainTo));
    bs.add(Baselines.trainingMean(table, windows, 0, trainTo));
    return bs;
  }

  /** A baseline's short name for column heads: last value, seasonal naive, drift, training mean. */
  static String shortName(String baseline) {
    if (baseline.startsWith("same time one season")) {
      return "seasonal naive";
    }
    int cut = baseline.indexOf(" (");
    return cut > 0 ? baseline.substring(0, cut) : baseline;
  }

  /**
   * The model-file entries every forecasting model carries (what `rnn4j forecast` reads back): the
   * columns, the window, the season and frequency, the date column, the missing-value policy, and the
   * quantile levels with their interval scale when there are any.
   */
  static Map<String, String> modelMeta(List<String> features, String target, int lookback, int horizon, int season,
      Frequency frequency, SeriesTable table, String missing, List<Float> levels, double[] intervalScales) {
    return modelMeta(features, target, lookback, horizon, season, frequency.name(),
        table.hasDateColumn() ? table.dateColumnName() : "", missing, levels, intervalScales);
  }

  /**
   * As above, for a model trained elsewhere (e.g. on Spark): {@code dateColumn} "" without dates,
   * {@code frequency} a {@link Frequency#name()}.
   */
  public static Map<String, String> modelMeta(List<String> features, String target, int lookback, int horizon,
      int season, String frequency, String dateColumn, String missing, List<Float> levels, double[] intervalScales) {
    Map<String, String> meta = new java.util.LinkedHashMap<>();
    meta.put("task", "forecast");
    meta.put("features", String.join(",", features));
    meta.put("target", target);
    meta.put("lookback", Integer.toString(lookback));
    meta.put("horizon", Integer.toString(horizon));
    meta.put("season", Integer.toString(season));
    meta.put("frequency", frequency);
    meta.put("date_column", dateColumn);
    meta.put("missing", missing);
    if (!levels.isEmpty()) {
      meta.put("quantiles", levelsText(levels));
      StringBuilder scales = new StringBuilder();
      for (double c : intervalScales) {
        scales.append(scales.length() == 0 ? "" : ",").append(c);
      }
      meta.put("interval_scales", scales.toString()); // one per step ahead
    }
    return meta;
  }

  /**
   * The interval scale of each of the model's {@code horizon} steps: "interval_scales" (one per step),
   * or the single "interval_scale" of models saved before scales were per step, or 1.
   */
  static double[] intervalScales(Map<String, String> meta, int horizon) {
    String per = meta.get("interval_scales");
    double[] c = new double[horizon];
    if (per == null) {
      java.util.Arrays.fill(c, Double.parseDouble(meta.getOrDefault("interval_scale", "1")));
      return c;
    }
    String[] parts = per.split(",");
    if (parts.length != horizon) {
      throw new IllegalArgumentException("expected " + horizon + " interval scales, the model file has " + parts.length);
    }
    for (int k = 0; k < horizon; k++) {
      c[k] = Double.parseDouble(parts[k]);
    }
    return c;
  }

  static void atLeast(String option, int value, int min) {
    if (value < min) {
      throw new UserInputException(option + ": expected a whole number >= " + min + ", got " + value);
    }
  }
}
