package org.rnn4j.spark;

import org.rnn4j.train.TrainingListener;

/**
 * Receives the progress of a distributed run: everything a {@link TrainingListener} gets (one
 * {@code batchFinished} per round) plus the timing of each round. Called on the driver's training
 * thread; implementations need not be thread-safe. All methods default to doing nothing.
 */
public interface RoundListener extends TrainingListener {
  /** A round finished (after its update). */
  default void roundFinished(RoundStats stats) {
  }
}
