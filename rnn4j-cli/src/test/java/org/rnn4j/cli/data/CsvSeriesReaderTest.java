package org.rnn4j.cli.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.data.SeriesTable;

/** CsvSeriesReader on small files: parsing, missing cells, dates, notes, and each error's message. */
class CsvSeriesReaderTest {
  @TempDir
  Path dir;

  private Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  private static final String WEATHER = """
      date,precipitation,temp_max,weather,wind
      2012-01-01,0.0,12.8,drizzle,4.7
      2012-01-02,10.9,10.6,rain,4.5
      2012-01-03,0.8,11.7,rain,2.3
      """;

  @Test
  void theDateColumnIsTheFirstWithADateNameWhateverItsCase() {
    assertThat(CsvSeriesReader.dateColumnOf(List.of("id", "Month", "value", "date"))).isEqualTo("Month");
    assertThat(CsvSeriesReader.dateColumnOf(List.of("DS", "y"))).isEqualTo("DS");
    assertThat(CsvSeriesReader.dateColumnOf(List.of("time", "y"))).isNull();
    assertThat(CsvSeriesReader.dateColumnNames()).isEqualTo("date, ds, timestamp, month, week, quarter or period");
  }

  @Test
  void readsNumericColumnsAndDatesAndNotesIgnoredColumns() throws IOException {
    CsvSeriesReader.Result r = CsvSeriesReader.read(write("w.csv", WEATHER), null, null);
    SeriesTable t = r.table();
    assertThat(t.rows()).isEqualTo(3);
    assertThat(t.columnNames()).containsExactly("precipitation", "temp_max", "wind");
    assertThat(t.column("temp_max")).containsExactly(12.8, 10.6, 11.7);
    assertThat(t.dateColumnName()).isEqualTo("date");
    assertThat(t.dates()).containsExactly(LocalDate.of(2012, 1, 1), LocalDate.of(2012, 1, 2),
        LocalDate.of(2012, 1, 3));
    assertThat(r.ignoredColumns()).containsExactly("weather");
    assertThat(r.notes()).containsExactly(
        "ignored non-numeric column: weather (line 2: 'drizzle')",
        "date column 'date': 2012-01-01 .. 2012-01-03 (3 rows, daily, season 7, no gaps)");
  }

  @Test
  void requestedColumnsComeInTheRequestedOrderOnce() throws IOException {
    CsvSeriesReader.Result r = CsvSeriesReader.read(write("w.csv", WEATHER),
        List.of("temp_max", "wind", "temp_max"), null);
    assertThat(r.table().columnNames()).containsExactly("temp_max", "wind");
    assertThat(r.ignoredColumns()).containsExactly("precipitation", "weather");
    assertThat(r.notes()).contains("ignored columns not requested: precipitation, weather");
  }

  @Test
  void emptyCellsAndMissingWordsAreMissing() throws IOException {
    Path p = write("m.csv", "a,b\n1,\n NA ,2.5\nNaN,null\nn/a,-1e2\n");
    SeriesTable t = CsvSeriesReader.read(p, null, null).table();
    assertThat(t.column("a")).containsExactly(1, Double.NaN, Double.NaN, Double.NaN);
    assertThat(t.column("b")).containsExactly(Double.NaN, 2.5, Double.NaN, -100);
    assertThat(t.hasDateColumn()).isFalse();
  }

  @Test
  void aBadCellNamesFileLineAndColumnAsAnEditorShowsThem() throws IOException {
    // CRLF endings and a blank line: the bad cell is on editor line 5
    Path p = write("bad.csv", "date,temp\r\n2020-01-01,1\r\n\r\n2020-01-02,2\r\n2020-01-03,xyz\r\n");
    assertThatThrownBy(() -> CsvSeriesReader.read(p, null, null))
        .isInstanceOf(UserInputException.class)
        .hasMessage(p + " line 5, column 'temp': expected a number, got 'xyz'");
    Path q = write("bad2.csv", "a,\"b\nquoted\"\n1,2\n3,4x\n");
    assertThatThrownBy(() -> CsvSeriesReader.read(q, null, null))
        .hasMessage(q + " line 4, column 'b\nquoted': expected a number, got '4x'");
  }

  @Test
  void numbersAreDecimalsOnly() throws IOException {
    for (String cell : List.of("0x10", "12f", "1d", "Infinity", "1,5")) {
      Path p = write("n.csv", "v\n1\n\"" + cell + "\"\n");
      assertThatThrownBy(() -> CsvSeriesReader.read(p, null, null))
          .hasMessage(p + " line 3, column 'v': expected a number, got '" + cell + "'");
    }
    Path big = write("big.csv", "v\n1\n1e400\n");
    assertThatThrownBy(() -> CsvSeriesReader.read(big, null, null))
        .hasMessage(big + " line 3, column 'v': expected a finite number, got '1e400'");
  }

  @Test
  void aTextColumnIsAnErrorWhenRequested() throws IOException {
    Path p = write("w.csv", WEATHER);
    assertThatThrownBy(() -> CsvSeriesReader.read(p, List.of("temp_max", "weather"), null))
        .hasMessage(p + " line 2, column 'weather': expected a number, got 'drizzle'");
  }

  @Test
  void emptyFileHeaderOnlyAndNoNumericColumn() throws IOException {
    Path empty = write("empty.csv", "");
    assertThatThrownBy(() -> CsvSeriesReader.read(empty, null, null))
        .isInstanceOf(UserInputException.class)
        .hasMessageStartingWith(empty + ": the file is empty; expected a header line");
    Path blank = write("blank.csv", "\n  \n");
    assertThatThrownBy(() -> CsvSeriesReader.read(blank, null, null)).hasMessageContaining("the file is empty");
    Path headerOnly = write("h.csv", "date,temp\n");
    assertThatThrownBy(() -> CsvSeriesReader.read(headerOnly, null, null))
        .hasMessage(headerOnly + ": expected at least one row of values after the header (line 1), got none");
    Path text = write("t.csv", "name,colour\nann,red\n");
    assertThatThrownBy(() -> CsvSeriesReader.read(text, null, null))
        .hasMessageContaining("expected at least one numeric column, got none")
        .hasMessageContaining("name (line 2: 'ann')");
  }

  @Test
  void duplicateColumnNamesAreRefused() throws IOException {
    Path p = write("d.csv", "date,temp, temp \n2020-01-01,1,2\n");
    assertThatThrownBy(() -> CsvSeriesReader.read(p, null, null))
        .hasMessage(p + " line 1: expected unique column names, got 'temp' twice (columns 2 and 3)");
  }

  @Test
  void aMissingRequestedColumnListsTheHeader() throws IOException {
    Path p = write("w.csv", WEATHER);
    assertThatThrownBy(() -> CsvSeriesReader.read(p, List.of("temp_max", "humidity"), null))
        .hasMessage(p + ": no column 'humidity' in the header (line 1); the columns are"
            + " [date, precipitation, temp_max, weather, wind]");
    Path semi = write("s.csv", "date;temp\n2020-01-01;1\n");
    assertThatThrownBy(() -> CsvSeriesReader.read(semi, List.of("temp"), null))
        .hasMessageContaining("is the file separated by ';'? expected commas");
  }

  @Test
  void theDateColumnCanBeNamedAndMustThenHoldDates() throws IOException {
    Path p = write("d.csv", "day,v\n2020-01-01,1\n2020/01/02,2\n");
    assertThatThrownBy(() -> CsvSeriesReader.read(p, null, "day"))
        .hasMessage(p + " line 3, column 'day': expected an ISO date like 2012-01-31 (or a month like 2012-01, a"
            + " quarter like 2012Q1, a date-time like 2012-01-31T13:00), got '2020/01/02'");
    Path months = write("m.csv", "month,v\n1949-01,1\n1949-02,2\n1949-03,3\n");
    assertThat(CsvSeriesReader.read(months, null, null).table().dates())
        .containsExactly(LocalDate.of(1949, 1, 1), LocalDate.of(1949, 2, 1), LocalDate.of(1949, 3, 1));
    Path quarters = write("q.csv", "quarter,v\n1959Q4,1\n1960-Q1,2\n");
    assertThat(CsvSeriesReader.read(quarters, null, null).table().dates())
        .containsExactly(LocalDate.of(1959, 10, 1), LocalDate.of(1960, 1, 1));
    assertThatThrownBy(() -> CsvSeriesReader.read(p, null, "when"))
        .hasMessage(p + ": no date column 'when' in the header (line 1); the columns are [day, v]");
    Path ok = write("ok.csv", "day,v\n2020-01-01,1\n2020-01-02,2\n");
    SeriesTable t = CsvSeriesReader.read(ok, null, "day").table();
    assertThat(t.dateColumnName()).isEqualTo("day");
    assertThat(t.columnNames()).containsExactly("v");
    assertThatThrownBy(() -> CsvSeriesReader.read(ok, List.of("day"), "day"))
        .hasMessageContaining("column 'day' is the date column");
  }

  @Test
  void datesMustIncrease() throws IOException {
    Path p = write("o.csv", "date,v\n2020-01-02,1\n2020-01-01,2\n");
    assertThatThrownBy(() -> CsvSeriesReader.read(p, null, null))
        .hasMessage(p + " line 3, column 'date': expected dates in increasing order, got 2020-01-01 after"
            + " 2020-01-02 (line 2); sort the file by date and remove repeated dates");
    Path r = write("r.csv", "date,v\n2020-01-01,1\n2020-01-01,2\n");
    assertThatThrownBy(() -> CsvSeriesReader.read(r, null, null)).hasMessageContaining("got 2020-01-01 again");
  }

  @Test
  void gapsAndSpacingAreReported() throws IOException {
    Path p = write("g.csv", "date,v\n2020-01-01,1\n2020-01-02,2\n2020-01-05,3\n2020-01-06,4\n");
    assertThat(CsvSeriesReader.read(p, null, null).notes()).containsExactly(
        "date column 'date': 2020-01-01 .. 2020-01-06 (4 rows, mostly daily, season 7; 1 irregular step, the first 3 days"
            + " from 2020-01-02 to 2020-01-05 (line 4); rows are used as consecutive steps)");
    Path m = write("mo.csv", "date,v\n2020-01-01,1\n2020-02-01,2\n2020-03-01,3\n");
    assertThat(CsvSeriesReader.read(m, null, null).notes())
        .containsExactly("date column 'date': 2020-01-01 .. 2020-03-01 (3 rows, monthly, season 12, no gaps)");
    // quarters are 90 to 92 days long: one regular step each
    Path q = write("q.csv", "date,v\n2019-10-01,1\n2020-01-01,2\n2020-04-01,3\n2020-07-01,4\n2020-10-01,5\n");
    assertThat(CsvSeriesReader.read(q, null, null).notes())
        .containsExactly("date column 'date': 2019-10-01 .. 2020-10-01 (5 rows, quarterly, season 4, no gaps)");
  }

  @Test
  void aDetectedDateColumnThatIsNotIsoIsKeptAsLabels() throws IOException {
    Path p = write("l.csv", "Date,v\n2012/01/01,1\n2012/01/02,2\n");
    CsvSeriesReader.Result r = CsvSeriesReader.read(p, null, null);
    assertThat(r.table().hasDates()).isFalse();
    assertThat(r.table().rowLabel(1)).isEqualTo("2012/01/02");
    assertThat(r.notes()).containsExactly("date column 'Date' kept as raw labels: line 2 has '2012/01/01', not an"
        + " ISO date like 2012-01-31 (name it with --date-column to make this an error)");
    Path ts = write("ts.csv", "timestamp,v\n2020-01-01T00:00,1\n2020-01-01T01:00,2\n");
    CsvSeriesReader.Result t = CsvSeriesReader.read(ts, null, null);
    assertThat(t.table().rowLabel(0)).isEqualTo("2020-01-01T00:00");
    assertThat(t.notes()).containsExactly(
        "date column 'timestamp': 2020-01-01T00:00 .. 2020-01-01T01:00 (date-times, kept as labels)");
  }

  @Test
  void rowsWithTheWrongNumberOfFieldsAreRefused() throws IOException {
    Path p = write("f.csv", "a,b,c\n1,2,3\n4,5\n");
    assertThatThrownBy(() -> CsvSeriesReader.read(p, null, null))
        .hasMessage(p + " line 3: expected 3 fields, as in the header (line 1), got 2");
  }

  @Test
  void anUnnamedIndexColumnIsIgnoredAndABomIsSkipped() throws IOException {
    Path p = write("i.csv", "\uFEFF,v\n0,1.5\n1,2.5\n");
    CsvSeriesReader.Result r = CsvSeriesReader.read(p, null, null);
    assertThat(r.table().columnNames()).containsExactly("v");
    assertThat(r.notes()).contains("ignored column without a name in the header: column 1");
  }

  @Test
  void fileProblemsAreUserErrors() throws IOException {
    Path none = dir.resolve("nope.csv");
    assertThatThrownBy(() -> CsvSeriesReader.read(none, null, null))
        .isInstanceOf(UserInputException.class).hasMessage(none + ": no such file");
    assertThatThrownBy(() -> CsvSeriesReader.read(dir, null, null))
        .hasMessage(dir + ": expected a file, got a directory");
    Path binary = dir.resolve("x.xlsx");
    Files.write(binary, new byte[] {'a', '\n', (byte) 0xC3, (byte) 0x28, '\n'});
    assertThatThrownBy(() -> CsvSeriesReader.read(binary, null, null)).hasMessageContaining("expected UTF-8 text");
    Path quote = write("q.csv", "a,b\n1,\"2\n");
    assertThatThrownBy(() -> CsvSeriesReader.read(quote, null, null))
        .isInstanceOf(UserInputException.class).hasMessageContaining("expected valid CSV, got a parse error");
  }

  @Test
  void theEmbeddedSeattleWeather() throws IOException {
    CsvSeriesReader.Result r = CsvSeriesReader.readEmbedded("seattle_weather");
    SeriesTable t = r.table();
    // wc -l: 1462 lines = header + 1461 days; head: date,precipitation,temp_max,temp_min,wind,weather
    assertThat(t.rows()).isEqualTo(1461);
    assertThat(t.columnNames()).containsExactly("precipitation", "temp_max", "temp_min", "wind");
    assertThat(t.dateColumnName()).isEqualTo("date");
    assertThat(t.date(0)).isEqualTo(LocalDate.of(2012, 1, 1));
    assertThat(t.date(1460)).isEqualTo(LocalDate.of(2015, 12, 31));
    assertThat(t.value("temp_max", 0)).isEqualTo(12.8);
    assertThat(t.value("temp_min", 1460)).isEqualTo(-2.1);
    assertThat(t.missingCounts()).isEmpty();
    assertThat(r.ignoredColumns()).containsExactly("weather");
    assertThat(r.notes()).containsExactly("ignored non-numeric column: weather (line 2: 'drizzle')",
        "date column 'date': 2012-01-01 .. 2015-12-31 (1461 rows, daily, season 7, no gaps)");
    assertThat(CsvSeriesReader.readEmbedded("seattle_weather.csv", List.of("temp_max"), "date").table()
        .columnNames()).containsExactly("temp_max");
    try (InputStream notice = CsvSeriesReader.class.getResourceAsStream(
        "/org/rnn4j/cli/datasets/seattle_weather.NOTICE.md")) {
      assertThat(notice).isNotNull();
      assertThat(new String(notice.readAllBytes(), StandardCharsets.UTF_8))
          .contains("vega-datasets@3.2.1").contains("public domain (NOAA)");
    }
    assertThatThrownBy(() -> CsvSeriesReader.readEmbedded("airpassengers"))
        .isInstanceOf(UserInputException.class)
        .hasMessage("unknown embedded dataset 'airpassengers'; expected one of [seattle_weather]");
  }
}
