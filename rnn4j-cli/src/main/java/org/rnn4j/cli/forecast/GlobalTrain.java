package org.rnn4j.cli.forecast;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.data.CsvSeriesReader;
import org.rnn4j.cli.options.OutputOptions;
import org.rnn4j.data.BaselineForecast;
import org.rnn4j.data.Baselines;
import org.rnn4j.data.ChronologicalSplit;
import org.rnn4j.data.DataException;
import org.rnn4j.data.MissingValues;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.data.WindowSpec;
import org.rnn4j.data.Windows;
import org.rnn4j.forecast.ForecastFrame;
import org.rnn4j.forecast.ForecastScores;
import org.rnn4j.forecast.Forecaster;
import org.rnn4j.forecast.Frequency;
import org.rnn4j.forecast.GlobalForecaster;
import org.rnn4j.forecast.IntervalScores;
import org.rnn4j.io.ModelFiles;

/**
 * {@code rnn4j train --id-column ID}: one global model for every series of a long-format file, each
 * series split, normalized and scored on its own. Scores per series beside its baselines, and the
 * geometric mean over the series of the model's MAE relative to each baseline's. Stateless; not
 * thread-safe in use (a command runs once).
 */
final class GlobalTrain {
  private GlobalTrain() {
  }

  /** One series of the file, cleaned, with its row split. */
  private record Series(String id, SeriesTable table, ChronologicalSplit.RowRanges ranges) {
  }

  static int run(PrintWriter o, ForecasterOptions opts, String idColumn, boolean idEmbedding,
      ChronologicalSplit fractions,
      Integer testRows, OutputOptions output, Path report) throws IOException {
    Path out = output.out;
    Path data = opts.series.data;
    if (data == null) {
      throw new UserInputException("--id-column needs --data: a long-format CSV (id, date, value columns)");
    }
    String target = opts.series.targetName();
    if (!opts.future().isEmpty()) {
      throw new UserInputException("--future-features: not available with --id-column yet");
    }
    opts.intervalsByDefault = false; // measured as point forecasts (BENCHMARKS.md); --intervals to ask
    List<Float> levels = opts.levels();
    int horizon = opts.series.horizon;
    List<String> wanted = new ArrayList<>(opts.features != null ? opts.features : List.of(target));
    if (!wanted.contains(target)) {
      wanted.add(target);
    }
    List<String> features = opts.features != null ? List.copyOf(opts.features) : List.of(target);
    Map<String, CsvSeriesReader.Result> read = CsvSeriesReader.readLong(data, idColumn, wanted,
        opts.series.dateColumn);
    List<Series> series = new ArrayList<>();
    for (Map.Entry<String, CsvSeriesReader.Result> e : read.entrySet()) {
      SeriesTable table;
      try {
        MissingValues.Result cleaned = MissingValues.parse(opts.missing).apply(e.getValue().table().select(wanted));
        table = cleaned.table();
        if (cleaned.report().totalFilled() > 0 || cleaned.report().rowsDropped() > 0) {
          o.println("note: series '" + e.getKey() + "': " + cleaned.report().summary());
        }
      } catch (IllegalArgumentException ex) {
        throw new UserInputException("series '" + e.getKey() + "': " + ex.getMessage());
      }
      ChronologicalSplit.RowRanges r;
      try {
        r = ForecastSetup.ranges(table.rows(), fractions, testRows, opts.validationRows, horizon);
      } catch (UserInputException ex) {
        throw new UserInputException("series '" + e.getKey() + "': " + ex.getMessage());
      }
      series.add(new Series(e.getKey(), table, r));
    }
    SeriesTable first = series.get(0).table();
    Frequency frequency = ForecastSetup.frequency(first);
    int m = ForecastSetup.season(opts.season, frequency);
    int minTrain = Integer.MAX_VALUE;
    for (Series s : series) {
      minTrain = Math.min(minTrain, s.ranges().trainTo());
    }
    ForecasterOptions.Prepared p0 = new ForecasterOptions.Prepared(first, features, target,
        data.toString(), false, frequency, m);
    int look = opts.lookback(p0, minTrain);
    int trainWindows = 0;
    for (Series s : series) {
      try {
        ForecastSetup.requireWindows(s.ranges(), look, horizon, opts.autoLookback());
      } catch (UserInputException ex) {
        throw new UserInputException("series '" + s.id() + "' (" + s.table().rows() + " rows): " + ex.getMessage());
      }
      ForecasterOptions.requireVariation(o, new ForecasterOptions.Prepared(s.table(), features, target,
          s.id(), false, frequency, m), s.ranges().trainTo());
      trainWindows += s.ranges().trainTo() - look - horizon + 1;
    }
    o.printf(Locale.ROOT, "data: %s, %d series (id column '%s'), features %s, target %s%n", data, series.size(),
        idColumn, features, target);
    o.println("season: " + m + " rows (" + (frequency.name().equals("rows") ? "no dates" : frequency.name()
        + " dates") + ")");
    o.printf(Locale.ROOT, "one global model: %d training windows over all series; lookback %d%s, horizon %d%n",
        trainWindows, look, opts.autoLookback() ? " (auto)" : "", horizon);
    Path work = output.start("work");
    Files.createDirectories(work);
    Forecaster.Settings settings = opts.settingsForWindows(p0, look, trainWindows, work,
        idEmbedding ? series.size() : 0);
    opts.printNetwork(o, settings);
    List<String> ids = new ArrayList<>();
    List<SeriesTable> tables = new ArrayList<>();
    int[] trainTo = new int[series.size()];
    int[] validationTo = new int[series.size()];
    for (int i = 0; i < series.size(); i++) {
      ids.add(series.get(i).id());
      tables.add(series.get(i).table());
      trainTo[i] = series.get(i).ranges().trainTo();
      validationTo[i] = series.get(i).ranges().validationTo();
    }
    long t0 = System.nanoTime();
    GlobalForecaster.Fit fit;
    try {
      fit = GlobalForecaster.fit(settings, ids, tables, trainTo, validationTo, idEmbedding,
          new ForecasterOptions.FitLines(o, opts.training.seed));
    } catch (DataException e) {
      throw new UserInputException(e.getMessage());
    }
    GlobalForecaster g = fit.forecaster();
    o.printf(Locale.ROOT, "transform: %s per series; trained %d network%s in %.1f s; validation MAE / mean"
        + " one-step change, averaged over the series: %.4f%n", g.frames().get(0).kind().id(),
        fit.histories().size(), fit.histories().size() > 1 ? "s" : "", (System.nanoTime() - t0) / 1e9,
        fit.validationScaledMae());
    // per series scores, and the geometric mean of the model's MAE relative to each baseline's
    o.println();
    o.printf(Locale.ROOT, "test set per series (MASE; the season %d):%n", m);
    List<String> baseNames = null;
    List<double[]> logRatios = new ArrayList<>();
    List<int[]> wins = new ArrayList<>();
    List<Object> perSeries = new ArrayList<>();
    StringBuilder lines = new StringBuilder();
    double inside = 0;
    int points = 0;
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      Windows test = Windows.of(s.table(), features, target, new WindowSpec(look, horizon, 1),
          s.ranges().validationTo(), s.table().rows());
      double[] predicted = g.forecast(i, s.table(), test.targetStarts());
      double[] actual = Baselines.actual(s.table(), test);
      double scale = ForecastScores.seasonalScale(s.table().column(target), s.ranges().validationTo(), m);
      List<BaselineForecast> bs = ForecastSetup.baselines(s.table(), test, s.ranges().validationTo(), m);
      ForecastReport rep = ForecastReport.of(opts.cellName() + ", global (this model)", predicted, bs, actual,
          horizon, scale, m);
      if (baseNames == null) {
        baseNames = new ArrayList<>();
        for (BaselineForecast b : bs) {
          baseNames.add(ForecastSetup.shortName(b.name()));
          logRatios.add(new double[series.size()]);
          wins.add(new int[1]);
        }
      }
      lines.append(String.format(Locale.ROOT, "  %-28s %10.4f %8.4f", s.id(), rep.model().mae(), rep.model().mase()));
      for (int b = 0; b < bs.size(); b++) {
        ForecastReport.Row row = rep.baselines().get(b);
        lines.append(String.format(Locale.ROOT, " %14.4f", row.scores().mase()));
        logRatios.get(b)[i] = Math.log(row.modelOnSame().mae() / row.scores().mae());
        wins.get(b)[0] += row.modelOnSame().mae() < row.scores().mae() ? 1 : 0;
      }
      IntervalScores iv = null;
      if (!levels.isEmpty()) {
        double[] qs = g.of(i).forecastQuantiles(s.table(), test.targetStarts());
        iv = IntervalScores.of(qs, levels, actual);
        lines.append(String.format(Locale.ROOT, " %9.1f%%", 100 * iv.coverage()));
        inside += iv.coverage() * iv.count();
        points += iv.count();
      }
      lines.append('\n');
      Map<String, Object> js = new LinkedHashMap<>();
      js.put("id", s.id());
      js.putAll(rep.toJson(iv));
      perSeries.add(js);
    }
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %-28s %10s %8s", "series", "MAE", "MASE"));
    for (String n : baseNames) {
      head.append(String.format(Locale.ROOT, " %14s", n));
    }
    if (!levels.isEmpty()) {
      head.append(String.format(Locale.ROOT, " %10s", "coverage"));
    }
    o.println(head);
    o.print(lines);
    o.println();
    o.println("over the series (geometric mean of the model's test MAE / the baseline's; < 1: the model is better):");
    Map<String, Object> summary = new LinkedHashMap<>();
    for (int b = 0; b < baseNames.size(); b++) {
      double sum = 0;
      for (double v : logRatios.get(b)) {
        sum += v;
      }
      double gm = Math.exp(sum / series.size());
      summary.put(baseNames.get(b), gm);
      o.printf(Locale.ROOT, "  vs %-16s %.4f   (better on %d of %d series)%n", baseNames.get(b), gm,
          wins.get(b)[0], series.size());
    }
    if (!levels.isEmpty()) {
      o.printf(Locale.ROOT, "  quantiles %s (half-widths x %s, calibrated on the validation and training parts): %.0f%%"
          + " interval covers %.1f%% of %d test points%n", levels, Forecaster.scalesText(g.intervalScales()),
          100 * (levels.get(levels.size() - 1) - levels.get(0)), 100 * inside / points, points);
      summary.put("coverage", inside / points);
    }
    // the model: shared networks, one frame per series
    Path modelFile = out.resolve("model.rnn4j");
    Map<String, String> meta = ForecastSetup.modelMeta(features, target, look, horizon, m, frequency, first,
        opts.missing, levels, g.intervalScales());
    meta.put("id_column", idColumn);
    meta.put("series_ids", new ObjectMapper().writeValueAsString(ids));
    for (int i = 0; i < ids.size(); i++) {
      meta.putAll(g.frames().get(i).toMap("frame." + i + "."));
    }
    ModelFiles.saveEnsemble(g.members(), modelFile, meta);
    if (report != null) {
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("settings", Map.of("data", data.toString(), "target", target, "id_column", idColumn,
          "season", m, "lookback", look, "horizon", horizon, "members", g.members().size()));
      root.put("geomean_mae_ratio_vs", summary);
      root.put("series", perSeries);
      ForecastReport.write(report, root);
    }
    output.finish(work);
    Files.deleteIfExists(work);
    o.println();
    OutputOptions.printWritten(o, "model", modelFile, "report", report);
    o.println("forecast every series with: rnn4j forecast --model " + modelFile + " --data " + data);
    return 0;
  }

  /** The frames of a global model file, one per series id, in the order of {@code series_ids}. */
  static List<ForecastFrame> frames(Map<String, String> meta, int count) {
    List<ForecastFrame> frames = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      frames.add(ForecastFrame.fromMap(meta, "frame." + i + "."));
    }
    return frames;
  }
}
