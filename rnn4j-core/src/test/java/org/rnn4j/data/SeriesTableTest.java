package org.rnn4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SeriesTable: columns, selection, dates, copies and error messages. */
class SeriesTableTest {

  static SeriesTable weather() {
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("temp_max", new double[] {12.8, 10.6, Double.NaN});
    m.put("wind", new double[] {4.7, 4.5, 2.3});
    m.put("precipitation", new double[] {0.0, 10.9, 0.8});
    return SeriesTable.of(m).withDates("date", new LocalDate[] {LocalDate.of(2012, 1, 1),
        LocalDate.of(2012, 1, 2), LocalDate.of(2012, 1, 3)});
  }

  @Test
  void columnsKeepTheirOrderAndValues() {
    SeriesTable t = weather();
    assertThat(t.rows()).isEqualTo(3);
    assertThat(t.columnNames()).containsExactly("temp_max", "wind", "precipitation");
    assertThat(t.column("wind")).containsExactly(4.7, 4.5, 2.3);
    assertThat(t.value("temp_max", 2)).isNaN();
    assertThat(t.missingCount("temp_max")).isEqualTo(1);
    assertThat(t.missingCounts()).containsExactly(Map.entry("temp_max", 1));
  }

  @Test
  void missingColumnIsNamedWithTheAvailableOnes() {
    assertThatThrownBy(() -> weather().column("temp"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no column named 'temp'")
        .hasMessageContaining("[temp_max, wind, precipitation]");
    assertThatThrownBy(() -> weather().column("date"))
        .hasMessageContaining("'date' is the date column");
  }

  @Test
  void selectKeepsTheRequestedOrderAndTheDates() {
    SeriesTable s = weather().select("precipitation", "temp_max");
    assertThat(s.columnNames()).containsExactly("precipitation", "temp_max");
    assertThat(s.hasDates()).isTrue();
    assertThat(s.rowLabel(1)).isEqualTo("2012-01-02");
    assertThatThrownBy(() -> weather().select(List.of("wind", "snow")))
        .hasMessageContaining("'snow'").hasMessageContaining("[temp_max, wind, precipitation]");
    assertThatThrownBy(() -> weather().select("wind", "wind")).hasMessageContaining("'wind' twice");
    assertThatThrownBy(() -> weather().select(List.of())).hasMessageContaining("at least one column");
  }

  @Test
  void arraysAreCopiedInAndOut() {
    double[] v = {1, 2, 3};
    SeriesTable t = SeriesTable.of("v", v);
    v[0] = 99;
    assertThat(t.column("v")[0]).isEqualTo(1);
    t.column("v")[1] = 99;
    assertThat(t.value("v", 1)).isEqualTo(2);
  }

  @Test
  void badTablesAreRefusedWithTheNumbers() {
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("a", new double[] {1, 2, 3});
    m.put("b", new double[] {1, 2});
    assertThatThrownBy(() -> SeriesTable.of(m))
        .hasMessageContaining("expected every column to have 3 rows (as 'a' has), got 2 in column 'b'");
    assertThatThrownBy(() -> SeriesTable.of("a", new double[] {1, Double.POSITIVE_INFINITY}))
        .hasMessageContaining("Infinity").hasMessageContaining("column 'a' at row 1");
    assertThatThrownBy(() -> SeriesTable.of(Map.of())).hasMessageContaining("at least one column");
    SeriesTable t = SeriesTable.of("a", new double[] {1, 2});
    assertThatThrownBy(() -> t.withDates("date", new LocalDate[] {LocalDate.of(2020, 1, 1)}))
        .hasMessageContaining("expected 2 dates").hasMessageContaining("got 1");
    assertThatThrownBy(() -> t.withDateLabels("a", new String[] {"x", "y"}))
        .hasMessageContaining("not a numeric column, got 'a'");
  }

  @Test
  void rowsLabelsAndSlices() {
    SeriesTable t = weather();
    SeriesTable s = t.rows(1, 3);
    assertThat(s.rows()).isEqualTo(2);
    assertThat(s.dates()).containsExactly(LocalDate.of(2012, 1, 2), LocalDate.of(2012, 1, 3));
    assertThat(s.column("wind")).containsExactly(4.5, 2.3);
    SeriesTable plain = SeriesTable.of("v", new double[] {1, 2});
    assertThat(plain.rowLabel(1)).isEqualTo("row 1");
    assertThat(plain.hasDateColumn()).isFalse();
    assertThatThrownBy(plain::dates).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no date column");
    SeriesTable labelled = plain.withDateLabels("timestamp", new String[] {"2020-01-01T00:00", "2020-01-01T01:00"});
    assertThat(labelled.rowLabel(1)).isEqualTo("2020-01-01T01:00");
    assertThat(labelled.hasDates()).isFalse();
    assertThat(labelled.toString()).isEqualTo("SeriesTable[2 rows: timestamp (labels), v]");
  }
}
