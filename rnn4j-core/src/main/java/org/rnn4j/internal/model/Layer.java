package org.rnn4j.internal.model;

import java.util.SplittableRandom;
import org.rnn4j.internal.engine.ParameterStore;
import org.rnn4j.internal.kernels.Kernels;

/**
 * A layer of a model at run time: forward over a {@link Flow}, and right under it the backward that
 * consumes what forward kept. Parameters live in the model's {@link ParameterStore}; gradients are
 * accumulated (+=) into its gradient buffer. Not thread-safe (single-writer training).
 */
public abstract class Layer {
  protected final String name;
  protected final Kernels k;
  protected ParameterStore store;
  /**
   * False when nothing before this layer has parameters (the model's data comes in): backward may
   * then skip the input gradient and return null.
   */
  protected boolean inputGradientNeeded = true;

  protected Layer(String name, Kernels k) {
    this.name = name;
    this.k = k;
  }

  /** Registers this layer's parameters (called once, before the store allocates). */
  public abstract void register(ParameterStore store);

  /** Sets initial parameter values. */
  public abstract void initialize(SplittableRandom random);

  /** The output shape for an input of {@code inFeatures} per step; {@code sequenceIn} tells the kind. */
  public abstract boolean outputIsSequence(boolean sequenceIn);

  public abstract int outputFeatures(int inFeatures);

  /**
   * Forward. The returned flow is owned by the layer and valid until its next forward.
   *
   * @param training apply dropout and keep what backward needs
   * @param random   this step's randomness (dropout); derived by the caller from (seed, step)
   */
  public abstract Flow forward(Flow in, boolean training, SplittableRandom random);

  /**
   * Backward of the last training forward. Returns the gradient of the input (owned by the layer),
   * or null when the input has no gradient (token ids).
   */
  public abstract Flow backward(Flow dOut);

  public String name() {
    return name;
  }

  protected int offset(String param) {
    return store.slice(name + "." + param).offset();
  }
}
