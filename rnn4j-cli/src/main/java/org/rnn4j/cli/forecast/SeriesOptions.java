package org.rnn4j.cli.forecast;

import java.nio.file.Path;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.options.InputFile;
import org.rnn4j.cli.options.Range;
import picocli.CommandLine.Option;

/**
 * The series a forecaster is trained on and how far it looks ahead ({@code --data --target
 * --date-column --horizon}), declared once for every command that trains one ({@code train},
 * {@code backtest}, {@code tune forecast}, {@code spark-train}). Without {@code --data} the embedded
 * Seattle weather data is read and its target is {@code temp_max}. A picocli mixin; not thread-safe
 * (picocli fills it once per command line).
 */
public final class SeriesOptions {
  /** The embedded data's target. */
  static final String EMBEDDED_TARGET = "temp_max";

  @InputFile
  @Option(names = "--data", paramLabel = "CSV",
      description = "Your CSV file (default: the embedded Seattle weather data).")
  public Path data;

  @Option(names = "--target", paramLabel = "COLUMN",
      description = "Column to forecast (default for the embedded data: " + EMBEDDED_TARGET + ").")
  public String target;

  @Option(names = "--date-column", paramLabel = "COLUMN",
      description = "Column with dates: 2012-01-31, 2012-01, 2012Q1 or date-times (default: one named"
          + " date/ds/timestamp/month/week/quarter/period, if present).")
  public String dateColumn;

  @Range(min = 1, max = 100_000)
  @Option(names = "--horizon", paramLabel = "STEPS", defaultValue = "1", description = "Steps ahead to forecast (default: ${DEFAULT-VALUE}).")
  public int horizon;

  /** Whether the embedded data is read (no {@code --data}). */
  public boolean embedded() {
    return data == null;
  }

  /** The column to forecast: {@code --target}, or the embedded data's; refused in one line when missing. */
  public String targetName() {
    if (target != null) {
      return target;
    }
    if (embedded()) {
      return EMBEDDED_TARGET;
    }
    throw new UserInputException("--target is required with --data: name the column to forecast");
  }
}
