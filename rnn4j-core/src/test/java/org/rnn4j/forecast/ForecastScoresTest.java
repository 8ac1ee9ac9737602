package org.rnn4j.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ForecastScoresTest {

  @Test
  void scoresAgainstHandComputedValues() {
    double[] actual = {10, 20, 0};
    double[] forecast = {12, 17, 0};
    // errors 2, 3, 0: MAE 5/3, RMSE sqrt(13/3); sMAPE terms 200*2/22, 200*3/37, 0 (|y|+|f| = 0)
    ForecastScores s = ForecastScores.of(forecast, actual, null, 2.0);
    assertThat(s.count()).isEqualTo(3);
    assertThat(s.mae()).isCloseTo(5.0 / 3, within(1e-12));
    assertThat(s.rmse()).isCloseTo(Math.sqrt(13.0 / 3), within(1e-12));
    assertThat(s.mase()).isCloseTo(5.0 / 6, within(1e-12));
    assertThat(s.smape()).isCloseTo((400.0 / 22 + 600.0 / 37) / 3, within(1e-12));
    ForecastScores masked = ForecastScores.of(forecast, actual, new boolean[] {false, true, false}, 2.0);
    assertThat(masked.mae()).isEqualTo(3.0);
  }

  @Test
  void seasonalScaleIsTheInSampleSeasonalNaiveMae() {
    double[] y = {1, 2, 3, 4, 6, 8, 100};
    // period 2 over rows 2..5 (row 6 is not training): |3-1|, |4-2|, |6-3|, |8-4| = 2, 2, 3, 4
    assertThat(ForecastScores.seasonalScale(y, 6, 2)).isEqualTo(11.0 / 4);
    assertThat(ForecastScores.seasonalScale(y, 6, 1)).isEqualTo((1 + 1 + 1 + 2 + 2) / 5.0);
    // a season as long as the training part falls back to one step
    assertThat(ForecastScores.seasonalScale(y, 3, 12)).isEqualTo(1.0);
  }
}
