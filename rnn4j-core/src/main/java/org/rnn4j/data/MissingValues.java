package org.rnn4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What to do with missing values ({@code NaN}) in a {@link SeriesTable}. Applying a policy returns the
 * cleaned table and a {@link Report} of what was changed, which callers show to the user: cleaning is
 * never silent. A column that is entirely missing is an error under every policy.
 *
 * <p>Interpolation and filling work on row positions, not on dates: rows are taken as equally spaced
 * time steps. Stateless; thread-safe.
 */
public enum MissingValues {
  /**
   * Linear interpolation between the nearest present values before and after each gap (by row
   * position); a gap at the start or the end takes the nearest present value.
   */
  INTERPOLATE,
  /** Each missing value takes the last present value before it; a gap at the start takes the first present value. */
  FORWARD_FILL,
  /**
   * Rows with a missing value in any column are removed. The remaining rows are then treated as
   * consecutive steps, which breaks the regular spacing of the series where rows were removed.
   */
  DROP_ROWS,
  /** Any missing value is an error that names the column, the count and the first missing row. */
  FAIL;

  /**
   * What a policy changed.
   *
   * @param policy           the policy applied
   * @param rowsBefore       rows in the input table
   * @param filledCells      cells filled per column (only columns with fills, in column order)
   * @param droppedRows      indices (in the input table) of the rows removed, ascending
   * @param droppedRowLabels labels of those rows ({@link SeriesTable#rowLabel(int)}), same order
   */
  public record Report(MissingValues policy, int rowsBefore, Map<String, Integer> filledCells,
      List<Integer> droppedRows, List<String> droppedRowLabels) {
    /** Validates and copies the collections. */
    public Report {
      if (policy == null || rowsBefore < 0) {
        throw new IllegalArgumentException("MissingValues.Report: expected a policy and rowsBefore >= 0, got "
            + policy + ", " + rowsBefore);
      }
      filledCells = Collections.unmodifiableMap(new LinkedHashMap<>(filledCells));
      droppedRows = List.copyOf(droppedRows);
      droppedRowLabels = List.copyOf(droppedRowLabels);
      if (droppedRows.size() != droppedRowLabels.size()) {
        throw new IllegalArgumentException("MissingValues.Report: expected one label per dropped row ("
            + droppedRows.size() + "), got " + droppedRowLabels.size());
      }
    }

    /** Total number of cells filled. */
    public int totalFilled() {
      int n = 0;
      for (int v : filledCells.values()) {
        n += v;
      }
      return n;
    }

    /** Number of rows removed. */
    public int rowsDropped() {
      return droppedRows.size();
    }

    /** Whether nothing was changed (the table had no missing value). */
    public boolean isClean() {
      return totalFilled() == 0 && droppedRows.isEmpty();
    }

    /**
     * One line for the user, e.g. {@code missing values (interpolate): filled 3 cells (temp_max 2,
     * wind 1)} or {@code missing values (drop rows): dropped 2 of 100 rows (2012-01-03, 2012-01-07)}.
     */
    public String summary() {
      String head = "missing values (" + policy.label() + "): ";
      if (isClean()) {
        return head + "none";
      }
      if (!droppedRows.isEmpty()) {
        int shown = Math.min(5, droppedRowLabels.size());
        String rowsText = String.join(", ", droppedRowLabels.subList(0, shown))
            + (droppedRowLabels.size() > shown ? ", ..." : "");
        return head + "dropped " + droppedRows.size() + " of " + rowsBefore + " rows (" + rowsText + ")";
      }
      List<String> parts = new ArrayList<>();
      filledCells.forEach((k, v) -> parts.add(k + " " + v));
      int total = totalFilled();
      return head + "filled " + total + (total == 1 ? " cell (" : " cells (") + String.join(", ", parts) + ")";
    }
  }

  /**
   * A cleaned table and what was done to it.
   *
   * @param table  the table without missing values
   * @param report what was filled or removed; show {@link Report#summary()} to the user
   */
  public record Result(SeriesTable table, Report report) {
  }

  /** The policy in lower case with spaces, as users write it: {@code interpolate}, {@code forward fill}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  /**
   * The policy for a user's word: {@code interpolate}, {@code forward-fill}, {@code drop-rows}, {@code
   * fail} (case, '-', '_' and spaces do not matter).
   *
   * @throws IllegalArgumentException naming the word and the accepted ones
   */
  public static MissingValues parse(String word) {
    String w = word == null ? "" : word.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    for (MissingValues p : values()) {
      if (p.name().equals(w)) {
        return p;
      }
    }
    throw new IllegalArgumentException("MissingValues: expected one of interpolate, forward-fill, drop-rows,"
        + " fail; got '" + word + "'");
  }

  /**
   * Applies this policy to every column of the table.
   *
   * @throws DataException if a column is entirely missing (naming it), if the policy is {@link #FAIL}
   *     and a value is missing, or if {@link #DROP_ROWS} would remove every row
   */
  public Result apply(SeriesTable table) {
    int rows = table.rows();
    List<String> empty = new ArrayList<>();
    Map<String, Integer> missing = new LinkedHashMap<>();
    for (String name : table.columnNames()) {
      int n = table.missingCount(name);
      if (rows > 0 && n == rows) {
        empty.add(name);
      } else if (n > 0) {
        missing.put(name, n);
      }
    }
    if (!empty.isEmpty()) {
      throw new DataException("MissingValues: expected at least one value in every column, got "
          + (empty.size() == 1 ? "column '" + empty.get(0) + "'" : "columns " + empty) + " with all " + rows
          + " rows missing; leave " + (empty.size() == 1 ? "it" : "them") + " out of the selected columns");
    }
    if (missing.isEmpty()) {
      return new Result(table, new Report(this, rows, Map.of(), List.of(), List.of()));
    }
    switch (this) {
      case FAIL:
        List<String> parts = new ArrayList<>();
        int total = 0;
        for (Map.Entry<String, Integer> e : missing.entrySet()) {
          total += e.getValue();
          parts.add("'" + e.getKey() + "' " + e.getValue() + " (first at " + table.rowLabel(firstMissing(
              table.columnArray(e.getKey()))) + ")");
        }
        throw new DataException("MissingValues (fail): expected no missing values, got " + total + ": "
            + String.join(", ", parts) + "; choose interpolate, forward-fill or drop-rows to fill or remove them");
      case DROP_ROWS:
        return dropRows(table);
      default:
        Map<String, double[]> filled = new LinkedHashMap<>();
        for (String name : missing.keySet()) {
          double[] v = table.column(name);
          if (this == INTERPOLATE) {
            interpolate(v);
          } else {
            forwardFill(v);
          }
          filled.put(name, v);
        }
        return new Result(table.withColumnArrays(filled), new Report(this, rows, missing, List.of(), List.of()));
    }
  }

  private static int firstMissing(double[] v) {
    for (int i = 0; i < v.length; i++) {
      if (Double.isNaN(v[i])) {
        return i;
      }
    }
    return -1;
  }

  private static Result dropRows(SeriesTable table) {
    int rows = table.rows();
    boolean[] keep = new boolean[rows];
    Arrays.fill(keep, true);
    for (String name : table.columnNames()) {
      double[] v = table.columnArray(name);
      for (int r = 0; r < rows; r++) {
        if (Double.isNaN(v[r])) {
          keep[r] = false;
        }
      }
    }
    List<Integer> dropped = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      if (!keep[r]) {
        dropped.add(r);
        labels.add(table.rowLabel(r));
      }
    }
    if (dropped.size() == rows) {
      throw new DataException("MissingValues (drop rows): expected some rows without missing values, got"
          + " none: every one of the " + rows + " rows misses a value in some column; choose interpolate or"
          + " forward-fill, or select fewer columns");
    }
    return new Result(table.keepRows(keep), new Report(DROP_ROWS, rows, Map.of(), dropped, labels));
  }

  /** Fills the NaN gaps of {@code v} in place by linear interpolation; needs one present value. */
  static void interpolate(double[] v) {
    int prev = -1; // last present index
    for (int i = 0; i <= v.length; i++) {
      if (i < v.length && Double.isNaN(v[i])) {
        continue;
      }
      // the gap is (prev, i)
      if (i - prev > 1) {
        if (prev < 0 && i == v.length) {
          throw new IllegalArgumentException("MissingValues: expected at least one present value, got none");
        } else if (prev < 0) {
          for (int j = 0; j < i; j++) {
            v[j] = v[i]; // leading gap: the first present value
          }
        } else if (i == v.length) {
          for (int j = prev + 1; j < i; j++) {
            v[j] = v[prev]; // trailing gap: the last present value
          }
        } else {
          double a = v[prev];
          double b = v[i];
          for (int j = prev + 1; j < i; j++) {
            v[j] = a + (b - a) * (j - prev) / (i - prev);
          }
        }
      }
      prev = i;
    }
  }

  /** Fills the NaN gaps of {@code v} in place with the last present value (leading gap: the first one). */
  static void forwardFill(double[] v) {
    int first = firstPresent(v);
    for (int j = 0; j < first; j++) {
      v[j] = v[first];
    }
    for (int i = first + 1; i < v.length; i++) {
      if (Double.isNaN(v[i])) {
        v[i] = v[i - 1];
      }
    }
  }

  private static int firstPresent(double[] v) {
    for (int i = 0; i < v.length; i++) {
      if (!Double.isNaN(v[i])) {
        return i;
      }
    }
    throw new IllegalArgumentException("MissingValues: expected at least one present value, got none");
  }
}
