package org.rnn4j.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.Sequential;
import org.rnn4j.data.DataException;
import org.rnn4j.data.SeriesTable;
import org.rnn4j.nn.Loss;
import org.rnn4j.train.Adam;
import org.rnn4j.train.FitOptions;
import org.rnn4j.train.TrainingListener;

class GlobalForecasterTest {

  /** A trend of {@code slope} per row around {@code level}, with bounded deterministic noise. */
  private static SeriesTable series(double level, double slope, double noise, int n) {
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = level + slope * i + noise * Math.sin(1.3 * i + level);
    }
    return SeriesTable.of("y", y);
  }

  private static Forecaster.Settings settings() {
    FitOptions fit = FitOptions.builder().epochs(60).batchSize(16).optimizer(new Adam(0.01f, 0.9f, 0.999f, 1e-8f, 0f,
        false)).seed(3).earlyStopping(15).restoreBest(true).build();
    return new Forecaster.Settings(List.of("y"), "y", 6, 1, List.of(ForecastFrame.Kind.CHANGE), 1,
        s -> Sequential.features(1).lstm(8).dense(1).loss(Loss.MSE).build(s), fit, null, 10, List.of());
  }

  @Test
  void oneModelFollowsEverySeriesOnItsOwnScale() throws Exception {
    // three series of very different levels and scales: each normalized on its own, one network
    List<SeriesTable> tables = List.of(series(10, 0.5, 0.2, 80), series(5000, 40, 15, 80), series(-3, -0.02, 0.01, 80));
    int[] trainTo = {60, 60, 60};
    int[] validationTo = {70, 70, 70};
    GlobalForecaster.Fit fit = GlobalForecaster.fit(settings(), List.of("a", "b", "c"), tables, trainTo,
        validationTo, (frame, member) -> new TrainingListener() {
        });
    assertThat(fit.trainWindows()).isEqualTo(3 * (60 - 6));
    assertThat(fit.validationWindows()).isEqualTo(3 * 10);
    GlobalForecaster g = fit.forecaster();
    assertThat(g.frames()).hasSize(3);
    // the frames are the series' own: their one-step scales differ by the series' slopes
    assertThat(g.frames().get(1).toMap("").get("target_scale")).isNotEqualTo(g.frames().get(0).toMap("")
        .get("target_scale"));
    int[] origins = {70, 72, 75, 79};
    for (int i = 0; i < 3; i++) {
      double[] f = g.forecast(i, tables.get(i), origins);
      double err = 0;
      double naive = 0;
      for (int k = 0; k < origins.length; k++) {
        err += Math.abs(f[k] - tables.get(i).value("y", origins[k]));
        naive += Math.abs(tables.get(i).value("y", origins[k] - 1) - tables.get(i).value("y", origins[k]));
      }
      assertThat(err).as("series " + i).isLessThan(naive);
    }
  }

  @Test
  void aSeriesWithoutRoomForAWindowIsNamed() {
    List<SeriesTable> tables = List.of(series(10, 0.5, 0.2, 80), series(1, 1, 0.1, 9));
    assertThatThrownBy(() -> GlobalForecaster.fit(settings(), List.of("long", "short"), tables, new int[] {60, 5},
        new int[] {70, 7}, (frame, member) -> new TrainingListener() {
        })).isInstanceOf(DataException.class).hasMessageContaining("series 'short'");
  }
}
