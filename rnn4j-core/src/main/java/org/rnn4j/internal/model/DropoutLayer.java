package org.rnn4j.internal.model;

import java.util.SplittableRandom;
import org.rnn4j.internal.kernels.Kernels;
import org.rnn4j.nn.DropoutSpec;

/** Inverted dropout; the identity at inference (the input flow is passed through). Not thread-safe. */
final class DropoutLayer extends ParameterFreeLayer {
  private final float rate;
  private final Flow y = new Flow();
  private final Flow dx = new Flow();
  private float[] mask = new float[0];
  private boolean masked;

  DropoutLayer(DropoutSpec spec, Kernels k) {
    super(spec.name(), k);
    this.rate = spec.rate();
  }

  @Override
  public boolean outputIsSequence(boolean sequenceIn) {
    return sequenceIn;
  }

  @Override
  public Flow forward(Flow in, boolean training, SplittableRandom random) {
    masked = training && rate > 0f;
    if (!masked) {
      return in;
    }
    int n = in.size();
    if (mask.length < n) {
      mask = new float[n];
    }
    y.reshape(in.sequence, in.steps, in.batch, in.features, in.lengths);
    float scale = 1f / (1f - rate);
    for (int i = 0; i < n; i++) {
      mask[i] = random.nextFloat() < rate ? 0f : scale;
      y.data[i] = in.data[i] * mask[i];
    }
    return y;
  }

  @Override
  public Flow backward(Flow dOut) {
    if (!masked) {
      return dOut;
    }
    dx.reshape(dOut.sequence, dOut.steps, dOut.batch, dOut.features, dOut.lengths);
    for (int i = 0; i < dOut.size(); i++) {
      dx.data[i] = dOut.data[i] * mask[i];
    }
    return dx;
  }
}
