package org.rnn4j.internal.model;

import java.util.SplittableRandom;
import org.rnn4j.internal.engine.ParameterStore;
import org.rnn4j.internal.kernels.Activations;
import org.rnn4j.internal.kernels.Kernels;
import org.rnn4j.nn.DenseActivation;
import org.rnn4j.nn.DenseSpec;

/**
 * {@code y = act(x W^T + b)} on every row of the flow ([T*B, F] for a sequence, [B, F] for vectors):
 * PyTorch's {@code nn.Linear} (weight [U, F], bias [U]) plus an activation. Padded steps are computed
 * like the others; the loss masks them. Not thread-safe.
 */
final class DenseLayer extends Layer {
  private final DenseSpec spec;
  private final int in;
  private Flow x; // the input of the last forward (not copied)
  private final Flow y = new Flow();
  private final Flow dx = new Flow();
  private float[] dPre = new float[0];
  /** W^T packed for the product, rebuilt each forward (the weights may have changed since). */
  private float[] packedWeight = new float[0];
  private int w;
  private int b = -1;

  DenseLayer(DenseSpec spec, int in, Kernels k) {
    super(spec.name(), k);
    this.spec = spec;
    this.in = in;
  }

  @Override
  public void register(ParameterStore s) {
    store = s;
    s.register(name + ".weight", spec.units(), in);
    if (spec.bias()) {
      s.register(name + ".bias", spec.units());
    }
  }

  @Override
  public void initialize(SplittableRandom random) {
    // PyTorch's nn.Linear default: uniform in ±1/sqrt(in) for weight and bias.
    w = offset("weight");
    b = spec.bias() ? offset("bias") : -1;
    float bound = (float) (1.0 / Math.sqrt(in));
    float[] v = store.values();
    for (int i = 0; i < spec.units() * in; i++) {
      v[w + i] = (float) random.nextDouble(-bound, bound);
    }
    if (b >= 0) {
      for (int i = 0; i < spec.units(); i++) {
        v[b + i] = (float) random.nextDouble(-bound, bound);
      }
    }
  }

  void bindOffsets() {
    w = offset("weight");
    b = spec.bias() ? offset("bias") : -1;
  }

  DenseSpec spec() {
    return spec;
  }

  /** Features per row of the input. */
  int inputSize() {
    return in;
  }

  /** Offset of the weight [U, F] in the store. */
  int weightOffset() {
    return w;
  }

  /** Offset of the bias [U] in the store, or -1 without bias. */
  int biasOffset() {
    return b;
  }

  @Override
  public boolean outputIsSequence(boolean sequenceIn) {
    return sequenceIn;
  }

  @Override
  public int outputFeatures(int inFeatures) {
    return spec.units();
  }

  @Override
  public Flow forward(Flow input, boolean training, SplittableRandom random) {
    x = input;
    int rows = input.rows();
    int u = spec.units();
    y.reshape(input.sequence, input.steps, input.batch, u, input.lengths);
    float[] v = store.values();
    packedWeight = Linear.forward(k, input.data, rows, in, v, w, b >= 0 ? v : null, b, u, y.data, packedWeight);
    activate(spec.activation(), y.data, rows * u);
    return y;
  }

  /** Applies the activation to {@code y[0..count)} in place (nothing for LINEAR): the forward's and a stream batch's. */
  static void activate(DenseActivation a, float[] y, int count) {
    if (a != DenseActivation.LINEAR) {
      for (int i = 0; i < count; i++) {
        y[i] = apply(a, y[i]);
      }
    }
  }

  static float apply(DenseActivation a, float p) {
    switch (a) {
      case RELU:
        return p > 0f ? p : 0f;
      case TANH:
        return (float) Math.tanh(p);
      case SIGMOID:
        return Activations.sigmoid(p);
      default:
        return p;
    }
  }

  /** Derivative from the output value y. */
  private static float derivative(DenseActivation a, float yv) {
    switch (a) {
      case RELU:
        return yv > 0f ? 1f : 0f;
      case TANH:
        return 1f - yv * yv;
      case SIGMOID:
        return yv * (1f - yv);
      default:
        return 1f;
    }
  }

  @Override
  public Flow backward(Flow dOut) {
    int rows = x.rows();
    int u = spec.units();
    float[] dp = dOut.data;
    if (spec.activation() != DenseActivation.LINEAR) {
      if (dPre.length < rows * u) {
        dPre = new float[rows * u];
      }
      for (int i = 0; i < rows * u; i++) {
        dPre[i] = dOut.data[i] * derivative(spec.activation(), y.data[i]);
      }
      dp = dPre;
    }
    dx.reshape(x.sequence, x.steps, x.batch, in, x.lengths);
    float[] g = store.grads();
    Linear.backward(k, x.data, rows, in, store.values(), w, u, dp, dx.data, g, w, b >= 0 ? g : null, b);
    return dx;
  }
}
