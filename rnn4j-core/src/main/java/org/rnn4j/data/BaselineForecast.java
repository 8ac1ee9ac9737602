package org.rnn4j.data;

import java.util.Arrays;

/**
 * The predictions of a naive baseline for a set of {@link Windows}: {@code [N, horizon]} row-major, row
 * {@code i} for window {@code i}. A baseline may have no prediction for some windows (a seasonal one at
 * the start of the data): those are marked unavailable, their predictions are {@code NaN}, and the
 * error measures skip them. Compare a model with a baseline on the same windows with {@link
 * Baselines#mae(double[], double[], int, boolean[])}.
 *
 * <p>Immutable (accessors return copies); thread-safe.
 */
public final class BaselineForecast {
  private final String name;
  private final int horizon;
  private final double[] predictions; // [N, H]
  private final boolean[] available; // [N]

  /**
   * Wraps copies of the arrays.
   *
   * @throws IllegalArgumentException if the lengths do not match {@code [N, horizon]} and {@code [N]}
   */
  public BaselineForecast(String name, int horizon, double[] predictions, boolean[] available) {
    if (horizon < 1 || predictions == null || available == null
        || predictions.length != (long) available.length * horizon) {
      throw new IllegalArgumentException("BaselineForecast: expected predictions [N, horizon] and availability"
          + " [N] with horizon >= 1, got horizon " + horizon + ", " + (predictions == null ? "null"
          : predictions.length + " predictions") + ", " + (available == null ? "null" : available.length
          + " flags"));
    }
    this.name = name;
    this.horizon = horizon;
    this.predictions = predictions.clone();
    this.available = available.clone();
  }

  /** A short name for reports, e.g. {@code last value}. */
  public String name() {
    return name;
  }

  public int horizon() {
    return horizon;
  }

  /** Number of windows N (available or not). */
  public int count() {
    return available.length;
  }

  /** A copy of the predictions, {@code [N, horizon]}; {@code NaN} for unavailable windows. */
  public double[] predictions() {
    return predictions.clone();
  }

  /** The prediction for window {@code i}, step {@code h} (0-based). */
  public double prediction(int i, int h) {
    return predictions[i * horizon + h];
  }

  /** Whether window {@code i} has a prediction. */
  public boolean isAvailable(int i) {
    return available[i];
  }

  /** A copy of the per-window availability flags. */
  public boolean[] available() {
    return available.clone();
  }

  /** Number of windows with a prediction. */
  public int availableCount() {
    int n = 0;
    for (boolean a : available) {
      n += a ? 1 : 0;
    }
    return n;
  }

  /** Whether every window has a prediction. */
  public boolean isComplete() {
    return availableCount() == count();
  }

  /** Mean absolute error against {@code actual [N, horizon]}, over the available windows. */
  public double mae(double[] actual) {
    return Baselines.mae(predictions, actual, horizon, available);
  }

  /** Root mean squared error against {@code actual [N, horizon]}, over the available windows. */
  public double rmse(double[] actual) {
    return Baselines.rmse(predictions, actual, horizon, available);
  }

  @Override
  public String toString() {
    return "BaselineForecast[" + name + ", " + availableCount() + " of " + count() + " windows, horizon "
        + horizon + ", first " + Arrays.toString(Arrays.copyOf(predictions, Math.min(predictions.length,
        horizon))) + "]";
  }
}
