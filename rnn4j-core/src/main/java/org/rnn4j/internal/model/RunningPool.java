package org.rnn4j.internal.model;

import java.util.Arrays;

/**
 * Pooling over the steps read so far, for streams: per row a running sum (mean) or maximum of F
 * features and the count of steps. Serves one stream ({@link ModelStream}) and many
 * ({@link StreamBatch}); the mean is the sum times 1/count. Not thread-safe.
 */
final class RunningPool implements org.rnn4j.internal.engine.RowStates {
  private final boolean mean;
  private final int f;
  private float[] acc; // [R, F]
  private float[] out; // [R, F] the means
  private int[] count; // [R]

  RunningPool(boolean mean, int features, int rows) {
    this.mean = mean;
    this.f = features;
    this.acc = new float[rows * features];
    this.out = new float[rows * features];
    this.count = new int[rows];
  }

  @Override
  public void grow(int rows) {
    if (rows > count.length) {
      acc = Arrays.copyOf(acc, rows * f);
      out = new float[rows * f];
      count = Arrays.copyOf(count, rows);
    }
  }

  /** Row {@code r} starts again with no steps read. */
  @Override
  public void zero(int r) {
    count[r] = 0;
  }

  @Override
  public void swap(int a, int b) {
    org.rnn4j.internal.engine.StreamRows.swapRows(acc, a, b, f);
    int t = count[a];
    count[a] = count[b];
    count[b] = t;
  }

  @Override
  public void copy(int from, int to) {
    System.arraycopy(acc, from * f, acc, to * f, f);
    count[to] = count[from];
  }

  /**
   * Adds one step of rows 0..n-1.
   *
   * @param x [n, F]
   * @return the pooled [n, F]: a live buffer
   */
  float[] add(float[] x, int n) {
    for (int r = 0; r < n; r++) {
      int o = r * f;
      if (count[r] == 0) {
        System.arraycopy(x, o, acc, o, f);
      } else if (mean) {
        for (int j = 0; j < f; j++) {
          acc[o + j] += x[o + j];
        }
      } else {
        for (int j = 0; j < f; j++) {
          acc[o + j] = Math.max(acc[o + j], x[o + j]);
        }
      }
      count[r]++;
    }
    if (!mean) {
      return acc;
    }
    for (int r = 0; r < n; r++) {
      float inv = 1f / count[r];
      int o = r * f;
      for (int j = 0; j < f; j++) {
        out[o + j] = acc[o + j] * inv;
      }
    }
    return out;
  }
}
