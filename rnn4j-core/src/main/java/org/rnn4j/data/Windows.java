package org.rnn4j.data;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.rnn4j.Tensor;

/**
 * Forecasting examples cut from a {@link SeriesTable}: inputs {@code x [N, lookback, F]} (batch-first,
 * row-major float32; F = the feature columns in the given order) and targets {@code y [N, horizon]}
 * (the target column's values in the {@code horizon} rows right after each window's last input row).
 *
 * <p>Window {@code i} reads input rows {@code [s, s + lookback)} and target rows {@code [t, t +
 * horizon)} with {@code t = s + lookback = }{@link #targetStart(int)}. Windows are laid from the earliest
 * possible one on, {@code stride} rows apart (as Keras' {@code timeseries_dataset_from_array}); with
 * stride > 1 the last rows may be in no window. The target column may also be a feature (its past
 * values are then an input).
 *
 * <p>Values are taken as they are in the table (scale it first with {@link Scaler} if wanted); a
 * missing value inside any window is a {@link DataException}. Immutable (accessors return copies);
 * thread-safe.
 */
public final class Windows {
  private final List<String> features;
  private final String target;
  private final WindowSpec spec;
  private final int tableRows;
  private final int[] targetStarts; // [N]
  private final float[] x; // [N, L, F]
  private final float[] y; // [N, H]

  private Windows(List<String> features, String target, WindowSpec spec, int tableRows, int[] targetStarts,
      float[] x, float[] y) {
    this.features = features;
    this.target = target;
    this.spec = spec;
    this.tableRows = tableRows;
    this.targetStarts = targetStarts;
    this.x = x;
    this.y = y;
  }

  /**
   * Every window of the table.
   *
   * @throws IllegalArgumentException if a column does not exist or a feature is listed twice
   * @throws DataException            if the table has fewer than {@code lookback + horizon} rows (with
   *     the numbers), or a window holds a missing value
   */
  public static Windows of(SeriesTable table, List<String> features, String target, WindowSpec spec) {
    return of(table, features, target, spec, 0, table.rows());
  }

  /**
   * The windows whose targets lie entirely within rows {@code [targetFrom, targetTo)}; their inputs may
   * reach back before {@code targetFrom} (down to row 0). Used for chronological splits.
   *
   * @throws DataException if no window fits (with the numbers), or a window holds a missing value
   */
  public static Windows of(SeriesTable table, List<String> features, String target, WindowSpec spec,
      int targetFrom, int targetTo) {
    Windows w = build(table, features, target, spec, targetFrom, targetTo);
    if (w.count() == 0) {
      int rows = table.rows();
      if (targetFrom == 0 && targetTo == rows) {
        throw new DataException("Windows: expected at least lookback + horizon = " + spec.span()
            + " rows for one window, got " + rows + " rows (lookback " + spec.lookback() + ", horizon "
            + spec.horizon() + ")");
      }
      throw new DataException("Windows: expected room for at least one window with its targets in rows ["
          + targetFrom + ", " + targetTo + ") of " + rows + " (each needs " + spec.lookback()
          + " input rows before its targets (lookback) and " + spec.horizon() + " target rows (horizon)),"
          + " got none");
    }
    return w;
  }

  /** As {@link #of(SeriesTable, List, String, WindowSpec, int, int)}, but zero windows is allowed. */
  static Windows build(SeriesTable table, List<String> features, String target, WindowSpec spec,
      int targetFrom, int targetTo) {
    if (spec == null) {
      throw new IllegalArgumentException("Windows: expected a WindowSpec, got null");
    }
    if (features == null || features.isEmpty()) {
      throw new IllegalArgumentException("Windows: expected at least one feature column, got none; available: "
          + table.columnNames());
    }
    Set<String> seen = new HashSet<>();
    double[][] cols = new double[features.size()][];
    for (int f = 0; f < cols.length; f++) {
      if (!seen.add(features.get(f))) {
        throw new IllegalArgumentException("Windows: expected each feature once, got '" + features.get(f)
            + "' twice in " + features);
      }
      cols[f] = table.columnArray(features.get(f));
    }
    double[] t = table.columnArray(target);
    int rows = table.rows();
    if (targetFrom < 0 || targetTo < targetFrom || targetTo > rows) {
      throw new IllegalArgumentException("Windows: expected a target row range within [0, " + rows + "], got ["
          + targetFrom + ", " + targetTo + ")");
    }
    int lookback = spec.lookback();
    int horizon = spec.horizon();
    int first = Math.max(targetFrom, lookback);
    int n = first + horizon > targetTo ? 0 : (targetTo - horizon - first) / spec.stride() + 1;
    int[] starts = new int[n];
    for (int i = 0; i < n; i++) {
      starts[i] = first + i * spec.stride();
    }
    int nf = cols.length;
    long size = (long) n * lookback * nf;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("Windows: " + n + " windows x " + lookback + " steps x " + nf
          + " features = " + size + " values do not fit one array; use a larger stride");
    }
    float[] x = new float[(int) size];
    float[] y = new float[n * horizon];
    for (int i = 0; i < n; i++) {
      int s = starts[i] - lookback;
      int base = i * lookback * nf;
      for (int k = 0; k < lookback; k++) {
        for (int f = 0; f < nf; f++) {
          double v = cols[f][s + k];
          if (Double.isNaN(v)) {
            throw missing(table, features.get(f), s + k);
          }
          x[base + k * nf + f] = (float) v;
        }
      }
      for (int h = 0; h < horizon; h++) {
        double v = t[starts[i] + h];
        if (Double.isNaN(v)) {
          throw missing(table, target, starts[i] + h);
        }
        y[i * horizon + h] = (float) v;
      }
    }
    return new Windows(List.copyOf(features), target, spec, rows, starts, x, y);
  }

  private static DataException missing(SeriesTable table, String name, int row) {
    return new DataException("Windows: expected no missing values in the windows, got one in column '" + name
        + "' at " + table.rowLabel(row) + " (row " + row + "); clean the table with MissingValues first");
  }

  /** Number of windows N. */
  public int count() {
    return targetStarts.length;
  }

  public WindowSpec spec() {
    return spec;
  }

  /** The feature columns, in the order of the last axis of {@link #x()}. */
  public List<String> features() {
    return features;
  }

  public String target() {
    return target;
  }

  /** Rows of the table the windows were cut from. */
  public int tableRows() {
    return tableRows;
  }

  /** A copy of the inputs, {@code [N, lookback, F]}. */
  public Tensor x() {
    return new Tensor(x.clone(), count(), spec.lookback(), features.size());
  }

  /** A copy of the targets, {@code [N, horizon]}. */
  public Tensor y() {
    return new Tensor(y.clone(), count(), spec.horizon());
  }

  /** The row of window {@code i}'s first target (its last input row is the one before). */
  public int targetStart(int i) {
    return targetStarts[i];
  }

  /** A copy of every window's first target row, ascending. */
  public int[] targetStarts() {
    return targetStarts.clone();
  }

  /** The row of window {@code i}'s first input: {@code targetStart(i) - lookback}. */
  public int inputStart(int i) {
    return targetStarts[i] - spec.lookback();
  }

  /**
   * The windows as a {@link Dataset} of features with float targets, for a model's {@code fit},
   * {@code evaluate} or {@code predict}.
   *
   * @throws IllegalStateException if there is no window
   */
  public Dataset dataset() {
    if (count() == 0) {
      throw new IllegalStateException("Windows: expected at least one window for a dataset, got none");
    }
    return Dataset.ofFeatures(x(), null, y());
  }

  @Override
  public String toString() {
    return "Windows[" + count() + " x " + spec + ", features=" + features + ", target=" + target + "]";
  }
}
