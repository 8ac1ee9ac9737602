package org.rnn4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TensorTest {
  @Test
  void swappingTheFirstTwoAxesMovesWholeRows() {
    // [2, 3, 2]: value = 100*i + 10*j + k
    float[] x = new float[12];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 2; k++) {
          x[(i * 3 + j) * 2 + k] = 100 * i + 10 * j + k;
        }
      }
    }
    Tensor t = new Tensor(x, 2, 3, 2).swapFirstTwoAxes();
    assertThat(t.shape()).containsExactly(3, 2, 2);
    assertThat(t.data()).containsExactly(0, 1, 100, 101, 10, 11, 110, 111, 20, 21, 120, 121);
    assertThat(t.swapFirstTwoAxes().data()).containsExactly(x);
    assertThat(new Tensor(new float[0], 0, 4, 2).swapFirstTwoAxes().shape()).containsExactly(4, 0, 2);
    assertThatThrownBy(() -> new Tensor(new float[3], 3).swapFirstTwoAxes())
        .hasMessageContaining("expected rank 2 or more").hasMessageContaining("[3]");
  }
}
