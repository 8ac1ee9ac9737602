package org.rnn4j.nn;

import java.util.Locale;

/**
 * An activation function of a recurrent cell, with the ONNX names and parameters: Relu, Tanh,
 * Sigmoid, Affine ({@code alpha*x+beta}), LeakyRelu ({@code alpha}), ThresholdedRelu ({@code alpha}),
 * ScaledTanh ({@code alpha*tanh(beta*x)}), HardSigmoid ({@code min(max(alpha*x+beta,0),1)}), Elu
 * ({@code alpha}), Softsign, Softplus. Immutable and thread-safe.
 *
 * @param kind  the function
 * @param alpha its alpha (ignored by functions that take none)
 * @param beta  its beta (ignored by functions that take none)
 */
public record Activation(Kind kind, float alpha, float beta) {

  /** The functions, with how many of alpha/beta each takes and their ONNX defaults. */
  public enum Kind {
    RELU("Relu", false, false, 0f, 0f),
    TANH("Tanh", false, false, 0f, 0f),
    SIGMOID("Sigmoid", false, false, 0f, 0f),
    AFFINE("Affine", true, true, 1f, 0f),
    LEAKY_RELU("LeakyRelu", true, false, 0.01f, 0f),
    THRESHOLDED_RELU("ThresholdedRelu", true, false, 1f, 0f),
    SCALED_TANH("ScaledTanh", true, true, 1f, 1f),
    HARD_SIGMOID("HardSigmoid", true, true, 0.2f, 0.5f),
    ELU("Elu", true, false, 1f, 0f),
    SOFTSIGN("Softsign", false, false, 0f, 0f),
    SOFTPLUS("Softplus", false, false, 0f, 0f);

    private final String onnxName;
    private final boolean takesAlpha;
    private final boolean takesBeta;
    private final float defaultAlpha;
    private final float defaultBeta;

    Kind(String onnxName, boolean takesAlpha, boolean takesBeta, float defaultAlpha, float defaultBeta) {
      this.onnxName = onnxName;
      this.takesAlpha = takesAlpha;
      this.takesBeta = takesBeta;
      this.defaultAlpha = defaultAlpha;
      this.defaultBeta = defaultBeta;
    }

    public String onnxName() {
      return onnxName;
    }

    public boolean takesAlpha() {
      return takesAlpha;
    }

    public boolean takesBeta() {
      return takesBeta;
    }

    public float defaultAlpha() {
      return defaultAlpha;
    }

    public float defaultBeta() {
      return defaultBeta;
    }

    /**
     * The function with this ONNX name (case-insensitive).
     *
     * @throws IllegalArgumentException naming the supported names
     */
    public static Kind fromOnnxName(String name) {
      for (Kind k : values()) {
        if (k.onnxName.equalsIgnoreCase(name == null ? "" : name.trim())) {
          return k;
        }
      }
      StringBuilder sb = new StringBuilder();
      for (Kind k : values()) {
        sb.append(sb.length() == 0 ? "" : ", ").append(k.onnxName);
      }
      throw new IllegalArgumentException(
          "activation: expected one of " + sb + ", got '" + name + "'");
    }
  }

  public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0f, 0f);
  public static final Activation TANH = new Activation(Kind.TANH, 0f, 0f);
  public static final Activation RELU = new Activation(Kind.RELU, 0f, 0f);

  public Activation {
    if (kind == null) {
      throw new IllegalArgumentException("activation: kind is null");
    }
  }

  /** The function with its default alpha and beta. */
  public static Activation of(Kind kind) {
    return new Activation(kind, kind.defaultAlpha, kind.defaultBeta);
  }

  /** The function with this ONNX name and its defaults. */
  public static Activation of(String onnxName) {
    return of(Kind.fromOnnxName(onnxName));
  }

  /** Applies the function. */
  public float apply(float x) {
    switch (kind) {
      case RELU:
        return x > 0f ? x : 0f;
      case TANH:
        return (float) Math.tanh(x);
      case SIGMOID:
        return org.rnn4j.internal.kernels.Activations.sigmoid(x);
      case AFFINE:
        return alpha * x + beta;
      case LEAKY_RELU:
        return x >= 0f ? x : alpha * x;
      case THRESHOLDED_RELU:
        return x > alpha ? x : 0f;
      case SCALED_TANH:
        return alpha * (float) Math.tanh(beta * x);
      case HARD_SIGMOID:
        return Math.min(Math.max(alpha * x + beta, 0f), 1f);
      case ELU:
        return x >= 0f ? x : alpha * (float) Math.expm1(x);
      case SOFTSIGN:
        return x / (1f + Math.abs(x));
      case SOFTPLUS:
        return x > 20f ? x : (float) Math.log1p(Math.exp(x));
      default:
        throw new AssertionError(kind);
    }
  }

  /** The derivative at pre-activation {@code x}, given {@code y = apply(x)}. */
  public float derivative(float x, float y) {
    switch (kind) {
      case RELU:
        return x > 0f ? 1f : 0f;
      case TANH:
        return 1f - y * y;
      case SIGMOID:
        return y * (1f - y);
      case AFFINE:
        return alpha;
      case LEAKY_RELU:
        return x >= 0f ? 1f : alpha;
      case THRESHOLDED_RELU:
        return x > alpha ? 1f : 0f;
      case SCALED_TANH: {
        float t = (float) Math.tanh(beta * x);
        return alpha * beta * (1f - t * t);
      }
      case HARD_SIGMOID: {
        float v = alpha * x + beta;
        return v > 0f && v < 1f ? alpha : 0f;
      }
      case ELU:
        return x >= 0f ? 1f : y + alpha;
      case SOFTSIGN: {
        float d = 1f + Math.abs(x);
        return 1f / (d * d);
      }
      case SOFTPLUS:
        return org.rnn4j.internal.kernels.Activations.sigmoid(x);
      default:
        throw new AssertionError(kind);
    }
  }

  @Override
  public String toString() {
    String s = kind.onnxName;
    if (kind.takesAlpha || kind.takesBeta) {
      s += "(" + (kind.takesAlpha ? "alpha=" + alpha : "")
          + (kind.takesAlpha && kind.takesBeta ? ", " : "")
          + (kind.takesBeta ? "beta=" + beta : "") + ")";
    }
    return s.toLowerCase(Locale.ROOT).equals(s) ? s : s;
  }
}
