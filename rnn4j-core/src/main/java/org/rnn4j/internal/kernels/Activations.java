package org.rnn4j.internal.kernels;

/** Scalar activation helpers used by the kernels and the generic cell paths. Thread-safe. */
public final class Activations {
  private Activations() {
  }

  /** The logistic function, written so that it neither overflows nor loses precision for large |x|. */
  public static float sigmoid(float x) {
    if (x >= 0f) {
      return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
    double e = Math.exp(x);
    return (float) (e / (1.0 + e));
  }
}
