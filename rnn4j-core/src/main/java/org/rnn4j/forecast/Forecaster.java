package org.rnn4j.forecast;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;
import org.rnn4j.Model;
import org.rnn4j.Tensor;
import org.rnn4j.data.Dataset;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.data.WindowSpec;
import org.rnn4j.data.Windows;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.History;
import org.rnn4j.train.Trainer;
import org.rnn4j.train.TrainingListener;

/**
 * A trained forecaster: a {@link ForecastFrame} and an ensemble of networks of one spec whose outputs
 * (in the frame) are averaged before the frame is undone. {@link #fit} trains it: one network per
 * candidate frame, the frame with the lowest validation MAE (in the series' own units) wins (the level
 * frame only by a clear margin, {@link #LEVEL_MARGIN}), and more
 * seeds of the winner make up the ensemble (averaging a few seeds is the cheapest variance reduction
 * for the small series forecasting mostly sees).
 *
 * <p>Immutable once built, but {@link #forecast} runs the members' {@code predict}, which uses each
 * model's workspaces: one thread at a time per forecaster.
 */
public final class Forecaster {

  /**
   * What to train.
   *
   * @param features  input columns (the target may be one)
   * @param target    the column forecast
   * @param lookback  rows each forecast sees
   * @param horizon   steps forecast from each origin
   * @param frames    candidate frames, tried in this order (the first wins ties)
   * @param ensemble  networks averaged (>= 1)
   * @param networks  a new untrained network for a seed: inputs {@code [N, lookback, features]}, outputs
   *                  {@code [N, horizon]}
   * @param fit       training options; the seed of member {@code k} is {@code fit.seed() + k}
   * @param workDir   where finished networks are kept until the whole fit is done, so that an
   *                  interrupted fit resumes where it stopped (null: nowhere)
   * @param minChoiceWindows validation windows needed to choose among the frames: with fewer, one
   *                  window's noise would decide, so only the first frame is trained
   * @param quantiles quantile levels forecast (ascending, 0.5 among them), or empty for point
   *                  forecasts; with levels the networks have {@code horizon * Q} outputs and a
   *                  {@link org.rnn4j.nn.Loss#quantile} loss of these levels
   * @param calendar  calendar inputs ({@link ForecastFrame#withCalendar}): the networks then read
   *                  {@code features + 4} channels per step
   * @param future    known-future input columns ({@link ForecastFrame#withFuture}): {@code horizon}
   *                  more channels per column
   */
  public record Settings(List<String> features, String target, int lookback, int horizon,
      List<ForecastFrame.Kind> frames, int ensemble, LongFunction<Model> networks, FitOptions fit, Path workDir,
      int minChoiceWindows, List<Float> quantiles, boolean calendar, List<String> future) {

    /** Settings without known-future inputs. */
    public Settings(List<String> features, String target, int lookback, int horizon,
        List<ForecastFrame.Kind> frames, int ensemble, LongFunction<Model> networks, FitOptions fit, Path workDir,
        int minChoiceWindows, List<Float> quantiles, boolean calendar) {
      this(features, target, lookback, horizon, frames, ensemble, networks, fit, workDir, minChoiceWindows,
          quantiles, calendar, List.of());
    }

    /** Settings without calendar inputs. */
    public Settings(List<String> features, String target, int lookback, int horizon,
        List<ForecastFrame.Kind> frames, int ensemble, LongFunction<Model> networks, FitOptions fit, Path workDir,
        int minChoiceWindows, List<Float> quantiles) {
      this(features, target, lookback, horizon, frames, ensemble, networks, fit, workDir, minChoiceWindows,
          quantiles, false);
    }

    /** Validates and copies. */
    public Settings {
      future = future == null ? List.of() : List.copyOf(future);
      features = List.copyOf(features);
      frames = List.copyOf(frames);
      quantiles = quantiles == null ? List.of() : List.copyOf(quantiles);
      if (!quantiles.isEmpty() && !quantiles.contains(0.5f)) {
        throw new IllegalArgumentException("Forecaster: expected the quantile levels to include 0.5 (the point"
            + " forecast), got " + quantiles);
      }
      for (int i = 1; i < quantiles.size(); i++) {
        if (!(quantiles.get(i) > quantiles.get(i - 1))) {
          throw new IllegalArgumentException("Forecaster: expected ascending quantile levels, got " + quantiles);
        }
      }
      if (lookback < 1 || horizon < 1 || ensemble < 1 || frames.isEmpty()) {
        throw new IllegalArgumentException("Forecaster: expected lookback, horizon, ensemble >= 1 and a frame, got "
            + lookback + ", " + horizon + ", " + ensemble + ", " + frames);
      }
    }
  }

  /** Reports the fit's progress: each network's training and each candidate's validation score. */
  public interface Listener {
    /** The listener for network {@code member} of frame {@code frame}'s training. */
    TrainingListener training(ForecastFrame.Kind frame, int member);

    /** A candidate frame was scored on the validation rows (MAE in the series' units). */
    default void candidate(ForecastFrame.Kind frame, double validationMae, History history) {
    }

    /** Network {@code member} of the chosen frame finished. */
    default void member(int member, double validationMae, History history) {
    }
  }

  /**
   * The outcome of {@link #fit}: the forecaster, each candidate's validation MAE, the histories, and
   * whether the frame was chosen by validation ({@code false}: too few validation windows, or one
   * candidate).
   */
  public record Fit(Forecaster forecaster, List<ForecastFrame.Kind> candidates, double[] candidateMae,
      double ensembleMae, List<History> histories, int validationWindows, boolean chosen) {
  }

  /**
   * How much lower (as a fraction) the level frame's validation MAE must be than the best level-free
   * frame's for it to be chosen.
   */
  public static final double LEVEL_MARGIN = 0.10;

  private final ForecastFrame frame;
  private final int lookback;
  private final int horizon;
  private final List<Model> members;
  private final List<Float> quantiles; // empty: point forecasts
  private final double[] intervalScales; // [horizon]: step k's quantile distances from the median are multiplied by this

  /** A point forecaster: each network has {@code horizon} outputs. */
  public Forecaster(ForecastFrame frame, int lookback, int horizon, List<Model> members) {
    this(frame, lookback, horizon, members, List.of());
  }

  /**
   * A quantile forecaster: each network has {@code horizon * Q} outputs, step-major (output {@code k * Q
   * + j} is quantile {@code quantiles[j]} of step {@code k}); {@code quantiles} ascending, 0.5 among them.
   */
  public Forecaster(ForecastFrame frame, int lookback, int horizon, List<Model> members, List<Float> quantiles) {
    this(frame, lookback, horizon, members, quantiles, 1.0);
  }

  /**
   * As above, with the quantiles' distances from the median multiplied by {@code intervalScale} (> 0)
   * at every step.
   */
  public Forecaster(ForecastFrame frame, int lookback, int horizon, List<Model> members, List<Float> quantiles,
      double intervalScale) {
    this(frame, lookback, horizon, members, quantiles, uniform(intervalScale, horizon));
  }

  /**
   * As above, with step {@code k}'s quantile distances from the median multiplied by {@code
   * intervalScales[k]} (each > 0; {@code [horizon]}): the calibration {@link #fit} finds on the
   * validation part, one factor per step ahead.
   */
  public Forecaster(ForecastFrame frame, int lookback, int horizon, List<Model> members, List<Float> quantiles,
      double[] intervalScales) {
    if (intervalScales.length != horizon) {
      throw new IllegalArgumentException("Forecaster: expected " + horizon + " interval scales (one per step), got "
          + intervalScales.length);
    }
    for (double c : intervalScales) {
      if (!(c > 0) || Double.isInfinite(c)) {
        throw new IllegalArgumentException("Forecaster: expected interval scales > 0, got "
            + java.util.Arrays.toString(intervalScales));
      }
    }
    this.intervalScales = intervalScales.clone();
    if (members.isEmpty()) {
      throw new IllegalArgumentException("Forecaster: expected at least one network, got none");
    }
    this.frame = frame;
    this.lookback = lookback;
    this.horizon = horizon;
    this.members = List.copyOf(members);
    this.quantiles = List.copyOf(quantiles);
    if (!this.quantiles.isEmpty() && !this.quantiles.contains(0.5f)) {
      throw new IllegalArgumentException("Forecaster: expected the quantile levels to include 0.5, got " + quantiles);
    }
  }

  static double[] uniform(double scale, int horizon) {
    double[] c = new double[Math.max(0, horizon)];
    java.util.Arrays.fill(c, scale);
    return c;
  }

  /** The factor applied to each step's quantile distances from the median ({@code [horizon]}; 1: as forecast). */
  public double[] intervalScales() {
    return intervalScales.clone();
  }

  /** The interval scales as text: "1.076" when all steps share one, else "1.076 (step 1) .. 1.912 (step 8)". */
  public static String scalesText(double[] scales) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double c : scales) {
      lo = Math.min(lo, c);
      hi = Math.max(hi, c);
    }
    if (scales.length == 1 || lo == hi) {
      return String.format(Locale.ROOT, "%.3f", scales[0]);
    }
    return String.format(Locale.ROOT, "%.3f (step 1) .. %.3f (step %d), %.3f to %.3f", scales[0],
        scales[scales.length - 1], scales.length, lo, hi);
  }

  /** The quantile levels forecast, ascending; empty for a point forecaster. */
  public List<Float> quantiles() {
    return quantiles;
  }

  public ForecastFrame frame() {
    return frame;
  }

  public int lookback() {
    return lookback;
  }

  public int horizon() {
    return horizon;
  }

  public List<Model> members() {
    return members;
  }

  /**
   * Forecasts {@code [N, horizon]} (row-major) in the target's units, one row per origin (the first
   * forecast row; the inputs are the {@code lookback} rows before it).
   *
   * @throws org.rnn4j.data.DataException if an input row is missing or out of the table
   */
  public double[] forecast(SeriesTable table, int[] origins) {
    if (quantiles.isEmpty()) {
      return forecastQuantiles(table, origins);
    }
    double[] all = forecastQuantiles(table, origins);
    int nq = quantiles.size();
    int median = quantiles.indexOf(0.5f);
    double[] point = new double[origins.length * horizon];
    for (int i = 0; i < point.length; i++) {
      point[i] = all[i * nq + median];
    }
    return point;
  }

  /**
   * Quantile forecasts {@code [N, horizon, Q]} (row-major) in the target's units; for a point
   * forecaster Q = 1 and this is {@link #forecast}. The members' outputs are averaged level by level
   * (Vincentization) and each step's levels sorted, so the quantiles never cross.
   */
  public double[] forecastQuantiles(SeriesTable table, int[] origins) {
    for (int o : origins) {
      if (o < lookback || o > table.rows()) {
        throw new IllegalArgumentException("Forecaster: expected origins in [" + lookback + ", " + table.rows()
            + "] (lookback " + lookback + "), got " + o);
      }
    }
    float[] x = frame.inputs(table, origins, lookback);
    Tensor in = new Tensor(x, origins.length, lookback, frame.inputWidth());
    int nq = Math.max(1, quantiles.size());
    float[] mean = new float[origins.length * horizon * nq];
    for (Model m : members) {
      float[] p = m.predict(in).data();
      for (int i = 0; i < mean.length; i++) {
        mean[i] += p[i] / members.size();
      }
    }
    if (nq > 1) {
      for (int i = 0; i < origins.length * horizon; i++) {
        java.util.Arrays.sort(mean, i * nq, (i + 1) * nq); // rearrangement: monotone in the level
      }
    }
    // the anchor of a window is the same for all its outputs, so the frame undoes [H * Q] outputs at once
    double[] out = frame.decode(table, origins, mean, horizon * nq);
    if (nq > 1) {
      int median = quantiles.indexOf(0.5f);
      for (int i = 0; i < origins.length * horizon; i++) {
        double m = out[i * nq + median];
        double c = intervalScales[i % horizon];
        if (c == 1.0) {
          continue; // as forecast (and bit for bit as without calibration)
        }
        for (int j = 0; j < nq; j++) {
          out[i * nq + j] = m + c * (out[i * nq + j] - m);
        }
      }
    }
    return out;
  }

  /**
   * Trains a forecaster on {@code table}: training targets in rows {@code [0, trainTo)}, validation
   * targets in {@code [trainTo, validationTo)} (their inputs may reach back into the training rows;
   * {@code validationTo == trainTo}: no validation part, the first frame is kept, early stopping and
   * the best epoch follow the training loss, intervals stay uncalibrated);
   * frames are fitted on the training rows only. A {@code LOG_CHANGE} candidate is skipped when the
   * target is not positive in every row up to {@code validationTo}.
   *
   * @throws org.rnn4j.data.DataException if there is no training or validation window
   * @throws IOException                  if the work folder cannot be written
   */
  public static Fit fit(Settings s, SeriesTable table, int trainTo, int validationTo, Listener listener)
      throws IOException {
    WindowSpec ws = new WindowSpec(s.lookback(), s.horizon(), 1);
    Windows train = Windows.of(table, s.features(), s.target(), ws, 0, trainTo);
    // validationTo == trainTo: no validation part (too few rows); training monitors its own loss
    Windows validation = validationTo == trainTo ? null
        : Windows.of(table, s.features(), s.target(), ws, trainTo, validationTo);
    double[] actual = validation == null ? null : org.rnn4j.data.Baselines.actual(table, validation);
    List<ForecastFrame.Kind> tried = new ArrayList<>();
    List<Double> maes = new ArrayList<>();
    List<History> histories = new ArrayList<>();
    ForecastFrame best = null;
    Dataset[] bestData = null; // the winner's training and validation examples, reused by the ensemble
    Model bestModel = null;
    double bestMae = Double.POSITIVE_INFINITY;
    boolean choose = validation != null && validation.count() >= s.minChoiceWindows();
    for (ForecastFrame.Kind kind : s.frames()) {
      if (!choose && !tried.isEmpty()) {
        break;
      }
      if (kind == ForecastFrame.Kind.LOG_CHANGE && !ForecastFrame.logApplies(table, s.target(), validationTo)) {
        continue;
      }
      ForecastFrame frame = ForecastFrame.fit(kind, table, s.features(), s.target(), trainTo)
          .withCalendar(s.calendar()).withFuture(s.future(), s.horizon(), table, trainTo);
      Dataset[] data = datasets(s, frame, table, train, validation);
      Trained t = train(s, kind, data[0], data[1], 0, listener);
      double mae = validationMae(new Forecaster(frame, s.lookback(), s.horizon(), List.of(t.model), s.quantiles()),
          table, validation, actual);
      tried.add(kind);
      maes.add(mae);
      histories.add(t.history);
      listener.candidate(kind, mae, t.history);
      // the level frame's error grows with the distance from the training range, and the test part lies
      // further from it than the validation part: it must win clearly to be chosen
      double judged = kind == ForecastFrame.Kind.LEVEL ? mae / (1 - LEVEL_MARGIN) : mae;
      if (judged < bestMae || best == null) {
        best = frame;
        bestData = data;
        bestModel = t.model;
        bestMae = judged;
      }
    }
    List<Model> members = new ArrayList<>();
    members.add(bestModel);
    for (int k = 1; k < s.ensemble(); k++) {
      Trained t = train(s, best.kind(), bestData[0], bestData[1], k, listener);
      histories.add(t.history);
      members.add(t.model);
      listener.member(k, validationMae(new Forecaster(best, s.lookback(), s.horizon(), List.of(t.model),
          s.quantiles()), table, validation, actual), t.history);
    }
    Forecaster f = new Forecaster(best, s.lookback(), s.horizon(), members, s.quantiles());
    if (!s.quantiles().isEmpty() && validation != null) {
      f = new Forecaster(best, s.lookback(), s.horizon(), members, s.quantiles(), calibratedScales(
          f.forecastQuantiles(table, validation.targetStarts()), actual,
          f.forecastQuantiles(table, train.targetStarts()), org.rnn4j.data.Baselines.actual(table, train),
          s.quantiles(), s.horizon()));
    }
    double ensembleMae = validationMae(f, table, validation, actual);
    double[] cm = maes.stream().mapToDouble(Double::doubleValue).toArray();
    for (ForecastFrame.Kind kind : s.frames()) {
      deleteWork(s, kind);
    }
    return new Fit(f, List.copyOf(tried), cm, ensembleMae, List.copyOf(histories),
        validation == null ? 0 : validation.count(), tried.size() > 1);
  }

  /** A trained network and its history. */
  record Trained(Model model, History history) {
  }

  /** The training and validation examples (null without validation) in {@code frame}. */
  private static Dataset[] datasets(Settings s, ForecastFrame frame, SeriesTable table, Windows train,
      Windows validation) {
    return new Dataset[] {dataset(List.of(frame), List.of(table), List.of(train.targetStarts()), s),
        validation == null ? null : dataset(List.of(frame), List.of(table), List.of(validation.targetStarts()), s)};
  }

  /**
   * Trains (or, resuming from {@code s.workDir()}, loads the finished) network {@code member} on
   * examples already in the frame; {@code validation} null: none.
   */
  static Trained train(Settings s, ForecastFrame.Kind kind, Dataset train, Dataset validation, int member,
      Listener listener) throws IOException {
    Path done = s.workDir() == null ? null : finished(s.workDir(), kind, member);
    FitOptions base = s.fit();
    Model model = s.networks().apply(base.seed() + member);
    // what a finished network or a checkpoint left by an interrupted run must have been trained on, so
    // that a resume with other settings or other data starts afresh instead of using the wrong network
    String fingerprint = fingerprint(s, kind, model, train, validation, base.seed() + member);
    if (done != null) {
      Path mark = fingerprintFile(s.workDir(), kind, member);
      String before = Files.exists(mark) ? Files.readString(mark) : "";
      if (!before.equals(fingerprint)) {
        Files.deleteIfExists(done);
        Files.deleteIfExists(checkpoint(s.workDir(), kind, member));
        org.rnn4j.io.AtomicFiles.write(mark, os -> os.write(fingerprint.getBytes(
            java.nio.charset.StandardCharsets.UTF_8)));
      }
      if (Files.exists(done)) {
        ModelFiles.Loaded l = ModelFiles.load(done);
        History h = History.fromCsv(l.metadata().getOrDefault("history", ""));
        return new Trained(l.model(), h);
      }
    }
    FitOptions options = base.withRun(base.seed() + member,
        s.workDir() == null ? null : checkpoint(s.workDir(), kind, member));
    History h = Trainer.fit(model, train, validation, options, listener.training(kind, member));
    if (done != null) {
      ModelFiles.save(model, done, java.util.Map.of("history", h.toCsv()));
      Files.deleteIfExists(checkpoint(s.workDir(), kind, member));
    }
    return new Trained(model, h);
  }

  /** SHA-256 of the network's spec, the options, the frame, the seed and the examples' values. */
  private static String fingerprint(Settings s, ForecastFrame.Kind kind, Model model, Dataset train,
      Dataset validation, long seed) {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      String head = ModelFiles.specToJsonText(model.spec()) + "|" + s.fit().withRun(seed, null) + "|" + kind.id()
          + "|" + s.lookback() + "|" + s.horizon() + "|" + s.features() + "|" + s.target() + "|" + s.quantiles()
          + "|" + s.calendar() + "|" + s.future();
      md.update(head.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      for (Dataset d : new Dataset[] {train, validation}) {
        if (d != null) {
          java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * (d.featureArray().length
              + d.targetArray().length));
          b.asFloatBuffer().put(d.featureArray()).put(d.targetArray());
          md.update(b.array());
        }
      }
      return java.util.HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * The examples of several series in their frames, one after the other: inputs {@code [N, lookback,
   * F]}, targets {@code [N, horizon * max(1, Q)]} (each step's target once per quantile level).
   */
  static Dataset dataset(List<ForecastFrame> frames, List<SeriesTable> tables, List<int[]> origins, Settings s) {
    int n = 0;
    for (int[] o : origins) {
      n += o.length;
    }
    int nq = Math.max(1, s.quantiles().size());
    int channels = frames.get(0).inputWidth();
    int inWidth = s.lookback() * channels;
    int outWidth = s.horizon() * nq;
    float[] x = new float[n * inWidth];
    float[] y = new float[n * outWidth];
    int at = 0;
    for (int i = 0; i < frames.size(); i++) {
      int[] o = origins.get(i);
      float[] xi = frames.get(i).inputs(tables.get(i), o, s.lookback());
      float[] yi = frames.get(i).targets(tables.get(i), o, s.horizon());
      System.arraycopy(xi, 0, x, at * inWidth, xi.length);
      for (int j = 0; j < yi.length; j++) {
        java.util.Arrays.fill(y, at * outWidth + j * nq, at * outWidth + (j + 1) * nq, yi[j]);
      }
      at += o.length;
    }
    return Dataset.ofFeatures(new Tensor(x, n, s.lookback(), channels), null,
        new Tensor(y, n, outWidth));
  }

  /** Deletes the finished networks, fingerprints and checkpoints of {@code kind} from the work folder. */
  static void deleteWork(Settings s, ForecastFrame.Kind kind) throws IOException {
    if (s.workDir() == null) {
      return;
    }
    for (int k = 0; k < s.ensemble(); k++) {
      Files.deleteIfExists(finished(s.workDir(), kind, k));
      Files.deleteIfExists(fingerprintFile(s.workDir(), kind, k));
      Files.deleteIfExists(checkpoint(s.workDir(), kind, k));
    }
  }

  private static Path fingerprintFile(Path dir, ForecastFrame.Kind kind, int member) {
    return dir.resolve(String.format(Locale.ROOT, "fit-%s-%d.fingerprint", kind.id(), member));
  }

  private static Path finished(Path dir, ForecastFrame.Kind kind, int member) {
    return dir.resolve(String.format(Locale.ROOT, "fit-%s-%d.rnn4j", kind.id(), member));
  }

  private static Path checkpoint(Path dir, ForecastFrame.Kind kind, int member) {
    return dir.resolve(String.format(Locale.ROOT, "fit-%s-%d.checkpoint.safetensors", kind.id(), member));
  }

  /**
   * The interval scales of a fitted forecaster: per step, the larger of the factor its validation
   * points need ({@link #intervalScales}) and the factor its training points need. The validation part
   * is the honest calibration, but it is short (one window of a long horizon, often) and may hold a
   * calm stretch; the training rows' errors are too small (the networks fitted them) but span the whole
   * history with its turbulent years, so where they need wider intervals than the validation part
   * does, they win. Measured on the forecasting suite (BENCHMARKS.md): 80% coverage 65.6% to 74.2% one
   * step ahead, 49.3% to 52.6% multi-step, point forecasts unchanged.
   *
   * @param validationQuantiles {@code [Nv, horizon, Q]}, {@code validationActual} {@code [Nv, horizon]}
   * @param trainQuantiles      {@code [Nt, horizon, Q]}, {@code trainActual} {@code [Nt, horizon]}
   */
  static double[] calibratedScales(double[] validationQuantiles, double[] validationActual, double[] trainQuantiles,
      double[] trainActual, List<Float> levels, int horizon) {
    double[] scales = intervalScales(validationQuantiles, validationActual, levels, horizon);
    double[] inSample = intervalScales(trainQuantiles, trainActual, levels, horizon);
    for (int k = 0; k < horizon; k++) {
      scales[k] = Math.max(scales[k], inSample[k]);
    }
    return scales;
  }

  /**
   * Validation windows needed to calibrate each step ahead on its own; with fewer, all steps share the
   * factor of the pooled points (at 10 windows the 80% interval's factor is the 9th of 10 values).
   */
  static final int MIN_STEP_WINDOWS = 10;

  /**
   * Split-conformal calibration of the outer interval by scaling (a multiplicative form of Romano et
   * al.'s conformalized quantile regression), one factor per step ahead: for each validation point the
   * factor its interval's half-widths (below and above the median) would need to reach it, and per step
   * the smallest factor that covers the nominal share of that step's points with the finite-sample
   * correction {@code ceil((n + 1)(1 - alpha)) / n}. Networks trained on the training part tend to give
   * too narrow intervals (their training errors are small), and more so further ahead, where an error
   * compounds; this widens each step's interval to what the validation part saw there, and narrows
   * intervals that are too wide. With fewer than {@link #MIN_STEP_WINDOWS} windows one factor from all
   * points serves every step. Clamped to [0.05, 20].
   *
   * @param quantiles {@code [N, horizon, Q]} validation forecasts
   * @param actual    {@code [N, horizon]} the values they forecast
   * @return {@code [horizon]} factors
   */
  static double[] intervalScales(double[] quantiles, double[] actual, List<Float> levels, int horizon) {
    int nq = levels.size();
    int median = levels.indexOf(0.5f);
    double nominal = levels.get(nq - 1) - levels.get(0);
    double[] need = new double[actual.length];
    for (int i = 0; i < actual.length; i++) {
      double m = quantiles[i * nq + median];
      double lo = m - quantiles[i * nq];
      double hi = quantiles[i * nq + nq - 1] - m;
      double y = actual[i] - m;
      double r = y >= 0 ? (hi > 0 ? y / hi : y > 0 ? Double.POSITIVE_INFINITY : 0)
          : (lo > 0 ? -y / lo : Double.POSITIVE_INFINITY);
      need[i] = r;
    }
    int windows = actual.length / horizon;
    double[] scales = new double[horizon];
    if (windows < MIN_STEP_WINDOWS) {
      java.util.Arrays.fill(scales, conformalFactor(need, nominal));
      return scales;
    }
    double[] step = new double[windows];
    for (int k = 0; k < horizon; k++) {
      for (int w = 0; w < windows; w++) {
        step[w] = need[w * horizon + k];
      }
      scales[k] = conformalFactor(step, nominal);
    }
    return scales;
  }

  /** The finite-sample conformal quantile of the needed factors, clamped to [0.05, 20]; sorts {@code need}. */
  private static double conformalFactor(double[] need, double nominal) {
    java.util.Arrays.sort(need);
    int n = need.length;
    int k = (int) Math.ceil((n + 1) * nominal) - 1; // 0-based rank
    double c = need[Math.min(n - 1, Math.max(0, k))];
    return Math.min(20, Math.max(0.05, Double.isFinite(c) ? c : 20));
  }

  /** The MAE on the validation windows in the target's units; NaN without a validation part. */
  private static double validationMae(Forecaster f, SeriesTable table, Windows validation, double[] actual) {
    return validation == null ? Double.NaN : mae(f.forecast(table, validation.targetStarts()), actual);
  }

  private static double mae(double[] f, double[] a) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += Math.abs(f[i] - a[i]);
    }
    return s / a.length;
  }
}
