package org.rnn4j.cli.forecast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.options.ModelOptions;
import org.rnn4j.cli.options.OutputOptions;
import org.rnn4j.cli.options.TrainingOptions;
import org.rnn4j.cli.tune.TuneRun;
import org.rnn4j.cli.tune.TuneTaskCommand;
import org.rnn4j.data.ChronologicalSplit;
import org.rnn4j.data.DataException;
import org.rnn4j.forecast.ForecastFrame;
import org.rnn4j.forecast.Forecaster;
import org.rnn4j.train.History;
import org.rnn4j.train.TrainingListener;
import org.rnn4j.tune.Param;
import org.rnn4j.tune.SearchSpace;
import org.rnn4j.tune.Study;
import org.rnn4j.tune.Trial;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code rnn4j tune forecast}: searches the forecaster's settings on the validation part, then trains
 * the best settings and the defaults with {@code rnn4j train} (the command line it prints) and scores
 * both once on the test part. Not thread-safe (a command runs once; its trials run in parallel
 * through {@link TuneRun}).
 */
@Command(name = "forecast", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Search a forecaster's settings.",
        "The cell, size, layers, dropout, learning rate, batch, lookback and frame",
        "are searched. Each trial fits the forecaster 'rnn4j train' would fit and is",
        "scored by its validation MAE; poor trials are stopped early. The best",
        "settings and the defaults are then trained by 'rnn4j train' and scored once",
        "on the test part. Takes the data, split, model and budget options of 'rnn4j",
        "train' (one series: no --id-column).",
        "",
        "Example:",
        "  rnn4j tune forecast --data sales.csv --target units --test-rows 12 \\",
        "      --trials 30 --time-budget 10m"})
public final class TuneForecastCommand extends TuneTaskCommand {

  /** Each searchable parameter and the train option it sets. */
  static final Map<String, String> OPTION_OF = TuneRun.options(Map.of("lookback", "--lookback",
      "transform", "--transform"));


  @Mixin
  ForecasterOptions opts;

  @Mixin
  SplitOptions split = new SplitOptions();



  @org.rnn4j.cli.options.Range(min = 1, max = 20)
  @picocli.CommandLine.Option(names = "--validation-folds", paramLabel = "K",
      description = "Score each trial on K validation parts whose ends step back by a third of the horizon"
          + " (rolling origins, each with the rows before it for training) and average: one origin's score is"
          + " noise when the validation part holds few windows (default: 1 with 10 or more validation windows,"
          + " else 3).")
  Integer validationFolds;

  /** The rows of the search, for the finish. */
  private ChronologicalSplit.RowRanges ranges;


  public TuneForecastCommand() {
    super("runs/tune-forecast");
  }

  @Override
  public TuneRun.Search search(PrintWriter o) throws IOException {
    opts.check();
    split.check();
    ForecasterOptions.Plan plan = opts.plan(o, split);
    ForecasterOptions.Prepared p = plan.data();
    int horizon = opts.series.horizon;
    ChronologicalSplit.RowRanges ranges = plan.ranges();
    this.ranges = ranges;
    int look = plan.lookback();
    if (ranges.validationRows() == 0) {
      throw new UserInputException("tune compares trials on the validation part, and these " + ranges.trainRows()
          + " rows before the test part are too few to hold one; use more rows or --validation-rows");
    }
    o.printf(Locale.ROOT, "rows: %d train, %d validation (trials are scored here), %d test (scored once, at the"
        + " end); horizon %d%n", ranges.trainRows(), ranges.validationRows(), ranges.testRows(), horizon);
    SearchSpace space = tune.space(defaultSpace(p, ranges, look));
    TuneRun.requireKnown(space, OPTION_OF, "forecaster");
    Map<String, Object> defaults = defaults(space, look);
    Forecaster.Settings base = opts.settings(p, look, ranges.trainTo(), null);
    int windows = ranges.validationRows() - horizon + 1;
    int folds = validationFolds != null ? validationFolds : windows >= ForecasterOptions.MIN_CHOICE_WINDOWS ? 1 : 3;
    int stride = Math.max(1, horizon / 3);
    List<ChronologicalSplit.RowRanges> origins = new ArrayList<>();
    for (int f = 0; f < folds; f++) {
      ChronologicalSplit.RowRanges r = new ChronologicalSplit.RowRanges(ranges.rows(), ranges.trainTo() - f * stride,
          ranges.validationTo() - f * stride);
      ForecastSetup.requireWindows(r, look, horizon, opts.autoLookback());
      origins.add(r);
    }
    // the rows whose values score the trials: the validation part and the rows the earlier origins add
    int values = ranges.validationRows() + (folds - 1) * stride;
    if (values < ForecasterOptions.MIN_CHOICE_WINDOWS) {
      throw new UserInputException(String.format(Locale.ROOT, "the validation part holds %d value%s (rows %d to %d),"
          + " too few to choose among settings by: at least %d are needed, as for choosing a frame; give more rows"
          + " to --validation-rows, or keep the defaults of 'rnn4j train'", values, values == 1 ? "" : "s",
          ranges.validationTo() - values + 1, ranges.validationTo(), ForecasterOptions.MIN_CHOICE_WINDOWS));
    }
    if (folds > 1) {
      o.printf(Locale.ROOT, "validation: %d origins %d row%s apart, scores averaged (the validation part holds %d"
          + " window%s)%n", folds, stride, stride > 1 ? "s" : "", windows, windows > 1 ? "s" : "");
    }
    Study.Objective objective = trial -> {
      double sum = 0;
      for (int f = 0; f < origins.size(); f++) {
        sum += score(trial, p, origins.get(f), look, f == 0);
      }
      return sum / origins.size();
    };
    return new TuneRun.Search(space, defaults, objective, base.fit().epochs(), base.fit().patience(),
        "validation MAE", opts.training.seed);
  }

  @Override
  public Path startJournal() throws IOException {
    return output.start("study.jsonl");
  }



  @Override
  public void finish(PrintWriter o, TuneRun.Outcome outcome, Path journal) throws IOException {
    // the best settings and the defaults, each trained as `rnn4j train` trains them, scored on the test part
    Map<String, Object> best = outcome.best().params();
    List<String> bestArgs = trainArgs(best);
    o.println();
    o.printf(Locale.ROOT, "best: trial %d, validation MAE %.4f (an ensemble of %d network%s, as the model below)%n",
        outcome.best().number(), outcome.best().value(), opts.ensemble, opts.ensemble > 1 ? "s" : "");
    o.println("reproduce with: rnn4j train " + String.join(" ", TuneRun.quoted(bestArgs)));
    Path bestDir = output.out.resolve("best");
    Path defaultDir = output.out.resolve("defaults");
    boolean same = outcome.bestIsDefaults();
    JsonNode bestReport = train(o, bestArgs, bestDir);
    JsonNode defaultReport = same ? bestReport : train(o, trainArgs(Map.of()), defaultDir);
    o.println();
    o.printf(Locale.ROOT, "test part (%d rows, scored once for each):%n", ranges.testRows());
    int width = "default settings".length();
    for (JsonNode b : bestReport.path("baselines")) {
      width = Math.max(width, b.path("name").asText().length());
    }
    o.printf(Locale.ROOT, "  %-" + width + "s %10s %10s %10s%n", "", "MAE", "RMSE", "MASE");
    row(o, width, "best settings", bestReport.path("model"));
    row(o, width, "default settings", defaultReport.path("model"));
    if (same) {
      o.println(TuneRun.SAME_AS_BEST);
    }
    for (JsonNode b : bestReport.path("baselines")) {
      row(o, width, b.path("name").asText(), b);
    }
    o.println();
    OutputOptions.printWritten(o, "model", TuneRun.modelsWritten(output.out, same),
        "journal", journal + " (continue the search: the same command with --resume and more --trials)");
  }

  private static void row(PrintWriter o, int width, String name, JsonNode m) {
    o.printf(Locale.ROOT, "  %-" + width + "s %10.4f %10.4f %10.4f%n", name, m.path("mae").asDouble(Double.NaN),
        m.path("rmse").asDouble(Double.NaN), m.path("mase").asDouble(Double.NaN));
  }

  /**
   * The forecaster's space: cell, hidden units, layers, dropout, learning rate, batch size, the
   * lookback around its default, and the frame (log-change only for a positive target).
   */
  SearchSpace defaultSpace(ForecasterOptions.Prepared p, ChronologicalSplit.RowRanges ranges, int look) {
    List<Param> params = new ArrayList<>(List.of(Param.choice("cell", "lstm", "gru"),
        Param.logInteger("hidden", 16, 128), Param.integer("layers", 1, 2), Param.real("dropout", 0, 0.3),
        Param.logReal("lr", 3e-4, 3e-2), Param.choice("batch_size", "16", "32", "64")));
    int cap = Math.max(1, (ranges.trainTo() - opts.series.horizon + 1) / 3);
    int low = Math.max(1, (look + 1) / 2);
    int high = Math.max(look, Math.min(2 * look, cap));
    if (high > low) {
      params.add(Param.integer("lookback", low, high));
    }
    double[] target = p.table().column(p.target());
    boolean positive = true;
    for (int r = 0; r < ranges.validationTo(); r++) {
      positive &= target[r] > 0;
    }
    params.add(positive ? Param.choice("transform", "change", "log-change") : Param.choice("transform", "change"));
    return new SearchSpace(params);
  }

  /** The command line's own settings, for the parameters of the space. */
  Map<String, Object> defaults(SearchSpace space, int look) {
    Map<String, Object> all = TuneRun.networkDefaults(opts.network, opts.training);
    all.put("lookback", look);
    all.put("transform", ForecastSetup.frames(opts.transform).get(0).id());
    return TuneRun.defaultsIn(space, all);
  }

  /**
   * One trial: the forecaster {@code rnn4j train} would fit with the trial's settings (its --ensemble
   * of networks: one network's validation score is too noisy on a small validation part to choose by),
   * scored by its validation MAE in the series' units. Only the first origin's fit reports to the
   * pruner ({@code reports}).
   */
  double score(Trial trial, ForecasterOptions.Prepared p, ChronologicalSplit.RowRanges ranges, int look,
      boolean reports) throws IOException {
    ModelOptions network = TuneRun.network(trial, opts.network);
    TrainingOptions training = TuneRun.training(trial, opts.training);
    int lookback = TuneRun.intSetting(trial, "lookback", look);
    ForecastSetup.requireWindows(ranges, lookback, opts.series.horizon, false);
    String transform = trial.has("transform") ? trial.choice("transform") : opts.transform;
    Forecaster.Settings s = opts.settingsForWindows(p, lookback, ranges.trainTo() - lookback - opts.series.horizon + 1, null,
        0, network, training, transform);
    PruningListener listener = new PruningListener(trial);
    Forecaster.Fit fit;
    try {
      fit = Forecaster.fit(s, p.table(), ranges.trainTo(), ranges.validationTo(), reports ? listener
          : (frame, member) -> new TrainingListener() { });
    } catch (DataException e) {
      throw new UserInputException(e.getMessage());
    }
    if (listener.pruned) {
      throw new Trial.Pruned(listener.lastEpoch);
    }
    return fit.ensembleMae();
  }

  /**
   * Reports the first network's validation MAE (in the frame: units of the series' typical one-step
   * change, so frames compare) after each epoch, and stops it, and the trial, when the pruner says so.
   */
  static final class PruningListener implements Forecaster.Listener {
    private final Trial trial;
    private boolean taken;
    volatile boolean pruned;
    volatile int lastEpoch;

    PruningListener(Trial trial) {
      this.trial = trial;
    }

    @Override
    public TrainingListener training(ForecastFrame.Kind frame, int member) {
      if (pruned) {
        throw new Trial.Pruned(lastEpoch); // the rest of the ensemble is not trained
      }
      if (taken) {
        return new TrainingListener() { };
      }
      taken = true;
      return new TrainingListener() {
        @Override
        public void epochFinished(History.Epoch e) {
          lastEpoch = e.epoch();
          double v = e.metrics().getOrDefault("mae", e.validationLoss());
          if (trial.report(e.epoch(), v)) {
            pruned = true;
          }
        }

        @Override
        public boolean stopRequested() {
          return pruned;
        }
      };
    }
  }

  /**
   * The {@code rnn4j train} arguments for {@code settings}: this command line's own arguments without
   * the search's options and without those the settings replace, then the settings.
   */
  List<String> trainArgs(Map<String, Object> settings) {
    Set<String> drop = new java.util.HashSet<>(List.of("--out", "--resume"));
    for (OptionSpec os : spec.mixins().get("tune").options()) {
      drop.addAll(List.of(os.names()));
    }
    List<String> original = spec.commandLine().getParseResult().originalArgs();
    // the whole command line: this command's own arguments follow its name
    int from = -1; // the root command's name is not among the arguments
    for (CommandSpec c = spec; c != null; c = c.parent()) {
      from++;
    }
    return TuneRun.withSettings(original.subList(from, original.size()), spec, drop, settings, OPTION_OF);
  }


  /** Runs {@code rnn4j train} with {@code args} into {@code dir} and reads its report. */
  private JsonNode train(PrintWriter o, List<String> args, Path dir) throws IOException {
    Path report = dir.resolve("report.json");
    List<String> full = new ArrayList<>(args);
    full.addAll(List.of("--report", report.toString()));
    TuneRun.runInto(o, new TrainCommand(), "train", full, dir);
    return new ObjectMapper().readTree(report.toFile());
  }

}
