package org.rnn4j.internal.model;

/**
 * Activations passed between the layers of a model: a sequence, time-major {@code [T, B, F]}, or one
 * vector per example {@code [B, F]}. Buffers are owned by the layer that produced them and reused
 * across batches (sized up when a larger batch comes). Not thread-safe.
 */
public final class Flow {
  public boolean sequence;
  public int steps; // T (1 for vectors)
  public int batch; // B
  public int features; // F
  public float[] data;
  /** Valid steps per example [B], or null for all T. */
  public int[] lengths;

  /** Shapes this flow and makes sure its buffer holds it. */
  public Flow reshape(boolean sequence, int steps, int batch, int features, int[] lengths) {
    this.sequence = sequence;
    this.steps = sequence ? steps : 1;
    this.batch = batch;
    this.features = features;
    this.lengths = lengths;
    int n = this.steps * batch * features;
    if (data == null || data.length < n) {
      data = new float[n];
    }
    return this;
  }

  /** Number of values in use. */
  public int size() {
    return steps * batch * features;
  }

  /** Rows of the [rows, F] view: T*B for a sequence, B for vectors. */
  public int rows() {
    return steps * batch;
  }

  /** True when step t of example b is a real (not padded) step. */
  public boolean valid(int t, int b) {
    return !sequence || lengths == null || t < lengths[b];
  }
}
