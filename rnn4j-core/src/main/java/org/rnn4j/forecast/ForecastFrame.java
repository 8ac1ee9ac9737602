package org.rnn4j.forecast;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rnn4j.data.DataException;
import org.rnn4j.data.SeriesTable;

/**
 * The frame a forecaster's network learns in, fitted on the training rows, and its exact inverse.
 * Forecasts in the series' own units come out of {@link #decode}; the network sees {@link #inputs} and
 * learns {@link #targets}.
 *
 * <ul>
 *   <li>{@link Kind#LEVEL}: every column standardized by its training mean and standard deviation (the
 *       classic scaler). Forecasts stay near the training range: fine for level or cyclic series, poor
 *       for trending ones.
 *   <li>{@link Kind#CHANGE}: each window relative to its own last value (every input column minus that
 *       column's value in the window's last row) and the target as the change from the last value; both
 *       divided by the column's mean absolute one-step change over the training rows (the naive
 *       forecast's MAE, as MASE scales errors). A network that outputs 0 forecasts "last value", and the
 *       level of the series does not matter: forecasts can leave the training range.
 *   <li>{@link Kind#LOG_CHANGE}: as {@code CHANGE}, with the target column in logarithms: changes are
 *       relative (percent-like), for positive series that grow multiplicatively. Needs a target that is
 *       positive in every row the frame reads.
 * </ul>
 *
 * <p>Windows are addressed by their <i>origin</i>: the row of the first forecast step; the inputs are
 * rows {@code [origin - lookback, origin)}, step {@code k} (0-based) forecasts row {@code origin + k}.
 * Immutable; thread-safe.
 */
public final class ForecastFrame {

  /** The frames; {@link #id()} is the name used on the command line and in model files. */
  public enum Kind {
    LEVEL("level"), CHANGE("change"), LOG_CHANGE("log-change");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    /**
     * The kind named {@code s} ({@code level}, {@code change}, {@code log-change}).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Kind parse(String s) {
      for (Kind k : values()) {
        if (k.id.equalsIgnoreCase(s.trim())) {
          return k;
        }
      }
      throw new IllegalArgumentException("expected one of level, change, log-change, got '" + s + "'");
    }
  }

  private final Kind kind;
  private final List<String> features;
  private final String target;
  private final double[] center; // [F]: training mean (LEVEL)
  private final double[] scale; // [F]: training std (LEVEL) or mean |one-step change| (CHANGE)
  private final double targetCenter;
  private final double targetScale; // as scale, for the target (log-changes for LOG_CHANGE)
  private final boolean calendar; // calendar channels after the features: sin/cos of the year and the week
  private final Future future; // known-future inputs after the calendar, or null

  /**
   * Inputs known in advance for the rows forecast (a price, a promotion): the values of {@code columns}
   * in the {@code steps} rows from the origin, standardized by their training mean and deviation, given
   * to every input step of the window ({@code steps * columns} channels).
   */
  private record Future(List<String> columns, int steps, double[] center, double[] scale) {
  }

  private ForecastFrame(Kind kind, List<String> features, String target, double[] center, double[] scale,
      double targetCenter, double targetScale, boolean calendar) {
    this(kind, features, target, center, scale, targetCenter, targetScale, calendar, null);
  }

  private final int seriesIndex; // one-hot series code: this series' index, or -1
  private final int seriesCount; // channels of the code (0: none)

  private ForecastFrame(Kind kind, List<String> features, String target, double[] center, double[] scale,
      double targetCenter, double targetScale, boolean calendar, Future future) {
    this(kind, features, target, center, scale, targetCenter, targetScale, calendar, future, -1, 0);
  }

  private ForecastFrame(Kind kind, List<String> features, String target, double[] center, double[] scale,
      double targetCenter, double targetScale, boolean calendar, Future future, int seriesIndex,
      int seriesCount) {
    this.seriesIndex = seriesIndex;
    this.seriesCount = seriesCount;
    this.future = future;
    this.calendar = calendar;
    this.kind = kind;
    this.features = List.copyOf(features);
    this.target = target;
    this.center = center;
    this.scale = scale;
    this.targetCenter = targetCenter;
    this.targetScale = targetScale;
  }

  /**
   * Fits the frame on rows {@code [0, trainTo)} of {@code table}.
   *
   * @throws DataException if {@code LOG_CHANGE} is asked for a target that is not positive in those
   *     rows, or a column has a missing value there
   */
  public static ForecastFrame fit(Kind kind, SeriesTable table, List<String> features, String target,
      int trainTo) {
    if (trainTo < 2) {
      throw new DataException("ForecastFrame: expected at least 2 training rows, got " + trainTo);
    }
    double[] center = new double[features.size()];
    double[] scale = new double[features.size()];
    for (int f = 0; f < features.size(); f++) {
      double[] v = table.column(features.get(f));
      center[f] = mean(v, trainTo);
      scale[f] = kind == Kind.LEVEL ? std(v, trainTo, center[f]) : meanAbsChange(v, trainTo, false);
    }
    double[] t = table.column(target);
    if (kind == Kind.LOG_CHANGE && !positive(t, 0, trainTo)) {
      throw new DataException("ForecastFrame: log-change needs a positive target, and '" + target
          + "' has values <= 0 in the training rows");
    }
    double tc = mean(t, trainTo);
    double ts = kind == Kind.LEVEL ? std(t, trainTo, tc) : meanAbsChange(t, trainTo, kind == Kind.LOG_CHANGE);
    return new ForecastFrame(kind, features, target, center, scale, tc, ts, false);
  }

  /**
   * This frame with calendar inputs: after the feature columns, four channels per input row, {@code
   * sin} and {@code cos} of the position in the year (day of year / 365.25) and in the week (day of
   * week / 7), so that a network knows the season of its window (and, the horizon being fixed, of the
   * rows it forecasts). Needs a table with parsed dates when inputs are made.
   */
  public ForecastFrame withCalendar(boolean on) {
    return new ForecastFrame(kind, features, target, center, scale, targetCenter, targetScale, on, future,
        seriesIndex, seriesCount);
  }

  /**
   * This frame with a one-hot series code: {@code count} channels, 1 at {@code index}, so that a global
   * model can learn what is particular to each series (the first layer's weights on the code are a
   * learned per-series embedding). {@code count} 0: none.
   */
  public ForecastFrame withSeriesCode(int index, int count) {
    if (count < 0 || (count > 0 && (index < 0 || index >= count))) {
      throw new IllegalArgumentException("ForecastFrame: expected a series index in [0, " + count + "), got " + index);
    }
    return new ForecastFrame(kind, features, target, center, scale, targetCenter, targetScale, calendar, future,
        count == 0 ? -1 : index, count);
  }

  /**
   * This frame with known-future inputs: the values of {@code columns} in the {@code steps} rows from
   * each origin (standardized on rows {@code [0, trainTo)} of {@code table}). Empty {@code columns}:
   * none.
   */
  public ForecastFrame withFuture(List<String> columns, int steps, SeriesTable table, int trainTo) {
    if (columns.isEmpty()) {
      return new ForecastFrame(kind, features, target, center, scale, targetCenter, targetScale, calendar, null,
          seriesIndex, seriesCount);
    }
    double[] c = new double[columns.size()];
    double[] sd = new double[columns.size()];
    for (int j = 0; j < c.length; j++) {
      double[] v = table.column(columns.get(j));
      c[j] = mean(v, trainTo);
      sd[j] = std(v, trainTo, c[j]);
    }
    return new ForecastFrame(kind, features, target, center, scale, targetCenter, targetScale, calendar,
        new Future(List.copyOf(columns), steps, c, sd), seriesIndex, seriesCount);
  }

  /** The known-future input columns (empty: none). */
  public List<String> futureColumns() {
    return future == null ? List.of() : future.columns();
  }

  /** Whether the inputs carry calendar channels. */
  public boolean calendar() {
    return calendar;
  }

  /** Input channels per step: the features, plus 4 calendar channels when on. */
  public int inputWidth() {
    return features.size() + (calendar ? CALENDAR_CHANNELS : 0)
        + (future == null ? 0 : future.steps() * future.columns().size()) + seriesCount;
  }

  private static final int CALENDAR_CHANNELS = 4;

  /** Whether {@code LOG_CHANGE} can be fitted: the target is positive in rows {@code [0, to)}. */
  public static boolean logApplies(SeriesTable table, String target, int to) {
    return positive(table.column(target), 0, to);
  }

  public Kind kind() {
    return kind;
  }

  public List<String> features() {
    return features;
  }

  public String target() {
    return target;
  }

  /**
   * The network's inputs for windows ending right before each origin, {@code [N, lookback,
   * inputWidth()]} row-major.
   *
   * @throws DataException if a needed value is missing, or not positive where logarithms are taken
   */
  public float[] inputs(SeriesTable table, int[] origins, int lookback) {
    int nf = features.size();
    double[][] cols = new double[nf][];
    for (int f = 0; f < nf; f++) {
      cols[f] = table.column(features.get(f));
    }
    int width = inputWidth();
    if (calendar && !table.hasDates()) {
      throw new DataException("the model reads calendar inputs and needs a date column of dates, got "
          + (table.hasDateColumn() ? "labels in '" + table.dateColumnName() + "'" : "no date column"));
    }
    float[] x = new float[origins.length * lookback * width];
    for (int i = 0; i < origins.length; i++) {
      int last = origins[i] - 1;
      for (int f = 0; f < nf; f++) {
        boolean log = kind == Kind.LOG_CHANGE && features.get(f).equals(target);
        double s = log ? targetScale : scale[f];
        double anchor = kind == Kind.LEVEL ? center[f] : value(table, cols[f], f, last, log);
        for (int k = 0; k < lookback; k++) {
          int row = origins[i] - lookback + k;
          x[(i * lookback + k) * width + f] = (float) ((value(table, cols[f], f, row, log) - anchor) / s);
        }
      }
      if (future != null) {
        int base = nf + (calendar ? CALENDAR_CHANNELS : 0);
        int nc = future.columns().size();
        for (int j = 0; j < nc; j++) {
          double[] col = table.column(future.columns().get(j));
          for (int h = 0; h < future.steps(); h++) {
            int row = origins[i] + h;
            if (row >= col.length || Double.isNaN(col[row])) {
              throw new DataException("the model needs the known-future input '" + future.columns().get(j)
                  + "' for the " + future.steps() + " rows from each forecast origin; it is missing at "
                  + (row >= col.length ? "row " + row + " (after the last row, " + table.rowLabel(col.length - 1)
                      + ")" : table.rowLabel(row) + " (row " + row + ")"));
            }
            float v = (float) ((col[row] - future.center()[j]) / future.scale()[j]);
            for (int k = 0; k < lookback; k++) {
              x[(i * lookback + k) * width + base + h * nc + j] = v;
            }
          }
        }
      }
      for (int k = 0; seriesCount > 0 && k < lookback; k++) {
        x[(i * lookback + k) * width + width - seriesCount + seriesIndex] = 1f;
      }
      for (int k = 0; calendar && k < lookback; k++) {
        java.time.LocalDate d = table.date(origins[i] - lookback + k);
        double year = 2 * Math.PI * (d.getDayOfYear() - 1) / 365.25;
        double week = 2 * Math.PI * (d.getDayOfWeek().getValue() - 1) / 7.0;
        int at = (i * lookback + k) * width + nf;
        x[at] = (float) Math.sin(year);
        x[at + 1] = (float) Math.cos(year);
        x[at + 2] = (float) Math.sin(week);
        x[at + 3] = (float) Math.cos(week);
      }
    }
    return x;
  }

  /** The network's targets for each origin, {@code [N, horizon]} row-major. */
  public float[] targets(SeriesTable table, int[] origins, int horizon) {
    double[] t = table.column(target);
    float[] y = new float[origins.length * horizon];
    for (int i = 0; i < origins.length; i++) {
      double anchor = anchor(table, t, origins[i]);
      for (int k = 0; k < horizon; k++) {
        double v = targetValue(table, t, origins[i] + k);
        y[i * horizon + k] = (float) ((v - anchor) / targetScale);
      }
    }
    return y;
  }

  /**
   * The network's outputs {@code [N, horizon]} back in the target's own units: the exact inverse of
   * {@link #targets} (up to float32 rounding of the outputs).
   */
  public double[] decode(SeriesTable table, int[] origins, float[] outputs, int horizon) {
    double[] t = table.column(target);
    double[] out = new double[origins.length * horizon];
    for (int i = 0; i < origins.length; i++) {
      double anchor = anchor(table, t, origins[i]);
      for (int k = 0; k < horizon; k++) {
        double v = anchor + outputs[i * horizon + k] * targetScale;
        out[i * horizon + k] = kind == Kind.LOG_CHANGE ? Math.exp(v) : v;
      }
    }
    return out;
  }

  /** The frame as text entries for a model file, each key starting with {@code prefix}. */
  public Map<String, String> toMap(String prefix) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(prefix + "kind", kind.id());
    m.put(prefix + "features", String.join(",", features));
    m.put(prefix + "target", target);
    m.put(prefix + "center", join(center));
    m.put(prefix + "scale", join(scale));
    m.put(prefix + "target_center", Double.toString(targetCenter));
    m.put(prefix + "target_scale", Double.toString(targetScale));
    m.put(prefix + "calendar", Boolean.toString(calendar));
    if (seriesCount > 0) {
      m.put(prefix + "series_code", seriesIndex + "/" + seriesCount);
    }
    if (future != null) {
      m.put(prefix + "future", String.join(",", future.columns()));
      m.put(prefix + "future_steps", Integer.toString(future.steps()));
      m.put(prefix + "future_center", join(future.center()));
      m.put(prefix + "future_scale", join(future.scale()));
    }
    return m;
  }

  /**
   * The frame written by {@link #toMap}.
   *
   * @throws IllegalArgumentException if an entry is missing or malformed, naming it
   */
  public static ForecastFrame fromMap(Map<String, String> m, String prefix) {
    Kind kind = Kind.parse(need(m, prefix + "kind"));
    List<String> features = List.of(need(m, prefix + "features").split(","));
    double[] center = split(need(m, prefix + "center"), prefix + "center");
    double[] scale = split(need(m, prefix + "scale"), prefix + "scale");
    if (center.length != features.size() || scale.length != features.size()) {
      throw new IllegalArgumentException("model file: expected " + features.size() + " values in " + prefix
          + "center and " + prefix + "scale, got " + center.length + " and " + scale.length);
    }
    return new ForecastFrame(kind, features, need(m, prefix + "target"), center, scale,
        parse(need(m, prefix + "target_center"), prefix + "target_center"),
        parse(need(m, prefix + "target_scale"), prefix + "target_scale"),
        Boolean.parseBoolean(m.getOrDefault(prefix + "calendar", "false")),
        m.containsKey(prefix + "future") ? new Future(List.of(m.get(prefix + "future").split(",")),
            (int) parse(need(m, prefix + "future_steps"), prefix + "future_steps"),
            split(need(m, prefix + "future_center"), prefix + "future_center"),
            split(need(m, prefix + "future_scale"), prefix + "future_scale")) : null)
        .withSeriesCode(seriesCode(m.get(prefix + "series_code"), 0), seriesCode(m.get(prefix + "series_code"), 1));
  }

  private static int seriesCode(String code, int part) {
    if (code == null) {
      return part == 0 ? -1 : 0;
    }
    String[] p = code.split("/");
    return (int) parse(p[part], "series_code");
  }

  /** E.g. {@code change (last value + change / 1.37)}. */
  public String describe() {
    switch (kind) {
      case LEVEL:
        return String.format(Locale.ROOT, "level (standardized: (y - %.4g) / %.4g)", targetCenter, targetScale);
      case CHANGE:
        return String.format(Locale.ROOT, "change (from each window's last value, in units of %.4g, the mean"
            + " one-step change)", targetScale);
      default:
        return String.format(Locale.ROOT, "log-change (relative change from each window's last value, in units"
            + " of %.3g%%, the mean one-step change)", 100 * targetScale);
    }
  }

  private double anchor(SeriesTable table, double[] t, int origin) {
    return kind == Kind.LEVEL ? targetCenter : targetValue(table, t, origin - 1);
  }

  /** The target's value in the frame's units before scaling: log for LOG_CHANGE. */
  private double targetValue(SeriesTable table, double[] t, int row) {
    return value(table, t, -1, row, kind == Kind.LOG_CHANGE);
  }

  private double value(SeriesTable table, double[] col, int f, int row, boolean log) {
    double v = col[row];
    String name = f < 0 ? target : features.get(f);
    if (Double.isNaN(v)) {
      throw new DataException("expected no missing values in the windows, got one in column '" + name + "' at "
          + table.rowLabel(row) + " (row " + row + ")");
    }
    if (log) {
      if (!(v > 0)) {
        throw new DataException("the model forecasts '" + name + "' in logarithms (frame log-change) and needs"
            + " positive values, got " + v + " at " + table.rowLabel(row) + " (row " + row + ")");
      }
      return Math.log(v);
    }
    return v;
  }

  private static boolean positive(double[] v, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!(v[i] > 0)) {
        return false;
      }
    }
    return true;
  }

  private static double mean(double[] v, int to) {
    double s = 0;
    int n = 0;
    for (int i = 0; i < to; i++) {
      if (!Double.isNaN(v[i])) {
        s += v[i];
        n++;
      }
    }
    return n == 0 ? 0 : s / n;
  }

  /** Standard deviation over rows [0, to); 1 for a constant column (it then carries no signal). */
  private static double std(double[] v, int to, double mean) {
    double s = 0;
    int n = 0;
    for (int i = 0; i < to; i++) {
      if (!Double.isNaN(v[i])) {
        s += (v[i] - mean) * (v[i] - mean);
        n++;
      }
    }
    double sd = n < 2 ? 0 : Math.sqrt(s / (n - 1));
    return sd > 0 ? sd : 1;
  }

  /** Mean |v[r] - v[r-1]| over rows [1, to) (of logs if asked); 1 when the column never changes. */
  private static double meanAbsChange(double[] v, int to, boolean log) {
    double s = 0;
    int n = 0;
    for (int i = 1; i < to; i++) {
      double a = log ? Math.log(v[i - 1]) : v[i - 1];
      double b = log ? Math.log(v[i]) : v[i];
      if (!Double.isNaN(a) && !Double.isNaN(b)) {
        s += Math.abs(b - a);
        n++;
      }
    }
    double d = n == 0 ? 0 : s / n;
    return d > 0 ? d : 1;
  }

  private static String join(double[] v) {
    List<String> s = new ArrayList<>();
    for (double x : v) {
      s.add(Double.toString(x));
    }
    return String.join(",", s);
  }

  private static double[] split(String s, String key) {
    String[] parts = s.split(",");
    double[] v = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      v[i] = parse(parts[i], key);
    }
    return v;
  }

  private static double parse(String s, String key) {
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("model file: expected a number in " + key + ", got '" + s + "'");
    }
  }

  private static String need(Map<String, String> m, String key) {
    String v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException("model file: expected the entry " + key + ", it is missing");
    }
    return v;
  }
}
