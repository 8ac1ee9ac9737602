package org.rnn4j.train;

/**
 * Receives training progress (the CLI draws a progress bar from it). Called on the training thread;
 * implementations need not be thread-safe. All methods default to doing nothing.
 */
public interface TrainingListener {
  /** An epoch starts: {@code steps} updates will follow (fewer when resuming mid-epoch). */
  default void epochStarted(int epoch, int epochs, int steps) {
  }

  /** An update finished: 1-based {@code step} of {@code steps}, running mean loss of the epoch. */
  default void batchFinished(int epoch, int step, int steps, double meanLoss, double examplesPerSecond) {
  }

  /** An epoch finished, validation included. */
  default void epochFinished(History.Epoch epoch) {
  }

  /** A message for the user (checkpoint written, early stop, resumed). */
  default void message(String text) {
  }

  /**
   * Asked after each epoch (after {@link #epochFinished}): true ends training there, as early stopping
   * does (the best epoch's parameters are restored when asked for). A search's pruner stops a poor
   * trial this way.
   */
  default boolean stopRequested() {
    return false;
  }
}
