package org.rnn4j.train;

import java.nio.file.Path;

/**
 * How {@link Trainer#fit} trains. Immutable and thread-safe; build with {@link #builder()} (Keras's and
 * PyTorch's usual defaults: 10 epochs, batch 32, Adam 1e-3, shuffling, seed 0).
 *
 * @param epochs             passes over the training data
 * @param batchSize          examples per update
 * @param optimizer          the update rule
 * @param schedule           learning-rate schedule
 * @param seed               shuffling and dropout randomness: same seed, same run
 * @param shuffle            shuffle the examples every epoch (ignored when stateful)
 * @param stateful           keep example order and carry the recurrent state from one batch to the
 *                           next (truncated BPTT): example i of batch k+1 continues example i of
 *                           batch k, so order the examples that way (see
 *                           {@code org.rnn4j.text.TextStreams}); the state is reset at each epoch and
 *                           validation is streamed the same way
 * @param clipNorm           clip the global gradient norm to this (0 = off)
 * @param clipValue          clip every gradient value to [-v, v] (0 = off)
 * @param patience           early stopping: epochs without validation improvement (0 = off)
 * @param restoreBest        at the end, restore the parameters of the best validation epoch
 * @param checkpoint         file to checkpoint to (null = none); a run resumes from it
 * @param checkpointEvery    also checkpoint every this many updates (0 = only at epoch ends)
 * @param explodeFactor      stop when a batch loss exceeds this many times the first one (0 = off)
 * @param metrics            validation metrics recorded each epoch: {@code mae, rmse, mape, smape}
 *                           (float targets), {@code accuracy, top5, macro_f1, perplexity, bpc}
 *                           (class labels)
 */
public record FitOptions(int epochs, int batchSize, OptimizerSpec optimizer, LrSchedule schedule, long seed,
    boolean shuffle, boolean stateful, float clipNorm, float clipValue, int patience, boolean restoreBest,
    Path checkpoint, int checkpointEvery, float explodeFactor, java.util.List<String> metrics) {

  public FitOptions {
    req(epochs >= 1, "expected epochs >= 1, got " + epochs);
    req(batchSize >= 1, "expected batchSize >= 1, got " + batchSize);
    req(optimizer != null, "optimizer is null");
    req(schedule != null, "schedule is null");
    req(clipNorm >= 0f && clipValue >= 0f, "expected clip values >= 0, got " + clipNorm + ", " + clipValue);
    req(patience >= 0, "expected patience >= 0, got " + patience);
    req(checkpointEvery >= 0, "expected checkpointEvery >= 0, got " + checkpointEvery);
    req(explodeFactor == 0f || explodeFactor > 1f, "expected explodeFactor 0 (off) or > 1, got " + explodeFactor);
    metrics = metrics == null ? java.util.List.of() : java.util.List.copyOf(metrics);
    for (String m : metrics) {
      req(ValidationMetrics.NAMES.contains(m), "expected metrics among " + ValidationMetrics.NAMES + ", got '" + m + "'");
    }
  }

  private static void req(boolean ok, String msg) {
    if (!ok) {
      throw new IllegalArgumentException("fit options: " + msg);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** These options with another seed and checkpoint file (null: none); the rest unchanged. */
  public FitOptions withRun(long newSeed, Path newCheckpoint) {
    return new FitOptions(epochs, batchSize, optimizer, schedule, newSeed, shuffle, stateful, clipNorm, clipValue,
        patience, restoreBest, newCheckpoint, checkpointEvery, explodeFactor, metrics);
  }

  /** Builds {@link FitOptions}; {@link #build()} validates and may be called twice. Not thread-safe. */
  public static final class Builder {
    private int epochs = 10;
    private int batchSize = 32;
    private OptimizerSpec optimizer = new Adam(1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false);
    private LrSchedule schedule = new LrSchedule.Constant();
    private long seed;
    private boolean shuffle = true;
    private boolean stateful;
    private float clipNorm;
    private float clipValue;
    private int patience;
    private boolean restoreBest;
    private Path checkpoint;
    private int checkpointEvery;
    private float explodeFactor = 1e4f;
    private java.util.List<String> metrics = java.util.List.of();

    public Builder epochs(int v) {
      epochs = v;
      return this;
    }

    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    public Builder optimizer(OptimizerSpec v) {
      optimizer = v;
      return this;
    }

    public Builder schedule(LrSchedule v) {
      schedule = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder shuffle(boolean v) {
      shuffle = v;
      return this;
    }

    public Builder stateful(boolean v) {
      stateful = v;
      return this;
    }

    public Builder clipNorm(float v) {
      clipNorm = v;
      return this;
    }

    public Builder clipValue(float v) {
      clipValue = v;
      return this;
    }

    /** Early stopping after {@code v} epochs without improvement of the validation loss. */
    public Builder earlyStopping(int v) {
      patience = v;
      return this;
    }

    public Builder restoreBest(boolean v) {
      restoreBest = v;
      return this;
    }

    public Builder checkpoint(Path v) {
      checkpoint = v;
      return this;
    }

    public Builder checkpointEvery(int v) {
      checkpointEvery = v;
      return this;
    }

    public Builder explodeFactor(float v) {
      explodeFactor = v;
      return this;
    }

    /** Validation metrics to record each epoch (see {@link FitOptions#metrics()}). */
    public Builder metrics(String... names) {
      metrics = java.util.List.of(names);
      return this;
    }

    public FitOptions build() {
      return new FitOptions(epochs, batchSize, optimizer, schedule, seed, shuffle, stateful, clipNorm,
          clipValue, patience, restoreBest, checkpoint, checkpointEvery, explodeFactor, metrics);
    }
  }
}
