package org.rnn4j.train;

/**
 * The immutable, validated description of an optimizer: one record per algorithm, each with
 * PyTorch's argument names and defaults. {@link #create} makes the stateful {@link Optimizer} for a
 * flat parameter buffer.
 *
 * <p>The update rules are PyTorch 1.13's single-tensor code paths ({@code foreach=False},
 * {@code maximize=False}), so a run can be checked step by step against PyTorch. Specs are immutable
 * and thread-safe.
 */
public sealed interface OptimizerSpec permits Sgd, Adam, AdamW, RmsProp, Adagrad {

  /**
   * A fresh optimizer (zeroed state, step count 0) for a flat buffer of {@code parameterCount}
   * values.
   *
   * @throws IllegalArgumentException if {@code parameterCount < 0}
   */
  Optimizer create(int parameterCount);
}
