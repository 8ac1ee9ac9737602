package org.rnn4j.cli.forecast;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.charts.ForecastChart;
import org.rnn4j.cli.options.OutputOptions;
import org.rnn4j.cli.options.OutputPath;
import org.rnn4j.cli.options.Range;
import org.rnn4j.data.BaselineForecast;
import org.rnn4j.data.Baselines;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.data.WindowSpec;
import org.rnn4j.data.Windows;
import org.rnn4j.forecast.ForecastScores;
import org.rnn4j.forecast.Forecaster;
import org.rnn4j.forecast.IntervalScores;
import org.rnn4j.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rnn4j backtest}: rolling-origin evaluation, as Darts' {@code historical_forecasts} and
 * statsforecast's {@code cross_validation} do it. The last {@code --folds} origins, {@code --stride}
 * rows apart, each forecast {@code --horizon} steps from the rows before it; the forecaster is refitted
 * on the rows before an origin every {@code --refit-every} folds (0: fitted once, before the first
 * origin, and then fed the actual history). Per-fold and overall scores beside the baselines (each
 * computed from the same rows the model may use), a CSV of every forecast and a PNG. Not thread-safe
 * (a command runs once).
 */
@Command(name = "backtest", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Evaluate a forecaster by rolling origin, beside the naive baselines.",
        "Fit on the rows before each origin, forecast the next --horizon steps, move",
        "on by --stride rows; the naive baselines are scored on the same origins.",
        "",
        "Example:",
        "  rnn4j backtest --data sales.csv --target units --horizon 7 --folds 6"})
public final class BacktestCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  ForecasterOptions opts;

  @Range(min = 1, max = 10_000)
  @Option(names = "--folds", defaultValue = "5", paramLabel = "K",
      description = "Forecast origins, the last one --horizon rows before the end (default: ${DEFAULT-VALUE}).")
  int folds;

  @Range(min = 1, max = 1_000_000_000)
  @Option(names = "--stride", paramLabel = "N", description = "Rows between origins (default: the horizon).")
  Integer stride;

  @Range(min = 0, max = 10_000)
  @Option(names = "--refit-every", defaultValue = "1", paramLabel = "K",
      description = "Refit every K folds; 0 = fit once before the first origin (default: ${DEFAULT-VALUE}: every fold).")
  int refitEvery;

  @OutputPath
  @Option(names = "--out", defaultValue = "runs/backtest", paramLabel = "DIR",
      description = "Folder for forecasts.csv, backtest.png and report.json (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    opts.check();
    ForecastSetup.atLeast("--folds", folds, 1);
    ForecastSetup.atLeast("--refit-every", refitEvery, 0);
    int horizon = opts.series.horizon;
    int step = stride != null ? stride : horizon;
    ForecastSetup.atLeast("--stride", step, 1);
    ForecasterOptions.Prepared p = opts.read(o);
    SeriesTable table = p.table();
    int rows = table.rows();
    int[] origins = new int[folds];
    for (int k = 0; k < folds; k++) {
      origins[k] = rows - horizon - (folds - 1 - k) * step;
    }
    int first = origins[0];
    int validation = opts.validationRows != null ? opts.validationRows : Math.max(horizon, (int) Math.round(0.15 * first));
    int look = opts.lookback(p, first - validation);
    int needed = look + 2 * horizon + validation;
    if (first < needed) {
      throw new UserInputException(String.format(Locale.ROOT, "too few rows: %d folds %d rows apart with horizon %d"
          + " put the first origin at row %d of %d, and fitting before it needs at least %d rows (lookback %d,"
          + " a training window, %d validation rows); use fewer --folds, a smaller --stride or more data",
          folds, step, horizon, first, rows, needed, look, validation));
    }
    o.printf(Locale.ROOT, "backtest: %d folds, origins %s .. %s, %d rows apart, horizon %d, %s; lookback %d%s%n",
        folds, table.rowLabel(first), table.rowLabel(origins[folds - 1]), step, horizon,
        refitEvery == 0 ? "fitted once" : refitEvery == 1 ? "refitted every fold" : "refitted every " + refitEvery
            + " folds", look, opts.autoLookback() ? " (auto)" : "");
    Files.createDirectories(out);
    Path work = out.resolve("work");
    List<Float> levels = opts.levels();
    int nq = Math.max(1, levels.size());
    double[] predicted = new double[folds * horizon];
    double[] quantiles = new double[folds * horizon * nq];
    double[] actual = new double[folds * horizon];
    String[] names = null;
    double[][] basePred = null;
    boolean[][] baseOk = null;
    Forecaster forecaster = null;
    int m = p.season();
    StringBuilder foldLines = new StringBuilder();
    for (int k = 0; k < folds; k++) {
      int origin = origins[k];
      boolean refit = forecaster == null || (refitEvery > 0 && k % refitEvery == 0);
      if (refit) {
        ForecasterOptions.requireVariation(o, p, origin - validation);
        ForecasterOptions.prepareWork(work, false);
        o.printf(Locale.ROOT, "fold %d: fitting on the %d rows before %s%n", k + 1, origin, table.rowLabel(origin));
        Forecaster.Settings settings = opts.settings(p, look, origin - validation, work);
        forecaster = opts.fit(o, p, settings, origin - validation, origin, true).forecaster();
        Files.deleteIfExists(work);
      }
      Windows w = Windows.of(table, p.features(), p.target(), new WindowSpec(look, horizon, 1), origin,
          origin + horizon);
      double[] f = forecaster.forecast(table, new int[] {origin});
      double[] q = forecaster.forecastQuantiles(table, new int[] {origin});
      double[] a = Baselines.actual(table, w);
      List<BaselineForecast> bs = ForecastSetup.baselines(table, w, origin, m);
      if (names == null) {
        names = bs.stream().map(BaselineForecast::name).toArray(String[]::new);
        basePred = new double[bs.size()][folds * horizon];
        baseOk = new boolean[bs.size()][folds];
      }
      System.arraycopy(f, 0, predicted, k * horizon, horizon);
      System.arraycopy(q, 0, quantiles, k * horizon * nq, horizon * nq);
      System.arraycopy(a, 0, actual, k * horizon, horizon);
      double scale = ForecastScores.seasonalScale(table.column(p.target()), origin, m);
      ForecastScores fold = ForecastScores.of(f, a, null, scale);
      foldLines.append(String.format(Locale.ROOT, "  %4d %-12s %6s %12.4f %8.4f", k + 1, table.rowLabel(origin - 1),
          refit ? "yes" : "no", fold.mae(), fold.mase()));
      for (int b = 0; b < bs.size(); b++) {
        System.arraycopy(bs.get(b).predictions(), 0, basePred[b], k * horizon, horizon);
        baseOk[b][k] = bs.get(b).isAvailable(0);
        foldLines.append(String.format(Locale.ROOT, " %16s", baseOk[b][k]
            ? String.format(Locale.ROOT, "%.4f", ForecastScores.of(bs.get(b).predictions(), a, null, scale).mae())
            : "n/a"));
      }
      foldLines.append('\n');
    }
    o.println();
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %4s %-12s %6s %12s %8s", "fold", "origin",
        "refit", "MAE", "MASE"));
    for (String n : names) {
      head.append(String.format(Locale.ROOT, " %16s", ForecastSetup.shortName(n)));
    }
    o.println("per fold (origin: the last row seen; baselines' MAE):");
    o.println(head);
    o.print(foldLines);
    List<BaselineForecast> overall = new ArrayList<>();
    for (int b = 0; b < names.length; b++) {
      overall.add(new BaselineForecast(names[b], horizon, basePred[b], baseOk[b]));
    }
    double scale = ForecastScores.seasonalScale(table.column(p.target()), first, m);
    String modelName = opts.cellName() + " (this model)";
    ForecastReport rep = ForecastReport.of(modelName, predicted, overall, actual, horizon, scale, m);
    o.println();
    o.printf(Locale.ROOT, "overall: %d forecasts of %s; MASE scale %.4g (the rows before the first origin)%n",
        folds * horizon, p.target(), scale);
    rep.print(o);
    IntervalScores iv = null;
    if (!levels.isEmpty()) {
      iv = IntervalScores.of(quantiles, levels, actual);
      o.println("  quantiles " + levels + ": " + iv);
    }
    // every forecast as CSV, a chart, and the report
    StringWriter sw = new StringWriter();
    PrintWriter csv = new PrintWriter(sw);
    StringBuilder header = new StringBuilder("fold,origin,step,date," + p.target() + "_forecast");
    for (float lv : levels) {
      header.append(",").append(p.target()).append("_q").append(lv);
    }
    header.append(",").append(p.target()).append("_actual");
    for (String n : names) {
      header.append(",").append(csvName(n));
    }
    csv.println(header);
    List<LocalDate> dates = table.hasDates() ? new ArrayList<>() : null;
    List<Integer> chartPoints = new ArrayList<>();
    for (int k = 0; k < folds; k++) {
      for (int s = 0; s < horizon; s++) {
        int i = k * horizon + s;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%d,%s,%d,%s,%.4f", k + 1,
            table.rowLabel(origins[k] - 1), s + 1, table.rowLabel(origins[k] + s), predicted[i]));
        for (int j = 0; j < levels.size(); j++) {
          line.append(String.format(Locale.ROOT, ",%.4f", quantiles[i * nq + j]));
        }
        line.append(String.format(Locale.ROOT, ",%.4f", actual[i]));
        for (int b = 0; b < names.length; b++) {
          line.append(baseOk[b][k] ? String.format(Locale.ROOT, ",%.4f", basePred[b][i]) : ",");
        }
        csv.println(line);
        // the chart shows every step when folds do not overlap, else each fold's first step
        if (step >= horizon || s == 0) {
          chartPoints.add(i);
          if (dates != null) {
            dates.add(table.date(origins[k] + s));
          }
        }
      }
    }
    csv.flush();
    byte[] bytes = sw.toString().getBytes(StandardCharsets.UTF_8);
    Path csvFile = out.resolve("forecasts.csv");
    AtomicFiles.write(csvFile, os -> os.write(bytes));
    int n = chartPoints.size();
    double[] cp = new double[n];
    double[] ca = new double[n];
    double[] lo = iv == null ? null : new double[n];
    double[] hi = iv == null ? null : new double[n];
    for (int j = 0; j < n; j++) {
      int i = chartPoints.get(j);
      cp[j] = predicted[i];
      ca[j] = actual[i];
      if (iv != null) {
        lo[j] = quantiles[i * nq];
        hi[j] = quantiles[i * nq + nq - 1];
      }
    }
    Path png = out.resolve("backtest.png");
    ForecastChart.forecastVsActual(dates, ca, cp, lo, hi, iv == null ? null : String.format(Locale.ROOT, "%.0f%% interval",
        100 * iv.nominal()), p.target() + " (backtest)", null, png);
    Path report = out.resolve("report.json");
    rep.writeJson(report, Map.of("data", p.source(), "target", p.target(), "folds", folds, "stride", step,
        "horizon", horizon, "refit_every", refitEvery, "lookback", look, "season", m), iv);
    o.println();
    OutputOptions.printWritten(o, "forecasts", csvFile, "chart", png, "report", report);
    return 0;
  }

  private static String csvName(String baseline) {
    return ForecastSetup.shortName(baseline).replace(' ', '_');
  }
}
