package org.rnn4j.cli.forecast;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.rnn4j.Engine;
import org.rnn4j.Sequential;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.data.CsvSeriesReader;
import org.rnn4j.cli.options.CombinedCheck;
import org.rnn4j.cli.options.InputFile;
import org.rnn4j.cli.options.ModelOptions;
import org.rnn4j.cli.options.OneOf;
import org.rnn4j.cli.options.Range;
import org.rnn4j.cli.options.ResumeMayChange;
import org.rnn4j.cli.options.StoppingOptions;
import org.rnn4j.cli.options.TrainingOptions;
import org.rnn4j.data.ChronologicalSplit;
import org.rnn4j.data.DataException;
import org.rnn4j.data.MissingValues;
import org.rnn4j.data.Scaler;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.forecast.ForecastFrame;
import org.rnn4j.forecast.Forecaster;
import org.rnn4j.forecast.Frequency;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Loss;
import org.rnn4j.train.Adam;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.History;
import org.rnn4j.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options and steps every command that trains a forecaster shares ({@code train}, {@code
 * backtest}): the data and its columns, the season, the frame, the network, the training budget, and
 * the fit itself with one line per network. A picocli mixin; not thread-safe (a command runs once).
 */
@Command(resourceBundle = "org.rnn4j.cli.forecast.ForecasterOptions")
public final class ForecasterOptions implements CombinedCheck {

  /** Validation windows needed before --transform auto compares frames (one window is noise). */
  static final int MIN_CHOICE_WINDOWS = 10;

  @Mixin
  ModelOptions network = new ModelOptions("lstm", 64, 1, 0f);

  @Mixin
  TrainingOptions training = new TrainingOptions(32, 0.003f, 1f, 42);

  @Mixin
  public SeriesOptions series = new SeriesOptions();

  @Option(names = "--features", split = ",", paramLabel = "COLUMN",
      description = "Input columns (default: every numeric column, the target included).")
  List<String> features;

  @Range(min = 1, max = 100_000)
  @Option(names = "--lookback", paramLabel = "N",
      description = "Past steps each forecast sees (default: two seasons, at most a third of the training rows).")
  Integer lookback;

  @Option(names = "--transform", defaultValue = "auto", paramLabel = "NAME",
      description = {"The frame the network learns in: change (each window relative to its last value), log-change"
          + " (relative changes, positive series), level (standardized values), a list of them to choose from"
          + " on validation, or auto: change and log-change (default: ${DEFAULT-VALUE})."})
  String transform;

  @Option(names = "--intervals", negatable = true,
      description = "Forecast the 0.1, 0.5 and 0.9 quantiles with the pinball loss: the median is the forecast and"
          + " the outer two an 80%% interval (default: on for one series, off for --id-column); --no-intervals"
          + " trains point forecasts with the squared error.")
  Boolean intervals;

  /** Whether intervals are on when neither --intervals nor --no-intervals is given. */
  boolean intervalsByDefault = true;

  @Range(min = 0, minExclusive = true, max = 1, maxExclusive = true)
  @Option(names = "--quantiles", split = ",", paramLabel = "LEVEL",
      description = "The quantile levels to forecast, each in (0, 1), e.g. 0.05,0.5,0.95 (implies --intervals;"
          + " 0.5 is added if missing).")
  List<Float> quantiles;

  @Range(min = 1, max = 1000)
  @Option(names = "--ensemble", defaultValue = "3", paramLabel = "K",
      description = "Networks (seeds) averaged in the forecast (default: ${DEFAULT-VALUE}).")
  int ensemble;

  @Option(names = "--bidirectional", description = "Read each window in both directions.")
  boolean bidirectional;

  @Mixin
  public StoppingOptions stopping = new StoppingOptions(null, null);

  @Option(names = "--missing", paramLabel = "POLICY", defaultValue = "interpolate",
      description = "Missing values: interpolate, ffill, drop or fail (default: ${DEFAULT-VALUE}); what is filled is reported.")
  String missing;

  @Range(min = 1, max = 1_000_000_000)
  @Option(names = "--validation-rows", paramLabel = "N",
      description = "The N rows before the test part are the validation part (default with --test-rows: 15%% of"
          + " the rest, at least the horizon).")
  Integer validationRows;

  @Option(names = "--future-features", split = ",", paramLabel = "COLUMN",
      description = "Columns known in advance for the rows forecast (a price, a promotion): their values in the"
          + " --horizon rows from each origin are inputs too; 'rnn4j forecast' then needs them in rows after the"
          + " last observed target.")
  List<String> futureFeatures;

  @OneOf({"keep", "fill"})
  @Option(names = "--gaps", defaultValue = "keep", paramLabel = "keep|fill",
      description = "Gaps in the dates (steps longer than the series' frequency, reported when read): keep (rows"
          + " are consecutive steps) or fill (insert the missing steps, their values filled by --missing)"
          + " (default: ${DEFAULT-VALUE}).")
  String gaps;

  @Option(names = "--calendar",
      description = "Also feed the calendar: the position of each input row in the year and in the week (sin and"
          + " cos); needs a date column of dates.")
  boolean calendar;

  @Option(names = "--season", defaultValue = "auto", paramLabel = "N|auto",
      description = "Rows per season, for the seasonal naive baseline, MASE and the default lookback (default: from"
          + " the dates: hourly 24, daily 7, weekly 52, monthly 12, quarterly 4, yearly 1; 1 without dates).")
  String season;

  /** The data read and cleaned, with its frequency and season. */
  record Prepared(SeriesTable table, List<String> features, String target, String source, boolean embedded,
      Frequency frequency, int season) {
  }

  /** Option values that are wrong on their own, before any work. */
  void check() {
    fillGaps();
  }

  /** The word options (season, transform, missing values, quantiles) read before any work. */
  @Override
  public String problem() {
    try {
      if (!season.trim().equalsIgnoreCase("auto")) {
        ForecastSetup.season(season, null);
      }
      ForecastSetup.frames(transform);
      levels();
      MissingValues.parse(missing);
      return null;
    } catch (UserInputException e) {
      return e.getMessage();
    } catch (IllegalArgumentException e) {
      return "--missing: expected interpolate, forward-fill, drop-rows or fail, received '" + missing + "'";
    }
  }

  /** Reads and cleans the data, prints what was read and the season. */
  Prepared read(PrintWriter o) {
    boolean embedded = series.embedded();
    String targetName = series.targetName();
    List<String> wanted = null;
    if (features != null) {
      wanted = new ArrayList<>(features);
      if (!wanted.contains(targetName)) {
        wanted.add(targetName);
      }
      for (String f : future()) {
        if (!wanted.contains(f)) {
          wanted.add(f);
        }
      }
    }
    CsvSeriesReader.Result read = embedded ? CsvSeriesReader.readEmbedded("seattle_weather", wanted, null)
        : CsvSeriesReader.read(series.data, wanted, series.dateColumn);
    for (String note : read.notes()) {
      o.println("note: " + note);
    }
    SeriesTable raw = read.table();
    if (!raw.hasColumn(targetName)) {
      throw new UserInputException("--target: no numeric column named '" + targetName + "'; the data has "
          + raw.columnNames());
    }
    String source = embedded ? "embedded Seattle daily weather 2012-2015 (see its NOTICE)" : series.data.toString();
    List<String> feats = features != null ? features : raw.columnNames();
    List<String> columns = new ArrayList<>(feats);
    if (!columns.contains(targetName)) {
      columns.add(targetName);
    }
    for (String f : future()) {
      if (!raw.hasColumn(f)) {
        throw new UserInputException("--future-features: no numeric column named '" + f + "'; the data has "
            + raw.columnNames());
      }
      if (f.equals(targetName)) {
        throw new UserInputException("--future-features: the target '" + f + "' cannot be known in advance");
      }
      if (!columns.contains(f)) {
        columns.add(f);
      }
    }
    SeriesTable selected = raw.select(columns);
    if (fillGaps()) {
      SeriesTable filled = ForecastSetup.fillGaps(selected);
      if (filled.rows() > selected.rows()) {
        o.printf(Locale.ROOT, "note: --gaps fill: %d missing time steps inserted (now %d rows); their values are"
            + " filled by --missing %s%n", filled.rows() - selected.rows(), filled.rows(), missing);
      }
      selected = filled;
    }
    MissingValues.Result cleaned;
    try {
      cleaned = MissingValues.parse(missing).apply(selected);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage());
    }
    SeriesTable table = cleaned.table();
    o.printf(Locale.ROOT, "data: %s, %d rows, features %s, target %s%n", source, table.rows(), feats,
        targetName);
    o.println(cleaned.report().summary());
    Frequency frequency = ForecastSetup.frequency(table);
    int m = ForecastSetup.season(season, frequency);
    o.println("season: " + m + " rows" + ("auto".equalsIgnoreCase(season.trim())
        ? " (" + (frequency.name().equals("rows") ? "no dates: no season" : frequency.name() + " dates") + ")"
        : " (--season)"));
    return new Prepared(table, List.copyOf(feats), targetName, source, embedded, frequency, m);
  }

  /** The data read, its parts and the lookback: what a one-series command plans before fitting. */
  record Plan(Prepared data, ChronologicalSplit.RowRanges ranges, int lookback) {
  }

  /**
   * Reads the data, splits it as {@code split} says and chooses the lookback, refusing (in one line) a
   * split that holds no training window or a constant target.
   */
  Plan plan(PrintWriter o, SplitOptions split) {
    Prepared p = read(o);
    ChronologicalSplit.RowRanges ranges = split.ranges(p.table().rows(), validationRows, series.horizon);
    int look = lookback(p, ranges.trainTo());
    ForecastSetup.requireWindows(ranges, look, series.horizon, autoLookback());
    requireVariation(o, p, ranges.trainTo());
    return new Plan(p, ranges, look);
  }

  /** The lookback: --lookback, or two seasons capped by the training rows. */
  int lookback(Prepared p, int trainRows) {
    return lookback != null ? lookback : ForecastSetup.defaultLookback(p.season(), trainRows, series.horizon);
  }

  boolean autoLookback() {
    return lookback == null;
  }

  /** Notes constant columns over rows [0, trainTo); a constant target is an error. */
  static void requireVariation(PrintWriter o, Prepared p, int trainTo) {
    List<String> columns = new ArrayList<>(p.features());
    if (!columns.contains(p.target())) {
      columns.add(p.target());
    }
    Scaler sc = Scaler.fit(Scaler.Method.STANDARD, p.table(), columns, 0, trainTo);
    if (!sc.constantColumns().isEmpty()) {
      o.println("note: constant columns in the training part (they carry no information): "
          + sc.constantColumns());
      for (String c : sc.constantColumns()) {
        double[] v = p.table().column(c);
        for (int r = trainTo; r < v.length; r++) {
          if (!Double.isNaN(v[r]) && v[r] != v[0]) {
            o.println("note: column '" + c + "' is constant (" + v[0] + ") in the training rows and changes later ("
                + v[r] + " at " + p.table().rowLabel(r) + "): the model never saw it vary, so what it does with the"
                + " new values is untested; drop it from --features or train on rows where it varies");
            break;
          }
        }
      }
    }
    if (sc.isConstant(p.target())) {
      throw new UserInputException("the target '" + p.target() + "' is constant over the training part: there is"
          + " nothing to learn; choose another target or more data");
    }
  }

  /** {@code --gaps}: whether missing time steps are inserted. */
  boolean fillGaps() {
    switch (gaps.trim().toLowerCase(Locale.ROOT)) {
      case "keep":
        return false;
      case "fill":
        return true;
      default:
        throw new UserInputException("--gaps: expected keep or fill, got '" + gaps + "'");
    }
  }

  /** The --future-features columns (empty: none). */
  List<String> future() {
    return futureFeatures == null ? List.of() : List.copyOf(futureFeatures);
  }

  List<Float> levels() {
    return ForecastSetup.levels(intervals != null ? intervals : intervalsByDefault, quantiles);
  }

  /** Whether the user asked for intervals or quantile levels explicitly. */
  boolean intervalsAsked() {
    return Boolean.TRUE.equals(intervals) || (quantiles != null && !quantiles.isEmpty());
  }

  String cellName() {
    return network.cellType().name().replace("_TANH", "");
  }

  /**
   * What to train for these rows: the networks, and a budget counted in updates for small series (a
   * pass over a few windows is one or two updates).
   */
  Forecaster.Settings settings(Prepared p, int look, int trainTo, Path work) {
    return settingsForWindows(p, look, trainTo - look - series.horizon + 1, work);
  }

  /** As {@link #settings}, for a training set of {@code trainWindows} windows (many series together). */
  Forecaster.Settings settingsForWindows(Prepared p, int look, int trainWindows, Path work) {
    return settingsForWindows(p, look, trainWindows, work, 0);
  }

  /** As above, the networks reading {@code extraInputs} more channels per step (a series code). */
  Forecaster.Settings settingsForWindows(Prepared p, int look, int trainWindows, Path work, int extraInputs) {
    return settingsForWindows(p, look, trainWindows, work, extraInputs, network, training, transform);
  }

  /**
   * As above, with another network, optimiser and frame than the command line's (a search's trial);
   * everything else (budget, intervals, inputs) as the command line has it.
   */
  Forecaster.Settings settingsForWindows(Prepared p, int look, int trainWindows, Path work, int extraInputs,
      ModelOptions network, TrainingOptions training, String transform) {
    CellType cellType = network.cellType();
    List<Float> levels = levels();
    int updatesPerEpoch = (trainWindows + training.batchSize - 1) / training.batchSize;
    int maxEpochs = stopping.epochs != null ? stopping.epochs : Math.min(1000, Math.max(100, ceilDiv(1000, updatesPerEpoch)));
    int stopAfter = stopping.patience != null ? stopping.patience : Math.max(10, ceilDiv(100, updatesPerEpoch));
    FitOptions options = FitOptions.builder().epochs(maxEpochs).batchSize(training.batchSize)
        .optimizer(new Adam(training.lr, 0.9f, 0.999f, 1e-8f, 0f, false)).seed(training.seed).clipNorm(training.clipNorm)
        .earlyStopping(stopAfter).restoreBest(true).metrics("mae").build();
    if (calendar && !p.table().hasDates()) {
      throw new UserInputException("--calendar: expected a date column of dates (2012-01-31, 2012-01, 2012Q1), got "
          + (p.table().hasDateColumn() ? "labels in '" + p.table().dateColumnName() + "'" : "no date column"));
    }
    int nf = p.features().size() + (calendar ? 4 : 0) + future().size() * series.horizon + extraInputs;
    return new Forecaster.Settings(p.features(), p.target(), look, series.horizon, ForecastSetup.frames(transform), ensemble,
        s -> Sequential.features(nf)
            .recurrent(cellType, network.hidden, r -> r.numLayers(network.layers).bidirectional(bidirectional))
            .dropout(network.dropout)
            .dense(series.horizon * Math.max(1, levels.size()))
            .loss(levels.isEmpty() ? Loss.MSE : Loss.quantile(levels))
            .build(s), options, work, MIN_CHOICE_WINDOWS, levels, calendar, future());
  }

  /** Empties the work folder unless resuming, and makes sure it exists (a backtest fold's fresh fit). */
  static void prepareWork(Path work, boolean resume) throws IOException {
    if (!resume && Files.isDirectory(work)) {
      try (var files = Files.list(work)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
      }
    }
    Files.createDirectories(work);
  }

  /**
   * Fits, printing one line per network and then the frame and why it was taken; with {@code quiet}
   * only the last two.
   */
  Forecaster.Fit fit(PrintWriter o, Prepared p, Forecaster.Settings settings, int trainTo, int validationTo,
      boolean quiet) throws IOException {
    long t0 = System.nanoTime();
    Forecaster.Fit fit;
    try {
      fit = Forecaster.fit(settings, p.table(), trainTo, validationTo, quiet ? new FitLines(null, training.seed)
          : new FitLines(o, training.seed));
    } catch (DataException e) {
      throw new UserInputException(e.getMessage());
    }
    Forecaster forecaster = fit.forecaster();
    double seconds = (System.nanoTime() - t0) / 1e9;
    int frames = settings.frames().size();
    o.printf(Locale.ROOT, "transform: %s%s%n", forecaster.frame().describe(), fit.chosen()
        ? " (lowest validation MAE of " + fit.candidates().size() + ")"
        : frames == 1 ? " (--transform)"
        : fit.validationWindows() == 0 ? " (no validation part: too few rows to hold one; the first candidate)"
        : fit.validationWindows() >= MIN_CHOICE_WINDOWS ? " (the only candidate that applies: log-change needs a"
            + " positive series)"
        : " (not chosen: the validation part holds " + fit.validationWindows() + " window"
            + (fit.validationWindows() > 1 ? "s" : "") + ", fewer than " + MIN_CHOICE_WINDOWS + " to choose by)");
    o.printf(Locale.ROOT, "trained %d network%s in %.1f s; ensemble of %d%s%n",
        fit.histories().size(), fit.histories().size() > 1 ? "s" : "", seconds, forecaster.members().size(),
        Double.isNaN(fit.ensembleMae()) ? " (no validation part)"
            : String.format(Locale.ROOT, ": validation MAE %.4f", fit.ensembleMae()));
    return fit;
  }

  /** Prints the network's summary and the kernels in use. */
  void printNetwork(PrintWriter o, Forecaster.Settings settings) {
    o.print(settings.networks().apply(training.seed).summary());
    o.println("kernels: " + Engine.kernelName());
  }

  /** One line per trained network instead of a progress bar per network. */
  static final class FitLines implements Forecaster.Listener {
    private final PrintWriter out;
    private final long seed;

    /** {@code out} null: silent. */
    FitLines(PrintWriter out, long seed) {
      this.out = out;
      this.seed = seed;
    }

    @Override
    public TrainingListener training(ForecastFrame.Kind frame, int member) {
      return new TrainingListener() {
        @Override
        public void message(String text) {
          if (out != null && text.startsWith("resumed")) {
            out.println("  " + text);
            out.flush();
          }
        }
      };
    }

    @Override
    public void candidate(ForecastFrame.Kind frame, double validationMae, History history) {
      if (out == null) {
        return;
      }
      out.printf(Locale.ROOT, "  %-10s seed %d: %s%s%n", frame.id(), seed, epochs(history), score(validationMae));
      out.flush();
    }

    @Override
    public void member(int member, double validationMae, History history) {
      if (out == null) {
        return;
      }
      out.printf(Locale.ROOT, "  %-10s seed %d: %s%s%n", "", seed + member, epochs(history), score(validationMae));
      out.flush();
    }

    private static String score(double validationMae) {
      return Double.isNaN(validationMae) ? "" : String.format(Locale.ROOT, "; validation MAE %.4f", validationMae);
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

}
