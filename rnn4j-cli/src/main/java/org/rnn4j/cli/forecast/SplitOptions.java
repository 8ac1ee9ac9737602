package org.rnn4j.cli.forecast;

import java.util.List;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.options.Range;
import org.rnn4j.data.ChronologicalSplit;
import picocli.CommandLine.Option;

/**
 * Where a forecasting command's test part starts ({@code --split}, {@code --test-rows}), declared once
 * for {@code train} and {@code tune forecast}. A picocli mixin; not thread-safe (picocli fills it once).
 */
public final class SplitOptions {
  @Range(min = 0, max = 1)
  @Option(names = "--split", paramLabel = "FRACTION", defaultValue = "0.7,0.15,0.15", split = ",",
      description = "Train, validation, test fractions of the rows, in time order (default: ${DEFAULT-VALUE}).")
  List<Double> split;

  @Range(min = 1, max = 1_000_000_000)
  @Option(names = "--test-rows", paramLabel = "N",
      description = "The last N rows are the test part (instead of --split's fractions).")
  Integer testRows;

  /** The rows of each part for a series of {@code rows} rows. */
  ChronologicalSplit.RowRanges ranges(int rows, Integer validationRows, int horizon) {
    return ForecastSetup.ranges(rows, fractions(), testRows, validationRows, horizon);
  }

  /** {@code --split}'s three fractions. */
  ChronologicalSplit fractions() {
    if (split.size() != 3) {
      throw new UserInputException("--split: expected three fractions train,validation,test, got " + split);
    }
    try {
      return new ChronologicalSplit(split.get(0), split.get(1), split.get(2));
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--split: " + e.getMessage());
    }
  }

  /** Checks {@code --test-rows} on its own. */
  void check() {
    if (testRows != null) {
      ForecastSetup.atLeast("--test-rows", testRows, 1);
    }
  }
}
