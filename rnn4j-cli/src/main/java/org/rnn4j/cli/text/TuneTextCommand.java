package org.rnn4j.cli.text;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.rnn4j.cli.options.OutputOptions;
import org.rnn4j.cli.tune.TuneRun;
import org.rnn4j.cli.tune.TuneTaskCommand;
import org.rnn4j.tune.SearchSpace;
import picocli.CommandLine;
import picocli.CommandLine.Unmatched;

/**
 * What {@code tune classify} and {@code tune generate} share: every option the search does not know is
 * the task command's ({@code classify train}, {@code generate train}), parsed into a fresh task command;
 * a resume must match the task's options and data too; and the best settings and the defaults are
 * trained by the task command at the end. Not thread-safe (a command runs once; its trials run in
 * parallel through {@link TuneRun}).
 *
 * @param <T> the task command
 */
abstract class TuneTextCommand<T> extends TuneTaskCommand {

  @Unmatched
  List<String> trainArgs = new ArrayList<>();

  /** The task command, filled from the options the search does not know (set by {@link #parseTask}). */
  T task;

  private CommandLine taskLine;
  private final Supplier<T> newTask;
  private final String taskName;
  private final Function<T, OutputOptions> taskOutput;
  private final Map<String, String> optionOf;

  /**
   * @param defaultOut the output folder when {@code --out} is not given
   * @param newTask makes a task command
   * @param taskName the task command's name ("classify train")
   * @param taskOutput the task command's output options
   * @param optionOf each searchable parameter and the task option it sets
   */
  TuneTextCommand(String defaultOut, Supplier<T> newTask, String taskName, Function<T, OutputOptions> taskOutput,
      Map<String, String> optionOf) {
    super(defaultOut);
    this.newTask = newTask;
    this.taskName = taskName;
    this.taskOutput = taskOutput;
    this.optionOf = optionOf;
  }

  /**
   * Parses the task's options into {@link #task} and reads {@code --space} (default {@code defaultSpace}),
   * refusing a parameter the task has no option for.
   *
   * @param what the task's model, for the refusal ("classifier")
   */
  final SearchSpace parseTask(SearchSpace defaultSpace, String what) throws IOException {
    task = newTask.get();
    taskLine = TuneRun.parseTask(task, trainArgs, taskName);
    SearchSpace space = tune.space(defaultSpace);
    TuneRun.requireKnown(space, optionOf, what);
    return space;
  }

  @Override
  public final Path startJournal() throws IOException {
    // a resume must also match the task's options and data (its fingerprint; --out is not in it)
    return output.start("study.jsonl", taskOutput.apply(task).fingerprint());
  }

  /**
   * Trains the best settings and the defaults with the task command and prints both scores.
   *
   * @param score reads the score from the task command's output, or null
   * @param scoreName what the score is ("accuracy")
   * @param part the part the score is on
   */
  final void trainBestAndDefaults(PrintWriter o, TuneRun.Outcome outcome, Path journal,
      Function<String, Double> score, String scoreName, String part) throws IOException {
    TuneRun.trainBestAndDefaults(o, outcome, newTask::get, taskName, taskLine.getCommandSpec(), trainArgs, optionOf,
        output.out, journal, score, scoreName, part);
  }
}
