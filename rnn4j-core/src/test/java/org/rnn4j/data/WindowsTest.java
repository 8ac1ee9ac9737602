package org.rnn4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnn4j.Tensor;

/** Windows on a 0..9 ramp: known inputs, targets, target rows and errors. */
class WindowsTest {

  static SeriesTable ramp(int n) {
    double[] v = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = i;
      w[i] = 10 * i;
    }
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("v", v);
    m.put("w", w);
    return SeriesTable.of(m);
  }

  @Test
  void nextStepWindowsOfARamp() {
    Windows w = Windows.of(ramp(10), List.of("v"), "v", WindowSpec.nextStep(3));
    assertThat(w.count()).isEqualTo(7);
    Tensor x = w.x();
    Tensor y = w.y();
    assertThat(x.shape()).containsExactly(7, 3, 1);
    assertThat(y.shape()).containsExactly(7, 1);
    assertThat(x.data()).startsWith(0f, 1f, 2f, 1f, 2f, 3f).endsWith(6f, 7f, 8f);
    assertThat(y.data()).containsExactly(3f, 4f, 5f, 6f, 7f, 8f, 9f);
    assertThat(w.targetStarts()).containsExactly(3, 4, 5, 6, 7, 8, 9);
    assertThat(w.inputStart(0)).isZero();
  }

  @Test
  void multiStepWithStride() {
    Windows w = Windows.of(ramp(10), List.of("v"), "v", new WindowSpec(3, 2, 2));
    // first targets at rows 3, 5, 7 (a window at 9 would need row 10)
    assertThat(w.targetStarts()).containsExactly(3, 5, 7);
    assertThat(w.y().data()).containsExactly(3f, 4f, 5f, 6f, 7f, 8f);
    assertThat(w.x().data()).containsExactly(0f, 1f, 2f, 2f, 3f, 4f, 4f, 5f, 6f);
  }

  @Test
  void featuresAreTheLastAxisInTheGivenOrder() {
    Windows w = Windows.of(ramp(10), List.of("w", "v"), "v", new WindowSpec(2, 1, 4));
    assertThat(w.x().shape()).containsExactly(2, 2, 2);
    // window 0: rows 0, 1; window 1: rows 4, 5; features (w, v)
    assertThat(w.x().data()).containsExactly(0f, 0f, 10f, 1f, 40f, 4f, 50f, 5f);
    assertThat(w.y().data()).containsExactly(2f, 6f);
    Dataset d = w.dataset();
    assertThat(d.size()).isEqualTo(2);
    assertThat(d.steps()).isEqualTo(2);
    assertThat(d.features()).isEqualTo(2);
    assertThat(d.targetShape()).containsExactly(1);
  }

  @Test
  void targetNeedNotBeAFeature() {
    Windows w = Windows.of(ramp(5), List.of("w"), "v", WindowSpec.nextStep(4));
    assertThat(w.count()).isEqualTo(1);
    assertThat(w.x().data()).containsExactly(0f, 10f, 20f, 30f);
    assertThat(w.y().data()).containsExactly(4f);
  }

  @Test
  void tooFewRowsGivesTheNumbers() {
    assertThatThrownBy(() -> Windows.of(ramp(30), List.of("v"), "v", new WindowSpec(30, 1, 1)))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("expected at least lookback + horizon = 31 rows for one window, got 30 rows")
        .hasMessageContaining("lookback 30, horizon 1");
    assertThatThrownBy(() -> Windows.of(ramp(10), List.of("v"), "v", new WindowSpec(3, 2, 1), 8, 9))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("targets in rows [8, 9) of 10").hasMessageContaining("3 input rows")
        .hasMessageContaining("2 target rows");
  }

  @Test
  void aTargetRangeKeepsTargetsInsideAndLetsInputsReachBack() {
    Windows w = Windows.of(ramp(10), List.of("v"), "v", new WindowSpec(3, 2, 1), 5, 9);
    assertThat(w.targetStarts()).containsExactly(5, 6, 7);
    assertThat(w.x().data()).startsWith(2f, 3f, 4f);
    assertThat(w.y().data()).endsWith(7f, 8f);
  }

  @Test
  void missingValuesInAWindowAreNamed() {
    double[] v = {0, 1, 2, Double.NaN, 4, 5};
    assertThatThrownBy(() -> Windows.of(SeriesTable.of("v", v), List.of("v"), "v", WindowSpec.nextStep(2)))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("column 'v' at row 3").hasMessageContaining("MissingValues");
  }

  @Test
  void badSpecsAndColumnsAreRefused() {
    assertThatThrownBy(() -> new WindowSpec(0, 1, 1))
        .hasMessageContaining("expected lookback >= 1, horizon >= 1 and stride >= 1, got lookback 0, horizon 1, stride 1");
    assertThatThrownBy(() -> new WindowSpec(3, 1, 0)).hasMessageContaining("stride 0");
    assertThatThrownBy(() -> Windows.of(ramp(10), List.of("v", "x"), "v", WindowSpec.nextStep(3)))
        .hasMessageContaining("no column named 'x'");
    assertThatThrownBy(() -> Windows.of(ramp(10), List.of("v", "v"), "v", WindowSpec.nextStep(3)))
        .hasMessageContaining("'v' twice");
    assertThatThrownBy(() -> Windows.of(ramp(10), List.of(), "v", WindowSpec.nextStep(3)))
        .hasMessageContaining("at least one feature column");
  }
}
