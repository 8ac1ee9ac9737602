package org.rnn4j.cli.tune;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rnn4j tune}: the hyperparameter search's tasks. Not thread-safe (a command runs once). */
@Command(name = "tune", mixinStandardHelpOptions = true,
    description = {"Search a model's settings.",
        "Trials are scored on the validation part and poor ones stopped early; the",
        "best settings are trained and scored once on the test part."},
    subcommands = {org.rnn4j.cli.forecast.TuneForecastCommand.class, org.rnn4j.cli.text.TuneClassifyCommand.class,
        org.rnn4j.cli.text.TuneGenerateCommand.class})
public final class TuneCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "rnn4j tune: missing a task: forecast, classify or generate (try 'rnn4j tune --help')");
  }
}
