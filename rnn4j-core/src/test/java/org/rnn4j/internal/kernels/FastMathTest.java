package org.rnn4j.internal.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link FastMath} against double-precision libm (the oracle is {@code Math.exp/tanh} in double,
 * rounded to float), and the vector provider's gate math against the scalar twin bit for bit.
 */
class FastMathTest {

  /** Error in units of the float ulp of the correctly rounded result. */
  private static double ulps(float actual, double exact) {
    float rounded = (float) exact;
    return Math.abs(actual - exact) / Math.ulp(rounded == 0f ? Float.MIN_NORMAL : rounded);
  }

  /** Every float step of 2^-12 over [-20, 20] plus random values: the worst error is a few ulps. */
  @Test
  void accurateToAFewUlps() {
    double worstExp = 0, worstSigmoid = 0, worstTanh = 0;
    SplittableRandom r = new SplittableRandom(7);
    for (int s = 0; s < 400_000; s++) {
      float x = s < 163_840 ? -20f + s / 4096f : (float) r.nextDouble(-30, 30);
      worstExp = Math.max(worstExp, ulps(FastMath.exp(x), Math.exp(x)));
      worstSigmoid = Math.max(worstSigmoid, ulps(FastMath.sigmoid(x), 1 / (1 + Math.exp(-(double) x))));
      worstTanh = Math.max(worstTanh, ulps(FastMath.tanh(x), Math.tanh(x)));
    }
    assertThat(worstExp).as("exp worst ulps").isLessThan(2.0);
    assertThat(worstSigmoid).as("sigmoid worst ulps").isLessThan(4.0);
    assertThat(worstTanh).as("tanh worst ulps").isLessThan(4.0);
  }

  @Test
  void limitsAndSpecialValues() {
    assertThat(FastMath.exp(0f)).isEqualTo(1f);
    assertThat(FastMath.exp(1000f)).isEqualTo((float) Math.exp(88)).isFinite();
    assertThat(FastMath.exp(-1000f)).isBetween(0f, 2e-38f);
    assertThat(FastMath.sigmoid(100f)).isEqualTo(1f);
    assertThat(FastMath.sigmoid(-100f)).isBetween(0f, 1e-37f);
    assertThat(FastMath.sigmoid(0f)).isEqualTo(0.5f);
    assertThat(FastMath.tanh(50f)).isEqualTo(1f);
    assertThat(FastMath.tanh(-50f)).isEqualTo(-1f);
    assertThat(FastMath.tanh(1e-20f)).isEqualTo(1e-20f);
    assertThat(FastMath.tanh(0f)).isEqualTo(0f);
    assertThat(FastMath.exp(Float.NaN)).isNaN();
    assertThat(FastMath.sigmoid(Float.NaN)).isNaN();
    assertThat(FastMath.tanh(Float.NaN)).isNaN();
  }

  /**
   * The vector kernels perform the scalar twin's operations lane by lane: LSTM and GRU rows and tanh
   * give identical bits for every lane position and tail length, so results never depend on the
   * provider or on whether the JIT has compiled a kernel yet.
   */
  @Test
  void vectorGateMathEqualsTheScalarTwinBitForBit() {
    Kernels scalar = KernelProvider.scalar();
    Kernels vector = KernelProvider.vector();
    SplittableRandom r = new SplittableRandom(11);
    for (int hidden : new int[] {1, 15, 16, 17, 40, 64, 100}) {
      for (int rep = 0; rep < 200; rep++) {
        float[] pre = new float[4 * hidden];
        for (int i = 0; i < pre.length; i++) {
          pre[i] = (float) (r.nextInt(8) == 0 ? r.nextDouble(-100, 100) : r.nextDouble(-6, 6));
        }
        float[] prev = new float[hidden];
        float[] hn = new float[hidden];
        for (int i = 0; i < hidden; i++) {
          prev[i] = (float) r.nextDouble(-3, 3);
          hn[i] = (float) r.nextDouble(-3, 3);
        }
        float[][] s = lstm(scalar, hidden, pre, prev);
        float[][] v = lstm(vector, hidden, pre, prev);
        for (int o = 0; o < s.length; o++) {
          assertThat(v[o]).as("lstm output %d, hidden %d", o, hidden).containsExactly(s[o]);
        }
        float[] gs = new float[3 * hidden], gv = new float[3 * hidden];
        float[] hs = new float[hidden], hv = new float[hidden];
        scalar.gruForwardRow(hidden, pre, 0, hn, 0, gs, 0, prev, 0, hs, 0);
        vector.gruForwardRow(hidden, pre, 0, hn, 0, gv, 0, prev, 0, hv, 0);
        assertThat(gv).as("gru gates, hidden %d", hidden).containsExactly(gs);
        assertThat(hv).as("gru h, hidden %d", hidden).containsExactly(hs);
        float[] ts = new float[pre.length], tv = new float[pre.length];
        scalar.tanh(pre.length, pre, 0, ts, 0);
        vector.tanh(pre.length, pre, 0, tv, 0);
        assertThat(tv).as("tanh, n %d", pre.length).containsExactly(ts);
      }
    }
  }

  private static float[][] lstm(Kernels k, int hidden, float[] pre, float[] cPrev) {
    float[] gates = new float[4 * hidden], c = new float[hidden], tc = new float[hidden], h = new float[hidden];
    k.lstmForwardRow(hidden, pre, 0, gates, 0, cPrev, 0, c, 0, tc, 0, h, 0);
    return new float[][] {gates, c, tc, h};
  }
}
