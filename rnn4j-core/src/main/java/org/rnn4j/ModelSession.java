package org.rnn4j;

import org.rnn4j.internal.model.ModelStream;

/**
 * One caller's streaming pass through a whole {@link Model}: each {@link #step} feeds one token id (or
 * one feature vector) through embedding -> recurrent layers -> dense and returns the output scores for
 * that step, carrying the recurrent state to the next call. A step costs one step of every layer (no
 * re-running of the prefix) and allocates nothing, so generating text one character at a time is
 * linear in its length. Dropout is off (inference). After step t the output equals the batch
 * forward's output at step t of the same sequence ({@code returnSequences=true}), or, for a model that
 * keeps only the final state, the model's output for the first t steps.
 *
 * <p>Create one per caller with {@link Model#session()}. Thread-safety: not thread-safe, one session
 * belongs to one caller at a time; sessions of one model may run on several threads at once, since
 * they only read its weights (do not train or change the model while sessions run).
 */
public final class ModelSession {
  private final ModelStream stream;
  private final int outputSize;

  ModelSession(ModelStream stream, int outputSize) {
    this.stream = stream;
    this.outputSize = outputSize;
  }

  /**
   * Advances one step with a token id (models whose first layer is an embedding).
   *
   * @return the step's output, {@link #outputSize()} values (logits for a cross-entropy model): a live
   *     buffer owned by the session, overwritten by the next step; copy it to keep it
   * @throws IllegalArgumentException when the id is outside [0, vocabSize)
   * @throws IllegalStateException    when the model takes feature vectors, not token ids
   */
  public float[] step(int tokenId) {
    if (stream.vocabSize() == 0) {
      throw new IllegalStateException("model session: this model takes " + stream.inputSize()
          + " features per step, not token ids; call step(float[])");
    }
    if (tokenId < 0 || tokenId >= stream.vocabSize()) {
      throw new IllegalArgumentException("model session: expected a token id in [0, " + stream.vocabSize()
          + "), got " + tokenId);
    }
    return stream.step(tokenId);
  }

  /**
   * Advances one step with a feature vector (models without an embedding).
   *
   * @param features the step's input, {@code inputFeatures} values (read, not kept)
   * @return the step's output, as {@link #step(int)}
   * @throws IllegalArgumentException when the vector has the wrong size
   * @throws IllegalStateException    when the model takes token ids
   */
  public float[] step(float[] features) {
    if (stream.vocabSize() > 0) {
      throw new IllegalStateException("model session: this model takes token ids (its first layer is an "
          + "embedding); call step(int)");
    }
    if (features == null || features.length != stream.inputSize()) {
      throw new IllegalArgumentException("model session: expected a step of " + stream.inputSize()
          + " features, got " + (features == null ? "null" : features.length));
    }
    return stream.step(features);
  }

  /** Values returned by each step. */
  public int outputSize() {
    return outputSize;
  }

  /** Back to the zero state, as at creation. */
  public void reset() {
    stream.reset();
  }
}
