package org.rnn4j.data;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table of time series: named numeric columns of equal length, one value per row (time step), rows
 * in time order, with an optional date column. A missing value is {@code NaN}; infinities are refused.
 * The date column is either parsed dates ({@link LocalDate}) or raw labels (strings as read, e.g.
 * timestamps), and only labels the rows: it is never a feature.
 *
 * <p>Immutable: the constructor and factories copy the arrays they are given, and {@link
 * #column(String)} returns a copy. Thread-safe.
 */
public final class SeriesTable {
  private final List<String> names;
  private final Map<String, double[]> columns; // name -> [rows], in column order
  private final int rows;
  private final String dateName; // null without a date column
  private final LocalDate[] dates; // [rows] or null
  private final String[] dateLabels; // [rows] or null (labels of dates, or raw strings)

  private SeriesTable(Map<String, double[]> columns, int rows, String dateName, LocalDate[] dates,
      String[] dateLabels) {
    this.columns = columns;
    this.names = List.copyOf(columns.keySet());
    this.rows = rows;
    this.dateName = dateName;
    this.dates = dates;
    this.dateLabels = dateLabels;
  }

  /**
   * A table of the given columns, in the map's iteration order (use a {@link LinkedHashMap}); the
   * arrays are copied.
   *
   * @throws IllegalArgumentException if there is no column, a name is blank, the columns differ in
   *     length or a value is infinite
   */
  public static SeriesTable of(Map<String, double[]> columns) {
    if (columns == null || columns.isEmpty()) {
      throw new IllegalArgumentException("SeriesTable: expected at least one column, got none");
    }
    Map<String, double[]> copy = new LinkedHashMap<>();
    int rows = -1;
    String first = null;
    for (Map.Entry<String, double[]> e : columns.entrySet()) {
      String name = e.getKey();
      double[] values = e.getValue();
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("SeriesTable: expected a non-blank column name, got '" + name + "'");
      }
      if (values == null) {
        throw new IllegalArgumentException("SeriesTable: column '" + name + "' has no values (null)");
      }
      if (rows < 0) {
        rows = values.length;
        first = name;
      } else if (values.length != rows) {
        throw new IllegalArgumentException("SeriesTable: expected every column to have " + rows + " rows (as '"
            + first + "' has), got " + values.length + " in column '" + name + "'");
      }
      for (int r = 0; r < values.length; r++) {
        if (Double.isInfinite(values[r])) {
          throw new IllegalArgumentException("SeriesTable: expected finite values or NaN (missing), got "
              + values[r] + " in column '" + name + "' at row " + r);
        }
      }
      copy.put(name, values.clone());
    }
    return new SeriesTable(copy, rows, null, null, null);
  }

  /** A table of one column. */
  public static SeriesTable of(String name, double[] values) {
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put(name, values);
    return of(m);
  }

  /**
   * This table with a date column of parsed dates (copied), one per row, e.g. from a column named
   * {@code date}.
   *
   * @throws IllegalArgumentException if the count differs from {@link #rows()}, a date is null, or the
   *     name is blank or that of a numeric column
   */
  public SeriesTable withDates(String name, LocalDate[] dates) {
    checkDateColumn(name, dates == null ? -1 : dates.length);
    String[] labels = new String[rows];
    for (int r = 0; r < rows; r++) {
      if (dates[r] == null) {
        throw new IllegalArgumentException("SeriesTable: expected a date in every row of '" + name
            + "', got none (null) at row " + r);
      }
      labels[r] = dates[r].toString();
    }
    return new SeriesTable(columns, rows, name, dates.clone(), labels);
  }

  /**
   * This table with a date column kept as raw labels (copied), one per row, for dates or timestamps
   * that are not plain ISO dates.
   *
   * @throws IllegalArgumentException as {@link #withDates(String, LocalDate[])}
   */
  public SeriesTable withDateLabels(String name, String[] labels) {
    checkDateColumn(name, labels == null ? -1 : labels.length);
    for (int r = 0; r < rows; r++) {
      if (labels[r] == null) {
        throw new IllegalArgumentException("SeriesTable: expected a label in every row of '" + name
            + "', got none (null) at row " + r);
      }
    }
    return new SeriesTable(columns, rows, name, null, labels.clone());
  }

  private void checkDateColumn(String name, int count) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("SeriesTable: expected a non-blank date column name, got '" + name
          + "'");
    }
    if (columns.containsKey(name)) {
      throw new IllegalArgumentException("SeriesTable: expected a date column name that is not a numeric"
          + " column, got '" + name + "'");
    }
    if (count != rows) {
      throw new IllegalArgumentException("SeriesTable: expected " + rows + " dates for column '" + name
          + "' (one per row), got " + (count < 0 ? "null" : String.valueOf(count)));
    }
  }

  /** Number of rows (time steps). */
  public int rows() {
    return rows;
  }

  /** The numeric column names, in order (unmodifiable). */
  public List<String> columnNames() {
    return names;
  }

  /** Number of numeric columns. */
  public int columnCount() {
    return names.size();
  }

  /** Whether a numeric column of that name exists. */
  public boolean hasColumn(String name) {
    return columns.containsKey(name);
  }

  /**
   * A copy of the named column ({@code NaN} = missing).
   *
   * @throws IllegalArgumentException naming the missing column and listing the available ones
   */
  public double[] column(String name) {
    return require(name).clone();
  }

  /** One value ({@code NaN} if missing). */
  public double value(String column, int row) {
    double[] c = require(column);
    if (row < 0 || row >= rows) {
      throw new IndexOutOfBoundsException("SeriesTable: expected a row in [0, " + rows + "), got " + row);
    }
    return c[row];
  }

  /** Live column array, for this package's classes only (do not modify). */
  double[] columnArray(String name) {
    return require(name);
  }

  private double[] require(String name) {
    double[] c = columns.get(name);
    if (c == null) {
      String hint = name != null && name.equals(dateName) ? " ('" + name + "' is the date column, not a"
          + " numeric one)" : "";
      throw new IllegalArgumentException("SeriesTable: no column named '" + name + "'" + hint
          + "; expected one of " + names);
    }
    return c;
  }

  /**
   * A table of the named columns only, in the given order, with this table's date column.
   *
   * @throws IllegalArgumentException if a name is missing (naming it and the available columns),
   *     repeated, or none is given
   */
  public SeriesTable select(List<String> wanted) {
    if (wanted == null || wanted.isEmpty()) {
      throw new IllegalArgumentException("SeriesTable: expected at least one column to select, got none;"
          + " available: " + names);
    }
    Map<String, double[]> m = new LinkedHashMap<>();
    for (String name : wanted) {
      double[] c = require(name);
      if (m.put(name, c) != null) {
        throw new IllegalArgumentException("SeriesTable: expected each column once in a selection, got '"
            + name + "' twice in " + wanted);
      }
    }
    return new SeriesTable(m, rows, dateName, dates, dateLabels);
  }

  /** {@link #select(List)} with names given as arguments. */
  public SeriesTable select(String... wanted) {
    return select(Arrays.asList(wanted));
  }

  /**
   * The rows {@code [from, to)} of this table (all columns and dates).
   *
   * @throws IllegalArgumentException unless {@code 0 <= from <= to <= rows()}
   */
  public SeriesTable rows(int from, int to) {
    if (from < 0 || to < from || to > rows) {
      throw new IllegalArgumentException("SeriesTable: expected a row range within [0, " + rows + "], got ["
          + from + ", " + to + ")");
    }
    Map<String, double[]> m = new LinkedHashMap<>();
    columns.forEach((k, v) -> m.put(k, Arrays.copyOfRange(v, from, to)));
    return new SeriesTable(m, to - from, dateName,
        dates == null ? null : Arrays.copyOfRange(dates, from, to),
        dateLabels == null ? null : Arrays.copyOfRange(dateLabels, from, to));
  }

  /** The rows whose {@code keep} flag is set, for this package (missing-value handling). */
  SeriesTable keepRows(boolean[] keep) {
    int n = 0;
    for (boolean k : keep) {
      n += k ? 1 : 0;
    }
    Map<String, double[]> m = new LinkedHashMap<>();
    for (Map.Entry<String, double[]> e : columns.entrySet()) {
      double[] src = e.getValue();
      double[] dst = new double[n];
      for (int r = 0, j = 0; r < rows; r++) {
        if (keep[r]) {
          dst[j++] = src[r];
        }
      }
      m.put(e.getKey(), dst);
    }
    LocalDate[] d = dates == null ? null : new LocalDate[n];
    String[] l = dateLabels == null ? null : new String[n];
    for (int r = 0, j = 0; r < rows; r++) {
      if (keep[r]) {
        if (d != null) {
          d[j] = dates[r];
        }
        if (l != null) {
          l[j] = dateLabels[r];
        }
        j++;
      }
    }
    return new SeriesTable(m, n, dateName, d, l);
  }

  /** This table with some columns replaced by new arrays (taken, not copied), for this package. */
  SeriesTable withColumnArrays(Map<String, double[]> replaced) {
    Map<String, double[]> m = new LinkedHashMap<>(columns);
    for (Map.Entry<String, double[]> e : replaced.entrySet()) {
      require(e.getKey());
      m.put(e.getKey(), e.getValue());
    }
    return new SeriesTable(m, rows, dateName, dates, dateLabels);
  }

  /** Whether the table has a date column (parsed dates or raw labels). */
  public boolean hasDateColumn() {
    return dateName != null;
  }

  /** Name of the date column, or null without one. */
  public String dateColumnName() {
    return dateName;
  }

  /** Whether the date column holds parsed dates ({@link #dates()} is available). */
  public boolean hasDates() {
    return dates != null;
  }

  /**
   * A copy of the parsed dates, one per row.
   *
   * @throws IllegalStateException if the table has no date column or it holds raw labels
   */
  public LocalDate[] dates() {
    if (dates == null) {
      throw new IllegalStateException("SeriesTable: expected a column of parsed dates, got "
          + (dateName == null ? "no date column" : "raw labels in '" + dateName + "'"));
    }
    return dates.clone();
  }

  /** The date of a row, or null if the table has no parsed dates. */
  public LocalDate date(int row) {
    checkRow(row);
    return dates == null ? null : dates[row];
  }

  /**
   * A label for a row, for messages and reports: its date (ISO) or raw date label, or {@code "row N"}
   * (0-based) without a date column.
   */
  public String rowLabel(int row) {
    checkRow(row);
    return dateLabels == null ? "row " + row : dateLabels[row];
  }

  private void checkRow(int row) {
    if (row < 0 || row >= rows) {
      throw new IndexOutOfBoundsException("SeriesTable: expected a row in [0, " + rows + "), got " + row);
    }
  }

  /** Number of missing values ({@code NaN}) in a column. */
  public int missingCount(String column) {
    int n = 0;
    for (double v : require(column)) {
      n += Double.isNaN(v) ? 1 : 0;
    }
    return n;
  }

  /** Missing values per column, in column order, listing only columns that have some (unmodifiable). */
  public Map<String, Integer> missingCounts() {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (String name : names) {
      int n = missingCount(name);
      if (n > 0) {
        m.put(name, n);
      }
    }
    return Collections.unmodifiableMap(m);
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (dateName != null) {
      parts.add(dateName + (dates != null ? " (dates)" : " (labels)"));
    }
    parts.addAll(names);
    return "SeriesTable[" + rows + " rows: " + String.join(", ", parts) + "]";
  }
}
