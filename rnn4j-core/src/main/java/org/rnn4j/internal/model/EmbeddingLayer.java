package org.rnn4j.internal.model;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.rnn4j.internal.engine.ParameterStore;
import org.rnn4j.internal.kernels.Kernels;
import org.rnn4j.nn.EmbeddingSpec;

/**
 * Token ids [T, B] (time-major, carried in the input flow's data as floats holding integers) to
 * vectors [T, B, D]; PyTorch's {@code nn.Embedding} with {@code padding_idx}. Not thread-safe.
 */
final class EmbeddingLayer extends Layer {
  private final EmbeddingSpec spec;
  private final Flow y = new Flow();
  private Flow ids;
  private int w;

  EmbeddingLayer(EmbeddingSpec spec, Kernels k) {
    super(spec.name(), k);
    this.spec = spec;
  }

  @Override
  public void register(ParameterStore s) {
    store = s;
    s.register(name + ".weight", spec.vocabSize(), spec.dim());
  }

  @Override
  public void initialize(SplittableRandom random) {
    // PyTorch: N(0, 1); the padding row is zero.
    w = offset("weight");
    float[] v = store.values();
    for (int i = 0; i < spec.vocabSize() * spec.dim(); i++) {
      v[w + i] = (float) gaussian(random);
    }
    if (spec.paddingIndex() >= 0) {
      Arrays.fill(v, w + spec.paddingIndex() * spec.dim(), w + (spec.paddingIndex() + 1) * spec.dim(), 0f);
    }
  }

  static double gaussian(SplittableRandom r) {
    // Box-Muller: two uniforms, one normal value (the second is dropped to keep the stream simple).
    double u1 = r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  void bindOffsets() {
    w = offset("weight");
  }

  EmbeddingSpec spec() {
    return spec;
  }

  /** Offset of the weight [V, D] in the store. */
  int weightOffset() {
    return w;
  }

  @Override
  public boolean outputIsSequence(boolean sequenceIn) {
    return true;
  }

  @Override
  public int outputFeatures(int inFeatures) {
    return spec.dim();
  }

  @Override
  public Flow forward(Flow in, boolean training, SplittableRandom random) {
    ids = in;
    int d = spec.dim();
    y.reshape(true, in.steps, in.batch, d, in.lengths);
    float[] v = store.values();
    for (int r = 0; r < in.rows(); r++) {
      int id = (int) in.data[r];
      System.arraycopy(v, w + id * d, y.data, r * d, d);
    }
    return y;
  }

  @Override
  public Flow backward(Flow dOut) {
    int d = spec.dim();
    float[] g = store.grads();
    for (int r = 0; r < ids.rows(); r++) {
      int id = (int) ids.data[r];
      if (id == spec.paddingIndex()) {
        continue;
      }
      k.axpy(d, 1f, dOut.data, r * d, g, w + id * d);
    }
    return null;
  }
}
