package org.rnn4j.cli.forecast;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rnn4j.data.BaselineForecast;
import org.rnn4j.forecast.ForecastScores;
import org.rnn4j.forecast.IntervalScores;
import org.rnn4j.io.AtomicFiles;

/**
 * A forecaster's test scores beside the baselines', overall and per step ahead, printed as the test
 * table and written as JSON for {@code --report}. Every baseline is scored on the windows it covers and
 * the model on the same windows beside it. Immutable; thread-safe.
 */
final class ForecastReport {

  /** One forecaster's scores: over all steps, on the windows it covers, and the MAE per step. */
  record Row(String name, ForecastScores scores, double[] stepMae, int windows, ForecastScores modelOnSame) {
  }

  private final Row model;
  private final List<Row> baselines;
  private final int horizon;
  private final double scale;
  private final int season;

  private ForecastReport(Row model, List<Row> baselines, int horizon, double scale, int season) {
    this.model = model;
    this.baselines = List.copyOf(baselines);
    this.horizon = horizon;
    this.scale = scale;
    this.season = season;
  }

  /** Scores {@code predicted} and each baseline against {@code actual} ({@code [N, horizon]} row-major). */
  static ForecastReport of(String modelName, double[] predicted, List<BaselineForecast> baselines, double[] actual,
      int horizon, double scale, int season) {
    Row model = row(modelName, predicted, actual, null, horizon, scale, predicted);
    List<Row> rows = new ArrayList<>();
    for (BaselineForecast b : baselines) {
      boolean[] windows = b.available();
      boolean[] use = new boolean[actual.length];
      for (int i = 0; i < use.length; i++) {
        use[i] = windows[i / horizon];
      }
      rows.add(row(b.name(), b.predictions(), actual, use, horizon, scale, predicted));
    }
    return new ForecastReport(model, rows, horizon, scale, season);
  }

  private static Row row(String name, double[] f, double[] actual, boolean[] use, int horizon, double scale,
      double[] model) {
    double[] step = new double[horizon];
    for (int k = 0; k < horizon; k++) {
      double s = 0;
      int n = 0;
      for (int i = k; i < actual.length; i += horizon) {
        if (use == null || use[i]) {
          s += Math.abs(f[i] - actual[i]);
          n++;
        }
      }
      step[k] = n == 0 ? Double.NaN : s / n;
    }
    ForecastScores scores = ForecastScores.of(f, actual, use, scale);
    return new Row(name, scores, step, scores.count() / horizon, ForecastScores.of(model, actual, use, scale));
  }

  ForecastScores model() {
    return model.scores();
  }

  List<Row> baselines() {
    return baselines;
  }

  /** Whether the model's MAE is below every baseline's, each compared on the windows it covers. */
  boolean beatsEveryBaseline() {
    for (Row b : baselines) {
      if (b.windows() > 0 && !(b.modelOnSame().mae() < b.scores().mae())) {
        return false;
      }
    }
    return true;
  }

  /** The test table (one row per forecaster, the model first), per-step MAE for horizons > 1, a verdict. */
  void print(PrintWriter o) {
    o.printf(Locale.ROOT, "  %-44s %10s %10s %8s %8s%n", "forecaster", "MAE", "RMSE", "MASE", "sMAPE");
    printRow(o, model, "");
    int all = model.windows();
    for (Row b : baselines) {
      if (b.windows() == 0) {
        o.printf(Locale.ROOT, "  %-44s %10s   (not enough history before the test windows)%n", b.name(), "n/a");
        continue;
      }
      printRow(o, b, b.windows() == all ? "" : String.format(Locale.ROOT,
          "   (on the %d windows it covers; ours there: MAE %.4f)", b.windows(), b.modelOnSame().mae()));
    }
    if (horizon > 1) {
      o.println();
      o.println("  MAE by step ahead:");
      StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %6s %12s", "step", "this model"));
      for (Row b : baselines) {
        head.append(String.format(Locale.ROOT, " %16s", ForecastSetup.shortName(b.name())));
      }
      o.println(head);
      for (int k = 0; k < horizon; k++) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %6d %12.4f", k + 1, model.stepMae()[k]));
        for (Row b : baselines) {
          line.append(String.format(Locale.ROOT, " %16.4f", b.stepMae()[k]));
        }
        o.println(line);
      }
    }
    o.println(beatsEveryBaseline() ? "the model beats every baseline on test MAE"
        : "the model does NOT beat every baseline on test MAE");
  }

  private static void printRow(PrintWriter o, Row r, String suffix) {
    ForecastScores s = r.scores();
    o.printf(Locale.ROOT, "  %-44s %10.4f %10.4f %8.4f %7.2f%%%s%n", r.name(), s.mae(), s.rmse(), s.mase(),
        s.smape(), suffix);
  }

  /** The report as JSON (written atomically), with {@code settings} as given. */
  void writeJson(Path file, Map<String, Object> settings, IntervalScores intervals) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("settings", settings);
    root.putAll(toJson(intervals));
    write(file, root);
  }

  /** Writes {@code root} as indented JSON, atomically. */
  static void write(Path file, Map<String, Object> root) throws IOException {
    byte[] bytes = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(root);
    AtomicFiles.write(file, os -> os.write(bytes));
  }

  /** The scores as JSON-ready maps: horizon, season, scale, model, baselines, intervals (if any). */
  Map<String, Object> toJson(IntervalScores intervals) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("horizon", horizon);
    root.put("season", season);
    root.put("mase_scale", scale);
    root.put("model", json(model));
    List<Object> bs = new ArrayList<>();
    for (Row b : baselines) {
      Map<String, Object> m = json(b);
      m.put("model_mae_on_same_windows", finite(b.modelOnSame().mae()));
      bs.add(m);
    }
    root.put("baselines", bs);
    root.put("beats_every_baseline", beatsEveryBaseline());
    if (intervals != null) {
      Map<String, Object> iv = new LinkedHashMap<>();
      iv.put("nominal", intervals.nominal());
      iv.put("coverage", intervals.coverage());
      iv.put("mean_width", intervals.width());
      iv.put("winkler", intervals.winkler());
      iv.put("pinball", intervals.pinball());
      iv.put("points", intervals.count());
      root.put("intervals", iv);
    }
    return root;
  }

  private static Map<String, Object> json(Row r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", r.name());
    m.put("windows", r.windows());
    m.put("mae", finite(r.scores().mae()));
    m.put("rmse", finite(r.scores().rmse()));
    m.put("mase", finite(r.scores().mase()));
    m.put("smape", finite(r.scores().smape()));
    List<Object> steps = new ArrayList<>();
    for (double v : r.stepMae()) {
      steps.add(finite(v));
    }
    m.put("mae_by_step", steps);
    return m;
  }

  private static Object finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
