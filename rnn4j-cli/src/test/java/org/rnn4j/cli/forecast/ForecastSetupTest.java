package org.rnn4j.cli.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ForecastSetupTest {

  @Test
  void aModelFileGivesOneIntervalScalePerStepAndAnOlderFileItsSingleScaleAtEveryStep() {
    assertThat(ForecastSetup.intervalScales(Map.of("interval_scales", "1.5,2.25,3"), 3))
        .containsExactly(1.5, 2.25, 3.0);
    // saved before the scales were per step
    assertThat(ForecastSetup.intervalScales(Map.of("interval_scale", "1.25"), 2)).containsExactly(1.25, 1.25);
    assertThat(ForecastSetup.intervalScales(Map.of(), 2)).containsExactly(1.0, 1.0);
    assertThatThrownBy(() -> ForecastSetup.intervalScales(Map.of("interval_scales", "1.5,2"), 3))
        .hasMessage("expected 3 interval scales, the model file has 2");
  }
}
