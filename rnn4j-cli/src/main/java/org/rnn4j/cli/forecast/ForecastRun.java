package org.rnn4j.cli.forecast;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rnn4j.Model;
import org.rnn4j.Tensor;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.data.CsvSeriesReader;
import org.rnn4j.data.DataException;
import org.rnn4j.data.MissingValues;
import org.rnn4j.data.Scaler;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.forecast.ForecastFrame;
import org.rnn4j.forecast.Forecaster;
import org.rnn4j.forecast.Frequency;
import org.rnn4j.io.ModelFiles;

/**
 * The forecasts a model saved by {@code rnn4j train} makes for new data, as a table: what {@code rnn4j
 * forecast} writes as CSV and {@code rnn4j serve} answers as JSON, so the two give the same numbers.
 * For every position with enough history it forecasts the next steps (with {@code lastOnly}, only those
 * after the end of the data). Thread-safe: stateless (the model's predictions take turns on it).
 */
public final class ForecastRun {
  private ForecastRun() {}

  /** Where the series come from: a CSV file or CSV text, one series or the long format of a global model. */
  public interface Series {
    /** Names the data in messages. */
    String name();

    /** One series with every numeric column. */
    CsvSeriesReader.Result read(String dateColumn);

    /** The series of a long-format table, by id. */
    Map<String, CsvSeriesReader.Result> readLong(String idColumn, String dateColumn);

    /** A CSV file. */
    static Series of(Path file) {
      return new Series() {
        @Override
        public String name() {
          return file.toString();
        }

        @Override
        public CsvSeriesReader.Result read(String dateColumn) {
          return CsvSeriesReader.read(file, null, dateColumn);
        }

        @Override
        public Map<String, CsvSeriesReader.Result> readLong(String idColumn, String dateColumn) {
          return CsvSeriesReader.readLong(file, idColumn, null, dateColumn);
        }
      };
    }

    /** CSV text named {@code name} in messages. */
    static Series ofText(String text, String name) {
      return new Series() {
        @Override
        public String name() {
          return name;
        }

        @Override
        public CsvSeriesReader.Result read(String dateColumn) {
          return CsvSeriesReader.parse(text, name, null, dateColumn);
        }

        @Override
        public Map<String, CsvSeriesReader.Result> readLong(String idColumn, String dateColumn) {
          return CsvSeriesReader.parseLong(text, name, idColumn, null, dateColumn);
        }
      };
    }
  }

  /**
   * The forecasts: {@code header} (id for a global model, origin, step, date when dated, the forecast,
   * one column per quantile level, the actual value), one row of cells per origin and step (numbers
   * with four decimals, an empty actual when unknown), and notes on filled or dropped rows.
   */
  public record Table(List<String> header, List<List<String>> rows, List<String> notes) {}

  /**
   * Forecasts with a loaded model.
   *
   * @param modelFile names the model in messages
   * @param horizon   steps ahead (at most the model's horizon), or null for all of them
   * @throws UserInputException for a model that is not a forecaster and for data it cannot read
   */
  public static Table forecast(ModelFiles.Loaded loaded, String modelFile, Series data, Integer horizon,
      boolean lastOnly) {
    List<String> notes = new java.util.ArrayList<>();
    Map<String, String> meta = loaded.metadata();
    if (!"forecast".equals(meta.get("task"))) {
      throw new UserInputException(modelFile + ": this model was not trained by 'rnn4j train' for forecasting"
          + " (its task is " + ModelFiles.describeTask(meta) + ")");
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
    List<String> ids;
    try {
      ids = global ? List.of(new com.fasterxml.jackson.databind.ObjectMapper()
          .readValue(meta.get("series_ids"), String[].class)) : List.of("");
    } catch (java.io.IOException e) {
      throw new UserInputException(modelFile + ": unreadable series_ids in the model's metadata: " + e.getMessage());
    }
    Map<String, SeriesTable> inputs = new java.util.LinkedHashMap<>();
    if (global) {
      for (Map.Entry<String, CsvSeriesReader.Result> e : data.readLong(meta.get("id_column"),
          dateCol.isEmpty() ? null : dateCol).entrySet()) {
        if (!ids.contains(e.getKey())) {
          throw new UserInputException(data + ": series '" + e.getKey() + "' is not one the model was trained on;"
              + " it knows " + ids);
        }
        inputs.put(e.getKey(), e.getValue().table());
      }
    } else {
      inputs.put("", data.read(dateCol.isEmpty() ? null : dateCol).table());
    }
    List<Float> levels = ForecastSetup.parseLevels(meta.get("quantiles"));
    int nq = Math.max(1, levels.size());
    int median = levels.isEmpty() ? 0 : levels.indexOf(0.5f);
    List<String> header = new java.util.ArrayList<>();
    List<List<String>> rows = new java.util.ArrayList<>();
    for (Map.Entry<String, SeriesTable> in : inputs.entrySet()) {
      String where = global ? data.name() + " (series '" + in.getKey() + "')" : data.name();
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
          notes.add(r.report().summary());
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
                ForecastSetup.intervalScales(meta, trained))
                .forecastQuantiles(table, origins)
            : levelForecasts(model, Scaler.fromMap(meta, "scaler."), table, features, target, origins, lookback);
      } catch (DataException e) {
        throw new UserInputException(where + ": " + e.getMessage());
      } catch (IllegalArgumentException e) {
        throw new UserInputException(modelFile + ": the model does not fit the data: " + e.getMessage());
      }
      Frequency frequency = ForecastSetup.frequency(table);
      boolean dated = table.hasDateColumn() && !frequency.name().equals("rows");
      if (header.isEmpty()) {
        if (global) {
          header.add("id");
        }
        header.addAll(List.of("origin", "step"));
        if (dated) {
          header.add("date");
        }
        header.add(target + "_forecast");
        for (float q : levels) {
          header.add(target + "_q" + q);
        }
        header.add(target + "_actual");
      }
      int lastRow = table.rows() - 1;
      for (int w = 0; w < n; w++) {
        int end = origins[w];
        for (int k = 0; k < h; k++) {
          int row = end + k;
          int at = (w * trained + k) * nq;
          List<String> cells = new java.util.ArrayList<>(header.size());
          if (global) {
            cells.add(in.getKey());
          }
          cells.add(table.rowLabel(end - 1));
          cells.add(Integer.toString(k + 1));
          if (dated) {
            cells.add(row <= lastRow ? table.rowLabel(row) : frequency.after(table.rowLabel(lastRow), row - lastRow));
          }
          cells.add(fmt(forecasts[at + median]));
          for (int j = 0; j < levels.size(); j++) {
            cells.add(fmt(forecasts[at + j]));
          }
          cells.add(hasTarget && row < observed ? fmt(table.value(target, row)) : "");
          rows.add(cells);
        }
      }
    }
    return new Table(header, rows, notes);
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
