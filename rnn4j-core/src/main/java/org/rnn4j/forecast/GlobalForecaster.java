package org.rnn4j.forecast;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.rnn4j.Model;
import org.rnn4j.data.Baselines;
import org.rnn4j.data.Dataset;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.data.WindowSpec;
import org.rnn4j.data.Windows;
import org.rnn4j.train.History;

/**
 * One forecaster for many series (a global model, as neuralforecast and DeepAR train them): each
 * series has its own {@link ForecastFrame}, fitted on its own training rows, so every series is
 * normalized on its own (its last value, its mean one-step change), and one ensemble of networks learns
 * from the windows of all series together. A series is addressed by its index in {@link #ids()}.
 *
 * <p>Immutable once built, but {@link #forecast} runs the members' {@code predict}, which uses each
 * model's workspaces: one thread at a time per forecaster.
 */
public final class GlobalForecaster {

  /**
   * The outcome of {@link #fit}: the forecaster, the histories, and the validation score: the mean over
   * the series with validation windows of their MAE divided by their mean one-step change (a
   * scale-free error, so that large series do not dominate; NaN without validation).
   */
  public record Fit(GlobalForecaster forecaster, List<History> histories, double validationScaledMae,
      int trainWindows, int validationWindows) {
  }

  private final List<String> ids;
  private final List<ForecastFrame> frames;
  private final int lookback;
  private final int horizon;
  private final List<Model> members;
  private final List<Float> quantiles;
  private final double[] intervalScales; // [horizon]

  /** A point forecaster for many series. */
  public GlobalForecaster(List<String> ids, List<ForecastFrame> frames, int lookback, int horizon,
      List<Model> members) {
    this(ids, frames, lookback, horizon, members, List.of(), 1.0);
  }

  /** A quantile forecaster for many series with one interval scale at every step. */
  public GlobalForecaster(List<String> ids, List<ForecastFrame> frames, int lookback, int horizon,
      List<Model> members, List<Float> quantiles, double intervalScale) {
    this(ids, frames, lookback, horizon, members, quantiles, Forecaster.uniform(intervalScale, horizon));
  }


  /**
   * A quantile forecaster for many series (see {@link Forecaster#Forecaster(ForecastFrame, int, int,
   * List, List, double[])}): one interval scale per step for all series, calibrated on their validation
   * points together.
   */
  public GlobalForecaster(List<String> ids, List<ForecastFrame> frames, int lookback, int horizon,
      List<Model> members, List<Float> quantiles, double[] intervalScales) {
    this.quantiles = List.copyOf(quantiles);
    this.intervalScales = intervalScales.clone();
    if (ids.size() != frames.size() || ids.isEmpty() || members.isEmpty()) {
      throw new IllegalArgumentException("GlobalForecaster: expected one frame per series, at least one series and"
          + " one network, got " + ids.size() + " ids, " + frames.size() + " frames, " + members.size()
          + " networks");
    }
    this.ids = List.copyOf(ids);
    this.frames = List.copyOf(frames);
    this.lookback = lookback;
    this.horizon = horizon;
    this.members = List.copyOf(members);
  }

  public List<String> ids() {
    return ids;
  }

  public List<ForecastFrame> frames() {
    return frames;
  }

  public List<Model> members() {
    return members;
  }

  public int lookback() {
    return lookback;
  }

  public int horizon() {
    return horizon;
  }

  public List<Float> quantiles() {
    return quantiles;
  }

  /** Each step's interval scale, {@code [horizon]}. */
  public double[] intervalScales() {
    return intervalScales.clone();
  }

  /** The single-series forecaster of series {@code series}: its frame and the shared networks. */
  public Forecaster of(int series) {
    return new Forecaster(frames.get(series), lookback, horizon, members, quantiles, intervalScales);
  }

  /** Forecasts {@code [N, horizon]} of series {@code series} from each origin (see {@link Forecaster#forecast}). */
  public double[] forecast(int series, SeriesTable table, int[] origins) {
    return of(series).forecast(table, origins);
  }

  /**
   * The quantile forecasts {@code [N, horizon, Q]} and the actual values {@code [N, horizon]} of the
   * windows starting at {@code origins.get(j)} of series {@code series.get(j)}, one series after the other.
   */
  private static double[][] pooled(GlobalForecaster g, List<SeriesTable> tables, List<Integer> series,
      List<int[]> origins, Forecaster.Settings s) {
    int nq = s.quantiles().size();
    int total = 0;
    for (int[] o : origins) {
      total += o.length * s.horizon();
    }
    double[] q = new double[total * nq];
    double[] a = new double[total];
    int at = 0;
    for (int j = 0; j < series.size(); j++) {
      SeriesTable t = tables.get(series.get(j));
      int[] o = origins.get(j);
      double[] qj = g.of(series.get(j)).forecastQuantiles(t, o);
      System.arraycopy(qj, 0, q, at * nq, qj.length);
      double[] y = t.column(s.target());
      for (int w = 0; w < o.length; w++) {
        for (int k = 0; k < s.horizon(); k++) {
          a[at + w * s.horizon() + k] = y[o[w] + k];
        }
      }
      at += o.length * s.horizon();
    }
    return new double[][] {q, a};
  }

  /**
   * Trains one ensemble on the windows of every series: series {@code i}'s training targets in rows
   * {@code [0, trainTo[i])}, its validation targets in {@code [trainTo[i], validationTo[i])}. The frame
   * is the first of {@code s.frames()} that applies to every series (log-change needs every series
   * positive). With quantile levels the interval scales are calibrated ({@link Forecaster#calibratedScales})
   * on every series' validation and training
   * points together.
   *
   * @throws org.rnn4j.data.DataException naming the series that has no room for a training window
   * @throws IOException                  if the work folder cannot be written
   */
  public static Fit fit(Forecaster.Settings s, List<String> ids, List<SeriesTable> tables, int[] trainTo,
      int[] validationTo, Forecaster.Listener listener) throws IOException {
    return fit(s, ids, tables, trainTo, validationTo, false, listener);
  }

  /**
   * As {@link #fit(Forecaster.Settings, List, List, int[], int[], Forecaster.Listener)}; with {@code
   * seriesCode} each series' inputs also carry its one-hot code ({@link ForecastFrame#withSeriesCode}),
   * and the networks read {@code ids.size()} more channels per step.
   */
  public static Fit fit(Forecaster.Settings s, List<String> ids, List<SeriesTable> tables, int[] trainTo,
      int[] validationTo, boolean seriesCode, Forecaster.Listener listener) throws IOException {
    if (!s.future().isEmpty()) {
      throw new IllegalArgumentException("GlobalForecaster: known-future inputs are not supported yet, got "
          + s.future());
    }
    ForecastFrame.Kind kind = null;
    for (ForecastFrame.Kind k : s.frames()) {
      boolean applies = true;
      for (int i = 0; i < tables.size() && k == ForecastFrame.Kind.LOG_CHANGE; i++) {
        applies &= ForecastFrame.logApplies(tables.get(i), s.target(), validationTo[i]);
      }
      if (applies) {
        kind = k;
        break;
      }
    }
    if (kind == null) {
      throw new IllegalArgumentException("GlobalForecaster: no frame of " + s.frames() + " applies to every series");
    }
    WindowSpec ws = new WindowSpec(s.lookback(), s.horizon(), 1);
    List<ForecastFrame> frames = new ArrayList<>();
    List<int[]> trainOrigins = new ArrayList<>();
    List<int[]> valOrigins = new ArrayList<>();
    List<Windows> valWindowsOf = new ArrayList<>(); // per series with a validation part
    List<ForecastFrame> valFrames = new ArrayList<>();
    List<SeriesTable> valTables = new ArrayList<>();
    List<Integer> valSeries = new ArrayList<>();
    int trainWindows = 0;
    int valWindows = 0;
    for (int i = 0; i < tables.size(); i++) {
      SeriesTable t = tables.get(i);
      ForecastFrame frame = ForecastFrame.fit(kind, t, s.features(), s.target(), trainTo[i])
          .withCalendar(s.calendar()).withSeriesCode(i, seriesCode ? tables.size() : 0);
      frames.add(frame);
      Windows train;
      try {
        train = Windows.of(t, s.features(), s.target(), ws, 0, trainTo[i]);
      } catch (org.rnn4j.data.DataException e) {
        throw new org.rnn4j.data.DataException("series '" + ids.get(i) + "': " + e.getMessage());
      }
      trainOrigins.add(train.targetStarts());
      trainWindows += train.count();
      if (validationTo[i] > trainTo[i]) {
        Windows v = Windows.of(t, s.features(), s.target(), ws, trainTo[i], validationTo[i]);
        valOrigins.add(v.targetStarts());
        valWindowsOf.add(v);
        valFrames.add(frame);
        valTables.add(t);
        valSeries.add(i);
        valWindows += v.count();
      }
    }
    Dataset train = Forecaster.dataset(frames, tables, trainOrigins, s);
    Dataset validation = valWindows == 0 ? null : Forecaster.dataset(valFrames, valTables, valOrigins, s);
    List<Model> members = new ArrayList<>();
    List<History> histories = new ArrayList<>();
    for (int k = 0; k < s.ensemble(); k++) {
      Forecaster.Trained t = Forecaster.train(s, kind, train, validation, k, listener);
      members.add(t.model());
      histories.add(t.history());
    }
    GlobalForecaster g = new GlobalForecaster(ids, frames, s.lookback(), s.horizon(), members, s.quantiles(), 1.0);
    if (!s.quantiles().isEmpty() && validation != null) {
      List<Integer> all = new ArrayList<>();
      List<int[]> allOrigins = new ArrayList<>();
      for (int i = 0; i < tables.size(); i++) {
        all.add(i);
        allOrigins.add(trainOrigins.get(i));
      }
      List<int[]> valOriginsOf = new ArrayList<>();
      for (Windows v : valWindowsOf) {
        valOriginsOf.add(v.targetStarts());
      }
      double[][] val = pooled(g, tables, valSeries, valOriginsOf, s);
      double[][] trn = pooled(g, tables, all, allOrigins, s);
      g = new GlobalForecaster(ids, frames, s.lookback(), s.horizon(), members, s.quantiles(),
          Forecaster.calibratedScales(val[0], val[1], trn[0], trn[1], s.quantiles(), s.horizon()));
    }
    double score = Double.NaN;
    if (validation != null) {
      double sum = 0;
      for (int j = 0; j < valSeries.size(); j++) {
        int i = valSeries.get(j);
        Windows v = valWindowsOf.get(j);
        double[] f = g.forecast(i, tables.get(i), v.targetStarts());
        double[] a = Baselines.actual(tables.get(i), v);
        double mae = 0;
        for (int q = 0; q < a.length; q++) {
          mae += Math.abs(f[q] - a[q]) / a.length;
        }
        sum += mae / ForecastScores.seasonalScale(tables.get(i).column(s.target()), trainTo[i], 1);
      }
      score = sum / valSeries.size();
    }
    Forecaster.deleteWork(s, kind);
    for (int k = 0; k < histories.size(); k++) {
      listener.member(k, Double.NaN, histories.get(k));
    }
    return new Fit(g, List.copyOf(histories), score, trainWindows, valWindows);
  }
}
