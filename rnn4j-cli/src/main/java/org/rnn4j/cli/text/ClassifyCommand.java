package org.rnn4j.cli.text;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code rnn4j classify}: the text-classification commands, {@code train} and {@code predict}. On its
 * own it says that a subcommand is missing. Not thread-safe (a command runs once).
 */
@Command(name = "classify", mixinStandardHelpOptions = true,
    description = {"Text classification with a recurrent network.",
        "",
        "  rnn4j classify train        language identification on the embedded UDHR",
        "  rnn4j classify train --data my.tsv --text-column text --label-column label",
        "  rnn4j classify predict --model runs/classify/model.rnn4j \"Alle Menschen\""},
    subcommands = {ClassifyTrainCommand.class, ClassifyPredictCommand.class})
public final class ClassifyCommand implements Runnable {

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "missing a subcommand: train or predict");
  }
}
