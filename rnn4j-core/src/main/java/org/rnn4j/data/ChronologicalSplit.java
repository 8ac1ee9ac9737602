package org.rnn4j.data;

import java.util.List;

/**
 * A split of a series into training, validation and test parts by time: fractions of the ROWS, the
 * earliest rows for training, then validation, then test. Nothing is shuffled across the boundaries.
 *
 * <p>Part boundaries are {@code round(rows * train)} and {@code round(rows * (train + validation))}.
 *
 * <p>Windows are assigned to the part that holds their targets: a window belongs to a part when all of
 * its {@code horizon} target rows lie within it. Its {@code lookback} input rows may reach back into the
 * previous part (the first validation windows read the last training rows), as in any forecast: at
 * prediction time the recent past is known. No target row is ever used by two parts, so validation and
 * test targets never train the model; the cost is that no window straddles a boundary, so up to {@code
 * horizon - 1} windows per boundary are in no part. Fit a {@link Scaler} on the training rows only
 * ({@link RowRanges#trainTo()}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param train      fraction of rows for training, in (0, 1]
 * @param validation fraction for validation, in [0, 1)
 * @param test       fraction for testing, in [0, 1); the three add up to 1 (within 1e-9)
 */
public record ChronologicalSplit(double train, double validation, double test) {
  /** Validates the fractions. */
  public ChronologicalSplit {
    if (!(train > 0 && train <= 1) || !(validation >= 0 && validation < 1) || !(test >= 0 && test < 1)
        || Math.abs(train + validation + test - 1) > 1e-9) {
      throw new IllegalArgumentException("ChronologicalSplit: expected fractions train in (0, 1], validation and"
          + " test in [0, 1) adding up to 1, got " + train + " / " + validation + " / " + test + " (sum "
          + (train + validation + test) + ")");
    }
  }

  /** The usual 0.7 / 0.15 / 0.15. */
  public static ChronologicalSplit standard() {
    return new ChronologicalSplit(0.7, 0.15, 0.15);
  }

  /**
   * Row ranges of the three parts: training {@code [0, trainTo)}, validation {@code [trainTo,
   * validationTo)}, test {@code [validationTo, rows)}. Immutable.
   *
   * @param rows         rows of the table
   * @param trainTo      end (exclusive) of the training rows
   * @param validationTo end (exclusive) of the validation rows
   */
  public record RowRanges(int rows, int trainTo, int validationTo) {
    /** Validates {@code 0 <= trainTo <= validationTo <= rows}. */
    public RowRanges {
      if (trainTo < 0 || validationTo < trainTo || rows < validationTo) {
        throw new IllegalArgumentException("ChronologicalSplit.RowRanges: expected 0 <= trainTo <= validationTo"
            + " <= rows, got " + trainTo + ", " + validationTo + ", " + rows);
      }
    }

    public int trainRows() {
      return trainTo;
    }

    public int validationRows() {
      return validationTo - trainTo;
    }

    public int testRows() {
      return rows - validationTo;
    }

    @Override
    public String toString() {
      return "train [0, " + trainTo + "), validation [" + trainTo + ", " + validationTo + "), test ["
          + validationTo + ", " + rows + ")";
    }
  }

  /**
   * The windows of each part. A part with fraction 0 has no windows ({@link Windows#count()} 0).
   *
   * @param ranges     the row ranges of the parts
   * @param train      windows whose targets are training rows
   * @param validation windows whose targets are validation rows
   * @param test       windows whose targets are test rows
   */
  public record SplitWindows(RowRanges ranges, Windows train, Windows validation, Windows test) {
  }

  /**
   * The row ranges for a table of {@code rows} rows.
   *
   * @throws DataException if a part with a fraction above 0 gets no row
   */
  public RowRanges ranges(int rows) {
    if (rows < 0) {
      throw new IllegalArgumentException("ChronologicalSplit: expected rows >= 0, got " + rows);
    }
    int trainTo = (int) Math.round(rows * train);
    int validationTo = test == 0 ? rows : validation == 0 ? trainTo
        : (int) Math.round(rows * (train + validation));
    trainTo = Math.min(trainTo, rows);
    validationTo = Math.max(trainTo, Math.min(validationTo, rows));
    RowRanges r = new RowRanges(rows, trainTo, validationTo);
    requireRows("training", train, r.trainRows(), rows);
    requireRows("validation", validation, r.validationRows(), rows);
    requireRows("test", test, r.testRows(), rows);
    return r;
  }

  /**
   * The row ranges of a forecasting split for {@code rows} rows: these fractions, or with {@code
   * testRows} (and/or {@code validationRows}) whole rows: the last {@code testRows} rows are the test
   * part (default: this split's), the {@code validationRows} before them the validation part (default:
   * 15% of the rest, at least {@code horizon}; none when that would leave no room to train a window of
   * this horizon, so that training uses every row before the test part).
   *
   * @throws DataException if the parts leave fewer than 2 training rows, naming the counts
   */
  public RowRanges ranges(int rows, Integer testRows, Integer validationRows, int horizon) {
    if (testRows == null && validationRows == null) {
      return ranges(rows);
    }
    int testPart = testRows != null ? testRows : rows - ranges(rows).validationTo();
    int rest = rows - testPart;
    int validationPart = validationRows != null ? validationRows : Math.max(horizon, (int) Math.round(0.15 * rest));
    if (validationRows == null && rest - validationPart < 2 + 2 * horizon) {
      validationPart = 0;
    }
    if (rest - validationPart < 2) {
      throw new DataException(String.format(java.util.Locale.ROOT, "the data have %d rows: %d test and %d"
          + " validation rows leave %d for training; expected at least 2 (use fewer --test-rows or"
          + " --validation-rows)", rows, testPart, validationPart, rest - validationPart));
    }
    return new RowRanges(rows, rest - validationPart, rest);
  }

  private static void requireRows(String part, double fraction, int got, int rows) {
    if (fraction > 0 && got == 0) {
      throw new DataException("ChronologicalSplit: expected at least one row in the " + part + " part ("
          + fraction + " of " + rows + " rows), got none; use more data or a larger fraction");
    }
  }

  /**
   * Splits the rows and cuts each part's windows (see the class comment for which window goes where).
   *
   * @throws DataException if a part with a fraction above 0 has room for no window, with its rows,
   *     the lookback and the horizon
   */
  public SplitWindows windows(SeriesTable table, List<String> features, String target, WindowSpec spec) {
    RowRanges r = ranges(table.rows());
    Windows tr = part(table, features, target, spec, "training", train, 0, r.trainTo());
    Windows va = part(table, features, target, spec, "validation", validation, r.trainTo(), r.validationTo());
    Windows te = part(table, features, target, spec, "test", test, r.validationTo(), r.rows());
    return new SplitWindows(r, tr, va, te);
  }

  private static Windows part(SeriesTable table, List<String> features, String target, WindowSpec spec,
      String name, double fraction, int from, int to) {
    Windows w = Windows.build(table, features, target, spec, from, to);
    if (fraction > 0 && w.count() == 0) {
      throw new DataException("ChronologicalSplit: expected at least one window in the " + name + " part (rows ["
          + from + ", " + to + "), " + (to - from) + " rows), got none: a window needs " + spec.lookback()
          + " input rows before its targets (lookback, reaching back from row " + from + ") and "
          + spec.horizon() + " target rows within the part (horizon); the table has " + table.rows() + " rows");
    }
    return w;
  }
}
