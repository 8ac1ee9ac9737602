package org.rnn4j.forecast;

import java.util.Locale;

/**
 * The scores forecasters compare methods by (Hyndman and Koehler, "Another look at measures of forecast
 * accuracy", 2006; the M4 competition): MAE, RMSE, MASE and sMAPE of forecasts against the actual
 * values, in the series' own units.
 *
 * <p>MASE divides the MAE by the in-sample MAE of the seasonal naive forecast over the training rows
 * ({@link #seasonalScale}); sMAPE is {@code mean(200 |y - f| / (|y| + |f|))} in percent, a term being 0
 * where {@code |y| + |f| = 0}. An immutable value; thread-safe.
 *
 * @param count forecasts scored
 * @param mae   mean absolute error
 * @param rmse  root mean squared error
 * @param mase  MAE / the seasonal scale (NaN when the scale is 0 or unknown)
 * @param smape symmetric MAPE in percent
 */
public record ForecastScores(int count, double mae, double rmse, double mase, double smape) {

  /**
   * Scores of {@code forecast} against {@code actual} (same length) where {@code use} is true (null: all),
   * with MASE relative to {@code scale}.
   *
   * @throws IllegalArgumentException if the lengths differ
   */
  public static ForecastScores of(double[] forecast, double[] actual, boolean[] use, double scale) {
    if (forecast.length != actual.length || (use != null && use.length != actual.length)) {
      throw new IllegalArgumentException("ForecastScores: expected arrays of one length, got forecast "
          + forecast.length + ", actual " + actual.length + (use == null ? "" : ", mask " + use.length));
    }
    double abs = 0;
    double sq = 0;
    double sm = 0;
    int n = 0;
    for (int i = 0; i < actual.length; i++) {
      if (use != null && !use[i]) {
        continue;
      }
      double e = Math.abs(actual[i] - forecast[i]);
      abs += e;
      sq += e * e;
      double d = Math.abs(actual[i]) + Math.abs(forecast[i]);
      sm += d == 0 ? 0 : 200 * e / d;
      n++;
    }
    if (n == 0) {
      return new ForecastScores(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double mae = abs / n;
    return new ForecastScores(n, mae, Math.sqrt(sq / n), scale > 0 ? mae / scale : Double.NaN, sm / n);
  }

  /**
   * The MASE scale: mean {@code |y[t] - y[t - period]|} over training rows {@code t} in {@code [period,
   * trainTo)}, missing values skipped; with fewer than {@code period + 1} training rows, the one-step
   * (period 1) scale.
   */
  public static double seasonalScale(double[] y, int trainTo, int period) {
    int m = period < 1 || period >= trainTo ? 1 : period;
    double s = 0;
    int n = 0;
    for (int t = m; t < trainTo; t++) {
      double d = y[t] - y[t - m];
      if (!Double.isNaN(d)) {
        s += Math.abs(d);
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }

  /** E.g. {@code MAE 2.1266  RMSE 2.6832  MASE 0.512  sMAPE 12.31%}. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "MAE %.4f  RMSE %.4f  MASE %.4f  sMAPE %.2f%%", mae, rmse, mase, smape);
  }
}
