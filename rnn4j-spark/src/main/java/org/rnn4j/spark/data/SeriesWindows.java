package org.rnn4j.spark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.rnn4j.data.ChronologicalSplit;
import org.rnn4j.data.DataException;
import org.rnn4j.data.Scaler;
import org.rnn4j.data.WindowSpec;
import org.rnn4j.spark.Example;

/**
 * Forecasting windows cut on the cluster from many time series in one long table (one row per series
 * and time step: a key column such as a sensor, store or user, a time column, numeric value columns):
 * the rows are grouped by key (repartitioned by it), sorted by time within each group, and every
 * series is cut into windows exactly as rnn4j's {@link org.rnn4j.data.Windows} cuts one table:
 * inputs {@code [lookback, F]} (the feature columns in the given order), targets {@code [horizon]} (the
 * target column right after the inputs), {@code stride} rows apart from the earliest window on.
 *
 * <p>A series is held in memory one at a time, on the executor that owns its key. Values can be
 * scaled on the way with a {@link Scaler} (fit it on the training rows, e.g. with
 * {@link #fitScaler}). A window that touches a missing value (null or NaN) is skipped, or with
 * {@link #failOnMissing()} stops the job with the key, column and time.
 *
 * <p>Each {@link Window} keeps its key, its target row within the series and the series length, so the
 * windows can be split by time per series ({@link #part}, the rule of {@link ChronologicalSplit}) or by
 * their target time.
 *
 * <p>Immutable settings (each method returns a copy) and serializable; thread-safe.
 */
public final class SeriesWindows implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final String time;
  private final List<String> features;
  private final String target;
  private final int lookback;
  private final int horizon;
  private final int stride;
  private final java.util.LinkedHashMap<String, String> scaler; // Scaler.toMap(): the Scaler is not serializable
  private transient Scaler scalerObject;
  private final boolean failOnMissing;
  private final int partitions;

  private SeriesWindows(String key, String time, List<String> features, String target, int lookback, int horizon,
      int stride, java.util.LinkedHashMap<String, String> scaler, boolean failOnMissing, int partitions) {
    this.key = key;
    this.time = time;
    this.features = features;
    this.target = target;
    this.lookback = lookback;
    this.horizon = horizon;
    this.stride = stride;
    this.scaler = scaler;
    this.failOnMissing = failOnMissing;
    this.partitions = partitions;
  }

  /**
   * One window of one series. Immutable (do not change the example's arrays); thread-safe.
   *
   * @param key        the series' key (as text)
   * @param targetRow  the row (within the series, 0-based, in time order) of the first target
   * @param seriesRows rows of the series
   * @param targetTime the time value of the first target row (as Spark gave it)
   * @param example    inputs {@code [lookback, F]} and targets {@code [horizon]}
   */
  public record Window(String key, int targetRow, int seriesRows, Object targetTime, Example example)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * Windows of the series in {@code df} keyed by {@code keyColumn}, ordered by {@code timeColumn}.
   *
   * @param features the input columns, in order (the target may be one of them)
   * @param target   the column to forecast
   * @param spec     lookback, horizon and stride
   */
  public static SeriesWindows of(String keyColumn, String timeColumn, List<String> features, String target,
      WindowSpec spec) {
    if (keyColumn == null || timeColumn == null || target == null || spec == null) {
      throw new IllegalArgumentException("series windows: expected a key column, a time column, a target and a"
          + " WindowSpec, got " + keyColumn + ", " + timeColumn + ", " + target + ", " + spec);
    }
    if (features == null || features.isEmpty() || new LinkedHashSet<>(features).size() != features.size()) {
      throw new IllegalArgumentException("series windows: expected at least one feature column, each once, got "
          + features);
    }
    return new SeriesWindows(keyColumn, timeColumn, List.copyOf(features), target, spec.lookback(), spec.horizon(),
        spec.stride(), null, false, 0);
  }

  /** Scales every value column (features and target) with {@code s} before cutting windows. */
  public SeriesWindows scaler(Scaler s) {
    return new SeriesWindows(key, time, features, target, lookback, horizon, stride,
        s == null ? null : new java.util.LinkedHashMap<>(s.toMap()), failOnMissing, partitions);
  }

  /** Stops with an error at the first missing value inside a window (default: skip such windows). */
  public SeriesWindows failOnMissing() {
    return new SeriesWindows(key, time, features, target, lookback, horizon, stride, scaler, true, partitions);
  }

  /** Partitions to group the keys into (default: {@code spark.sql.shuffle.partitions}). */
  public SeriesWindows partitions(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("series windows: expected partitions >= 1, got " + n);
    }
    return new SeriesWindows(key, time, features, target, lookback, horizon, stride, scaler, failOnMissing, n);
  }

  private Scaler scaler() {
    if (scalerObject == null && scaler != null) {
      scalerObject = Scaler.fromMap(scaler);
    }
    return scalerObject;
  }

  /** The value columns: features, then the target if it is not one of them. */
  private List<String> valueColumns() {
    List<String> v = new ArrayList<>(features);
    if (!v.contains(target)) {
      v.add(target);
    }
    return v;
  }

  /**
   * The windows of every series (a lazy RDD: grouping and sorting run when it is used).
   *
   * @throws IllegalArgumentException when a column is missing or not numeric, or the scaler lacks a
   *     value column
   */
  public JavaRDD<Window> windows(Dataset<Row> df) {
    List<String> values = valueColumns();
    for (String c : values) {
      if (scaler != null && !scaler().columns().contains(c)) {
        throw new IllegalArgumentException("series windows: expected the scaler to know column '" + c
            + "', it has " + scaler().columns());
      }
    }
    SeriesWindows self = this;
    return SeriesGroups.sorted(df, key, time, values, partitions, "series windows")
        .mapPartitions(rows -> self.cut(rows, values));
  }

  /** The windows' examples only. */
  public JavaRDD<Example> examples(Dataset<Row> df) {
    return windows(df).map(Window::example);
  }

  private Iterator<Window> cut(Iterator<Row> rows, List<String> values) {
    Iterator<SeriesGroups.Series> all = SeriesGroups.series(rows, values.size());
    return new Iterator<>() {
      private Iterator<Window> current = java.util.Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && all.hasNext()) {
          SeriesGroups.Series one = all.next();
          if (scaler != null) {
            for (double[] v : one.rows()) {
              for (int c = 0; c < v.length; c++) {
                if (!Double.isNaN(v[c])) {
                  v[c] = scaler().transform(values.get(c), v[c]);
                }
              }
            }
          }
          current = series(one.key(), one.times(), one.rows(), values).iterator();
        }
        return current.hasNext();
      }

      @Override
      public Window next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  private List<Window> series(String k, List<Object> times, List<double[]> vals, List<String> values) {
    int rows = vals.size();
    int nf = features.size();
    int[] fi = new int[nf];
    for (int f = 0; f < nf; f++) {
      fi[f] = values.indexOf(features.get(f));
    }
    int ti = values.indexOf(target);
    List<Window> out = new ArrayList<>();
    for (int t = lookback; t + horizon <= rows; t += stride) {
      float[] x = new float[lookback * nf];
      float[] y = new float[horizon];
      boolean ok = true;
      for (int s = 0; s < lookback && ok; s++) {
        double[] row = vals.get(t - lookback + s);
        for (int f = 0; f < nf; f++) {
          double v = row[fi[f]];
          if (Double.isNaN(v)) {
            ok = missing(k, features.get(f), times.get(t - lookback + s));
            break;
          }
          x[s * nf + f] = (float) v;
        }
      }
      for (int h = 0; h < horizon && ok; h++) {
        double v = vals.get(t + h)[ti];
        if (Double.isNaN(v)) {
          ok = missing(k, target, times.get(t + h));
        }
        y[h] = (float) v;
      }
      if (ok) {
        out.add(new Window(k, t, rows, times.get(t), Example.ofFeatures(lookback, x, y)));
      }
    }
    return out;
  }

  private boolean missing(String k, String column, Object when) {
    if (failOnMissing) {
      throw new DataException("series windows: expected no missing values in the windows, got one in column '"
          + column + "' of series '" + k + "' at " + time + " = " + when);
    }
    return false;
  }

  /**
   * Which part of a chronological split of its own series a window belongs to: 0 training, 1
   * validation, 2 test, -1 none (its targets straddle a boundary), by the rule of
   * {@link ChronologicalSplit#windows}: a window belongs to the part that holds all its target rows.
   */
  public static int part(ChronologicalSplit split, Window w) {
    ChronologicalSplit.RowRanges r;
    try {
      r = split.ranges(w.seriesRows());
    } catch (DataException e) {
      return -1; // a series too short for every part
    }
    int from = w.targetRow();
    int to = from + w.example().target().length;
    if (to <= r.trainTo()) {
      return 0;
    }
    if (from >= r.trainTo() && to <= r.validationTo()) {
      return 1;
    }
    if (from >= r.validationTo()) {
      return 2;
    }
    return -1;
  }

  /**
   * A scaler fitted on all rows of {@code df} (filter it to the training period first), with the
   * statistics of {@link Scaler#fit}: population standard deviation, or minimum and range; a constant
   * column gets scale 1.
   *
   * @throws DataException when a column has no value
   */
  public static Scaler fitScaler(Dataset<Row> df, List<String> columns, Scaler.Method method) {
    if (columns == null || columns.isEmpty()) {
      throw new IllegalArgumentException("fitScaler: expected at least one column, got none");
    }
    List<Column> aggs = new ArrayList<>();
    for (String c : columns) {
      Column v = functions.col(c).cast("double");
      aggs.add(functions.avg(v));
      aggs.add(functions.stddev_pop(v));
      aggs.add(functions.min(v));
      aggs.add(functions.max(v));
    }
    Row r = df.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    int n = columns.size();
    double[] center = new double[n];
    double[] scale = new double[n];
    boolean[] constant = new boolean[n];
    for (int i = 0; i < n; i++) {
      if (r.isNullAt(4 * i)) {
        throw new DataException("fitScaler: expected at least one value in column '" + columns.get(i)
            + "', got only missing values");
      }
      double mean = r.getDouble(4 * i);
      double std = r.isNullAt(4 * i + 1) ? 0 : r.getDouble(4 * i + 1);
      double min = r.getDouble(4 * i + 2);
      double max = r.getDouble(4 * i + 3);
      if (min == max) {
        constant[i] = true;
        center[i] = min;
        scale[i] = 1;
      } else if (method == Scaler.Method.MIN_MAX) {
        center[i] = min;
        scale[i] = max - min;
      } else {
        center[i] = mean;
        scale[i] = std > 0 ? std : 1;
      }
    }
    return new Scaler(method, columns, center, scale, constant);
  }
}
