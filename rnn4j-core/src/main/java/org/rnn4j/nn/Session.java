package org.rnn4j.nn;

import org.rnn4j.internal.engine.ParameterStore;
import org.rnn4j.internal.engine.StreamState;
import org.rnn4j.internal.kernels.KernelProvider;

/**
 * One caller's streaming state over a shared {@link Recurrent}: {@link #step} advances every layer by
 * one time step for one sequence and allocates nothing. Create one per thread (or per stream) with
 * {@link Recurrent#session()}; sessions of one model may run on many threads at once, since they only
 * read its weights.
 *
 * <p>Not thread-safe: a session belongs to one caller at a time.
 */
public final class Session {
  private final RecurrentSpec spec;
  private final StreamState state;

  Session(Recurrent owner, ParameterStore store, WeightPrecision precision) {
    this.spec = owner.spec();
    this.state = new StreamState(spec, store, "", KernelProvider.get(), precision);
  }

  /**
   * Advances one step.
   *
   * @param x the step's input, {@code inputSize} values
   * @return the top layer's new h ({@code P} values): a live buffer owned by the session, overwritten
   *     by the next step; copy it to keep it
   * @throws IllegalArgumentException when x does not have inputSize values
   */
  public float[] step(float[] x) {
    if (x == null || x.length != spec.inputSize()) {
      throw new IllegalArgumentException(spec.cell() + " session: expected a step of " + spec.inputSize()
          + " values, got " + (x == null ? "null" : x.length));
    }
    return state.step(x);
  }

  /** Back to zero state. */
  public void reset() {
    state.reset();
  }

  /** Copies layer {@code layer}'s state out: h [P] and (LSTM) c [H]; c may be null. */
  public void getState(int layer, float[] h, float[] c) {
    state.getState(checkLayer(layer), h, c);
  }

  /** Sets layer {@code layer}'s state: h [P] and (LSTM) c [H] or null for zeros. */
  public void setState(int layer, float[] h, float[] c) {
    checkLayer(layer);
    if (h == null || h.length != spec.outputHiddenSize()) {
      throw new IllegalArgumentException(spec.cell() + " session: expected h of " + spec.outputHiddenSize()
          + " values, got " + (h == null ? "null" : h.length));
    }
    if (c != null && c.length != spec.hiddenSize()) {
      throw new IllegalArgumentException(spec.cell() + " session: expected c of " + spec.hiddenSize()
          + " values, got " + c.length);
    }
    state.setState(layer, h, c);
  }

  private int checkLayer(int layer) {
    if (layer < 0 || layer >= spec.numLayers()) {
      throw new IllegalArgumentException(spec.cell() + " session: expected a layer in [0, "
          + spec.numLayers() + "), got " + layer);
    }
    return layer;
  }
}
