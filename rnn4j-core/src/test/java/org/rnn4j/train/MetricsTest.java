package org.rnn4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Metrics against values worked out by hand. */
class MetricsTest {

  @Test
  void regression() {
    float[] p = {1, 2, 4};
    float[] t = {2, 2, 2};
    assertThat(Metrics.mae(p, t)).isCloseTo(1.0, within(1e-12)); // (1 + 0 + 2) / 3
    assertThat(Metrics.rmse(p, t)).isCloseTo(Math.sqrt(5.0 / 3), within(1e-12)); // (1 + 0 + 4) / 3
    assertThat(Metrics.mape(p, t)).isCloseTo(50.0, within(1e-9)); // (50% + 0 + 100%) / 3
    // sMAPE: 2*1/3, 0, 2*2/6 -> (0.6667 + 0 + 0.6667) / 3
    assertThat(Metrics.smape(p, t)).isCloseTo(100.0 * (4.0 / 3) / 3, within(1e-9));
    assertThatThrownBy(() -> Metrics.mae(p, new float[2])).hasMessageContaining("same non-zero length");
  }

  @Test
  void classification() {
    // 4 examples, 3 classes; argmax predictions: 0, 2, 1, 1; labels: 0, 1, 1, 2
    float[] s = {
        0.9f, 0.05f, 0.05f,
        0.1f, 0.3f, 0.6f,
        0.2f, 0.7f, 0.1f,
        0.1f, 0.5f, 0.4f};
    int[] y = {0, 1, 1, 2};
    assertThat(Metrics.accuracy(s, y)).isEqualTo(0.5);
    assertThat(Metrics.topK(s, y, 2)).isEqualTo(1.0);
    long[][] c = Metrics.confusion(s, y);
    assertThat(c).isEqualTo(new long[][] {{1, 0, 0}, {0, 1, 1}, {0, 1, 0}});
    double[] macro = Metrics.macro(c);
    // class 0: P 1, R 1, F1 1; class 1: P 1/2, R 1/2, F1 1/2; class 2: P 0, R 0, F1 0
    assertThat(macro[0]).isCloseTo(0.5, within(1e-12));
    assertThat(macro[1]).isCloseTo(0.5, within(1e-12));
    assertThat(macro[2]).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void languageModels() {
    assertThat(Metrics.perplexity(Math.log(4))).isCloseTo(4.0, within(1e-12));
    assertThat(Metrics.bitsPerCharacter(Math.log(2) * 1.5)).isCloseTo(1.5, within(1e-12));
  }
}
