package org.rnn4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The four missing-value policies on hand-computed series, and their reports. */
class MissingValuesTest {
  private static final double N = Double.NaN;

  /** 6 rows: a leading gap, a 2-row inner gap, a trailing gap. */
  private static SeriesTable gappy() {
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("a", new double[] {N, 2, N, N, 8, N});
    m.put("b", new double[] {1, 1, 1, 1, 1, 1});
    m.put("c", new double[] {0, 10, N, 30, 40, 50});
    return SeriesTable.of(m);
  }

  @Test
  void interpolateFillsInnerGapsLinearlyAndEdgesWithTheNearestValue() {
    MissingValues.Result r = MissingValues.INTERPOLATE.apply(gappy());
    assertThat(r.table().column("a")).containsExactly(2, 2, 4, 6, 8, 8);
    assertThat(r.table().column("c")).containsExactly(0, 10, 20, 30, 40, 50);
    assertThat(r.table().column("b")).containsExactly(1, 1, 1, 1, 1, 1);
    assertThat(r.report().filledCells()).containsExactly(Map.entry("a", 4), Map.entry("c", 1));
    assertThat(r.report().totalFilled()).isEqualTo(5);
    assertThat(r.report().rowsDropped()).isZero();
    assertThat(r.report().summary()).isEqualTo("missing values (interpolate): filled 5 cells (a 4, c 1)");
  }

  @Test
  void interpolateUnevenGap() {
    double[] v = {1, N, N, N, 3};
    MissingValues.interpolate(v);
    assertThat(v).containsExactly(1, 1.5, 2, 2.5, 3);
  }

  @Test
  void forwardFillCarriesTheLastValueAndBackFillsTheStart() {
    MissingValues.Result r = MissingValues.FORWARD_FILL.apply(gappy());
    assertThat(r.table().column("a")).containsExactly(2, 2, 2, 2, 8, 8);
    assertThat(r.table().column("c")).containsExactly(0, 10, 10, 30, 40, 50);
    assertThat(r.report().summary()).isEqualTo("missing values (forward fill): filled 5 cells (a 4, c 1)");
  }

  @Test
  void dropRowsRemovesEveryRowWithAGapAndSaysWhich() {
    SeriesTable t = gappy().withDates("date", new LocalDate[] {LocalDate.of(2020, 1, 1), LocalDate.of(2020, 1, 2),
        LocalDate.of(2020, 1, 3), LocalDate.of(2020, 1, 4), LocalDate.of(2020, 1, 5), LocalDate.of(2020, 1, 6)});
    MissingValues.Result r = MissingValues.DROP_ROWS.apply(t);
    assertThat(r.table().rows()).isEqualTo(2);
    assertThat(r.table().column("a")).containsExactly(2, 8);
    assertThat(r.table().column("c")).containsExactly(10, 40);
    assertThat(r.table().dates()).containsExactly(LocalDate.of(2020, 1, 2), LocalDate.of(2020, 1, 5));
    assertThat(r.report().droppedRows()).containsExactly(0, 2, 3, 5);
    assertThat(r.report().summary()).isEqualTo(
        "missing values (drop rows): dropped 4 of 6 rows (2020-01-01, 2020-01-03, 2020-01-04, 2020-01-06)");
  }

  @Test
  void failNamesColumnsCountsAndFirstMissingRow() {
    assertThatThrownBy(() -> MissingValues.FAIL.apply(gappy()))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("expected no missing values, got 5")
        .hasMessageContaining("'a' 4 (first at row 0)")
        .hasMessageContaining("'c' 1 (first at row 2)")
        .hasMessageContaining("interpolate");
  }

  @Test
  void aCleanTableIsReportedAsClean() {
    SeriesTable t = SeriesTable.of("v", new double[] {1, 2});
    for (MissingValues p : MissingValues.values()) {
      MissingValues.Result r = p.apply(t);
      assertThat(r.table()).isSameAs(t);
      assertThat(r.report().isClean()).isTrue();
      assertThat(r.report().summary()).endsWith("): none");
    }
  }

  @Test
  void anEntirelyMissingColumnIsAnErrorNamingIt() {
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("ok", new double[] {1, 2, 3});
    m.put("empty", new double[] {N, N, N});
    for (MissingValues p : MissingValues.values()) {
      assertThatThrownBy(() -> p.apply(SeriesTable.of(m)))
          .isInstanceOf(DataException.class)
          .hasMessageContaining("column 'empty' with all 3 rows missing");
    }
  }

  @Test
  void dropRowsThatWouldRemoveEverythingIsAnError() {
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("a", new double[] {1, N});
    m.put("b", new double[] {N, 2});
    assertThatThrownBy(() -> MissingValues.DROP_ROWS.apply(SeriesTable.of(m)))
        .isInstanceOf(DataException.class).hasMessageContaining("every one of the 2 rows");
  }

  @Test
  void policiesParseFromUserWords() {
    assertThat(MissingValues.parse("forward-fill")).isEqualTo(MissingValues.FORWARD_FILL);
    assertThat(MissingValues.parse("Drop_Rows")).isEqualTo(MissingValues.DROP_ROWS);
    assertThatThrownBy(() -> MissingValues.parse("mean"))
        .hasMessageContaining("interpolate, forward-fill, drop-rows, fail").hasMessageContaining("got 'mean'");
  }
}
