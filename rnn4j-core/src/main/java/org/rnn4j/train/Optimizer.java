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

  /** The learning rate the next step uses. */
  float learningRate();

  /** Changes the learning rate for the next steps (learning-rate schedules). */
  void setLearningRate(float rate);

  /** Steps done so far. */
  long stepCount();

  /** Sets the step count (restoring a checkpoint). */
  void setStepCount(long steps);

  /**
   * The state buffers by PyTorch's state names ({@code exp_avg}, {@code momentum_buffer}, ...), each
   * mirroring the parameter buffer: live arrays, so a checkpoint can save and restore them.
   */
  java.util.Map<String, float[]> state();
}
