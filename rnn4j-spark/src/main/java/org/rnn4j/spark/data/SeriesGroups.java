package org.rnn4j.spark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * The series of a long table, one at a time on the executor that owns their key: the rows are
 * repartitioned by the key column, sorted by key and time within each partition, and gathered into
 * one {@link Series} per key. Shared by {@link SeriesWindows} (windows in the scaled units) and
 * {@link FramedSeries} (each series in its own forecasting frame). Stateless; thread-safe.
 */
final class SeriesGroups {
  private SeriesGroups() {
  }

  /**
   * One series: its key (as text), its time values in order (as Spark gave them), and its rows'
   * values {@code [rows][values]} (NaN where missing). Immutable by convention; thread-safe.
   */
  record Series(String key, List<Object> times, List<double[]> rows) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * The rows of {@code df} as (key, time, value columns as doubles), grouped by key and sorted by
   * key and time within each partition ({@code partitions} 0: {@code spark.sql.shuffle.partitions}).
   *
   * @throws IllegalArgumentException naming a missing column or a value column that is not numeric
   */
  static JavaRDD<Row> sorted(Dataset<Row> df, String key, String time, List<String> values, int partitions,
      String what) {
    for (String c : List.of(key, time)) {
      field(df, c, what);
    }
    List<Column> cols = new ArrayList<>();
    cols.add(functions.col(key));
    cols.add(functions.col(time));
    for (String c : values) {
      StructField f = field(df, c, what);
      if (!(f.dataType() instanceof NumericType)) {
        throw new IllegalArgumentException(what + ": value column '" + c + "': expected a number, got "
            + f.dataType().simpleString());
      }
      cols.add(functions.col(c).cast("double"));
    }
    Dataset<Row> sel = df.select(cols.toArray(new Column[0]));
    Dataset<Row> grouped = partitions > 0 ? sel.repartition(partitions, functions.col(key))
        : sel.repartition(functions.col(key));
    return grouped.sortWithinPartitions(functions.col(key), functions.col(time)).javaRDD();
  }

  /** The series of one partition of {@link #sorted} rows, gathered one at a time. */
  static Iterator<Series> series(Iterator<Row> rows, int valueCount) {
    return new Iterator<>() {
      private Row pending = rows.hasNext() ? rows.next() : null;

      @Override
      public boolean hasNext() {
        return pending != null;
      }

      @Override
      public Series next() {
        if (pending == null) {
          throw new java.util.NoSuchElementException();
        }
        Object k = pending.get(0);
        List<Object> times = new ArrayList<>();
        List<double[]> vals = new ArrayList<>();
        while (pending != null && Objects.equals(pending.get(0), k)) {
          times.add(pending.get(1));
          double[] v = new double[valueCount];
          for (int c = 0; c < v.length; c++) {
            v[c] = pending.isNullAt(2 + c) ? Double.NaN : pending.getDouble(2 + c);
          }
          vals.add(v);
          pending = rows.hasNext() ? rows.next() : null;
        }
        return new Series(String.valueOf(k), times, vals);
      }
    };
  }

  static StructField field(Dataset<Row> df, String name, String what) {
    for (StructField f : df.schema().fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException(what + ": expected a column '" + name + "', got the columns "
        + Arrays.toString(df.schema().fieldNames()));
  }
}
