package org.rnn4j.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class IntervalScoresTest {

  @Test
  void coverageWidthWinklerAndPinballByHand() {
    List<Float> levels = List.of(0.1f, 0.5f, 0.9f);
    double[] q = {0, 1, 2, /* */ 10, 11, 12};
    double[] y = {1.5, 14};
    IntervalScores s = IntervalScores.of(q, levels, y);
    assertThat(s.coverage()).isEqualTo(0.5);
    assertThat(s.width()).isEqualTo(2.0);
    double alpha = 1 - (0.9f - 0.1f);
    // point 2 is 2 above the upper bound: 2 + (2 / alpha) * 2
    assertThat(s.winkler()).isCloseTo((2 + 2 + 4 / alpha) / 2, within(1e-9));
    // pinball: point 1: 0.1*1.5, 0.5*0.5, (0.9-1)*(-0.5) ; point 2: 0.1*4, 0.5*3, 0.9*2
    double p = 0.1f * 1.5 + 0.5 * 0.5 + (1 - 0.9f) * 0.5 + 0.1f * 4 + 0.5 * 3 + 0.9f * 2;
    assertThat(s.pinball()).isCloseTo(p / 6, within(1e-9));
    assertThat(s.nominal()).isCloseTo(0.8, within(1e-6));
    assertThatThrownBy(() -> IntervalScores.of(new double[] {1}, List.of(0.5f), new double[] {1}))
        .hasMessageContaining("at least 2 levels");
  }
}
