package org.rnn4j.cli.options;

import picocli.CommandLine.Option;

/**
 * How long a training command trains ({@code --epochs --patience}), declared once with its checks for
 * every training command; each command passes its own defaults. A command whose default is computed
 * from the data (the forecaster's) passes null and says how in a resource bundle under the keys
 * {@code epochs} and {@code patience}, which replace these descriptions. Both may change on
 * {@code --resume}. Not thread-safe (picocli fills it once per command line).
 */
public final class StoppingOptions {
  @Range(min = 1, max = 1_000_000)
  @ResumeMayChange
  @Option(names = "--epochs", paramLabel = "N", descriptionKey = "epochs",
      description = "Maximum passes over the training data (default: ${DEFAULT-VALUE}).")
  public Integer epochs;

  @Range(min = 0, max = 1_000_000)
  @ResumeMayChange
  @Option(names = "--patience", paramLabel = "N", descriptionKey = "patience",
      description = "Stop after this many epochs without validation improvement, 0 = off; the best epoch is kept"
          + " (default: ${DEFAULT-VALUE}).")
  public Integer patience;

  /** The defaults of a training command (null: computed from the data, described in its bundle). */
  public StoppingOptions(Integer epochs, Integer patience) {
    this.epochs = epochs;
    this.patience = patience;
  }
}
