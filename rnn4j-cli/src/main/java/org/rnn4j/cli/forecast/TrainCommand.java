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
import org.rnn4j.data.BaselineForecast;
import org.rnn4j.data.Baselines;
import org.rnn4j.data.ChronologicalSplit;
import org.rnn4j.data.DataException;
import org.rnn4j.data.MissingValues;
import org.rnn4j.data.Scaler;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.data.WindowSpec;
import org.rnn4j.data.Windows;
import org.rnn4j.forecast.ForecastFrame;
import org.rnn4j.forecast.ForecastScores;
import org.rnn4j.forecast.Forecaster;
import org.rnn4j.forecast.Frequency;
import org.rnn4j.forecast.IntervalScores;
import org.rnn4j.internal.kernels.KernelProvider;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Loss;
import org.rnn4j.train.Adam;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.History;
import org.rnn4j.train.TrainingListener;
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

  /** Validation windows needed before --transform auto compares frames (one window is noise). */
  static final int MIN_CHOICE_WINDOWS = 10;

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
      description = "Column with dates: 2012-01-31, 2012-01, 2012Q1 or date-times (default: one named"
          + " date/ds/timestamp/month/week/quarter/period, if present).")
  String dateColumn;

  @Option(names = "--unit", paramLabel = "TEXT",
      description = "Unit of the target for the chart's axis (default for the embedded data: °C).")
  String unit;

  @Option(names = "--lookback", paramLabel = "N",
      description = "Past steps each forecast sees (default: two seasons, at most a third of the training rows).")
  Integer lookback;

  @Option(names = "--horizon", defaultValue = "1", description = "Steps ahead to forecast (default: ${DEFAULT-VALUE}).")
  int horizon;

  @Option(names = "--transform", defaultValue = "auto", paramLabel = "NAME",
      description = {"The frame the network learns in: change (each window relative to its last value), log-change"
          + " (relative changes, positive series), level (standardized values) or auto: each is tried and the"
          + " lowest validation MAE wins (default: ${DEFAULT-VALUE})."})
  String transform;

  @Option(names = "--intervals",
      description = "Also forecast the 0.1, 0.5 and 0.9 quantiles (pinball loss): an 80% interval around the median.")
  boolean intervals;

  @Option(names = "--quantiles", split = ",", paramLabel = "Q1,Q2,...",
      description = "The quantile levels to forecast, each in (0, 1), e.g. 0.05,0.5,0.95 (implies --intervals;"
          + " 0.5 is added if missing).")
  List<Float> quantiles;

  @Option(names = "--ensemble", defaultValue = "3", paramLabel = "K",
      description = "Networks (seeds) averaged in the forecast (default: ${DEFAULT-VALUE}).")
  int ensemble;

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

  @Option(names = "--epochs", paramLabel = "N",
      description = "Maximum passes over the training data (default: 100, more when there are few windows:"
          + " at least 3000 updates, at most 1000 passes).")
  Integer epochs;

  @Option(names = "--batch-size", defaultValue = "32", description = "Windows per update (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--lr", defaultValue = "0.003", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  float lr;

  @Option(names = "--clip-norm", defaultValue = "1.0", description = "Clip the gradient norm to this, 0 = off (default: ${DEFAULT-VALUE}).")
  float clipNorm;

  @Option(names = "--patience", paramLabel = "N",
      description = "Stop after this many epochs without validation improvement; the best epoch is kept (default:"
          + " 10, more when there are few windows: at least 300 updates).")
  Integer patience;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of all randomness; ensemble member k uses seed + k (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--scaler", defaultValue = "standard",
      description = "standard or minmax: the scaling of the level frame, fitted on the training part (default: ${DEFAULT-VALUE}).")
  String scaler;

  @Option(names = "--missing", defaultValue = "interpolate",
      description = "Missing values: interpolate, ffill, drop or fail (default: ${DEFAULT-VALUE}); what is filled is reported.")
  String missing;

  @Option(names = "--split", defaultValue = "0.7,0.15,0.15", split = ",",
      description = "Train, validation, test fractions of the rows, in time order (default: ${DEFAULT-VALUE}).")
  List<Double> split;

  @Option(names = "--test-rows", paramLabel = "N",
      description = "The last N rows are the test part (instead of --split's fractions).")
  Integer testRows;

  @Option(names = "--validation-rows", paramLabel = "N",
      description = "The N rows before the test part are the validation part (default with --test-rows: 15% of"
          + " the rest, at least the horizon).")
  Integer validationRows;

  @Option(names = "--season", defaultValue = "auto", paramLabel = "N|auto",
      description = "Rows per season, for the seasonal naive baseline, MASE and the default lookback (default: from"
          + " the dates: hourly 24, daily 7, weekly 52, monthly 12, quarterly 4, yearly 1; 1 without dates).")
  String season;

  @Option(names = "--report", paramLabel = "FILE.json",
      description = "Also write the scores (model and baselines, per step) as JSON.")
  Path report;

  @Option(names = "--out", defaultValue = "runs/forecast", paramLabel = "DIR",
      description = "Folder for the model, history and charts (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--resume", description = "Resume from the networks and checkpoint left in --out by an interrupted run.")
  boolean resume;

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    checkOptions();
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
    // 2. season, split, lookback
    Frequency frequency = ForecastSetup.frequency(table);
    int m = ForecastSetup.season(season, frequency);
    o.println("season: " + m + " rows" + ("auto".equalsIgnoreCase(season.trim())
        ? " (" + (frequency.name().equals("rows") ? "no dates: no season" : frequency.name() + " dates") + ")"
        : " (--season)"));
    ChronologicalSplit.RowRanges ranges = ForecastSetup.ranges(table.rows(), splitOf(split), testRows,
        validationRows, horizon);
    int look = lookback != null ? lookback : ForecastSetup.defaultLookback(m, ranges.trainTo(), horizon);
    ForecastSetup.requireWindows(ranges, look, horizon, lookback == null);
    List<ForecastFrame.Kind> frames = ForecastSetup.frames(transform);
    List<Float> levels = ForecastSetup.levels(intervals, quantiles);
    CellType cellType = parseCell(cell);
    String cellName = cellType.name().replace("_TANH", "");
    Scaler.Method scaleMethod = scalerMethod(scaler);
    if (scaleMethod != Scaler.Method.STANDARD && !frames.equals(List.of(ForecastFrame.Kind.LEVEL))) {
      o.println("note: --scaler applies to the level frame only; the change frames scale by the mean one-step"
          + " change");
    }
    Scaler sc = Scaler.fit(scaleMethod, table, columns, 0, ranges.trainTo());
    if (!sc.constantColumns().isEmpty()) {
      o.println("note: constant columns in the training part (they carry no information): "
          + sc.constantColumns());
    }
    if (sc.isConstant(targetName)) {
      throw new UserInputException("the target '" + targetName + "' is constant over the training part: there is"
          + " nothing to learn; choose another target or more data");
    }
    o.printf(Locale.ROOT, "rows: %d train, %d validation, %d test; lookback %d%s, horizon %d%n",
        ranges.trainRows(), ranges.validationRows(), ranges.testRows(), look, lookback == null ? " (auto)" : "",
        horizon);
    // 3. fit: each candidate frame, then the ensemble in the winner
    Files.createDirectories(out);
    Path work = out.resolve("work");
    if (!resume && Files.isDirectory(work)) {
      try (var files = Files.list(work)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(p);
        }
      }
    }
    Files.createDirectories(work);
    // Small series have a few windows, so a pass is one or two updates: budgets count updates there.
    int trainWindows = ranges.trainTo() - look - horizon + 1;
    int updatesPerEpoch = (trainWindows + batchSize - 1) / batchSize;
    int maxEpochs = epochs != null ? epochs : Math.min(1000, Math.max(100, ceilDiv(1000, updatesPerEpoch)));
    int stopAfter = patience != null ? patience : Math.max(10, ceilDiv(100, updatesPerEpoch));
    FitOptions options = FitOptions.builder().epochs(maxEpochs).batchSize(batchSize)
        .optimizer(new Adam(lr, 0.9f, 0.999f, 1e-8f, 0f, false)).seed(seed).clipNorm(clipNorm)
        .earlyStopping(stopAfter).restoreBest(true).metrics("mae").build();
    int nf = feats.size();
    Forecaster.Settings settings = new Forecaster.Settings(feats, targetName, look, horizon, frames, ensemble,
        s -> Sequential.features(nf)
            .recurrent(cellType, hidden, r -> r.numLayers(layers).bidirectional(bidirectional))
            .dropout(dropout)
            .dense(horizon * Math.max(1, levels.size()))
            .loss(levels.isEmpty() ? Loss.MSE : Loss.quantile(levels))
            .build(s), options, work, MIN_CHOICE_WINDOWS, levels);
    o.print(settings.networks().apply(seed).summary());
    o.println("kernels: " + KernelProvider.get().name());
    long t0 = System.nanoTime();
    Forecaster.Fit fit;
    try {
      fit = Forecaster.fit(settings, table, ranges.trainTo(), ranges.validationTo(), new FitLines(o, seed));
    } catch (DataException e) {
      throw new UserInputException(e.getMessage());
    }
    Forecaster forecaster = fit.forecaster();
    double seconds = (System.nanoTime() - t0) / 1e9;
    o.printf(Locale.ROOT, "transform: %s%s%n", forecaster.frame().describe(), fit.chosen()
        ? " (lowest validation MAE of " + fit.candidates().size() + ")"
        : frames.size() == 1 ? " (--transform)"
        : fit.validationWindows() >= MIN_CHOICE_WINDOWS ? " (the only candidate that applies: log-change needs a"
            + " positive series)"
        : " (not chosen: the validation part holds " + fit.validationWindows() + " window"
            + (fit.validationWindows() > 1 ? "s" : "") + ", fewer than " + MIN_CHOICE_WINDOWS + " to choose by)");
    o.printf(Locale.ROOT, "trained %d network%s in %.1f s; ensemble of %d: validation MAE %.4f%n",
        fit.histories().size(), fit.histories().size() > 1 ? "s" : "", seconds, forecaster.members().size(),
        fit.ensembleMae());
    // 4. evaluate on the test part, in the target's own units
    Windows test;
    try {
      test = Windows.of(table, feats, targetName, new WindowSpec(look, horizon, 1), ranges.validationTo(),
          table.rows());
    } catch (DataException e) {
      throw new UserInputException(e.getMessage());
    }
    double[] predicted = forecaster.forecast(table, test.targetStarts());
    double[] actual = Baselines.actual(table, test);
    double scale = ForecastScores.seasonalScale(table.column(targetName), ranges.validationTo(), m);
    List<BaselineForecast> baselines = new ArrayList<>();
    baselines.add(Baselines.persistence(table, test));
    if (m > 1) {
      baselines.add(Baselines.seasonalNaive(table, test, m));
    }
    baselines.add(Baselines.drift(table, test, 0, ranges.validationTo()));
    baselines.add(Baselines.trainingMean(table, test, 0, ranges.validationTo()));
    String modelName = cellName + ", " + forecaster.frame().kind().id()
        + (forecaster.members().size() > 1 ? ", " + forecaster.members().size() + " seeds" : "") + " (this model)";
    ForecastReport rep = ForecastReport.of(modelName, predicted, baselines, actual, horizon, scale, m);
    o.println();
    o.printf(Locale.ROOT, "test set: %d windows, %s in its own units; MASE scale %.4g (training MAE of the"
        + " value %d row%s earlier)%n", test.count(), targetName, scale, m, m > 1 ? "s" : "");
    rep.print(o);
    double[] lower = null;
    double[] upper = null;
    IntervalScores intervalScores = null;
    if (!levels.isEmpty()) {
      int nq = levels.size();
      double[] qs = forecaster.forecastQuantiles(table, test.targetStarts()); // [N, H, Q]
      intervalScores = IntervalScores.of(qs, levels, actual);
      o.printf(Locale.ROOT, "  quantiles %s (half-widths x %.3f, calibrated on the validation part): %s%n", levels,
          forecaster.intervalScale(), intervalScores);
      lower = new double[actual.length];
      upper = new double[actual.length];
      for (int i = 0; i < actual.length; i++) {
        lower[i] = qs[i * nq];
        upper[i] = qs[i * nq + nq - 1];
      }
    }
    // 5. save model, history, charts, report
    Path modelFile = out.resolve("model.rnn4j");
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("task", "forecast");
    meta.put("features", String.join(",", feats));
    meta.put("target", targetName);
    meta.put("lookback", Integer.toString(look));
    meta.put("horizon", Integer.toString(horizon));
    meta.put("season", Integer.toString(m));
    meta.put("frequency", frequency.name());
    meta.put("date_column", table.hasDateColumn() ? table.dateColumnName() : "");
    meta.put("missing", missing);
    meta.put("test_mae", Double.toString(rep.model().mae()));
    meta.put("test_rmse", Double.toString(rep.model().rmse()));
    meta.put("test_mase", Double.toString(rep.model().mase()));
    meta.putAll(forecaster.frame().toMap("frame."));
    if (!levels.isEmpty()) {
      meta.put("quantiles", ForecastSetup.levelsText(levels));
      meta.put("interval_scale", Double.toString(forecaster.intervalScale()));
    }
    ModelFiles.saveEnsemble(forecaster.members(), modelFile, meta);
    History history = fit.histories().get(fit.candidates().indexOf(forecaster.frame().kind()));
    Path historyCsv = out.resolve("history.csv");
    history.writeCsv(historyCsv);
    Path lossPng = out.resolve("loss.png");
    Charts.lossCurves(history, lossPng, "Training history: " + cellName + " forecaster of " + targetName
        + " (" + forecaster.frame().kind().id() + " frame, seed " + seed + ")");
    Path forecastPng = out.resolve("forecast.png");
    // horizon 1: every test window's forecast; longer horizons: the path from the first test origin (the
    // forecast from the end of the training rows), as a multi-step forecast is read
    int points = horizon == 1 ? test.count() : horizon;
    double[] chartPred = new double[points];
    double[] chartActual = new double[points];
    double[] chartLower = lower == null ? null : new double[points];
    double[] chartUpper = upper == null ? null : new double[points];
    List<LocalDate> dates = table.hasDates() ? new ArrayList<>() : null;
    for (int i = 0; i < points; i++) {
      int at = i; // [N, H] row-major: horizon 1 gives window i's step, longer horizons window 0's step i
      chartPred[i] = predicted[at];
      chartActual[i] = actual[at];
      if (lower != null) {
        chartLower[i] = lower[at];
        chartUpper[i] = upper[at];
      }
      if (dates != null) {
        dates.add(table.date(horizon == 1 ? test.targetStart(i) : test.targetStart(0) + i));
      }
    }
    Charts.forecastVsActual(dates, chartActual, chartPred, chartLower, chartUpper,
        intervalScores == null ? null : String.format(Locale.ROOT, "%.0f%% interval", 100 * intervalScores.nominal()),
        targetName, unit != null ? unit : embedded ? "°C" : null, forecastPng);
    if (report != null) {
      rep.writeJson(report, Map.of("data", source, "target", targetName, "frame", forecaster.frame().kind().id(),
          "season", m, "lookback", look, "horizon", horizon, "members", forecaster.members().size(),
          "validation_mae", fit.ensembleMae(), "quantiles", levels), intervalScores);
    }
    Files.deleteIfExists(work);
    o.println();
    o.println("wrote:");
    o.println("  model     " + modelFile);
    o.println("  history   " + historyCsv);
    o.println("  charts    " + lossPng + ", " + forecastPng);
    if (report != null) {
      o.println("  report    " + report);
    }
    o.println("forecast new data with: rnn4j forecast --model " + modelFile + " --data "
        + (embedded ? "YOUR.csv" : data));
    return 0;
  }

  /** Option values that are wrong on their own, before any work. */
  private void checkOptions() {
    ForecastSetup.atLeast("--horizon", horizon, 1);
    ForecastSetup.atLeast("--ensemble", ensemble, 1);
    ForecastSetup.atLeast("--hidden", hidden, 1);
    ForecastSetup.atLeast("--layers", layers, 1);
    if (epochs != null) {
      ForecastSetup.atLeast("--epochs", epochs, 1);
    }
    ForecastSetup.atLeast("--batch-size", batchSize, 1);
    if (patience != null) {
      ForecastSetup.atLeast("--patience", patience, 0);
    }
    if (lookback != null) {
      ForecastSetup.atLeast("--lookback", lookback, 1);
    }
    if (testRows != null) {
      ForecastSetup.atLeast("--test-rows", testRows, 1);
    }
    if (validationRows != null) {
      ForecastSetup.atLeast("--validation-rows", validationRows, 1);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new UserInputException("--dropout: expected a value in [0, 1), got " + dropout);
    }
    if (!(lr > 0) || Float.isInfinite(lr)) {
      throw new UserInputException("--lr: expected a positive learning rate, got " + lr);
    }
    if (!(clipNorm >= 0) || Float.isInfinite(clipNorm)) {
      throw new UserInputException("--clip-norm: expected 0 (off) or a positive norm, got " + clipNorm);
    }
  }

  /** One line per trained network instead of a progress bar per network. */
  private static final class FitLines implements Forecaster.Listener {
    private final PrintWriter out;
    private final long seed;

    FitLines(PrintWriter out, long seed) {
      this.out = out;
      this.seed = seed;
    }

    @Override
    public TrainingListener training(ForecastFrame.Kind frame, int member) {
      return new TrainingListener() {
        @Override
        public void message(String text) {
          if (text.startsWith("resumed")) {
            out.println("  " + text);
            out.flush();
          }
        }
      };
    }

    @Override
    public void candidate(ForecastFrame.Kind frame, double validationMae, History history) {
      out.printf(Locale.ROOT, "  %-10s seed %d: %s; validation MAE %.4f%n", frame.id(), seed, epochs(history),
          validationMae);
      out.flush();
    }

    @Override
    public void member(int member, double validationMae, History history) {
      out.printf(Locale.ROOT, "  %-10s seed %d: %s; validation MAE %.4f%n", "", seed + member, epochs(history),
          validationMae);
      out.flush();
    }

    private static String epochs(History h) {
      int best = 1;
      double bestLoss = Double.POSITIVE_INFINITY;
      double secs = 0;
      for (History.Epoch e : h.epochs()) {
        secs += e.seconds();
        if (e.validationLoss() < bestLoss) {
          bestLoss = e.validationLoss();
          best = e.epoch();
        }
      }
      return String.format(Locale.ROOT, "%d epochs (best %d), %.1f s", h.epochs().size(), best, secs);
    }
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
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
