package org.rnn4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** MSE and cross-entropy: known values, stability, gradients. */
class LossesTest {

  @Test
  void mseKnownValues() {
    float[] pred = {1f, 2f, 3f};
    float[] target = {0f, 2f, 5f};
    float[] d = new float[3];
    // ((1)^2 + 0 + (-2)^2) / 3 = 5/3; d = 2 (p - t) / 3
    assertThat(Losses.mse(pred, target, 3, d)).isCloseTo(5.0 / 3, within(1e-15));
    assertThat(d).containsExactly(2f / 3, 0f, -4f / 3);
    assertThat(Losses.mse(pred, target, 3, null)).isCloseTo(5.0 / 3, within(1e-15));
  }

  @Test
  void crossEntropyKnownValues() {
    // row 0: logits (0, 0), target 0 -> ln 2; row 1: logits (ln 3, 0), target 1 -> ln 4 - 0
    float ln3 = (float) Math.log(3);
    float[] logits = {0f, 0f, ln3, 0f};
    float[] d = new float[4];
    double loss = Losses.crossEntropy(logits, 2, 2, new int[] {0, 1}, d);
    double expected = (Math.log(2) + Math.log(1 + Math.exp(ln3))) / 2;
    assertThat(loss).isCloseTo(expected, within(1e-12));
    assertThat(loss).isCloseTo(1.5 * Math.log(2), within(1e-7));
    // (softmax - onehot) / rows
    assertThat((double) d[0]).isCloseTo((0.5 - 1) / 2, within(1e-7));
    assertThat((double) d[1]).isCloseTo(0.5 / 2, within(1e-7));
    assertThat((double) d[2]).isCloseTo(0.75 / 2, within(1e-7));
    assertThat((double) d[3]).isCloseTo((0.25 - 1) / 2, within(1e-7));
  }

  @Test
  void crossEntropyIsStableForLargeLogits() {
    float[] d = new float[2];
    assertThat(Losses.crossEntropy(new float[] {1000f, 0f}, 1, 2, new int[] {0}, d)).isCloseTo(0.0, within(1e-300));
    assertThat(d).containsExactly(0f, 0f);
    assertThat(Losses.crossEntropy(new float[] {1000f, 0f}, 1, 2, new int[] {1}, d)).isCloseTo(1000.0, within(1e-9));
    assertThat(d).containsExactly(1f, -1f);
    assertThat(Losses.crossEntropy(new float[] {-1000f, -1000f}, 1, 2, new int[] {1}, null))
        .isCloseTo(Math.log(2), within(1e-12));
  }

  @Test
  void gradientsMatchCentralDifferences() {
    SplittableRandom r = new SplittableRandom(5);
    int rows = 4;
    int classes = 5;
    float[] z = new float[rows * classes];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) r.nextDouble(-3, 3);
    }
    int[] y = {0, 4, 2, 2};
    float[] d = new float[z.length];
    Losses.crossEntropy(z, rows, classes, y, d);
    float[] target = new float[z.length];
    for (int i = 0; i < z.length; i++) {
      target[i] = (float) r.nextDouble(-1, 1);
    }
    float[] dm = new float[z.length];
    Losses.mse(z, target, z.length, dm);
    float h = 1e-2f;
    for (int i = 0; i < z.length; i++) {
      float v = z[i];
      z[i] = v + h;
      double cePlus = Losses.crossEntropy(z, rows, classes, y, null);
      double msePlus = Losses.mse(z, target, z.length, null);
      z[i] = v - h;
      double ceMinus = Losses.crossEntropy(z, rows, classes, y, null);
      double mseMinus = Losses.mse(z, target, z.length, null);
      z[i] = v;
      double step = (double) (v + h) - (v - h); // the float steps actually taken
      assertThat((double) d[i]).as("dCE[%d]", i).isCloseTo((cePlus - ceMinus) / step, within(2e-5));
      assertThat((double) dm[i]).as("dMSE[%d]", i).isCloseTo((msePlus - mseMinus) / step, within(1e-6));
    }
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> Losses.crossEntropy(new float[4], 2, 2, new int[] {0, 2}, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("crossEntropy: expected targets[1] in [0, 2), got 2");
    assertThatThrownBy(() -> Losses.mse(new float[2], new float[3], 3, null))
        .hasMessage("mse: expected pred of at least 3 values, got 2");
    assertThatThrownBy(() -> Losses.mse(new float[2], new float[2], 0, null)).hasMessage("mse: expected n >= 1, got 0");
  }
}
