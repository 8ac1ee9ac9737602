package org.rnn4j.cli.options;

import picocli.CommandLine.Option;

/**
 * How often a long training command checkpoints within an epoch ({@code --checkpoint-every}), declared
 * once; each command passes its own default. May change on {@code --resume}. Not thread-safe (picocli
 * fills it once per command line).
 */
public final class CheckpointOptions {
  @Range(min = 0, max = 1_000_000_000)
  @ResumeMayChange
  @Option(names = "--checkpoint-every", paramLabel = "N",
      description = "Checkpoint every N updates (rounds on Spark) and at each epoch's end, 0 = at epoch ends only"
          + " (default: ${DEFAULT-VALUE}).")
  public int checkpointEvery;

  /** The default of a training command. */
  public CheckpointOptions(int checkpointEvery) {
    this.checkpointEvery = checkpointEvery;
  }
}
