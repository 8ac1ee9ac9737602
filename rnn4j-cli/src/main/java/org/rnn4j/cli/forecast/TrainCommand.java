package org.rnn4j.cli.forecast;

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
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.charts.ForecastChart;
import org.rnn4j.cli.charts.LossChart;
import org.rnn4j.cli.options.OutputOptions;
import org.rnn4j.cli.options.OutputPath;
import org.rnn4j.cli.options.Range;
import org.rnn4j.cli.options.ResumeMayChange;
import org.rnn4j.data.BaselineForecast;
import org.rnn4j.data.Baselines;
import org.rnn4j.data.ChronologicalSplit;
import org.rnn4j.data.DataException;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.data.WindowSpec;
import org.rnn4j.data.Windows;
import org.rnn4j.forecast.ForecastScores;
import org.rnn4j.forecast.Forecaster;
import org.rnn4j.forecast.Frequency;
import org.rnn4j.forecast.IntervalScores;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.train.History;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
        "Train a recurrent forecaster and compare it with naive baselines.",
        "",
        "Without options: forecast tomorrow's maximum temperature in Seattle",
        "(embedded data, 2012-2015) from the last 14 days of all numeric columns.",
        "With --data: your CSV (a header row, one row per time step in time order,",
        "numeric columns; an optional date column).",
        "",
        "Example:",
        "  rnn4j train --data sales.csv --target units --date-column day --cell gru"})
public final class TrainCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  ForecasterOptions opts;

  @Mixin
  OutputOptions output = new OutputOptions("runs/forecast");

  @ResumeMayChange
  @Option(names = "--unit", paramLabel = "TEXT",
      description = "Unit of the target for the chart's axis (default for the embedded data: °C).")
  String unit;

  @Mixin
  SplitOptions split = new SplitOptions();

  @Option(names = "--id-column", paramLabel = "COLUMN",
      description = "Long-format data (one row per series and step, e.g. id,date,value): train one global model"
          + " for every series of this column, each split and normalized on its own.")
  String idColumn;

  @Option(names = "--id-embedding",
      description = "With --id-column: also give the network each series' one-hot id, so that it can learn what"
          + " is particular to each series (a per-series embedding).")
  boolean idEmbedding;

  @OutputPath(folder = false)
  @ResumeMayChange
  @Option(names = "--report", paramLabel = "FILE.json",
      description = "Also write the scores (model and baselines, per step) as JSON.")
  Path report;



  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    opts.check();
    split.check();
    if (idColumn != null) {
      return GlobalTrain.run(o, opts, idColumn, idEmbedding, split.fractions(), split.testRows, output, report);
    }
    if (idEmbedding) {
      throw new UserInputException("--id-embedding: needs --id-column (a long-format file of many series)");
    }
    int horizon = opts.series.horizon;
    long seed = opts.training.seed;
    String missing = opts.missing;
    Path data = opts.series.data;
    // 1. read and clean; season, split, lookback
    ForecasterOptions.Plan plan = opts.plan(o, split);
    ForecasterOptions.Prepared p = plan.data();
    SeriesTable table = p.table();
    List<String> feats = p.features();
    String targetName = p.target();
    String source = p.source();
    boolean embedded = p.embedded();
    Frequency frequency = p.frequency();
    int m = p.season();
    ChronologicalSplit.RowRanges ranges = plan.ranges();
    int look = plan.lookback();
    List<Float> levels = opts.levels();
    String cellName = opts.cellName();
    if (ranges.validationRows() == 0) {
      o.println("note: no validation part: the " + ranges.trainRows() + " rows before the test part are too few to"
          + " hold a training window and a validation window of horizon " + horizon + "; training uses them all"
          + " with a fixed budget (early stopping on the training loss)");
    }
    o.printf(Locale.ROOT, "rows: %d train, %d validation, %d test; lookback %d%s, horizon %d%n",
        ranges.trainRows(), ranges.validationRows(), ranges.testRows(), look, opts.autoLookback() ? " (auto)" : "",
        horizon);
    // 2. fit: each candidate frame, then the ensemble in the winner
    Path work = output.start("work");
    Files.createDirectories(work);
    Forecaster.Settings settings = opts.settings(p, look, ranges.trainTo(), work);
    opts.printNetwork(o, settings);
    Forecaster.Fit fit = opts.fit(o, p, settings, ranges.trainTo(), ranges.validationTo(), false);
    Forecaster forecaster = fit.forecaster();
    // 3. evaluate on the test part, in the target's own units
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
    List<BaselineForecast> baselines = ForecastSetup.baselines(table, test, ranges.validationTo(), m);
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
      o.printf(Locale.ROOT, "  quantiles %s (half-widths x %s, calibrated on the validation and training parts): %s%n", levels,
          Forecaster.scalesText(forecaster.intervalScales()), intervalScores);
      lower = new double[actual.length];
      upper = new double[actual.length];
      for (int i = 0; i < actual.length; i++) {
        lower[i] = qs[i * nq];
        upper[i] = qs[i * nq + nq - 1];
      }
    }
    // 4. save model, history, charts, report
    Path modelFile = output.out.resolve("model.rnn4j");
    Map<String, String> meta = ForecastSetup.modelMeta(feats, targetName, look, horizon, m, frequency, table,
        missing, levels, forecaster.intervalScales());
    meta.put("test_mae", Double.toString(rep.model().mae()));
    meta.put("test_rmse", Double.toString(rep.model().rmse()));
    meta.put("test_mase", Double.toString(rep.model().mase()));
    meta.putAll(forecaster.frame().toMap("frame."));
    ModelFiles.saveEnsemble(forecaster.members(), modelFile, meta);
    History history = fit.histories().get(fit.candidates().indexOf(forecaster.frame().kind()));
    Path historyCsv = output.out.resolve("history.csv");
    history.writeCsv(historyCsv);
    Path lossPng = output.out.resolve("loss.png");
    LossChart.lossCurves(history, lossPng, "Training history: " + cellName + " forecaster of " + targetName
        + " (" + forecaster.frame().kind().id() + " frame, seed " + seed + ")");
    Path forecastPng = output.out.resolve("forecast.png");
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
    ForecastChart.forecastVsActual(dates, chartActual, chartPred, chartLower, chartUpper,
        intervalScores == null ? null : String.format(Locale.ROOT, "%.0f%% interval", 100 * intervalScores.nominal()),
        targetName, unit != null ? unit : embedded ? "°C" : null, forecastPng);
    if (report != null) {
      Map<String, Object> settingsJson = new LinkedHashMap<>(Map.of("data", source, "target", targetName, "frame",
          forecaster.frame().kind().id(), "season", m, "lookback", look, "horizon", horizon, "members",
          forecaster.members().size(), "quantiles", levels));
      settingsJson.put("validation_mae", Double.isNaN(fit.ensembleMae()) ? null : fit.ensembleMae());
      rep.writeJson(report, settingsJson, intervalScores);
    }
    output.finish(work);
    Files.deleteIfExists(work);
    o.println();
    OutputOptions.printWritten(o, "model", modelFile, "history", historyCsv, "charts", lossPng + ", " + forecastPng,
        "report", report);
    o.println("forecast new data with: rnn4j forecast --model " + modelFile + " --data "
        + (embedded ? "YOUR.csv" : data));
    return 0;
  }


}
