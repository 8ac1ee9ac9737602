package org.rnn4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.rnn4j.nn.Init;

/** Initialisation schemes: PyTorch's bounds, Keras's orthogonal recurrent weights and forget bias. */
class InitTest {

  @Test
  void pytorchDefaultIsUniformWithinOneOverSqrtHidden() {
    Model m = Sequential.features(5).lstm(16).dense(1).build(1);
    float bound = (float) (1 / Math.sqrt(16));
    float max = 0;
    for (float v : m.parameter("lstm.weight_hh_l0")) {
      max = Math.max(max, Math.abs(v));
    }
    assertThat(max).isLessThanOrEqualTo(bound).isGreaterThan(0.9f * bound);
  }

  @Test
  void kerasInitHasOrthogonalRecurrentWeightsAndForgetBiasOne() {
    int h = 8;
    Model m = Sequential.features(3).lstm(h, o -> o.init(Init.KERAS)).dense(1).build(2);
    float[] w = m.parameter("lstm.weight_hh_l0"); // [4H, H]: columns orthonormal
    for (int a = 0; a < h; a++) {
      for (int b = 0; b < h; b++) {
        double dot = 0;
        for (int r = 0; r < 4 * h; r++) {
          dot += (double) w[r * h + a] * w[r * h + b];
        }
        assertThat(dot).as("column %d . column %d", a, b).isCloseTo(a == b ? 1.0 : 0.0, within(1e-5));
      }
    }
    float[] bias = m.parameter("lstm.bias_ih_l0");
    for (int j = 0; j < 4 * h; j++) {
      assertThat(bias[j]).isEqualTo(j >= h && j < 2 * h ? 1f : 0f); // gate order i, f, g, o
    }
    float limit = (float) Math.sqrt(6.0 / (3 + 4 * h)); // Glorot-uniform on the kernel [3, 4H]
    for (float v : m.parameter("lstm.weight_ih_l0")) {
      assertThat(Math.abs(v)).isLessThanOrEqualTo(limit);
    }
  }

  @Test
  void sameSeedSameModelOtherSeedOtherModel() {
    float[] a = Sequential.features(3).gru(5).dense(2).build(7).parameterValues();
    float[] b = Sequential.features(3).gru(5).dense(2).build(7).parameterValues();
    float[] c = Sequential.features(3).gru(5).dense(2).build(8).parameterValues();
    assertThat(a).containsExactly(b);
    assertThat(a).isNotEqualTo(c);
  }
}
