package org.rnn4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Gradient clipping: PyTorch's clip_grad_norm_ (with its + 1e-6) and clip_grad_value_. */
class GradientClippingTest {

  @Test
  void normBelowTheMaximumLeavesGradientsUnchanged() {
    float[] g = {3f, 4f}; // norm 5
    float[] before = g.clone();
    float norm = GradientClipping.clipByGlobalNorm(g, 10f);
    assertThat(norm).isEqualTo(5f);
    assertThat(g).containsExactly(before); // coefficient min(1, 10 / 5.000001) = 1
  }

  @Test
  void normAboveTheMaximumScalesByMaxOverNormPlusEpsilon() {
    float[] g = {3f, 4f, 0f, -12f}; // norm 13
    float norm = GradientClipping.clipByGlobalNorm(g, 1f);
    assertThat(norm).isEqualTo(13f);
    double c = 1.0 / (13 + 1e-6);
    assertThat((double) g[0]).isCloseTo(3 * c, within(1e-7));
    assertThat((double) g[1]).isCloseTo(4 * c, within(1e-7));
    assertThat(g[2]).isZero();
    assertThat((double) g[3]).isCloseTo(-12 * c, within(1e-7));
    double after = Math.sqrt((double) g[0] * g[0] + (double) g[1] * g[1] + (double) g[3] * g[3]);
    assertThat(after).isLessThan(1.0).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void normEqualToTheMaximumStillClipsSlightly() {
    // PyTorch: coefficient = 5 / (5 + 1e-6) < 1 as soon as norm > maxNorm - 1e-6.
    float[] g = {3f, 4f};
    GradientClipping.clipByGlobalNorm(g, 5f);
    assertThat(g[0]).isLessThan(3f);
    assertThat((double) g[0]).isCloseTo(3 * 5 / (5 + 1e-6), within(3e-7)); // a float coefficient
  }

  @Test
  void normIsAccumulatedInDouble() {
    // 1e6 values of 1e-3: float accumulation of 1e-6 squares drifts; double gives exactly 1.
    float[] g = new float[1_000_000];
    java.util.Arrays.fill(g, 1e-3f);
    float norm = GradientClipping.clipByGlobalNorm(g, 100f);
    assertThat((double) norm).isCloseTo(Math.sqrt(1e6 * (double) 1e-3f * 1e-3f), within(1e-7));
  }

  @Test
  void clipByValueClampsEachElement() {
    float[] g = {-3f, -0.5f, 0f, 0.5f, 3f, Float.NaN};
    GradientClipping.clipByValue(g, 1f);
    assertThat(g).containsExactly(-1f, -0.5f, 0f, 0.5f, 1f, Float.NaN);
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> GradientClipping.clipByGlobalNorm(new float[1], 0f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clipByGlobalNorm: expected maxNorm > 0 (finite), got 0.0");
    assertThatThrownBy(() -> GradientClipping.clipByValue(new float[1], Float.NaN))
        .hasMessage("clipByValue: expected a bound v > 0 (finite), got NaN");
    assertThatThrownBy(() -> GradientClipping.clipByGlobalNorm(null, 1f)).hasMessageContaining("got null");
  }
}
