package org.rnn4j.internal.kernels;

/**
 * Float exp, sigmoid and tanh of pure IEEE arithmetic (fused multiply-adds, a division, bit moves):
 * the scalar twin of the vector gate math in {@link VectorKernels}, which performs exactly the same
 * operations lane by lane, so both providers give the same bits, interpreted or JIT-compiled.
 *
 * <p>Why not {@code Math.exp/tanh}: {@code Math.tanh} is not a JIT intrinsic on JDK 17 (about 90 ns
 * per LSTM element here, more than the whole GEMM per element), and the Vector API's EXP/TANH give
 * different bits before and after compilation, so one seed gave two runs. The polynomials are
 * Cephes's {@code expf} and {@code tanhf} (S. L. Moshier, public domain), accurate to a few float
 * ulps (measured by {@code FastMathTest} against double-precision libm). Thread-safe (stateless).
 */
public final class FastMath {
  private FastMath() {
  }

  /** Inputs are clamped here so that 2^n stays a normal float: exp(88) = 1.65e38, exp(-87) = 1.6e-38. */
  static final float EXP_HI = 88f;
  static final float EXP_LO = -87f;
  static final float LOG2E = 1.44269504088896341f;
  /** 1.5 * 2^23: adding it rounds to an integer (nearest, ties to even) held in the low mantissa bits. */
  static final float ROUND = 12582912f;
  /** ln 2 = LN2_HI + LN2_LO, LN2_HI with few bits so that n * LN2_HI is exact. */
  static final float LN2_HI = 0.693359375f;
  static final float LN2_LO = -2.12194440e-4f;
  static final float E5 = 1.9875691500e-4f;
  static final float E4 = 1.3981999507e-3f;
  static final float E3 = 8.3334519073e-3f;
  static final float E2 = 4.1665795894e-2f;
  static final float E1 = 1.6666665459e-1f;
  static final float E0 = 5.0000001201e-1f;
  /** Below this |x| tanh uses its odd polynomial; above, 1 - 2 / (1 + exp(2|x|)). */
  static final float TANH_SMALL = 0.625f;
  static final float T4 = -5.70498872745e-3f;
  static final float T3 = 2.06390887954e-2f;
  static final float T2 = -5.37397155531e-2f;
  static final float T1 = 1.33314422036e-1f;
  static final float T0 = -3.33332819422e-1f;
  /** The float exponent bias, placed in the exponent field. */
  static final int EXP_BIAS_BITS = 127 << 23;

  /** e^x, within a few ulps; x is clamped to [-87, 88]; NaN gives NaN. */
  public static float exp(float x) {
    x = x < EXP_LO ? EXP_LO : x > EXP_HI ? EXP_HI : x; // NaN stays NaN
    float t = Math.fma(x, LOG2E, ROUND);
    float n = t - ROUND;
    float r = Math.fma(n, -LN2_HI, x);
    r = Math.fma(n, -LN2_LO, r);
    float p = Math.fma(E5, r, E4);
    p = Math.fma(p, r, E3);
    p = Math.fma(p, r, E2);
    p = Math.fma(p, r, E1);
    p = Math.fma(p, r, E0);
    float y = Math.fma(p, r * r, r) + 1f;
    // t's low mantissa bits hold n (two's complement); shifted into the exponent field they give 2^n.
    float scale = Float.intBitsToFloat((Float.floatToRawIntBits(t) << 23) + EXP_BIAS_BITS);
    return y * scale;
  }

  /** 1 / (1 + e^-x). */
  public static float sigmoid(float x) {
    return 1f / (1f + exp(-x));
  }

  /** tanh(x), within a few ulps. */
  public static float tanh(float x) {
    float ax = Math.abs(x);
    float y;
    if (ax < TANH_SMALL) {
      float z = x * x;
      float p = Math.fma(T4, z, T3);
      p = Math.fma(p, z, T2);
      p = Math.fma(p, z, T1);
      p = Math.fma(p, z, T0);
      return Math.fma(p * z, x, x);
    }
    float q = 1f / (1f + exp(ax + ax));
    y = 1f - 2f * q;
    return x < 0f ? -y : y;
  }
}
