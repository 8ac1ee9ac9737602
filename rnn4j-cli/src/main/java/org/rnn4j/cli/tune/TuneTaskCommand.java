package org.rnn4j.cli.tune;

import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.rnn4j.cli.options.OutputOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The part every {@code rnn4j tune TASK} command shares: the search's options ({@code --trials},
 * {@code --space} ...), the output folder ({@code --out}, {@code --resume}) and running the task
 * through {@link TuneRun#execute} with each trial in this JVM. A subclass brings the search and the
 * finish. Not thread-safe (a command runs once; its trials run in parallel through {@link TuneRun}).
 */
public abstract class TuneTaskCommand implements Callable<Integer>, TuneRun.Task {

  @Spec
  protected CommandSpec spec;

  @Mixin
  protected TuneOptions tune;

  @Mixin
  protected OutputOptions output;

  /** @param defaultOut the output folder when {@code --out} is not given ("runs/tune-forecast") */
  protected TuneTaskCommand(String defaultOut) {
    output = new OutputOptions(defaultOut);
  }

  @Override
  public final Integer call() throws Exception {
    return TuneRun.execute(spec.commandLine().getOut(), this, UnaryOperator.identity());
  }

  @Override
  public final TuneOptions tuneOptions() {
    return tune;
  }

  @Override
  public final OutputOptions output() {
    return output;
  }
}
