package org.rnn4j.internal.model;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.rnn4j.internal.kernels.Kernels;
import org.rnn4j.nn.PoolingSpec;

/**
 * Masked pooling over time: sequence [T, B, F] with lengths -> [B, F], the mean or max of each feature
 * over the valid steps {@code t < lengths[b]} (all T without lengths). Backward: the mean spreads
 * {@code dy / len} over the valid steps, the max sends {@code dy} to the step that held the maximum
 * (the first one on ties); padded steps get zero. Not thread-safe.
 */
final class PoolingLayer extends ParameterFreeLayer {
  private final PoolingSpec spec;
  private final Flow y = new Flow();
  private final Flow dx = new Flow();
  private Flow x;
  private int[] argmax = new int[0]; // [B, F] step of the maximum

  PoolingLayer(PoolingSpec spec, Kernels k) {
    super(spec.name(), k);
    this.spec = spec;
  }

  PoolingSpec spec() {
    return spec;
  }

  @Override
  public boolean outputIsSequence(boolean sequenceIn) {
    return false;
  }

  private static int length(Flow in, int b) {
    return in.lengths == null ? in.steps : in.lengths[b];
  }

  @Override
  public Flow forward(Flow in, boolean training, SplittableRandom random) {
    x = in;
    int t = in.steps;
    int bs = in.batch;
    int f = in.features;
    y.reshape(false, 1, bs, f, null);
    float[] o = y.data;
    if (spec.mode() == PoolingSpec.Mode.MEAN) {
      Arrays.fill(o, 0, bs * f, 0f);
      for (int b = 0; b < bs; b++) {
        int len = length(in, b);
        for (int s = 0; s < len; s++) {
          k.axpy(f, 1f, in.data, (s * bs + b) * f, o, b * f);
        }
        float inv = 1f / len;
        for (int j = 0; j < f; j++) {
          o[b * f + j] *= inv;
        }
      }
    } else {
      if (argmax.length < bs * f) {
        argmax = new int[bs * f];
      }
      for (int b = 0; b < bs; b++) {
        int len = length(in, b);
        System.arraycopy(in.data, b * f, o, b * f, f);
        Arrays.fill(argmax, b * f, (b + 1) * f, 0);
        for (int s = 1; s < len; s++) {
          int row = (s * bs + b) * f;
          for (int j = 0; j < f; j++) {
            if (in.data[row + j] > o[b * f + j]) {
              o[b * f + j] = in.data[row + j];
              argmax[b * f + j] = s;
            }
          }
        }
      }
    }
    return y;
  }

  @Override
  public Flow backward(Flow dOut) {
    int t = x.steps;
    int bs = x.batch;
    int f = x.features;
    dx.reshape(true, t, bs, f, x.lengths);
    float[] d = dx.data;
    Arrays.fill(d, 0, t * bs * f, 0f);
    for (int b = 0; b < bs; b++) {
      int len = length(x, b);
      if (spec.mode() == PoolingSpec.Mode.MEAN) {
        float inv = 1f / len;
        for (int s = 0; s < len; s++) {
          k.axpy(f, inv, dOut.data, b * f, d, (s * bs + b) * f);
        }
      } else {
        for (int j = 0; j < f; j++) {
          d[(argmax[b * f + j] * bs + b) * f + j] = dOut.data[b * f + j];
        }
      }
    }
    return dx;
  }
}
