package org.rnn4j.tune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Asynchronous successive halving in one or more brackets ({@link Pruner#asha}, {@link
 * Pruner#hyperband}); lower values are better. Immutable and thread-safe.
 */
final class SuccessiveHalving implements Pruner {
  private final int minSteps;
  private final int factor;
  private final int maxSteps;
  private final int brackets;

  SuccessiveHalving(int minSteps, int factor, int maxSteps, int brackets) {
    if (minSteps < 1 || factor < 2 || maxSteps < minSteps || brackets < 1) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "successive halving: expected grace period >= 1,"
          + " reduction factor >= 2 and maximum steps >= the grace period, got %d, %d, %d", minSteps, factor,
          maxSteps));
    }
    this.minSteps = minSteps;
    this.factor = factor;
    this.maxSteps = maxSteps;
    this.brackets = brackets;
  }

  /** The bracket of trial {@code number}. */
  int bracket(int number) {
    return Math.floorMod(number, brackets);
  }

  /** Whether {@code step} is a rung of bracket {@code b}. */
  boolean isRung(int b, int step) {
    long r = minSteps;
    for (int i = 0; i < b; i++) {
      r *= factor;
    }
    for (; r < maxSteps; r *= factor) {
      if (r == step) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean prune(TrialRecord trial, int step, double value, List<TrialRecord> trials) {
    int b = bracket(trial.number());
    if (!isRung(b, step)) {
      return false;
    }
    if (Double.isNaN(value)) {
      return true;
    }
    List<Double> recorded = new ArrayList<>();
    for (TrialRecord t : trials) {
      if (t.number() != trial.number()) { // it reached this rung before (its report is recorded)
        Double v = bracket(t.number()) == b ? t.intermediate().get(step) : null;
        if (v != null && !Double.isNaN(v)) {
          recorded.add(v);
        }
      }
    }
    if (recorded.isEmpty()) {
      return false;
    }
    return value > percentile(recorded, 100.0 / factor);
  }

  /** numpy's default (linear) percentile. */
  static double percentile(List<Double> values, double q) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    double pos = q / 100.0 * (v.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(v.length - 1, lo + 1);
    return v[lo] + (pos - lo) * (v[hi] - v[lo]);
  }
}
