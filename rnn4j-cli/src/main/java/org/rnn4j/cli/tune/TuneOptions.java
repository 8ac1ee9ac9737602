package org.rnn4j.cli.tune;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.options.CombinedCheck;
import org.rnn4j.cli.options.InputFile;
import org.rnn4j.cli.options.OneOf;
import org.rnn4j.cli.options.Range;
import org.rnn4j.cli.options.ResumeMayChange;
import org.rnn4j.tune.Pruner;
import org.rnn4j.tune.Sampler;
import org.rnn4j.tune.SearchSpace;
import picocli.CommandLine.Option;

/**
 * The options of every {@code rnn4j tune} task, declared once: how many trials and for how long, the
 * space, the sampler, the pruner and how many trials run at once. A picocli mixin; not thread-safe
 * (picocli fills it once per command line).
 */
public final class TuneOptions implements CombinedCheck {
  private static final Pattern DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

  @Range(min = 1, max = 100_000)
  @ResumeMayChange
  @Option(names = "--trials", defaultValue = "20", paramLabel = "N",
      description = "Trials to finish (a resumed search counts those it has) (default: ${DEFAULT-VALUE}).")
  public int trials;

  @ResumeMayChange
  @Option(names = "--time-budget", paramLabel = "DURATION",
      description = "Start no trial after this long, e.g. 90s, 10m, 1h30m (default: no limit; a running trial"
          + " finishes).")
  public String timeBudget;

  @InputFile
  @Option(names = "--space", paramLabel = "FILE.json",
      description = "The search space, one member per parameter: {\"hidden\": {\"int\": [16, 256], \"log\": true},"
          + " \"cell\": {\"choice\": [\"lstm\", \"gru\"]}, \"lr\": {\"real\": [0.0001, 0.01], \"log\": true}}"
          + " (default: the task's own space, printed at the start).")
  public Path space;

  @OneOf({"tpe", "random", "grid"})
  @Option(names = "--sampler", defaultValue = "tpe", paramLabel = "tpe|random|grid",
      description = "How settings are chosen: tpe (Optuna's default: 10 random trials, then the tree-structured"
          + " Parzen estimator), random, or grid (3 values per range) (default: ${DEFAULT-VALUE}).")
  public String sampler;

  @OneOf({"asha", "hyperband", "none"})
  @Option(names = "--pruner", defaultValue = "asha", paramLabel = "asha|hyperband|none",
      description = "How poor trials are stopped early: asha (asynchronous successive halving), hyperband, or"
          + " none (default: ${DEFAULT-VALUE}).")
  public String pruner;

  @Range(min = 2, max = 100)
  @Option(names = "--reduction-factor", paramLabel = "N",
      description = "Successive halving keeps the best 1/N at each rung (default: 4 for asha, as Ray Tune; 3 for"
          + " hyperband, as Optuna).")
  public Integer reductionFactor;

  @Range(min = 1, max = 1_000_000)
  @Option(names = "--grace-period", paramLabel = "EPOCHS",
      description = "Epochs before a trial can first be stopped (default: the task's; for forecasting the epochs of"
          + " 100 updates, as its early stopping's patience, since a small series' epoch is one or two updates).")
  public Integer gracePeriod;

  @Range(min = 1, max = 64)
  @Option(names = "--parallel", defaultValue = "1", paramLabel = "N",
      description = "Trials run at once, sharing the cores (default: ${DEFAULT-VALUE}).")
  public int parallel;

  @Override
  public String problem() {
    try {
      budget();
      return null;
    } catch (UserInputException e) {
      return e.getMessage();
    }
  }

  /** {@code --time-budget}, or null. */
  public Duration budget() {
    if (timeBudget == null) {
      return null;
    }
    String t = timeBudget.trim().toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(t);
    if (t.isEmpty() || !m.matches()) {
      throw new UserInputException("--time-budget: expected a duration such as 90s, 10m or 1h30m, received '"
          + timeBudget + "'");
    }
    long seconds = 0;
    for (int g = 1; g <= 3; g++) {
      if (m.group(g) != null) {
        seconds += Long.parseLong(m.group(g)) * (g == 1 ? 3600 : g == 2 ? 60 : 1);
      }
    }
    if (seconds == 0) {
      throw new UserInputException("--time-budget: expected a duration above zero, received '" + timeBudget + "'");
    }
    return Duration.ofSeconds(seconds);
  }

  /** {@code --space}, read, or {@code fallback}. */
  public SearchSpace space(SearchSpace fallback) throws IOException {
    if (space == null) {
      return fallback;
    }
    try {
      return SearchSpace.fromJson(Files.readString(space));
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--space " + space + ": " + e.getMessage());
    }
  }

  /** The sampler named by {@code --sampler}. */
  public Sampler sampler() {
    return switch (sampler) {
      case "random" -> Sampler.random();
      case "grid" -> Sampler.grid(3);
      default -> Sampler.tpe();
    };
  }

  /**
   * The pruner named by {@code --pruner}, for trials of at most {@code maxEpochs} epochs; {@code
   * taskGrace} is the grace period when {@code --grace-period} is not given.
   */
  public Pruner pruner(int maxEpochs, int taskGrace) {
    int grace = gracePeriod != null ? gracePeriod : taskGrace;
    int steps = Math.max(maxEpochs, grace);
    return switch (pruner) {
      case "none" -> Pruner.none();
      case "hyperband" -> Pruner.hyperband(grace, reductionFactor != null ? reductionFactor : 3, steps);
      default -> Pruner.asha(grace, reductionFactor != null ? reductionFactor : 4, steps);
    };
  }
}
