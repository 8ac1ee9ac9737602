package org.rnn4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Naive baselines on a tiny series, aligned with the windows, and the error measures. */
class BaselinesTest {
  private static final double N = Double.NaN;

  private static SeriesTable series() {
    return SeriesTable.of("y", new double[] {1, 2, 3, 4, 5, 6, 7, 8});
  }

  @Test
  void persistenceRepeatsTheLastInputValue() {
    Windows w = Windows.of(series(), List.of("y"), "y", WindowSpec.nextStep(2));
    assertThat(w.targetStarts()).containsExactly(2, 3, 4, 5, 6, 7);
    double[] actual = Baselines.actual(series(), w);
    assertThat(actual).containsExactly(3, 4, 5, 6, 7, 8);
    BaselineForecast p = Baselines.persistence(series(), w);
    assertThat(p.predictions()).containsExactly(2, 3, 4, 5, 6, 7);
    assertThat(p.isComplete()).isTrue();
    assertThat(p.mae(actual)).isEqualTo(1);
    assertThat(p.rmse(actual)).isEqualTo(1);
    Windows w2 = Windows.of(series(), List.of("y"), "y", new WindowSpec(2, 3, 3));
    assertThat(Baselines.persistence(series(), w2).predictions()).containsExactly(2, 2, 2, 5, 5, 5);
  }

  @Test
  void driftAddsTheMeanTrainingChangePerStep() {
    SeriesTable t = SeriesTable.of("y", new double[] {1, 2, 4, 7, 5, 6, 7, 8});
    Windows w = Windows.of(t, List.of("y"), "y", new WindowSpec(2, 2, 3));
    // training rows [0, 4): slope (7 - 1) / 3 = 2; windows start at rows 2 and 5
    BaselineForecast d = Baselines.drift(t, w, 0, 4);
    assertThat(w.targetStarts()).containsExactly(2, 5);
    assertThat(d.predictions()).containsExactly(2 + 2, 2 + 4, 5 + 2, 5 + 4);
    assertThatThrownBy(() -> Baselines.drift(t, w, 0, 1)).hasMessageContaining("at least 2 rows");
  }

  @Test
  void seasonalNaiveOnlyWhereTheDataAllows() {
    Windows w = Windows.of(series(), List.of("y"), "y", WindowSpec.nextStep(2));
    BaselineForecast s = Baselines.seasonalNaive(series(), w, 3);
    // target row 2 would need row -1: unavailable; row 3 takes row 0, ...
    assertThat(s.predictions()).containsExactly(N, 1, 2, 3, 4, 5);
    assertThat(s.available()).containsExactly(false, true, true, true, true, true);
    assertThat(s.availableCount()).isEqualTo(5);
    assertThat(s.mae(Baselines.actual(series(), w))).isEqualTo(3);
    // a model scored on the same windows: predictions 0 for window 0 are ignored
    double[] model = {0, 4, 5, 6, 7, 9};
    assertThat(Baselines.mae(model, Baselines.actual(series(), w), 1, s.available())).isEqualTo(0.2);
  }

  @Test
  void seasonalStepsBeyondOneSeasonRepeatTheLastSeason() {
    SeriesTable t = SeriesTable.of("y", new double[] {10, 11, 12, 13, 14, 15, 16, 17});
    Windows w = Windows.of(t, List.of("y"), "y", new WindowSpec(4, 4, 1));
    assertThat(w.targetStarts()).containsExactly(4);
    // period 2, first target row 4: steps take rows 2, 3, 2, 3
    assertThat(Baselines.seasonalNaive(t, w, 2).predictions()).containsExactly(12, 13, 12, 13);
    // period 1 is persistence
    assertThat(Baselines.seasonalNaive(t, w, 1).predictions()).containsExactly(13, 13, 13, 13);
    assertThatThrownBy(() -> Baselines.seasonalNaive(t, w, 0)).hasMessageContaining("period >= 1 (rows), got 0");
  }

  @Test
  void trainingMeanUsesTheTrainingRowsOnly() {
    Windows w = Windows.of(series(), List.of("y"), "y", WindowSpec.nextStep(2), 4, 8);
    BaselineForecast m = Baselines.trainingMean(series(), w, 0, 4);
    assertThat(m.predictions()).containsExactly(2.5, 2.5, 2.5, 2.5);
    assertThat(m.mae(Baselines.actual(series(), w))).isEqualTo(4); // targets 5..8
    ChronologicalSplit.RowRanges r = new ChronologicalSplit.RowRanges(8, 4, 6);
    assertThat(Baselines.trainingMean(series(), w, r).prediction(0, 0)).isEqualTo(2.5);
  }

  @Test
  void errorMeasures() {
    assertThat(Baselines.mae(new double[] {1, 2}, new double[] {2, 4})).isEqualTo(1.5);
    assertThat(Baselines.rmse(new double[] {1, 2}, new double[] {2, 4})).isCloseTo(Math.sqrt(2.5), within(1e-15));
    assertThat(Baselines.mae(new double[] {1, 2}, new double[] {2, 4}, 2, new boolean[] {false})).isNaN();
    assertThatThrownBy(() -> Baselines.mae(new double[] {1, 2}, new double[] {2}))
        .hasMessageContaining("got 2 predictions and 1 targets");
  }

  @Test
  void theTableMustBeTheOneTheWindowsCameFrom() {
    Windows w = Windows.of(series(), List.of("y"), "y", WindowSpec.nextStep(2));
    assertThatThrownBy(() -> Baselines.persistence(series().rows(0, 5), w))
        .hasMessageContaining("(8 rows), got a table of 5 rows");
  }
}
