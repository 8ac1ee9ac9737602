package org.rnn4j.train;

/**
 * A stateful optimizer over one flat parameter buffer, made by {@link OptimizerSpec#create}: its
 * state (momentum buffers, moment estimates, step count) mirrors the parameter buffer element by
 * element, so one step is one loop.
 *
 * <p>Not thread-safe: training is single-writer; one optimizer belongs to one parameter buffer.
 */
public interface Optimizer {

  /**
   * One update, in place on {@code params}; {@code grads} is read, never modified (weight decay is
   * added to a private copy of each gradient value).
   *
   * @param params [N] parameter values, N = the {@code parameterCount} given to create (written)
   * @param grads  [N] gradients of the loss with respect to {@code params} (read)
   * @throws IllegalArgumentException when an array is null or not N long
   */
  void step(float[] params, float[] grads);
}
