package org.rnn4j.train;

/**
 * Gradient clipping over a flat gradient buffer: PyTorch's {@code clip_grad_norm_} (norm type 2,
 * over all parameters at once) and {@code clip_grad_value_}.
 *
 * <p>Stateless and thread-safe; each call modifies only the array it is given.
 */
public final class GradientClipping {
  private GradientClipping() {
  }

  /**
   * Scales {@code grads} so that their global L2 norm is at most about {@code maxNorm}: multiplies
   * every value by {@code min(1, maxNorm / (norm + 1e-6))}, always, exactly as PyTorch does (so the
   * coefficient drops below 1 as soon as {@code norm > maxNorm - 1e-6}). The sum of squares is
   * accumulated in double. A non-finite norm is returned as is and makes the gradients NaN or 0, as
   * in PyTorch (whose {@code error_if_nonfinite} defaults to false): callers check the returned norm.
   *
   * @param grads   [N] gradients (modified in place)
   * @param maxNorm the largest allowed norm, {@code > 0}
   * @return the norm before clipping
   * @throws IllegalArgumentException when grads is null or maxNorm is not a positive finite number
   */
  public static float clipByGlobalNorm(float[] grads, float maxNorm) {
    if (grads == null) {
      throw new IllegalArgumentException("clipByGlobalNorm: expected a gradient array, got null");
    }
    if (!(maxNorm > 0f) || !Float.isFinite(maxNorm)) {
      throw new IllegalArgumentException("clipByGlobalNorm: expected maxNorm > 0 (finite), got " + maxNorm);
    }
    double sumSq = 0.0;
    for (float g : grads) {
      sumSq += (double) g * g;
    }
    double norm = Math.sqrt(sumSq);
    float coef = (float) Math.min(1.0, maxNorm / (norm + 1e-6));
    for (int i = 0; i < grads.length; i++) {
      grads[i] *= coef;
    }
    return (float) norm;
  }

  /**
   * Clamps every gradient value to {@code [-v, v]} (NaN stays NaN), as PyTorch's
   * {@code clip_grad_value_}.
   *
   * @param grads [N] gradients (modified in place)
   * @param v     the bound, {@code > 0}
   * @throws IllegalArgumentException when grads is null or v is not a positive finite number
   */
  public static void clipByValue(float[] grads, float v) {
    if (grads == null) {
      throw new IllegalArgumentException("clipByValue: expected a gradient array, got null");
    }
    if (!(v > 0f) || !Float.isFinite(v)) {
      throw new IllegalArgumentException("clipByValue: expected a bound v > 0 (finite), got " + v);
    }
    for (int i = 0; i < grads.length; i++) {
      float g = grads[i];
      grads[i] = g > v ? v : (g < -v ? -v : g);
    }
  }
}
