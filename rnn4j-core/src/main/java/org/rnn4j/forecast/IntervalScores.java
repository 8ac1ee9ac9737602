package org.rnn4j.forecast;

import java.util.List;
import java.util.Locale;

/**
 * How good a forecaster's intervals and quantiles are on actual values (Gneiting and Raftery, "Strictly
 * proper scoring rules", 2007; the M4 and M5 competitions): the coverage and mean width of the interval
 * between the lowest and the highest quantile, the Winkler (interval) score, and the mean pinball loss
 * over every level. An immutable value; thread-safe.
 *
 * @param count    points scored
 * @param nominal  the interval's nominal coverage: highest level - lowest level (0.8 for 0.1..0.9)
 * @param coverage the fraction of actual values inside [lowest, highest quantile]
 * @param width    the interval's mean width
 * @param winkler  mean Winkler score: width + (2 / alpha) x the distance outside, alpha = 1 - nominal
 *                 (lower is better)
 * @param pinball  the pinball loss averaged over points and levels (lower is better)
 */
public record IntervalScores(int count, double nominal, double coverage, double width, double winkler,
    double pinball) {

  /**
   * Scores quantile forecasts {@code [N, Q]} (row-major, levels ascending) against {@code actual [N]}.
   *
   * @throws IllegalArgumentException if the shapes do not match or there are fewer than 2 levels
   */
  public static IntervalScores of(double[] quantiles, List<Float> levels, double[] actual) {
    int nq = levels.size();
    if (nq < 2 || quantiles.length != actual.length * nq) {
      throw new IllegalArgumentException("IntervalScores: expected at least 2 levels and " + nq + " quantiles per"
          + " actual value, got " + nq + " levels, " + quantiles.length + " quantiles for " + actual.length
          + " values");
    }
    double nominal = levels.get(nq - 1) - levels.get(0);
    double alpha = 1 - nominal;
    int inside = 0;
    double width = 0;
    double winkler = 0;
    double pinball = 0;
    for (int i = 0; i < actual.length; i++) {
      double y = actual[i];
      double lo = quantiles[i * nq];
      double hi = quantiles[i * nq + nq - 1];
      inside += y >= lo && y <= hi ? 1 : 0;
      width += hi - lo;
      winkler += hi - lo + (y < lo ? 2 / alpha * (lo - y) : 0) + (y > hi ? 2 / alpha * (y - hi) : 0);
      for (int j = 0; j < nq; j++) {
        double q = levels.get(j);
        double d = y - quantiles[i * nq + j];
        pinball += d >= 0 ? q * d : (q - 1) * d;
      }
    }
    int n = actual.length;
    return new IntervalScores(n, nominal, (double) inside / n, width / n, winkler / n, pinball / (n * (double) nq));
  }

  /** E.g. {@code 80% interval: coverage 78.1% of 219 points, mean width 5.31, Winkler 7.20, pinball 0.81}. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%.0f%% interval: coverage %.1f%% of %d points, mean width %.4g, Winkler"
        + " %.4g, pinball %.4g", 100 * nominal, 100 * coverage, count, width, winkler, pinball);
  }
}
