package org.rnn4j.spark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.rnn4j.spark.Example;

/**
 * Turns a DataFrame ({@code Dataset<Row>}) into rnn4j {@link Example}s: the features as one array
 * column (flat {@code [T * F]} with {@link #featuresPerStep}, or nested {@code [T][F]}) or as several
 * array columns (one per feature, each {@code [T]}), a target column (a number or an array of numbers:
 * float targets; or class labels with {@link #classLabels}) and optional valid lengths.
 *
 * <p>Sequences of different lengths are padded with zeros to {@link #steps} (by default the longest
 * sequence, found with one Spark job); an example's length is its lengths column, else its own
 * sequence length. Cells that are null or not finite are refused with the column and the row's
 * position in its sequence.
 *
 * <pre>{@code
 * JavaRDD<Example> ex = RowExamples.features("x").featuresPerStep(4).target("y").examples(df);
 * DistributedDataset train = DistributedDataset.of(ex);
 * }</pre>
 *
 * <p>Immutable settings (each method returns a copy) and serializable; thread-safe.
 */
public final class RowExamples implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<String> featureColumns; // one array column, or one per feature
  private final int featuresPerStep; // 0: nested arrays or one column per feature
  private final String target;
  private final boolean classes;
  private final String lengths;
  private final int steps; // 0: the longest sequence

  private RowExamples(List<String> featureColumns, int featuresPerStep, String target, boolean classes,
      String lengths, int steps) {
    this.featureColumns = featureColumns;
    this.featuresPerStep = featuresPerStep;
    this.target = target;
    this.classes = classes;
    this.lengths = lengths;
    this.steps = steps;
  }

  /**
   * Features in one array column: nested ({@code array<array<number>>}, {@code [T][F]}) or flat
   * ({@code array<number>}, {@code [T * F]}, then say F with {@link #featuresPerStep}; 1 by default).
   */
  public static RowExamples features(String column) {
    require(column != null && !column.isBlank(), "expected a feature column name, got '" + column + "'");
    return new RowExamples(List.of(column), 0, null, false, null, 0);
  }

  /** Features in several array columns, one per feature, each {@code array<number>} of T values. */
  public static RowExamples featureColumns(String... columns) {
    require(columns != null && columns.length > 0, "expected at least one feature column, got none");
    for (String c : columns) {
      require(c != null && !c.isBlank(), "expected feature column names, got '" + c + "'");
    }
    return new RowExamples(List.of(columns), columns.length == 1 ? 1 : -1, null, false, null, 0);
  }

  /** Features per step F of a flat feature array column. */
  public RowExamples featuresPerStep(int f) {
    require(f >= 1, "expected features per step >= 1, got " + f);
    require(featureColumns.size() == 1 && featuresPerStep >= 0,
        "featuresPerStep applies to one flat feature column, not to one column per feature");
    return new RowExamples(featureColumns, f, target, classes, lengths, steps);
  }

  /** Float targets: a numeric column ({@code [1]}) or an array of numbers ({@code [U]}). */
  public RowExamples target(String column) {
    require(column != null && !column.isBlank(), "expected a target column name, got '" + column + "'");
    return new RowExamples(featureColumns, featuresPerStep, column, false, lengths, steps);
  }

  /**
   * Class-label targets: an integer column (one label per example) or an array of integers (one per
   * step).
   */
  public RowExamples classLabels(String column) {
    require(column != null && !column.isBlank(), "expected a label column name, got '" + column + "'");
    return new RowExamples(featureColumns, featuresPerStep, column, true, lengths, steps);
  }

  /** An integer column of valid lengths (1..T); without it, each sequence's own length. */
  public RowExamples lengths(String column) {
    require(column != null && !column.isBlank(), "expected a lengths column name, got '" + column + "'");
    return new RowExamples(featureColumns, featuresPerStep, target, classes, column, steps);
  }

  /** Pads (or checks) every sequence to T steps; by default T is the longest sequence. */
  public RowExamples steps(int t) {
    require(t >= 1, "expected steps >= 1, got " + t);
    return new RowExamples(featureColumns, featuresPerStep, target, classes, lengths, t);
  }

  /**
   * The examples of {@code df}, one per row, in its order (a lazy RDD; finding T may run one job).
   *
   * @throws IllegalArgumentException when a column is missing or of another type, naming it, the type
   *     expected and the type found
   */
  public JavaRDD<Example> examples(Dataset<Row> df) {
    require(df != null, "expected a DataFrame, got null");
    require(target != null, "expected a target: call target(column) or classLabels(column)");
    StructType schema = df.schema();
    boolean nested = false;
    for (String c : featureColumns) {
      DataType t = field(schema, c).dataType();
      boolean flat = isArrayOf(t, NumericType.class);
      boolean nest = t instanceof ArrayType a && isArrayOf(a.elementType(), NumericType.class);
      require(flat || (nest && featureColumns.size() == 1), "feature column '" + c + "': expected "
          + (featureColumns.size() == 1 ? "array<number> or array<array<number>>" : "array<number>") + ", got "
          + t.simpleString());
      nested |= nest;
    }
    require(!(nested && featuresPerStep > 0), "feature column '" + featureColumns.get(0)
        + "': featuresPerStep is for a flat array<number>, got nested arrays (the inner size is F)");
    DataType tt = field(schema, target).dataType();
    if (classes) {
      require(isIntegral(tt) || (tt instanceof ArrayType a && isIntegral(a.elementType())), "label column '" + target
          + "': expected an integer or array<integer>, got " + tt.simpleString());
    } else {
      require(tt instanceof NumericType || isArrayOf(tt, NumericType.class), "target column '" + target
          + "': expected a number or array<number>, got " + tt.simpleString());
    }
    if (lengths != null) {
      DataType lt = field(schema, lengths).dataType();
      require(isIntegral(lt), "lengths column '" + lengths + "': expected an integer, got " + lt.simpleString());
    }
    int f = featureColumns.size() > 1 ? featureColumns.size() : nested ? 0 : Math.max(1, featuresPerStep);
    int t = steps > 0 ? steps : longest(df, nested, f);
    boolean isNested = nested;
    List<String> cols = new ArrayList<>(featureColumns);
    cols.add(target);
    if (lengths != null) {
      cols.add(lengths);
    }
    RowExamples self = this;
    return df.select(cols.stream().map(functions::col).toArray(org.apache.spark.sql.Column[]::new)).javaRDD()
        .map(row -> self.example(row, t, f, isNested));
  }

  private int longest(Dataset<Row> df, boolean nested, int f) {
    org.apache.spark.sql.Column[] sizes = featureColumns.stream().map(c -> functions.size(functions.col(c)))
        .toArray(org.apache.spark.sql.Column[]::new);
    org.apache.spark.sql.Column len = sizes.length == 1 ? sizes[0] : functions.greatest(sizes);
    Row r = df.agg(functions.max(len)).first();
    require(!r.isNullAt(0), "expected at least one row, got an empty DataFrame");
    int maxValues = ((Number) r.get(0)).intValue();
    int t = nested || featureColumns.size() > 1 ? maxValues : (maxValues + f - 1) / f;
    require(t >= 1, "feature column '" + featureColumns.get(0) + "': expected non-empty sequences, got only empty ones");
    return t;
  }

  private Example example(Row row, int t, int f, boolean nested) {
    int nf = featureColumns.size();
    int len;
    float[] x;
    if (nf > 1) {
      len = -1;
      int width = nf;
      x = new float[t * width];
      for (int c = 0; c < nf; c++) {
        List<Object> seq = row.getList(c);
        requireRow(seq != null, row, featureColumns.get(c), "a sequence, got null");
        len = Math.max(len, seq.size());
        requireRow(seq.size() <= t, row, featureColumns.get(c), "at most " + t + " steps, got " + seq.size());
        for (int s = 0; s < seq.size(); s++) {
          x[s * width + c] = value(seq.get(s), row, featureColumns.get(c), s);
        }
      }
      f = width;
    } else if (nested) {
      List<Object> seq = row.getList(0);
      requireRow(seq != null, row, featureColumns.get(0), "a sequence, got null");
      len = seq.size();
      requireRow(len <= t, row, featureColumns.get(0), "at most " + t + " steps, got " + len);
      int width = -1;
      x = null;
      for (int s = 0; s < len; s++) {
        @SuppressWarnings("unchecked")
        List<Object> step = (List<Object>) toList(seq.get(s));
        requireRow(step != null && !step.isEmpty(), row, featureColumns.get(0), "features at step " + s + ", got "
            + (step == null ? "null" : "none"));
        if (width < 0) {
          width = step.size();
          x = new float[t * width];
        }
        requireRow(step.size() == width, row, featureColumns.get(0), width + " features at every step, got "
            + step.size() + " at step " + s);
        for (int k = 0; k < width; k++) {
          x[s * width + k] = value(step.get(k), row, featureColumns.get(0), s);
        }
      }
      requireRow(x != null, row, featureColumns.get(0), "a non-empty sequence, got an empty one");
    } else {
      List<Object> seq = row.getList(0);
      requireRow(seq != null, row, featureColumns.get(0), "a sequence, got null");
      requireRow(seq.size() % f == 0, row, featureColumns.get(0), "a multiple of " + f
          + " values (steps x features per step), got " + seq.size());
      len = seq.size() / f;
      requireRow(len <= t, row, featureColumns.get(0), "at most " + t + " steps, got " + len);
      x = new float[t * f];
      for (int i = 0; i < seq.size(); i++) {
        x[i] = value(seq.get(i), row, featureColumns.get(0), i / f);
      }
    }
    int tc = nf;
    if (lengths != null) {
      requireRow(!row.isNullAt(tc + 1), row, lengths, "a length, got null");
      int l = ((Number) row.get(tc + 1)).intValue();
      requireRow(l >= 1 && l <= len, row, lengths, "a length in [1, " + len + "] (the sequence's steps), got " + l);
      len = l;
    }
    requireRow(len >= 1, row, featureColumns.get(0), "at least one step, got none");
    requireRow(!row.isNullAt(tc), row, target, "a value, got null");
    Object tv = row.get(tc);
    if (classes) {
      int[] labels;
      if (tv instanceof Number n) {
        labels = new int[] {n.intValue()};
      } else {
        List<Object> l = toList(tv);
        requireRow(l.size() <= t, row, target, "at most " + t + " labels (one per step), got " + l.size());
        labels = new int[t];
        for (int s = 0; s < l.size(); s++) {
          requireRow(l.get(s) != null, row, target, "a label at step " + s + ", got null");
          labels[s] = ((Number) l.get(s)).intValue();
        }
      }
      return Example.ofFeaturesWithClasses(t, x, len, labels);
    }
    float[] y;
    if (tv instanceof Number n) {
      y = new float[] {value(n, row, target, 0)};
    } else {
      List<Object> l = toList(tv);
      requireRow(!l.isEmpty(), row, target, "at least one target value, got none");
      y = new float[l.size()];
      for (int u = 0; u < y.length; u++) {
        y[u] = value(l.get(u), row, target, u);
      }
    }
    return Example.ofFeatures(t, x, len, y, new int[] {y.length});
  }

  @SuppressWarnings("unchecked")
  private static List<Object> toList(Object o) {
    if (o instanceof scala.collection.Seq<?> s) {
      return (List<Object>) scala.collection.JavaConverters.seqAsJavaList(s);
    }
    if (o instanceof List<?> l) {
      return (List<Object>) l;
    }
    if (o == null) {
      return null;
    }
    throw new IllegalArgumentException("rows: expected an array, got " + o.getClass().getName());
  }

  private static float value(Object o, Row row, String column, int step) {
    if (!(o instanceof Number n)) {
      throw new IllegalArgumentException("rows: column '" + column + "' at step " + step + ": expected a number, got "
          + o + " (in " + abbreviate(row) + ")");
    }
    float v = n.floatValue();
    if (!Float.isFinite(v)) {
      throw new IllegalArgumentException("rows: column '" + column + "' at step " + step
          + ": expected a finite number, got " + v + " (in " + abbreviate(row) + ")");
    }
    return v;
  }

  private static void requireRow(boolean ok, Row row, String column, String what) {
    if (!ok) {
      throw new IllegalArgumentException("rows: column '" + column + "': expected " + what + " (in "
          + abbreviate(row) + ")");
    }
  }

  private static String abbreviate(Row row) {
    String s = row.toString();
    return s.length() > 120 ? s.substring(0, 117) + "..." : s;
  }

  private static StructField field(StructType schema, String name) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("rows: expected a column '" + name + "', got the columns "
        + Arrays.toString(schema.fieldNames()));
  }

  private static boolean isArrayOf(DataType t, Class<?> element) {
    return t instanceof ArrayType a && element.isInstance(a.elementType());
  }

  private static boolean isIntegral(DataType t) {
    return t instanceof org.apache.spark.sql.types.IntegerType || t instanceof org.apache.spark.sql.types.LongType
        || t instanceof org.apache.spark.sql.types.ShortType || t instanceof org.apache.spark.sql.types.ByteType;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("rows: " + message);
    }
  }
}
