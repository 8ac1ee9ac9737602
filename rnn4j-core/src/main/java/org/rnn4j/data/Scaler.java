package org.rnn4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Per-column affine scaling, {@code scaled = (value - center) / scale}, fitted on a range of rows (the
 * training part only, so validation and test data do not leak into the statistics).
 *
 * <ul>
 *   <li>{@link Method#STANDARD}: center = mean, scale = population standard deviation (divisor n, as
 *       scikit-learn's {@code StandardScaler}).
 *   <li>{@link Method#MIN_MAX}: center = minimum, scale = maximum - minimum, so the fitted rows map to
 *       [0, 1] (later rows may fall outside).
 * </ul>
 *
 * <p>A column that is constant over the fitted rows gets center = its value and scale = 1, so it scales
 * to 0 without a division by zero; {@link #constantColumns()} reports it. Missing values ({@code NaN})
 * are skipped when fitting and stay {@code NaN} when transformed.
 *
 * <p>{@link #toMap()} and {@link #fromMap(Map)} store the scaler as text (for the model file's
 * metadata); the doubles are written with {@link Double#toString(double)}, so the round trip is exact.
 *
 * <p>Immutable value (equality by content); thread-safe.
 */
public final class Scaler {
  /** The scaling method. */
  public enum Method {
    /** Subtract the mean, divide by the standard deviation. */
    STANDARD,
    /** Subtract the minimum, divide by the range: the fitted rows map to [0, 1]. */
    MIN_MAX
  }

  private final Method method;
  private final List<String> columns;
  private final double[] center; // [C]
  private final double[] scale; // [C]
  private final boolean[] constant; // [C]

  /**
   * A scaler from known statistics (arrays are copied).
   *
   * @param method   the method the statistics belong to
   * @param columns  column names, unique
   * @param center   per column: the mean (STANDARD) or the minimum (MIN_MAX)
   * @param scale    per column: the standard deviation or the range; finite and > 0 (1 for a constant column)
   * @param constant per column: whether it was constant over the fitted rows
   * @throws IllegalArgumentException if the lengths differ or a value is out of range
   */
  public Scaler(Method method, List<String> columns, double[] center, double[] scale, boolean[] constant) {
    if (method == null) {
      throw new IllegalArgumentException("Scaler: expected a method (STANDARD or MIN_MAX), got null");
    }
    if (columns == null || columns.isEmpty()) {
      throw new IllegalArgumentException("Scaler: expected at least one column, got none");
    }
    int c = columns.size();
    if (center == null || scale == null || constant == null || center.length != c || scale.length != c
        || constant.length != c) {
      throw new IllegalArgumentException("Scaler: expected " + c + " centers, scales and constant flags (one per"
          + " column), got " + len(center) + ", " + len(scale) + ", " + len(constant));
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < c; i++) {
      String name = columns.get(i);
      if (name == null || name.isBlank() || !seen.add(name)) {
        throw new IllegalArgumentException("Scaler: expected unique, non-blank column names, got " + columns);
      }
      if (!Double.isFinite(center[i])) {
        throw new IllegalArgumentException("Scaler: expected a finite center for column '" + name + "', got "
            + center[i]);
      }
      if (!(Double.isFinite(scale[i]) && scale[i] > 0)) {
        throw new IllegalArgumentException("Scaler: expected a finite scale > 0 for column '" + name + "', got "
            + scale[i]);
      }
    }
    this.method = method;
    this.columns = List.copyOf(columns);
    this.center = center.clone();
    this.scale = scale.clone();
    this.constant = constant.clone();
  }

  private static String len(Object a) {
    if (a == null) {
      return "null";
    }
    return String.valueOf(java.lang.reflect.Array.getLength(a));
  }

  /**
   * Fits a scaler on the rows {@code [from, to)} of the given columns.
   *
   * @throws IllegalArgumentException if the range is outside the table or a column does not exist
   * @throws DataException            if a column has no present value in the range
   */
  public static Scaler fit(Method method, SeriesTable table, List<String> columns, int from, int to) {
    if (from < 0 || to <= from || to > table.rows()) {
      throw new IllegalArgumentException("Scaler: expected a non-empty row range within [0, " + table.rows()
          + "] to fit on, got [" + from + ", " + to + ")");
    }
    if (method == null) {
      throw new IllegalArgumentException("Scaler: expected a method (STANDARD or MIN_MAX), got null");
    }
    int c = columns.size();
    double[] center = new double[c];
    double[] scale = new double[c];
    boolean[] constant = new boolean[c];
    for (int i = 0; i < c; i++) {
      double[] v = table.columnArray(columns.get(i));
      int n = 0;
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int r = from; r < to; r++) {
        if (!Double.isNaN(v[r])) {
          n++;
          sum += v[r];
          min = Math.min(min, v[r]);
          max = Math.max(max, v[r]);
        }
      }
      if (n == 0) {
        throw new DataException("Scaler: expected at least one value in column '" + columns.get(i)
            + "' within rows [" + from + ", " + to + "), got only missing values");
      }
      if (min == max) {
        constant[i] = true;
        center[i] = min;
        scale[i] = 1;
      } else if (method == Method.MIN_MAX) {
        center[i] = min;
        scale[i] = max - min;
      } else {
        double mean = sum / n;
        double ss = 0;
        for (int r = from; r < to; r++) {
          if (!Double.isNaN(v[r])) {
            double d = v[r] - mean;
            ss += d * d;
          }
        }
        double std = Math.sqrt(ss / n);
        center[i] = mean;
        scale[i] = std > 0 ? std : 1; // not reached for distinct values, kept as a guard
      }
    }
    return new Scaler(method, columns, center, scale, constant);
  }

  /** Fits on the rows {@code [from, to)} of every column of the table. */
  public static Scaler fit(Method method, SeriesTable table, int from, int to) {
    return fit(method, table, table.columnNames(), from, to);
  }

  public Method method() {
    return method;
  }

  /** The column names, in order (unmodifiable). */
  public List<String> columns() {
    return columns;
  }

  /** The mean (STANDARD) or minimum (MIN_MAX) of a column. */
  public double center(String column) {
    return center[index(column)];
  }

  /** The standard deviation (STANDARD) or range (MIN_MAX) of a column; 1 for a constant column. */
  public double scale(String column) {
    return scale[index(column)];
  }

  /** Whether the column was constant over the fitted rows. */
  public boolean isConstant(String column) {
    return constant[index(column)];
  }

  /** The columns that were constant over the fitted rows (they scale to 0), in order. */
  public List<String> constantColumns() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      if (constant[i]) {
        out.add(columns.get(i));
      }
    }
    return List.copyOf(out);
  }

  private int index(String column) {
    int i = columns.indexOf(column);
    if (i < 0) {
      throw new IllegalArgumentException("Scaler: no column named '" + column + "'; expected one of " + columns);
    }
    return i;
  }

  /** {@code (value - center) / scale} for the column; NaN stays NaN. */
  public double transform(String column, double value) {
    int i = index(column);
    return (value - center[i]) / scale[i];
  }

  /** {@code scaled * scale + center} for the column: back to the original units. */
  public double inverse(String column, double scaled) {
    int i = index(column);
    return scaled * scale[i] + center[i];
  }

  /** A new array of the transformed values. */
  public double[] transform(String column, double[] values) {
    int i = index(column);
    double[] out = new double[values.length];
    for (int r = 0; r < values.length; r++) {
      out[r] = (values[r] - center[i]) / scale[i];
    }
    return out;
  }

  /** A new array of the values back in original units (e.g. de-scaled forecasts of the target). */
  public double[] inverse(String column, double[] scaled) {
    int i = index(column);
    double[] out = new double[scaled.length];
    for (int r = 0; r < scaled.length; r++) {
      out[r] = scaled[r] * scale[i] + center[i];
    }
    return out;
  }

  /** {@link #inverse(String, double[])} for a model's float32 outputs, computed in double. */
  public double[] inverse(String column, float[] scaled) {
    int i = index(column);
    double[] out = new double[scaled.length];
    for (int r = 0; r < scaled.length; r++) {
      out[r] = scaled[r] * scale[i] + center[i];
    }
    return out;
  }

  /**
   * The table with every column of this scaler transformed; other columns and the dates are kept
   * unchanged.
   *
   * @throws IllegalArgumentException if a column of this scaler is not in the table
   */
  public SeriesTable transform(SeriesTable table) {
    Map<String, double[]> m = new LinkedHashMap<>();
    for (String c : columns) {
      m.put(c, transform(c, table.columnArray(c)));
    }
    return table.withColumnArrays(m);
  }

  /** The inverse of {@link #transform(SeriesTable)}. */
  public SeriesTable inverse(SeriesTable table) {
    Map<String, double[]> m = new LinkedHashMap<>();
    for (String c : columns) {
      m.put(c, inverse(c, table.columnArray(c)));
    }
    return table.withColumnArrays(m);
  }

  /**
   * The scaler as text: keys {@code method} ({@code STANDARD} or {@code MIN_MAX}), {@code columns}
   * (count), and per column {@code i} (0-based) {@code column.i.name}, {@code column.i.center}, {@code
   * column.i.scale}, {@code column.i.constant}.
   */
  public Map<String, String> toMap() {
    return toMap("");
  }

  /** {@link #toMap()} with every key prefixed, e.g. {@code "scaler.features."}. */
  public Map<String, String> toMap(String prefix) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(prefix + "method", method.name());
    m.put(prefix + "columns", Integer.toString(columns.size()));
    for (int i = 0; i < columns.size(); i++) {
      String k = prefix + "column." + i + ".";
      m.put(k + "name", columns.get(i));
      m.put(k + "center", Double.toString(center[i]));
      m.put(k + "scale", Double.toString(scale[i]));
      m.put(k + "constant", Boolean.toString(constant[i]));
    }
    return m;
  }

  /**
   * A scaler from {@link #toMap()}'s keys; other keys are ignored.
   *
   * @throws IllegalArgumentException naming the key that is missing or holds a bad value
   */
  public static Scaler fromMap(Map<String, String> map) {
    return fromMap(map, "");
  }

  /** {@link #fromMap(Map)} for keys written by {@link #toMap(String)} with this prefix. */
  public static Scaler fromMap(Map<String, String> map, String prefix) {
    String methodText = get(map, prefix, "method");
    Method method;
    try {
      method = Method.valueOf(methodText);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Scaler: expected '" + prefix + "method' to be STANDARD or MIN_MAX, got '"
          + methodText + "'", e);
    }
    String countText = get(map, prefix, "columns");
    int n;
    try {
      n = Integer.parseInt(countText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Scaler: expected '" + prefix + "columns' to be a column count, got '"
          + countText + "'", e);
    }
    if (n < 1) {
      throw new IllegalArgumentException("Scaler: expected '" + prefix + "columns' >= 1, got " + n);
    }
    List<String> names = new ArrayList<>();
    double[] center = new double[n];
    double[] scale = new double[n];
    boolean[] constant = new boolean[n];
    for (int i = 0; i < n; i++) {
      String k = "column." + i + ".";
      names.add(get(map, prefix, k + "name"));
      center[i] = number(map, prefix, k + "center");
      scale[i] = number(map, prefix, k + "scale");
      String flag = get(map, prefix, k + "constant");
      if (!flag.equals("true") && !flag.equals("false")) {
        throw new IllegalArgumentException("Scaler: expected '" + prefix + k + "constant' to be true or false,"
            + " got '" + flag + "'");
      }
      constant[i] = flag.equals("true");
    }
    return new Scaler(method, names, center, scale, constant);
  }

  private static String get(Map<String, String> map, String prefix, String key) {
    String v = map.get(prefix + key);
    if (v == null) {
      Set<String> present = new TreeSet<>();
      for (String k : map.keySet()) {
        if (k.startsWith(prefix)) {
          present.add(k);
        }
      }
      throw new IllegalArgumentException("Scaler: expected key '" + prefix + key + "' in the metadata, got keys "
          + present);
    }
    return v;
  }

  private static double number(Map<String, String> map, String prefix, String key) {
    String v = get(map, prefix, key);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Scaler: expected a number for '" + prefix + key + "', got '" + v + "'",
          e);
    }
  }

  /**
   * One line for the user, e.g. {@code standard scaling: temp_max mean 16.2 std 7.38, wind mean 3.24 std
   * 1.44; constant: none}.
   */
  public String summary() {
    List<String> parts = new ArrayList<>();
    String c = method == Method.STANDARD ? " mean " : " min ";
    String s = method == Method.STANDARD ? " std " : " range ";
    for (int i = 0; i < columns.size(); i++) {
      parts.add(columns.get(i) + c + String.format(Locale.ROOT, "%.4g", center[i]) + s
          + String.format(Locale.ROOT, "%.4g", scale[i]));
    }
    List<String> constants = constantColumns();
    return (method == Method.STANDARD ? "standard" : "min-max") + " scaling: " + String.join(", ", parts)
        + "; constant: " + (constants.isEmpty() ? "none" : String.join(", ", constants) + " (scaled to 0)");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Scaler s && method == s.method && columns.equals(s.columns)
        && Arrays.equals(center, s.center) && Arrays.equals(scale, s.scale) && Arrays.equals(constant, s.constant);
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, columns, Arrays.hashCode(center), Arrays.hashCode(scale),
        Arrays.hashCode(constant));
  }

  @Override
  public String toString() {
    return "Scaler[" + method + ", columns=" + columns + ", center=" + Arrays.toString(center) + ", scale="
        + Arrays.toString(scale) + ", constant=" + Arrays.toString(constant) + "]";
  }
}
