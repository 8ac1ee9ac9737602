package org.rnn4j.cli.text;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rnn4j.Model;
import org.rnn4j.cli.options.ModelOptions;
import org.rnn4j.cli.options.TrainingOptions;
import org.rnn4j.cli.tune.TuneRun;
import org.rnn4j.data.Dataset;
import org.rnn4j.tune.Param;
import org.rnn4j.tune.SearchSpace;
import org.rnn4j.tune.Study;
import org.rnn4j.tune.Trial;
import picocli.CommandLine.Command;

/**
 * {@code rnn4j tune generate}: searches a character-level language model's settings. {@code generate
 * train} keeps the last part of the text for validation; the search never sees it. Each trial trains on
 * the first part of the rest and is scored by its cross-entropy on the last part of the rest (the same
 * fraction); then the best settings and the defaults are trained by {@code generate train} and scored
 * once, in bits per character, on the part no trial saw. Every option of {@code generate train} is
 * taken and passed on. Not thread-safe (a command runs once; its trials run in parallel through {@link
 * TuneRun}).
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Search a character-level language model's settings.",
        "The cell, size, layers, dropout, embedding, learning rate, batch and BPTT",
        "length are searched. 'generate train' keeps the last --validation-fraction",
        "of the text; no trial sees it. Each trial trains on the first part of the",
        "rest and is scored by its loss on the last part of the rest; poor trials are",
        "stopped early (with --epochs 2 or more). The best settings and the defaults",
        "are then trained by 'rnn4j generate train' and scored once, in bits per",
        "character, on the held-out part. Every option of 'rnn4j generate train' is",
        "taken and passed on (--data, --epochs ...); the options below are the",
        "search's.",
        "",
        "Example (the embedded Moby Dick, 3 epochs a trial):",
        "  rnn4j tune generate --trials 20 --time-budget 30m --epochs 3"})
public final class TuneGenerateCommand extends TuneTextCommand<GenerateTrainCommand> {

  /** Each searchable parameter and the generate train option it sets. */
  static final Map<String, String> OPTION_OF = TuneRun.options(Map.of("embedding", "--embedding", "seq_length",
      "--seq-length"));

  private static final Pattern BPC = Pattern.compile("(?m)^validation: loss [0-9.]+ nats per character, ([0-9.]+)"
      + " bits per character");

  private GenerateTrainCommand.Prepared prepared;

  public TuneGenerateCommand() {
    super("runs/tune-generate", GenerateTrainCommand::new, "generate train", t -> t.output, OPTION_OF);
  }

  @Override
  public TuneRun.Search search(PrintWriter o) throws IOException {
    SearchSpace space = parseTask(defaultSpace(), "language model");
    GenerateTrainCommand.Prepared d = task.prepare();
    prepared = d;
    // the trials' text: generate train's training part, its own last fraction kept for their validation
    int trialCut = (int) (d.cut() * (1.0 - task.validationFraction));
    o.printf(Locale.ROOT, "text: %,d characters, %d distinct; trials train on %,d and are scored on the next %,d;"
        + " the last %,d (generate train's validation part) are scored once, at the end%n", d.ids().length,
        d.vocab().size(), trialCut, d.cut() - trialCut, d.ids().length - d.cut());
    // too short a part fails here, in one line, rather than in every trial
    task.streams(d.ids(), 0, trialCut, task.training.batchSize, task.seqLength, "trials' training part", "");
    task.streams(d.ids(), trialCut, d.cut(), task.training.batchSize, task.seqLength, "trials' validation part",
        "; or raise --validation-fraction");
    if (task.stopping.epochs < 2 && !tune.pruner.equals("none")) {
      o.println("note: a trial trains " + task.stopping.epochs + " epoch, so none can be stopped early; give"
          + " --epochs 2 or more for the pruner to act");
    }
    Map<String, Object> all = TuneRun.networkDefaults(task.network, task.training);
    all.put("embedding", task.embedding);
    all.put("seq_length", String.valueOf(task.seqLength));
    Map<String, Object> defaults = TuneRun.defaultsIn(space, all);
    GenerateTrainCommand t = task;
    return new TuneRun.Search(space, defaults, trial -> score(trial, t, d, trialCut), task.stopping.epochs, 1,
        "validation loss", task.training.seed);
  }

  @Override
  public void finish(PrintWriter o, TuneRun.Outcome outcome, Path journal) throws IOException {
    trainBestAndDefaults(o, outcome, journal, TuneGenerateCommand::bitsPerCharacter, "bits per character",
        String.format(Locale.ROOT, "held-out part (the last %,d characters, generate train's validation part; scored"
            + " once for each)", prepared.ids().length - prepared.cut()));
  }

  /** The language model's space around its defaults. */
  static SearchSpace defaultSpace() {
    return SearchSpace.of(Param.choice("cell", "lstm", "gru"), Param.logInteger("hidden", 64, 512),
        Param.integer("layers", 1, 3), Param.real("dropout", 0, 0.3), Param.logInteger("embedding", 16, 128),
        Param.logReal("lr", 5e-4, 1e-2), Param.choice("batch_size", "16", "32", "64"),
        Param.choice("seq_length", "50", "100", "200"));
  }

  /** One trial: a language model with the trial's settings, scored by its best loss on the trials' validation. */
  private static double score(Trial trial, GenerateTrainCommand task, GenerateTrainCommand.Prepared d, int trialCut)
      throws java.io.IOException {
    ModelOptions network = TuneRun.network(trial, task.network);
    TrainingOptions training = TuneRun.training(trial, task.training);
    int steps = TuneRun.intSetting(trial, "seq_length", task.seqLength);
    Dataset train = task.streams(d.ids(), 0, trialCut, training.batchSize, steps, "trials' training part", "");
    Dataset val = task.streams(d.ids(), trialCut, d.cut(), training.batchSize, steps, "trials' validation part",
        "; or raise --validation-fraction");
    Model model = GenerateTrainCommand.build(d.vocab().size(), network,
        TuneRun.intSetting(trial, "embedding", task.embedding), training.seed);
    return TuneRun.fitTrial(trial, model, train, val, task.fitOptions(training, null));
  }

  /** The held-out bits per character {@code generate train} prints, or null. */
  private static Double bitsPerCharacter(String output) {
    Matcher m = BPC.matcher(output);
    return m.find() ? Double.parseDouble(m.group(1)) : null;
  }
}
