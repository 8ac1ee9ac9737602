package org.rnn4j.data;

import java.util.Arrays;

/**
 * Naive forecasts to judge a model against, aligned with a model's {@link Windows} so that MAE and RMSE
 * are computed on the same targets:
 *
 * <ul>
 *   <li>{@link #persistence}: every step of the horizon = the last input value of the target (the
 *       value in the row before the window's first target);
 *   <li>{@link #seasonalNaive}: the value one season earlier, e.g. the same day last year with period
 *       365 for daily rows; step {@code h} (0-based) of a window whose first target is row {@code t}
 *       takes row {@code t + h - period * (h / period + 1)}, always before {@code t} (Hyndman and
 *       Athanasopoulos, <i>Forecasting: Principles and Practice</i>, 5.2). Only windows with {@code t -
 *       period >= 0} have one: the others are marked unavailable;
 *   <li>{@link #drift}: the last value plus the mean training change per step, times the step;
 *   <li>{@link #trainingMean}: the mean of the target over the training rows, for every step.
 * </ul>
 *
 * <p>The predictions are in the units of the table passed: pass the unscaled table (the one the windows
 * were cut from before scaling has the same rows) to compare errors in the data's own units, and
 * de-scale the model's forecasts with {@link Scaler#inverse(String, float[])}. A baseline whose value
 * would come from a missing cell marks that window unavailable. Stateless; thread-safe.
 */
public final class Baselines {
  private Baselines() {
  }

  /**
   * The windows' true targets {@code [N, horizon]}, in the table's units (row-major, as the model's
   * {@code y}).
   */
  public static double[] actual(SeriesTable table, Windows windows) {
    double[] t = targetOf(table, windows);
    int h = windows.spec().horizon();
    double[] out = new double[windows.count() * h];
    for (int i = 0; i < windows.count(); i++) {
      for (int k = 0; k < h; k++) {
        out[i * h + k] = t[windows.targetStart(i) + k];
      }
    }
    return out;
  }

  /** Persistence (last value): the target's value in the row just before each window's targets. */
  public static BaselineForecast persistence(SeriesTable table, Windows windows) {
    // the last value is the seasonal naive forecast of a season of one row
    return repeatSeason(table, windows, 1, "last value");
  }

  /**
   * Seasonal naive: the value {@code period} rows earlier (see the class comment for steps beyond one
   * season); windows with {@code targetStart - period < 0} are unavailable.
   *
   * @throws IllegalArgumentException if {@code period < 1}
   */
  public static BaselineForecast seasonalNaive(SeriesTable table, Windows windows, int period) {
    if (period < 1) {
      throw new IllegalArgumentException("Baselines: expected a seasonal period >= 1 (rows), got " + period);
    }
    return repeatSeason(table, windows, period, "same time one season (" + period + " rows) earlier");
  }

  /** Step k of each window: the target {@code period x (k / period + 1)} rows before it (the last season repeated). */
  private static BaselineForecast repeatSeason(SeriesTable table, Windows windows, int period, String name) {
    double[] t = targetOf(table, windows);
    int h = windows.spec().horizon();
    int n = windows.count();
    double[] p = new double[n * h];
    boolean[] ok = new boolean[n];
    for (int i = 0; i < n; i++) {
      int start = windows.targetStart(i);
      ok[i] = start - period >= 0;
      for (int k = 0; k < h && ok[i]; k++) {
        double v = t[start + k - period * (k / period + 1)];
        ok[i] = !Double.isNaN(v);
        p[i * h + k] = v;
      }
      if (!ok[i]) {
        Arrays.fill(p, i * h, (i + 1) * h, Double.NaN);
      }
    }
    return new BaselineForecast(name, h, p, ok);
  }

  /**
   * Drift (random walk with drift, as R's {@code rwf(drift = TRUE)}): step {@code k} (1-based) of a
   * window = its last value + {@code k} x the mean one-step change over the training rows {@code
   * [trainFrom, trainTo)}, i.e. {@code (y[trainTo-1] - y[trainFrom]) / (trainTo - 1 - trainFrom)}.
   *
   * @throws IllegalArgumentException if the range has fewer than 2 rows or lies outside the table
   * @throws DataException            if the range's first or last target value is missing
   */
  public static BaselineForecast drift(SeriesTable table, Windows windows, int trainFrom, int trainTo) {
    double[] t = targetOf(table, windows);
    if (trainFrom < 0 || trainTo - trainFrom < 2 || trainTo > t.length) {
      throw new IllegalArgumentException("Baselines: expected a training row range of at least 2 rows within [0, "
          + t.length + "], got [" + trainFrom + ", " + trainTo + ")");
    }
    if (Double.isNaN(t[trainFrom]) || Double.isNaN(t[trainTo - 1])) {
      throw new DataException("Baselines: drift needs the target's first and last training values, got a missing"
          + " one in rows " + trainFrom + " / " + (trainTo - 1));
    }
    double slope = (t[trainTo - 1] - t[trainFrom]) / (trainTo - 1 - trainFrom);
    BaselineForecast last = persistence(table, windows);
    int h = windows.spec().horizon();
    double[] p = last.predictions();
    for (int i = 0; i < windows.count(); i++) {
      for (int k = 0; k < h; k++) {
        p[i * h + k] += (k + 1) * slope;
      }
    }
    return new BaselineForecast("drift (last value + mean training change)", h, p, last.available());
  }

  /**
   * The mean of the target over the training rows {@code [trainFrom, trainTo)} (missing values
   * skipped), for every window and step.
   *
   * @throws IllegalArgumentException if the range is empty or outside the table
   * @throws DataException            if the target has no value in the range
   */
  public static BaselineForecast trainingMean(SeriesTable table, Windows windows, int trainFrom, int trainTo) {
    double[] t = targetOf(table, windows);
    if (trainFrom < 0 || trainTo <= trainFrom || trainTo > t.length) {
      throw new IllegalArgumentException("Baselines: expected a non-empty training row range within [0, "
          + t.length + "], got [" + trainFrom + ", " + trainTo + ")");
    }
    double sum = 0;
    int count = 0;
    for (int r = trainFrom; r < trainTo; r++) {
      if (!Double.isNaN(t[r])) {
        sum += t[r];
        count++;
      }
    }
    if (count == 0) {
      throw new DataException("Baselines: expected values of '" + windows.target() + "' in the training rows ["
          + trainFrom + ", " + trainTo + "), got only missing ones");
    }
    double mean = sum / count;
    int n = windows.count();
    double[] p = new double[n * windows.spec().horizon()];
    Arrays.fill(p, mean);
    boolean[] ok = new boolean[n];
    Arrays.fill(ok, true);
    return new BaselineForecast("training mean", windows.spec().horizon(), p, ok);
  }

  /** {@link #trainingMean(SeriesTable, Windows, int, int)} over a split's training rows. */
  public static BaselineForecast trainingMean(SeriesTable table, Windows windows,
      ChronologicalSplit.RowRanges ranges) {
    return trainingMean(table, windows, 0, ranges.trainTo());
  }

  private static double[] targetOf(SeriesTable table, Windows windows) {
    if (table.rows() != windows.tableRows()) {
      throw new IllegalArgumentException("Baselines: expected the table the windows were cut from ("
          + windows.tableRows() + " rows), got a table of " + table.rows() + " rows");
    }
    return table.columnArray(windows.target());
  }

  /** Mean absolute error over all values; the arrays must have the same length. */
  public static double mae(double[] predicted, double[] actual) {
    return mae(predicted, actual, 1, null);
  }

  /** Root mean squared error over all values. */
  public static double rmse(double[] predicted, double[] actual) {
    return rmse(predicted, actual, 1, null);
  }

  /**
   * Mean absolute error over the windows whose flag in {@code windows} is set ({@code null}: all), each
   * window being {@code horizon} consecutive values of {@code predicted} and {@code actual}. Pass a
   * baseline's {@link BaselineForecast#available()} to score a model on the baseline's windows.
   *
   * @return the error, or {@code NaN} if no window is selected
   */
  public static double mae(double[] predicted, double[] actual, int horizon, boolean[] windows) {
    double[] s = sums(predicted, actual, horizon, windows);
    return s[1] == 0 ? Double.NaN : s[0] / s[1];
  }

  /** Root mean squared error over the selected windows, as {@link #mae(double[], double[], int, boolean[])}. */
  public static double rmse(double[] predicted, double[] actual, int horizon, boolean[] windows) {
    double[] s = sums(predicted, actual, horizon, windows);
    return s[1] == 0 ? Double.NaN : Math.sqrt(s[2] / s[1]);
  }

  private static double[] sums(double[] predicted, double[] actual, int horizon, boolean[] windows) {
    if (predicted.length != actual.length || horizon < 1 || predicted.length % horizon != 0
        || (windows != null && windows.length * horizon != predicted.length)) {
      throw new IllegalArgumentException("Baselines: expected predictions and targets of the same length [N, "
          + horizon + "]" + (windows == null ? "" : " with N = " + windows.length) + ", got "
          + predicted.length + " predictions and " + actual.length + " targets");
    }
    double abs = 0;
    double sq = 0;
    long n = 0;
    for (int i = 0; i < predicted.length; i++) {
      if (windows == null || windows[i / horizon]) {
        double d = predicted[i] - actual[i];
        abs += Math.abs(d);
        sq += d * d;
        n++;
      }
    }
    return new double[] {abs, n, sq};
  }
}
