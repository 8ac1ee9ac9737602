package org.rnn4j.internal.model;

import java.util.SplittableRandom;
import org.rnn4j.internal.engine.ParameterStore;
import org.rnn4j.internal.kernels.Kernels;

/**
 * A layer without parameters that keeps the feature count (dropout, pooling over time): it registers
 * nothing and initializes nothing. Not thread-safe, as every layer.
 */
abstract class ParameterFreeLayer extends Layer {
  ParameterFreeLayer(String name, Kernels k) {
    super(name, k);
  }

  @Override
  public final void register(ParameterStore s) {
    store = s;
  }

  @Override
  public final void initialize(SplittableRandom random) {
  }

  @Override
  public final int outputFeatures(int inFeatures) {
    return inFeatures;
  }
}
