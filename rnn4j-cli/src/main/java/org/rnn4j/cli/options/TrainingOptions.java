package org.rnn4j.cli.options;

import picocli.CommandLine.Option;

/**
 * The optimiser's options every training command takes ({@code --batch-size --lr --clip-norm
 * --seed}), declared once; each command passes its own defaults. Not thread-safe (picocli fills it
 * once per command line).
 */
public final class TrainingOptions {
  @Range(min = 1, max = 1_000_000)
  @Option(names = "--batch-size", paramLabel = "N", description = "Examples per update (default: ${DEFAULT-VALUE}).")
  public int batchSize;

  @Range(min = 0, minExclusive = true, max = 10)
  @Option(names = "--lr", paramLabel = "RATE", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  public float lr;

  @Range(min = 0, max = 1e9)
  @Option(names = "--clip-norm", paramLabel = "NORM", description = "Clip the gradient norm to this, 0 = off (default: ${DEFAULT-VALUE}).")
  public float clipNorm;

  @Range
  @Option(names = "--seed", paramLabel = "N", description = "Seed of the initialisation, the shuffling and any random split (default: ${DEFAULT-VALUE}).")
  public long seed;

  /** The defaults of a training command. */
  public TrainingOptions(int batchSize, float lr, float clipNorm, long seed) {
    this.batchSize = batchSize;
    this.lr = lr;
    this.clipNorm = clipNorm;
    this.seed = seed;
  }
}
