package org.rnn4j.cli.forecast;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.charts.Charts;
import org.rnn4j.cli.data.CsvSeriesReader;
import org.rnn4j.cli.ui.ProgressListener;
import org.rnn4j.data.BaselineForecast;
import org.rnn4j.data.Baselines;
import org.rnn4j.data.ChronologicalSplit;
import org.rnn4j.data.MissingValues;
import org.rnn4j.data.Scaler;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.data.WindowSpec;
import org.rnn4j.data.Windows;
import org.rnn4j.internal.kernels.KernelProvider;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Loss;
import org.rnn4j.train.Adam;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.History;
import org.rnn4j.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rnn4j train}: the forecasting main job. Without arguments it trains an LSTM to forecast
 * Seattle's next-day maximum temperature from the last 30 days of all its numeric columns (the
 * embedded dataset); with {@code --data} it does the same on the user's CSV. It prints test MAE and
 * RMSE beside the naive baselines, saves the model (with its scaler and settings), a history CSV, and
 * two PNG charts, and says where. Not thread-safe (a command runs once).
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Train a recurrent forecaster on a time series and compare it with naive baselines.",
        "",
        "Without options: forecast tomorrow's maximum temperature in Seattle (embedded data, 2012-2015)",
        "from the last 30 days of all numeric columns. With --data: your CSV (a header row, one row per",
        "time step in time order, numeric columns; an optional date column).",
        "",
        "Example: rnn4j train --data sales.csv --target units --date-column day --lookback 14 --cell gru"})
public final class TrainCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", paramLabel = "CSV",
      description = "Your CSV file (default: the embedded Seattle weather data).")
  Path data;

  @Option(names = "--target", paramLabel = "COLUMN",
      description = "Column to forecast (default for the embedded data: temp_max).")
  String target;

  @Option(names = "--features", split = ",", paramLabel = "A,B",
      description = "Input columns (default: every numeric column, the target included).")
  List<String> features;

  @Option(names = "--date-column", paramLabel = "COLUMN",
      description = "Column with ISO dates (default: one named date/ds/timestamp, if present).")
  String dateColumn;

  @Option(names = "--unit", paramLabel = "TEXT",
      description = "Unit of the target for the chart's axis (default for the embedded data: °C).")
  String unit;

  @Option(names = "--lookback", defaultValue = "30", description = "Past steps each forecast sees (default: ${DEFAULT-VALUE}).")
  int lookback;

  @Option(names = "--horizon", defaultValue = "1", description = "Steps ahead to forecast (default: ${DEFAULT-VALUE}).")
  int horizon;

  @Option(names = "--cell", defaultValue = "lstm", description = "lstm, gru or rnn (default: ${DEFAULT-VALUE}).")
  String cell;

  @Option(names = "--hidden", defaultValue = "64", description = "Hidden units (default: ${DEFAULT-VALUE}).")
  int hidden;

  @Option(names = "--layers", defaultValue = "1", description = "Stacked recurrent layers (default: ${DEFAULT-VALUE}).")
  int layers;

  @Option(names = "--bidirectional", description = "Read each window in both directions.")
  boolean bidirectional;

  @Option(names = "--dropout", defaultValue = "0.0", description = "Dropout before the output layer (default: ${DEFAULT-VALUE}).")
  float dropout;

  @Option(names = "--epochs", defaultValue = "30", description = "Maximum passes over the training data (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "32", description = "Windows per update (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--lr", defaultValue = "0.003", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  float lr;

  @Option(names = "--clip-norm", defaultValue = "1.0", description = "Clip the gradient norm to this, 0 = off (default: ${DEFAULT-VALUE}).")
  float clipNorm;

  @Option(names = "--patience", defaultValue = "6",
      description = "Stop after this many epochs without validation improvement; the best epoch is kept (default: ${DEFAULT-VALUE}).")
  int patience;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of all randomness (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--scaler", defaultValue = "standard", description = "standard or minmax, fitted on the training part (default: ${DEFAULT-VALUE}).")
  String scaler;

  @Option(names = "--missing", defaultValue = "interpolate",
      description = "Missing values: interpolate, ffill, drop or fail (default: ${DEFAULT-VALUE}); what is filled is reported.")
  String missing;

  @Option(names = "--split", defaultValue = "0.7,0.15,0.15", split = ",",
      description = "Train, validation, test fractions of the rows, in time order (default: ${DEFAULT-VALUE}).")
  List<Double> split;

  @Option(names = "--season", defaultValue = "365",
      description = "Rows per season for the 'same time last season' baseline (default: ${DEFAULT-VALUE}).")
  int season;

  @Option(names = "--out", defaultValue = "runs/forecast", paramLabel = "DIR",
      description = "Folder for the model, history and charts (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--resume", description = "Resume from the checkpoint in --out if there is one.")
  boolean resume;

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    boolean embedded = data == null;
    String targetName = target != null ? target : embedded ? "temp_max" : null;
    if (targetName == null) {
      throw new UserInputException("--target is required with --data: name the column to forecast");
    }
    // 1. read and clean
    List<String> wanted = null;
    if (features != null) {
      wanted = new ArrayList<>(features);
      if (!wanted.contains(targetName)) {
        wanted.add(targetName);
      }
    }
    CsvSeriesReader.Result read = embedded ? CsvSeriesReader.readEmbedded("seattle_weather", wanted, null)
        : CsvSeriesReader.read(data, wanted, dateColumn);
    for (String note : read.notes()) {
      o.println("note: " + note);
    }
    SeriesTable raw = read.table();
    if (!raw.hasColumn(targetName)) {
      throw new UserInputException("--target: no numeric column named '" + targetName + "'; the data has "
          + raw.columnNames());
    }
    String source = embedded ? "embedded Seattle daily weather 2012-2015 (see its NOTICE)" : data.toString();
    List<String> feats = features != null ? features : raw.columnNames();
    List<String> columns = new ArrayList<>(feats);
    if (!columns.contains(targetName)) {
      columns.add(targetName);
    }
    MissingValues.Result cleaned;
    try {
      cleaned = MissingValues.parse(missing).apply(raw.select(columns));
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage());
    }
    SeriesTable table = cleaned.table();
    o.printf(Locale.ROOT, "data: %s, %d rows, features %s, target %s%n", source, table.rows(), feats,
        targetName);
    o.println(cleaned.report().summary());
    // 2. split, scale on the training part only, window
    ChronologicalSplit ratios = splitOf(split);
    WindowSpec ws;
    ChronologicalSplit.SplitWindows parts;
    Scaler sc;
    try {
      ws = new WindowSpec(lookback, horizon, 1);
      ChronologicalSplit.RowRanges ranges = ratios.ranges(table.rows());
      sc = Scaler.fit(scalerMethod(scaler), table, columns, 0, ranges.trainTo());
      parts = ratios.windows(sc.transform(table), feats, targetName, ws);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage());
    }
    if (!sc.constantColumns().isEmpty()) {
      o.println("note: constant columns in the training part (they carry no information): "
          + sc.constantColumns());
    }
    if (sc.isConstant(targetName)) {
      throw new UserInputException("the target '" + targetName + "' is constant over the training part: there is"
          + " nothing to learn; choose another target or more data");
    }
    o.printf(Locale.ROOT, "windows: %d train, %d validation, %d test (lookback %d, horizon %d)%n",
        parts.train().count(), parts.validation().count(), parts.test().count(), lookback, horizon);
    if (parts.train().count() == 0 || parts.validation().count() == 0 || parts.test().count() == 0) {
      throw new UserInputException("too few rows (" + table.rows() + ") for train/validation/test windows of"
          + " lookback " + lookback + " and horizon " + horizon + "; use more data or a shorter --lookback");
    }
    // 3. model
    CellType cellType = parseCell(cell);
    Model model = Sequential.features(feats.size())
        .recurrent(cellType, hidden, r -> r.numLayers(layers).bidirectional(bidirectional))
        .dropout(dropout)
        .dense(horizon)
        .loss(Loss.MSE)
        .build(seed);
    o.print(model.summary());
    o.println("kernels: " + KernelProvider.get().name());
    // 4. fit
    Files.createDirectories(out);
    Path checkpoint = out.resolve("checkpoint.safetensors");
    if (!resume) {
      Files.deleteIfExists(checkpoint);
    }
    FitOptions options = FitOptions.builder().epochs(epochs).batchSize(batchSize)
        .optimizer(new Adam(lr, 0.9f, 0.999f, 1e-8f, 0f, false)).seed(seed).clipNorm(clipNorm)
        .earlyStopping(patience).restoreBest(true).checkpoint(checkpoint).metrics("mae", "rmse").build();
    long t0 = System.nanoTime();
    History history = Trainer.fit(model, parts.train().dataset(), parts.validation().dataset(), options,
        ProgressListener.forConsole());
    double seconds = (System.nanoTime() - t0) / 1e9;
    o.printf(Locale.ROOT, "trained in %.1f s%s%n", seconds,
        history.stopReason().isEmpty() ? "" : " (" + history.stopReason() + ")");
    // 5. evaluate on the test part, in the target's own units
    Windows test = parts.test();
    float[] scaledPred = model.predict(test.dataset()).data();
    double[] predicted = sc.inverse(targetName, scaledPred);
    double[] actual = Baselines.actual(table, test);
    double mae = Baselines.mae(predicted, actual);
    double rmse = Baselines.rmse(predicted, actual);
    o.println();
    o.printf(Locale.ROOT, "test set: %d windows, %s in its own units%n", test.count(), targetName);
    o.printf(Locale.ROOT, "  %-42s %10s %10s%n", "forecaster", "MAE", "RMSE");
    o.printf(Locale.ROOT, "  %-42s %10.4f %10.4f%n", cellType.name().replace("_TANH", "") + " (this model)",
        mae, rmse);
    List<BaselineForecast> baselines = new ArrayList<>();
    baselines.add(Baselines.persistence(table, test));
    baselines.add(Baselines.seasonalNaive(table, test, season));
    baselines.add(Baselines.trainingMean(table, test, 0, ratios.ranges(table.rows()).trainTo()));
    boolean beatsAll = true;
    for (BaselineForecast b : baselines) {
      if (b.availableCount() == 0) {
        o.printf(Locale.ROOT, "  %-42s %10s %10s%n", b.name(), "n/a", "n/a (not enough history)");
        continue;
      }
      boolean[] avail = b.available();
      double bm = Baselines.mae(b.predictions(), actual, horizon, avail);
      double br = Baselines.rmse(b.predictions(), actual, horizon, avail);
      double ourOnSame = Baselines.mae(predicted, actual, horizon, avail);
      beatsAll &= ourOnSame < bm;
      o.printf(Locale.ROOT, "  %-42s %10.4f %10.4f%s%n", b.name(), bm, br,
          b.isComplete() ? "" : String.format(Locale.ROOT, "   (on the %d windows it covers; ours there: MAE %.4f)",
              b.availableCount(), ourOnSame));
    }
    o.println(beatsAll ? "the model beats every baseline on test MAE"
        : "the model does NOT beat every baseline on test MAE");
    // 6. save model, history, charts
    Path modelFile = out.resolve("model.rnn4j");
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("task", "forecast");
    meta.put("features", String.join(",", feats));
    meta.put("target", targetName);
    meta.put("lookback", Integer.toString(lookback));
    meta.put("horizon", Integer.toString(horizon));
    meta.put("date_column", table.hasDateColumn() ? table.dateColumnName() : "");
    meta.put("missing", missing);
    meta.put("test_mae", Double.toString(mae));
    meta.put("test_rmse", Double.toString(rmse));
    meta.put("epochs_run", Integer.toString(history.epochs().size()));
    meta.putAll(sc.toMap("scaler."));
    ModelFiles.save(model, modelFile, meta);
    Path historyCsv = out.resolve("history.csv");
    history.writeCsv(historyCsv);
    Path lossPng = out.resolve("loss.png");
    Charts.lossCurves(history, lossPng, "Training history: " + cellType.name().replace("_TANH", "")
        + " forecaster of " + targetName);
    Path forecastPng = out.resolve("forecast.png");
    double[] firstStepPred = firstStep(predicted, horizon);
    double[] firstStepActual = firstStep(actual, horizon);
    List<LocalDate> dates = null;
    if (table.hasDates()) {
      dates = new ArrayList<>();
      for (int i = 0; i < test.count(); i++) {
        dates.add(table.date(test.targetStart(i)));
      }
    }
    Charts.forecastVsActual(dates, firstStepActual, firstStepPred, targetName,
        unit != null ? unit : embedded ? "°C" : null, forecastPng);
    Files.deleteIfExists(checkpoint);
    o.println();
    o.println("wrote:");
    o.println("  model     " + modelFile);
    o.println("  history   " + historyCsv);
    o.println("  charts    " + lossPng + ", " + forecastPng);
    o.println("forecast new data with: rnn4j forecast --model " + modelFile + " --data "
        + (embedded ? "YOUR.csv" : data));
    return 0;
  }

  private static double[] firstStep(double[] v, int horizon) {
    double[] r = new double[v.length / horizon];
    for (int i = 0; i < r.length; i++) {
      r[i] = v[i * horizon];
    }
    return r;
  }

  static Scaler.Method scalerMethod(String s) {
    switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "standard":
        return Scaler.Method.STANDARD;
      case "minmax":
      case "min_max":
        return Scaler.Method.MIN_MAX;
      default:
        throw new UserInputException("--scaler: expected standard or minmax, got '" + s + "'");
    }
  }

  static CellType parseCell(String s) {
    try {
      return CellType.parse(s);
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--cell: expected lstm, gru or rnn, got '" + s + "'");
    }
  }

  private static ChronologicalSplit splitOf(List<Double> f) {
    if (f.size() != 3) {
      throw new UserInputException("--split: expected three fractions train,validation,test, got " + f);
    }
    try {
      return new ChronologicalSplit(f.get(0), f.get(1), f.get(2));
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--split: " + e.getMessage());
    }
  }

}
