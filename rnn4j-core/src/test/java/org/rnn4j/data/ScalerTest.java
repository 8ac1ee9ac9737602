package org.rnn4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Scaler: fitted statistics, the fitted range, constant columns, inverse, and the text round trip. */
class ScalerTest {

  private static SeriesTable table() {
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("x", new double[] {1, 3, 100}); // fitted on rows [0, 2): mean 2, std 1, min 1, range 2
    m.put("k", new double[] {5, 5, 7}); // constant on [0, 2)
    return SeriesTable.of(m);
  }

  @Test
  void standardUsesOnlyTheFittedRows() {
    Scaler s = Scaler.fit(Scaler.Method.STANDARD, table(), 0, 2);
    assertThat(s.center("x")).isEqualTo(2);
    assertThat(s.scale("x")).isEqualTo(1);
    assertThat(s.transform("x", 100)).isEqualTo(98);
    assertThat(s.transform(table()).column("x")).containsExactly(-1, 1, 98);
  }

  @Test
  void standardDeviationIsThePopulationOne() {
    Scaler s = Scaler.fit(Scaler.Method.STANDARD, SeriesTable.of("v", new double[] {1, 2, 3, 4}), 0, 4);
    assertThat(s.center("v")).isEqualTo(2.5);
    assertThat(s.scale("v")).isEqualTo(Math.sqrt(1.25));
  }

  @Test
  void minMaxMapsTheFittedRowsToZeroOne() {
    Scaler s = Scaler.fit(Scaler.Method.MIN_MAX, SeriesTable.of("v", new double[] {2, 4, 6, 10}), 0, 3);
    assertThat(s.transform("v", new double[] {2, 4, 6, 10})).containsExactly(0, 0.5, 1, 2);
  }

  @Test
  void aConstantColumnScalesToZeroAndIsReported() {
    for (Scaler.Method m : Scaler.Method.values()) {
      Scaler s = Scaler.fit(m, table(), 0, 2);
      assertThat(s.isConstant("k")).isTrue();
      assertThat(s.isConstant("x")).isFalse();
      assertThat(s.constantColumns()).containsExactly("k");
      assertThat(s.scale("k")).isEqualTo(1);
      assertThat(s.transform("k", 5)).isEqualTo(0);
      assertThat(s.summary()).contains("constant: k (scaled to 0)");
    }
    // the mean of three 0.1 is not exactly 0.1 in floating point: still constant, still exactly 0
    Scaler s = Scaler.fit(Scaler.Method.STANDARD, SeriesTable.of("t", new double[] {0.1, 0.1, 0.1}), 0, 3);
    assertThat(s.transform("t", 0.1)).isEqualTo(0);
  }

  @Test
  void inverseUndoesTransform() {
    SplittableRandom r = new SplittableRandom(7);
    double[] v = new double[50];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextDouble(-30, 40);
    }
    SeriesTable t = SeriesTable.of("temp", v);
    for (Scaler.Method m : Scaler.Method.values()) {
      Scaler s = Scaler.fit(m, t, 0, 35);
      double[] back = s.inverse("temp", s.transform("temp", v));
      for (int i = 0; i < v.length; i++) {
        assertThat(back[i]).isCloseTo(v[i], within(1e-12));
      }
      assertThat(s.inverse(s.transform(t)).column("temp")[3]).isCloseTo(v[3], within(1e-12));
      float[] scaled = {(float) s.transform("temp", v[0])};
      assertThat(s.inverse("temp", scaled)[0]).isCloseTo(v[0], within(1e-4));
    }
  }

  @Test
  void textRoundTripIsExact() {
    Scaler s = new Scaler(Scaler.Method.STANDARD, List.of("a", "b, with comma", "c"),
        new double[] {0.1, 1.0 / 3, -0.0}, new double[] {Math.PI, Double.MIN_VALUE, 1e300},
        new boolean[] {false, false, true});
    Map<String, String> m = s.toMap();
    assertThat(m).containsEntry("method", "STANDARD").containsEntry("columns", "3")
        .containsEntry("column.1.name", "b, with comma").containsEntry("column.0.center", "0.1")
        .containsEntry("column.2.constant", "true");
    Scaler back = Scaler.fromMap(m);
    assertThat(back).isEqualTo(s);
    assertThat(Double.doubleToRawLongBits(back.center("c"))).isEqualTo(Double.doubleToRawLongBits(-0.0));
    Scaler fitted = Scaler.fit(Scaler.Method.MIN_MAX, table(), 0, 3);
    Map<String, String> prefixed = new LinkedHashMap<>(fitted.toMap("scaler.target."));
    prefixed.put("unrelated", "x");
    assertThat(Scaler.fromMap(prefixed, "scaler.target.")).isEqualTo(fitted);
  }

  @Test
  void fromMapNamesTheBadKey() {
    Map<String, String> m = new LinkedHashMap<>(Scaler.fit(Scaler.Method.STANDARD, table(), 0, 2).toMap());
    m.remove("column.1.scale");
    assertThatThrownBy(() -> Scaler.fromMap(m)).hasMessageContaining("expected key 'column.1.scale'");
    m.put("column.1.scale", "wide");
    assertThatThrownBy(() -> Scaler.fromMap(m))
        .hasMessageContaining("expected a number for 'column.1.scale', got 'wide'");
    m.put("column.1.scale", "0.0");
    assertThatThrownBy(() -> Scaler.fromMap(m)).hasMessageContaining("finite scale > 0 for column 'k', got 0.0");
    m.put("method", "ROBUST");
    assertThatThrownBy(() -> Scaler.fromMap(m)).hasMessageContaining("STANDARD or MIN_MAX, got 'ROBUST'");
  }

  @Test
  void fittingErrorsSayWhatWasExpected() {
    assertThatThrownBy(() -> Scaler.fit(Scaler.Method.STANDARD, table(), 2, 2))
        .hasMessageContaining("non-empty row range within [0, 3]").hasMessageContaining("got [2, 2)");
    assertThatThrownBy(() -> Scaler.fit(Scaler.Method.STANDARD, table(), List.of("y"), 0, 2))
        .hasMessageContaining("no column named 'y'");
    SeriesTable gap = SeriesTable.of("g", new double[] {Double.NaN, Double.NaN, 1});
    assertThatThrownBy(() -> Scaler.fit(Scaler.Method.STANDARD, gap, 0, 2))
        .isInstanceOf(DataException.class).hasMessageContaining("column 'g' within rows [0, 2)");
    assertThatThrownBy(() -> Scaler.fit(Scaler.Method.STANDARD, table(), 0, 2).transform("z", 1))
        .hasMessageContaining("no column named 'z'; expected one of [x, k]");
  }

  @Test
  void missingValuesAreSkippedWhenFittingAndStayMissing() {
    Scaler s = Scaler.fit(Scaler.Method.STANDARD, SeriesTable.of("v", new double[] {1, Double.NaN, 3}), 0, 3);
    assertThat(s.center("v")).isEqualTo(2);
    assertThat(s.transform("v", Double.NaN)).isNaN();
  }
}
