package org.rnn4j.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnn4j.data.DataException;
import org.rnn4j.data.SeriesTable;

class ForecastFrameTest {

  /** A growing positive series and a covariate: 40 rows. */
  private static SeriesTable table() {
    double[] y = new double[40];
    double[] x = new double[40];
    for (int i = 0; i < 40; i++) {
      y[i] = 100 * Math.pow(1.03, i) + 5 * Math.sin(i);
      x[i] = Math.cos(0.3 * i) - 2;
    }
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("y", y);
    m.put("x", x);
    return SeriesTable.of(m);
  }

  @Test
  void everyFrameIsUndoneExactly() {
    SeriesTable t = table();
    int[] origins = {5, 17, 30, 37};
    for (ForecastFrame.Kind kind : ForecastFrame.Kind.values()) {
      ForecastFrame f = ForecastFrame.fit(kind, t, List.of("y", "x"), "y", 25);
      float[] targets = f.targets(t, origins, 3);
      double[] back = f.decode(t, origins, targets, 3);
      for (int i = 0; i < origins.length; i++) {
        for (int k = 0; k < 3; k++) {
          double want = t.value("y", origins[i] + k);
          // float32 targets: the round trip is exact to float precision of the frame's values
          assertThat(back[i * 3 + k]).as(kind + " origin " + origins[i] + " step " + k)
              .isCloseTo(want, within(Math.abs(want) * 2e-6));
        }
      }
      ForecastFrame again = ForecastFrame.fromMap(f.toMap("frame."), "frame.");
      assertThat(again.inputs(t, origins, 4)).containsExactly(f.inputs(t, origins, 4));
      assertThat(again.decode(t, origins, targets, 3)).containsExactly(back);
    }
  }

  @Test
  void changeFrameIsRelativeToEachWindowsLastValue() {
    SeriesTable t = table();
    ForecastFrame f = ForecastFrame.fit(ForecastFrame.Kind.CHANGE, t, List.of("y", "x"), "y", 25);
    float[] x = f.inputs(t, new int[] {10}, 4); // rows 6..9, features y, x
    assertThat(x[3 * 2]).isZero(); // the last row of the window is the anchor of each column
    assertThat(x[3 * 2 + 1]).isZero();
    double step = 0;
    double[] y = t.column("y");
    for (int i = 1; i < 25; i++) {
      step += Math.abs(y[i] - y[i - 1]);
    }
    step /= 24;
    assertThat((double) x[0]).isCloseTo((y[6] - y[9]) / step, within(1e-5));
    // an output of 0 forecasts the last value, whatever the level
    double[] zero = f.decode(t, new int[] {10, 35}, new float[] {0, 0}, 1);
    assertThat(zero).containsExactly(y[9], y[34]);
  }

  @Test
  void logChangeNeedsPositiveValues() {
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("y", new double[] {3, 2, 1, 0, 1, 2});
    SeriesTable t = SeriesTable.of(m);
    assertThat(ForecastFrame.logApplies(t, "y", 3)).isTrue();
    assertThat(ForecastFrame.logApplies(t, "y", 6)).isFalse();
    assertThatThrownBy(() -> ForecastFrame.fit(ForecastFrame.Kind.LOG_CHANGE, t, List.of("y"), "y", 6))
        .isInstanceOf(DataException.class).hasMessageContaining("positive");
    ForecastFrame f = ForecastFrame.fit(ForecastFrame.Kind.LOG_CHANGE, t, List.of("y"), "y", 3);
    assertThatThrownBy(() -> f.inputs(t, new int[] {5}, 2)).isInstanceOf(DataException.class)
        .hasMessageContaining("row 3").hasMessageContaining("positive");
  }

  @Test
  void unknownKindNamesTheChoices() {
    assertThatThrownBy(() -> ForecastFrame.Kind.parse("revin")).hasMessageContaining("level, change, log-change");
    assertThat(ForecastFrame.Kind.parse("Log-Change")).isEqualTo(ForecastFrame.Kind.LOG_CHANGE);
  }

  @Test
  void calendarChannelsFollowTheFeaturesAndNeedDates() {
    SeriesTable plain = table();
    java.time.LocalDate[] dates = new java.time.LocalDate[40];
    for (int i = 0; i < 40; i++) {
      dates[i] = java.time.LocalDate.of(2024, 1, 1).plusDays(i); // 2024-01-01 is a Monday
    }
    SeriesTable t = plain.withDates("date", dates);
    ForecastFrame f = ForecastFrame.fit(ForecastFrame.Kind.CHANGE, t, List.of("y", "x"), "y", 25).withCalendar(true);
    assertThat(f.inputWidth()).isEqualTo(6);
    float[] x = f.inputs(t, new int[] {3}, 3); // rows 0..2: Jan 1 (Monday), Jan 2, Jan 3
    assertThat(x[2]).isZero(); // sin of day 1 of the year
    assertThat(x[3]).isEqualTo(1f); // cos
    assertThat(x[4]).isZero(); // sin of Monday
    assertThat(x[5]).isEqualTo(1f);
    assertThat((double) x[6 + 4]).isCloseTo(Math.sin(2 * Math.PI / 7), within(1e-6)); // Tuesday
    assertThat((double) x[6 + 2]).isCloseTo(Math.sin(2 * Math.PI / 365.25), within(1e-6));
    assertThat(ForecastFrame.fromMap(f.toMap("p."), "p.").inputs(t, new int[] {3}, 3)).containsExactly(x);
    assertThatThrownBy(() -> f.inputs(plain, new int[] {3}, 3)).isInstanceOf(DataException.class)
        .hasMessageContaining("calendar");
  }

  @Test
  void aSeriesCodeIsOneHotAfterEveryOtherChannel() {
    SeriesTable t = table();
    ForecastFrame f = ForecastFrame.fit(ForecastFrame.Kind.CHANGE, t, List.of("y", "x"), "y", 25)
        .withSeriesCode(2, 4);
    assertThat(f.inputWidth()).isEqualTo(6);
    float[] x = f.inputs(t, new int[] {5}, 2);
    assertThat(java.util.Arrays.copyOfRange(x, 2, 6)).containsExactly(0f, 0f, 1f, 0f);
    assertThat(java.util.Arrays.copyOfRange(x, 8, 12)).containsExactly(0f, 0f, 1f, 0f);
    assertThat(ForecastFrame.fromMap(f.toMap("q."), "q.").inputs(t, new int[] {5}, 2)).containsExactly(x);
    assertThatThrownBy(() -> f.withSeriesCode(4, 4)).hasMessageContaining("[0, 4)");
  }
}
