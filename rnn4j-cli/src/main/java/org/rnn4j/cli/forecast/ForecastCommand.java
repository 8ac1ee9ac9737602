package org.rnn4j.cli.forecast;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.rnn4j.Model;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.options.InputFile;
import org.rnn4j.cli.options.OutputPath;
import org.rnn4j.cli.options.Range;
import org.rnn4j.io.AtomicFiles;
import org.rnn4j.io.ModelFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rnn4j forecast}: applies a forecaster saved by {@code rnn4j train} to new data. For every
 * position with enough history it forecasts the next steps; the last line is the forecast beyond the
 * end of the data. CSV to stdout or a file. Not thread-safe (a command runs once).
 */
@Command(name = "forecast", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Forecast with a model saved by 'rnn4j train'.",
        "The CSV needs the model's feature columns (and its date column, if it had",
        "one). Output: one row per forecast origin and step: origin (the last row",
        "seen), step, date (the forecast row's date, continued past the end of the",
        "data at the data's frequency), forecast, actual (empty when unknown). With",
        "--last: the next steps after the end of the data only.",
        "A model with quantiles adds one column per level; a global model (trained",
        "with --id-column) reads a long-format file and writes its id first; a model",
        "with --future-features reads those columns from rows after the last",
        "observed target (the target cell left empty)."})
public final class ForecastCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @InputFile
  @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model file from 'rnn4j train'.")
  Path modelFile;

  @InputFile
  @Option(names = "--data", required = true, paramLabel = "CSV", description = "The series to forecast from.")
  Path data;

  @Range(min = 1, max = 100_000)
  @Option(names = "--horizon", paramLabel = "N",
      description = "Steps ahead to print (at most the model's horizon; default: all of them).")
  Integer horizon;

  @Option(names = "--last", description = "Only the forecast beyond the end of the data.")
  boolean lastOnly;

  @OutputPath(folder = false)
  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the CSV here instead of stdout.")
  Path output;

  @Override
  public Integer call() throws IOException {
    ModelFiles.Loaded loaded;
    try {
      loaded = ModelFiles.load(modelFile);
    } catch (IOException e) {
      throw new UserInputException(e.getMessage());
    }
    ForecastRun.Table table = ForecastRun.forecast(loaded, modelFile.toString(), ForecastRun.Series.of(data), horizon,
        lastOnly);
    for (String note : table.notes()) {
      System.err.println(note);
    }
    StringWriter sw = new StringWriter();
    PrintWriter p = new PrintWriter(sw);
    p.println(String.join(",", table.header()));
    for (List<String> row : table.rows()) {
      p.println(String.join(",", row));
    }
    p.flush();
    if (output == null) {
      spec.commandLine().getOut().print(sw);
      spec.commandLine().getOut().flush();
    } else {
      byte[] bytes = sw.toString().getBytes(StandardCharsets.UTF_8);
      AtomicFiles.write(output, os -> os.write(bytes));
      spec.commandLine().getOut().println("wrote " + table.rows().size() + " forecasts to " + output);
    }
    return 0;
  }
}
