package org.rnn4j.cli.text;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rnn4j.Model;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.cli.options.ModelOptions;
import org.rnn4j.cli.options.TrainingOptions;
import org.rnn4j.cli.tune.TuneRun;
import org.rnn4j.tune.Param;
import org.rnn4j.tune.SearchSpace;
import org.rnn4j.tune.Study;
import org.rnn4j.tune.Trial;
import picocli.CommandLine.Command;

/**
 * {@code rnn4j tune classify}: searches a text classifier's settings on the validation part (its
 * cross-entropy), then trains the best settings and the defaults with {@code rnn4j classify train}
 * and scores both once on the test part. Every option of {@code classify train} is taken and passed
 * on. Not thread-safe (a command runs once; its trials run in parallel through {@link TuneRun}).
 */
@Command(name = "classify", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Search a text classifier's settings.",
        "The cell, size, layers, dropout, embedding, learning rate and batch are",
        "searched. Each trial trains a classifier and is scored by its validation",
        "loss; poor trials are stopped early. The best settings and the defaults are",
        "then trained by 'rnn4j classify train' and scored once on the test part.",
        "Every option of 'rnn4j classify train' is taken and passed on (data, split,",
        "tokenizer, --epochs ...); the options below are the search's.",
        "",
        "Example (the embedded language identification):",
        "  rnn4j tune classify --trials 20 --time-budget 15m"})
public final class TuneClassifyCommand extends TuneTextCommand<ClassifyTrainCommand> {

  /** Each searchable parameter and the classify train option it sets. */
  static final Map<String, String> OPTION_OF = TuneRun.options(Map.of("embedding", "--embedding"));

  private static final Pattern ACCURACY = Pattern.compile("(?m)^\\s+accuracy\\s+([0-9.]+)");

  public TuneClassifyCommand() {
    super("runs/tune-classify", ClassifyTrainCommand::new, "classify train", t -> t.output, OPTION_OF);
  }

  @Override
  public TuneRun.Search search(PrintWriter o) throws IOException {
    SearchSpace space = parseTask(defaultSpace(), "classifier");
    ClassifyTrainCommand.Prepared d = task.prepare(o);
    if (d.val() == null) {
      throw new UserInputException("tune compares trials on the validation part, and --validation-fraction leaves"
          + " none; use --validation-fraction 0.1 or more");
    }
    Map<String, Object> all = TuneRun.networkDefaults(task.network, task.training);
    all.put("embedding", task.embedding);
    Map<String, Object> defaults = TuneRun.defaultsIn(space, all);
    ClassifyTrainCommand t = task;
    return new TuneRun.Search(space, defaults, trial -> score(trial, t, d), task.stopping.epochs, 1,
        "validation loss", task.training.seed);
  }

  @Override
  public void finish(PrintWriter o, TuneRun.Outcome outcome, Path journal) throws IOException {
    trainBestAndDefaults(o, outcome, journal, TuneClassifyCommand::accuracy, "accuracy",
        "test part (scored once for each)");
  }

  /** The classifier's space around its defaults. */
  static SearchSpace defaultSpace() {
    return SearchSpace.of(Param.choice("cell", "lstm", "gru"), Param.logInteger("hidden", 16, 128),
        Param.integer("layers", 1, 2), Param.real("dropout", 0, 0.3), Param.logInteger("embedding", 16, 64),
        Param.logReal("lr", 1e-3, 1e-2), Param.choice("batch_size", "16", "32", "64"));
  }

  /** One trial: a classifier with the trial's settings, scored by its best validation loss. */
  private static double score(Trial trial, ClassifyTrainCommand task, ClassifyTrainCommand.Prepared d)
      throws IOException {
    ModelOptions network = TuneRun.network(trial, task.network);
    TrainingOptions training = TuneRun.training(trial, task.training);
    Model model = task.build(d, network, TuneRun.intSetting(trial, "embedding", task.embedding), training.seed);
    return TuneRun.fitTrial(trial, model, d.train(), d.val(), task.fitOptions(d.val(), training, null));
  }

  /** The test accuracy {@code classify train} prints, or null. */
  private static Double accuracy(String output) {
    Matcher m = ACCURACY.matcher(output);
    return m.find() ? Double.parseDouble(m.group(1)) : null;
  }
}
