package org.rnn4j.cli.forecast;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rnn4j.Model;
import org.rnn4j.Tensor;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.data.CsvSeriesReader;
import org.rnn4j.cli.options.InputFile;
import org.rnn4j.cli.options.OutputPath;
import org.rnn4j.cli.options.Range;
import org.rnn4j.data.DataException;
import org.rnn4j.data.MissingValues;
import org.rnn4j.data.Scaler;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.forecast.ForecastFrame;
import org.rnn4j.forecast.Forecaster;
import org.rnn4j.forecast.Frequency;
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
        "The CSV needs the model's feature columns (and its date column, if it had one).",
        "Output: one row per forecast origin and step: origin (the last row seen), step, date (the forecast",
        "row's date, continued past the end of the data at the data's frequency), forecast, actual (empty",
        "when unknown). With --last: the next steps after the end of the data only.",
        "A model with quantiles adds one column per level; a global model (trained with --id-column) reads",
        "a long-format file and writes its id first; a model with --future-features reads those columns",
        "from rows after the last observed target (the target cell left empty)."})
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
    Map<String, String> meta = loaded.metadata();
    if (!"forecast".equals(meta.get("task"))) {
      throw new UserInputException(modelFile + ": this model was not trained by 'rnn4j train' for forecasting"
          + " (its task is " + (meta.get("task") == null ? "not recorded" : "'" + meta.get("task") + "'") + ")");
    }
    Model model = loaded.model();
    List<String> features = Arrays.asList(meta.get("features").split(","));
    String target = meta.get("target");
    int lookback = Integer.parseInt(meta.get("lookback"));
    int trained = Integer.parseInt(meta.get("horizon"));
    int h = horizon == null ? trained : horizon;
    if (h < 1 || h > trained) {
      throw new UserInputException("--horizon: expected 1.." + trained + " (the horizon the model was trained for),"
          + " got " + h);
    }
    String dateCol = meta.getOrDefault("date_column", "");
    // a global model (trained with --id-column) forecasts every series of a long-format file
    boolean global = meta.containsKey("series_ids");
    List<String> ids = global ? List.of(new com.fasterxml.jackson.databind.ObjectMapper()
        .readValue(meta.get("series_ids"), String[].class)) : List.of("");
    Map<String, SeriesTable> inputs = new java.util.LinkedHashMap<>();
    if (global) {
      for (Map.Entry<String, CsvSeriesReader.Result> e : CsvSeriesReader.readLong(data, meta.get("id_column"), null,
          dateCol.isEmpty() ? null : dateCol).entrySet()) {
        if (!ids.contains(e.getKey())) {
          throw new UserInputException(data + ": series '" + e.getKey() + "' is not one the model was trained on;"
              + " it knows " + ids);
        }
        inputs.put(e.getKey(), e.getValue().table());
      }
    } else {
      inputs.put("", CsvSeriesReader.read(data, null, dateCol.isEmpty() ? null : dateCol).table());
    }
    List<Float> levels = ForecastSetup.parseLevels(meta.get("quantiles"));
    int nq = Math.max(1, levels.size());
    int median = levels.isEmpty() ? 0 : levels.indexOf(0.5f);
    StringWriter sw = new StringWriter();
    PrintWriter p = new PrintWriter(sw);
    boolean headerWritten = false;
    int written = 0;
    for (Map.Entry<String, SeriesTable> in : inputs.entrySet()) {
      String where = global ? data + " (series '" + in.getKey() + "')" : data.toString();
      SeriesTable raw = in.getValue();
      for (String feature : features) {
        if (!raw.hasColumn(feature)) {
          throw new UserInputException(where + ": the model needs the numeric column '" + feature + "'; the file has "
              + raw.columnNames());
        }
      }
      List<String> columns = new java.util.ArrayList<>(features);
      boolean hasTarget = raw.hasColumn(target);
      if (hasTarget && !columns.contains(target)) {
        columns.add(target);
      }
      // known-future inputs: the rows after the last observed target carry them for the forecast
      String framePrefix = global ? "frame." + ids.indexOf(in.getKey()) + "." : "frame.";
      List<String> future = meta.containsKey(framePrefix + "future")
          ? List.of(meta.get(framePrefix + "future").split(",")) : List.of();
      int observed = raw.rows(); // rows [0, observed) have the target (or are all there is)
      if (!future.isEmpty()) {
        if (!hasTarget) {
          throw new UserInputException(where + ": the model reads the past of '" + target + "' and needs that column");
        }
        for (String f : future) {
          if (!raw.hasColumn(f)) {
            throw new UserInputException(where + ": the model needs the known-future column '" + f + "'; the file has "
                + raw.columnNames());
          }
          if (!columns.contains(f)) {
            columns.add(f);
          }
        }
        double[] t = raw.column(target);
        while (observed > 0 && Double.isNaN(t[observed - 1])) {
          observed--;
        }
      }
      SeriesTable table;
      try {
        MissingValues.Result r = MissingValues.parse(meta.getOrDefault("missing", "interpolate"))
            .apply(raw.rows(0, observed).select(columns));
        table = withRowsAfter(r.table(), raw.select(columns), observed);
        if (r.report().totalFilled() > 0 || r.report().rowsDropped() > 0) {
          System.err.println(r.report().summary());
        }
      } catch (IllegalArgumentException e) {
        throw new UserInputException(where + ": " + e.getMessage());
      }
      if (observed < lookback) {
        throw new UserInputException(where + ": " + observed + " rows, the model needs at least " + lookback
            + " (its lookback)");
      }
      int first = lastOnly ? observed : lookback;
      int n = observed - first + 1;
      int[] origins = new int[n];
      for (int w = 0; w < n; w++) {
        origins[w] = first + w; // the first forecast row; the inputs are the lookback rows before it
      }
      double[] forecasts; // [n, trained, nq]: the quantiles of each step (one value for a point forecaster)
      try {
        String prefix = framePrefix;
        forecasts = meta.containsKey(prefix + "kind")
            ? new Forecaster(ForecastFrame.fromMap(meta, prefix), lookback, trained, loaded.members(), levels,
                Double.parseDouble(meta.getOrDefault("interval_scale", "1")))
                .forecastQuantiles(table, origins)
            : levelForecasts(model, Scaler.fromMap(meta, "scaler."), table, features, target, origins, lookback);
      } catch (DataException e) {
        throw new UserInputException(where + ": " + e.getMessage());
      } catch (IllegalArgumentException e) {
        throw new UserInputException(modelFile + ": the model does not fit the data: " + e.getMessage());
      }
      Frequency frequency = ForecastSetup.frequency(table);
      boolean dated = table.hasDateColumn() && !frequency.name().equals("rows");
      if (!headerWritten) {
        StringBuilder header = new StringBuilder((global ? "id," : "") + "origin,step," + (dated ? "date," : "")
            + target + "_forecast");
        for (float q : levels) {
          header.append(",").append(target).append("_q").append(q);
        }
        p.println(header + "," + target + "_actual");
        headerWritten = true;
      }
      int lastRow = table.rows() - 1;
      for (int w = 0; w < n; w++) {
        int end = origins[w];
        for (int k = 0; k < h; k++) {
          int row = end + k;
          int at = (w * trained + k) * nq;
          StringBuilder forecast = new StringBuilder(fmt(forecasts[at + median]));
          for (int j = 0; j < levels.size(); j++) {
            forecast.append(",").append(fmt(forecasts[at + j]));
          }
          String actual = hasTarget && row < observed ? fmt(table.value(target, row)) : "";
          String origin = table.rowLabel(end - 1);
          String date = !dated ? "" : (row <= lastRow ? table.rowLabel(row)
              : frequency.after(table.rowLabel(lastRow), row - lastRow)) + ",";
          p.println((global ? in.getKey() + "," : "") + origin + "," + (k + 1) + "," + date + forecast + "," + actual);
          written++;
        }
      }
    }
    p.flush();
    if (output == null) {
      spec.commandLine().getOut().print(sw);
      spec.commandLine().getOut().flush();
    } else {
      byte[] bytes = sw.toString().getBytes(StandardCharsets.UTF_8);
      AtomicFiles.write(output, os -> os.write(bytes));
      spec.commandLine().getOut().println("wrote " + written + " forecasts to " + output);
    }
    return 0;
  }

  /**
   * The cleaned observed rows followed by the raw rows from {@code observed} on (their known-future
   * inputs; the target is empty there), with the dates of {@code raw}.
   */
  private static SeriesTable withRowsAfter(SeriesTable cleaned, SeriesTable raw, int observed) {
    if (observed == raw.rows()) {
      return cleaned;
    }
    if (cleaned.rows() != observed) {
      throw new UserInputException("the rows before the forecast may not be dropped when known-future inputs"
          + " follow them; use --missing interpolate or ffill");
    }
    Map<String, double[]> columns = new java.util.LinkedHashMap<>();
    for (String c : raw.columnNames()) {
      double[] v = raw.column(c);
      System.arraycopy(cleaned.column(c), 0, v, 0, observed);
      columns.put(c, v);
    }
    SeriesTable t = SeriesTable.of(columns);
    if (raw.hasDates()) {
      return t.withDates(raw.dateColumnName(), raw.dates());
    }
    if (raw.hasDateColumn()) {
      String[] labels = new String[raw.rows()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = raw.rowLabel(i);
      }
      return t.withDateLabels(raw.dateColumnName(), labels);
    }
    return t;
  }

  /** Forecasts of a model saved before forecast frames: the standardized level with a Scaler. */
  private static double[] levelForecasts(Model model, Scaler scaler, SeriesTable table, List<String> features,
      String target, int[] origins, int lookback) {
    SeriesTable scaled = scaler.transform(table);
    int f = features.size();
    float[] x = new float[origins.length * lookback * f];
    for (int w = 0; w < origins.length; w++) {
      for (int s = 0; s < lookback; s++) {
        for (int j = 0; j < f; j++) {
          x[(w * lookback + s) * f + j] = (float) scaled.value(features.get(j), origins[w] - lookback + s);
        }
      }
    }
    return scaler.inverse(target, model.predict(new Tensor(x, origins.length, lookback, f)).data());
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
