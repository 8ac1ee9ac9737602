package org.rnn4j.cli.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.cli.Main;

/** {@code rnn4j train} and {@code rnn4j forecast} run in-process as a user would run them. */
class ForecastCommandsTest {

  record Run(int exit, String out, String err) {
  }

  static Run rnn4j(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A small synthetic daily series: a seasonal temperature-like target and a correlated feature. */
  static Path series(Path dir, int rows) throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("day,load,temp");
    java.time.LocalDate d = java.time.LocalDate.of(2020, 1, 1);
    for (int i = 0; i < rows; i++) {
      double temp = 10 + 8 * Math.sin(2 * Math.PI * i / 30.0) + Math.cos(i * 1.7);
      double load = 50 - 1.5 * temp + Math.sin(i * 0.3);
      lines.add(d.plusDays(i) + "," + String.format(java.util.Locale.ROOT, "%.3f,%.3f", load, temp));
    }
    Path f = dir.resolve("series.csv");
    Files.write(f, lines);
    return f;
  }

  @Test
  void trainsOnUserDataSavesEverythingAndForecasts(@TempDir Path dir) throws Exception {
    Path csv = series(dir, 240);
    Path out = dir.resolve("run");
    Run r = rnn4j("train", "--data", csv.toString(), "--target", "temp", "--date-column", "day",
        "--lookback", "10", "--epochs", "3",
        "--hidden", "8", "--season", "30", "--out", out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("features [load, temp], target temp").contains("last value")
        .contains("training mean").contains("model.rnn4j");
    for (String f : new String[] {"model.rnn4j", "history.csv", "loss.png", "forecast.png"}) {
      assertThat(out.resolve(f)).exists();
    }
    assertThat(ImageIO.read(out.resolve("forecast.png").toFile()).getWidth()).isEqualTo(1200);
    assertThat(Files.readAllLines(out.resolve("history.csv"))).hasSize(4); // header + 3 epochs
    assertThat(out.resolve("work")).doesNotExist(); // the networks of the fit and their checkpoints are gone
    assertThat(r.out()).contains("season: 30 rows (--season)").contains("transform: ")
        .contains("(this model)").contains("MASE").contains("sMAPE").contains("drift");

    Run f = rnn4j("forecast", "--model", out.resolve("model.rnn4j").toString(), "--data", csv.toString(),
        "--last");
    assertThat(f.exit()).as(f.err()).isZero();
    List<String> lines = f.out().lines().toList();
    // intervals are on by default: the median is the forecast, the quantiles follow
    assertThat(lines.get(0)).isEqualTo("origin,step,date,temp_forecast,temp_q0.1,temp_q0.5,temp_q0.9,temp_actual");
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).startsWith("2020-08-27,1,2020-08-28,"); // origin: the last observed day
  }

  @Test
  void multiStepScoresEveryStepWritesTheReportAndForecastsDatedSteps(@TempDir Path dir) throws Exception {
    Path csv = series(dir, 200);
    Path out = dir.resolve("run");
    Path report = dir.resolve("r.json");
    Run r = rnn4j("train", "--data", csv.toString(), "--target", "temp", "--features", "temp", "--date-column", "day", "--horizon", "3",
        "--test-rows", "20", "--validation-rows", "30", "--epochs", "4", "--hidden", "8", "--ensemble", "2",
        "--out", out.toString(), "--report", report.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("season: 7 rows (daily dates)").contains("rows: 150 train, 30 validation, 20 test")
        .contains("lookback 14 (auto)").contains("MAE by step ahead").contains("2 seeds (this model)");
    com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(report.toFile());
    assertThat(j.get("horizon").asInt()).isEqualTo(3);
    assertThat(j.get("model").get("mae_by_step")).hasSize(3);
    assertThat(j.get("model").get("windows").asInt()).isEqualTo(18); // 20 test rows, horizon 3
    List<String> names = new ArrayList<>();
    j.get("baselines").forEach(b -> names.add(b.get("name").asText()));
    assertThat(names).hasSize(4).anyMatch(n -> n.startsWith("last value")).anyMatch(n -> n.startsWith("drift"))
        .anyMatch(n -> n.contains("7 rows")).anyMatch(n -> n.startsWith("training mean"));
    // the last-value baseline's MAE, computed here from the file, matches the report
    List<String> rows = Files.readAllLines(csv);
    double sum = 0;
    for (int origin = 180; origin + 3 <= 200; origin++) {
      double last = Double.parseDouble(rows.get(origin).split(",")[2]); // data row origin - 1
      for (int k = 0; k < 3; k++) {
        sum += Math.abs(Double.parseDouble(rows.get(origin + 1 + k).split(",")[2]) - last);
      }
    }
    assertThat(j.get("baselines").get(0).get("mae").asDouble()).isCloseTo(sum / (18 * 3),
        org.assertj.core.api.Assertions.within(1e-9));

    Run f = rnn4j("forecast", "--model", out.resolve("model.rnn4j").toString(), "--data", csv.toString(), "--last");
    assertThat(f.exit()).as(f.err()).isZero();
    assertThat(f.out().lines().toList()).hasSize(4).element(3).asString().startsWith("2020-07-18,3,2020-07-21,");
  }

  @Test
  void aLongHorizonOnAShortSeriesTrainsWithoutAValidationPart(@TempDir Path dir) throws Exception {
    Path csv = series(dir, 60);
    Run r = rnn4j("train", "--data", csv.toString(), "--target", "temp", "--features", "temp", "--date-column",
        "day", "--horizon", "20", "--test-rows", "20", "--epochs", "3", "--hidden", "4", "--ensemble", "1",
        "--out", dir.resolve("o").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("note: no validation part").contains("rows: 40 train, 0 validation, 20 test")
        .contains("(this model)");
  }

  @Test
  void aGlobalModelTrainsOnEverySeriesOfALongFileAndForecastsEach(@TempDir Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("id,date,value");
    java.time.LocalDate d = java.time.LocalDate.of(2000, 1, 1);
    String[] ids = {"north", "south", "east"};
    for (int s = 0; s < ids.length; s++) {
      for (int i = 0; i < 80; i++) {
        double v = (s + 1) * 100 + (s + 1) * 2.0 * i + 5 * Math.sin(i * 0.9 + s);
        lines.add(ids[s] + "," + d.plusMonths(i) + "," + String.format(java.util.Locale.ROOT, "%.3f", v));
      }
    }
    Path csv = dir.resolve("long.csv");
    Files.write(csv, lines);
    Path out = dir.resolve("g");
    Path report = dir.resolve("g.json");
    Run r = rnn4j("train", "--data", csv.toString(), "--id-column", "id", "--target", "value", "--test-rows", "12",
        "--epochs", "3", "--hidden", "4", "--ensemble", "1", "--out", out.toString(), "--report", report.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("3 series (id column 'id')").contains("season: 12 rows (monthly dates)")
        .contains("north").contains("south").contains("east").contains("vs seasonal naive");
    com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(report.toFile());
    assertThat(j.get("series")).hasSize(3);
    assertThat(j.get("series").get(1).get("id").asText()).isEqualTo("south");
    assertThat(j.get("series").get(1).get("model").get("windows").asInt()).isEqualTo(12);
    Run f = rnn4j("forecast", "--model", out.resolve("model.rnn4j").toString(), "--data", csv.toString(), "--last");
    assertThat(f.exit()).as(f.err()).isZero();
    List<String> rows = f.out().lines().toList();
    assertThat(rows.get(0)).isEqualTo("id,origin,step,date,value_forecast,value_actual");
    assertThat(rows).hasSize(4).anyMatch(l -> l.startsWith("east,2006-08-01,1,2006-09-01,"));
    // with intervals: one calibration over all series, coverage per series, quantiles in the forecast
    Run iv = rnn4j("train", "--data", csv.toString(), "--id-column", "id", "--target", "value", "--test-rows", "12",
        "--epochs", "3", "--hidden", "4", "--ensemble", "1", "--intervals", "--out", dir.resolve("gi").toString());
    assertThat(iv.exit()).as(iv.err()).isZero();
    assertThat(iv.out()).contains("coverage").contains("80% interval covers").contains("of 36 test points");
    Run fi = rnn4j("forecast", "--model", dir.resolve("gi").resolve("model.rnn4j").toString(), "--data",
        csv.toString(), "--last");
    assertThat(fi.out().lines().findFirst().orElseThrow())
        .isEqualTo("id,origin,step,date,value_forecast,value_q0.1,value_q0.5,value_q0.9,value_actual");
    // a learned per-series code: the networks read 3 more channels; forecast works the same
    Run emb = rnn4j("train", "--data", csv.toString(), "--id-column", "id", "--id-embedding", "--target", "value",
        "--test-rows", "12", "--epochs", "3", "--hidden", "4", "--ensemble", "1", "--out", dir.resolve("ge").toString());
    assertThat(emb.exit()).as(emb.err()).isZero();
    assertThat(rnn4j("forecast", "--model", dir.resolve("ge").resolve("model.rnn4j").toString(), "--data",
        csv.toString(), "--last").out().lines().toList()).hasSize(4);
    Run noIds = rnn4j("train", "--data", csv.toString(), "--target", "value", "--id-embedding");
    assertThat(noIds.exit()).isEqualTo(2);
    assertThat(noIds.err()).contains("--id-embedding: needs --id-column");
    // a series with too few rows is named
    lines.add("tiny,2000-01-01,1");
    lines.add("tiny,2000-02-01,2");
    Files.write(csv, lines);
    Run bad = rnn4j("train", "--data", csv.toString(), "--id-column", "id", "--target", "value", "--test-rows", "12",
        "--out", dir.resolve("b").toString());
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err().strip().lines().count()).isEqualTo(1);
    assertThat(bad.err()).contains("series 'tiny'");
  }

  @Test
  void aCovariateConstantInTrainingThatChangesLaterIsNamed(@TempDir Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("date,promo,sales");
    java.time.LocalDate d = java.time.LocalDate.of(2021, 1, 1);
    for (int i = 0; i < 120; i++) {
      lines.add(d.plusDays(i) + "," + (i < 100 ? 0 : 1) + "," + (50 + 10 * Math.sin(i / 3.0) + i * 0.1));
    }
    Path csv = dir.resolve("p.csv");
    Files.write(csv, lines);
    Run r = rnn4j("train", "--data", csv.toString(), "--target", "sales", "--test-rows", "20", "--epochs", "2",
        "--hidden", "4", "--ensemble", "1", "--out", dir.resolve("o").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("column 'promo' is constant (0.0) in the training rows and changes later (1.0 at"
        + " 2021-04-11)");
  }

  @Test
  void knownFutureInputsEnterTheForecastAndForecastAsksForThem(@TempDir Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("date,promo,sales");
    java.time.LocalDate d = java.time.LocalDate.of(2021, 1, 1);
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(9);
    for (int i = 0; i < 300; i++) {
      int promo = rnd.nextInt(4) == 0 ? 1 : 0; // sales jump by 30 on promotion days
      lines.add(d.plusDays(i) + "," + promo + "," + String.format(java.util.Locale.ROOT, "%.2f",
          100 + 30 * promo + 3 * Math.sin(i / 5.0)));
    }
    Path csv = dir.resolve("sales.csv");
    Files.write(csv, lines);
    Path out = dir.resolve("o");
    Run r = rnn4j("train", "--data", csv.toString(), "--target", "sales", "--features", "sales",
        "--future-features", "promo", "--test-rows", "40", "--epochs", "60", "--hidden", "16", "--ensemble", "1",
        "--out", out.toString(), "--report", dir.resolve("r.json").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(dir.resolve("r.json").toFile());
    // last value is off by the promotions; knowing them, the model is far better
    assertThat(j.get("model").get("mae").asDouble()).isLessThan(0.5 * j.get("baselines").get(0).get("mae").asDouble());
    // forecast: the row after the data, with its promotion known
    for (String promo : new String[] {"0", "1"}) {
      List<String> withFuture = new ArrayList<>(lines);
      withFuture.add(d.plusDays(300) + "," + promo + ",");
      Files.write(dir.resolve("f" + promo + ".csv"), withFuture);
    }
    Run f0 = rnn4j("forecast", "--model", out.resolve("model.rnn4j").toString(), "--data",
        dir.resolve("f0.csv").toString(), "--last");
    Run f1 = rnn4j("forecast", "--model", out.resolve("model.rnn4j").toString(), "--data",
        dir.resolve("f1.csv").toString(), "--last");
    assertThat(f0.exit()).as(f0.err()).isZero();
    assertThat(f1.exit()).as(f1.err()).isZero();
    String[] row0 = f0.out().lines().toList().get(1).split(",");
    String[] row1 = f1.out().lines().toList().get(1).split(",");
    assertThat(row0[2]).isEqualTo(d.plusDays(300).toString());
    assertThat(Double.parseDouble(row1[3]) - Double.parseDouble(row0[3])).isGreaterThan(15);
    // without the future row: one line naming the column and the row
    Run missing = rnn4j("forecast", "--model", out.resolve("model.rnn4j").toString(), "--data", csv.toString(),
        "--last");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err().strip().lines().count()).isEqualTo(1);
    assertThat(missing.err()).contains("known-future input 'promo'").contains("after the last row");
  }

  @Test
  void gapsInTheDatesAreFilledOnRequest(@TempDir Path dir) throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(series(dir, 120)));
    lines.remove(51); // 2020-02-20 and 2020-02-21 (data rows 50 and 51) are missing
    lines.remove(51);
    Path csv = dir.resolve("gaps.csv");
    Files.write(csv, lines);
    Run keep = rnn4j("train", "--data", csv.toString(), "--target", "temp", "--date-column", "day", "--epochs", "1",
        "--hidden", "4", "--ensemble", "1", "--out", dir.resolve("k").toString());
    assertThat(keep.exit()).as(keep.err()).isZero();
    assertThat(keep.out()).contains("1 irregular step").contains("118 rows");
    Run fill = rnn4j("train", "--data", csv.toString(), "--target", "temp", "--date-column", "day", "--epochs", "1",
        "--hidden", "4", "--ensemble", "1", "--gaps", "fill", "--out", dir.resolve("f").toString());
    assertThat(fill.exit()).as(fill.err()).isZero();
    assertThat(fill.out()).contains("--gaps fill: 2 missing time steps inserted (now 120 rows)")
        .contains("120 rows, features");
    Run bad = rnn4j("train", "--data", csv.toString(), "--target", "temp", "--gaps", "zero");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--gaps: expected keep or fill, received 'zero'");
  }

  @Test
  void helpOfEveryForecastingCommandFormatsCleanly() {
    // picocli reports a description it cannot format (an unescaped %) on System.err
    PrintStream saved = System.err;
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
    try {
      for (String command : new String[] {"train", "forecast", "backtest"}) {
        Run r = rnn4j(command, "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).as(command).doesNotContain("WARN");
        assertThat(r.out()).as(command).contains("Usage: rnn4j " + command);
        if (!command.equals("forecast")) {
          assertThat(r.out()).as(command).contains("an 80% interval");
        }
      }
    } finally {
      System.setErr(saved);
    }
    assertThat(warnings.toString(StandardCharsets.UTF_8)).doesNotContain("WARN");
  }

  @Test
  void badForecastOptionsAreOneLine(@TempDir Path dir) throws Exception {
    Path csv = series(dir, 120);
    String[][] bad = {
        {"--transform", "revin"}, {"--season", "0"}, {"--season", "weekly"}, {"--test-rows", "119"},
        {"--horizon", "0"}, {"--ensemble", "0"}, {"--horizon", "40", "--test-rows", "20"}, {"--dropout", "1"}};
    for (String[] extra : bad) {
      List<String> args = new ArrayList<>(List.of("train", "--data", csv.toString(), "--target", "temp",
          "--date-column", "day",
          "--out", dir.resolve("o").toString()));
      args.addAll(List.of(extra));
      Run r = rnn4j(args.toArray(String[]::new));
      assertThat(r.exit()).as(String.join(" ", extra) + ": " + r.err()).isEqualTo(2);
      assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
      assertThat(r.err()).contains(extra[0].equals("--test-rows") || extra[0].equals("--horizon")
          && extra.length > 2 ? "rows" : extra[0]);
    }
    assertThat(dir.resolve("o").resolve("model.rnn4j")).doesNotExist();
  }

  @Test
  void badInputGivesOneLineAndExitTwo(@TempDir Path dir) throws Exception {
    Path csv = series(dir, 240);
    Path out = dir.resolve("run");
    Run missingColumn = rnn4j("train", "--data", csv.toString(), "--target", "nope", "--out", out.toString());
    assertThat(missingColumn.exit()).isEqualTo(2);
    assertThat(missingColumn.err().strip().lines().count()).isEqualTo(1);
    assertThat(missingColumn.err()).contains("nope");

    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "day,load,temp\n2020-01-01,1,2\n2020-01-02,x7,3\n");
    Run cell = rnn4j("train", "--data", bad.toString(), "--target", "temp", "--out", out.toString());
    assertThat(cell.exit()).isEqualTo(2);
    assertThat(cell.err()).contains("line 3").contains("'load'").contains("x7");

    Path empty = dir.resolve("empty.csv");
    Files.writeString(empty, "");
    assertThat(rnn4j("train", "--data", empty.toString(), "--target", "temp").exit()).isEqualTo(2);

    Run few = rnn4j("train", "--data", series(dir.resolve("..").resolve(dir.getFileName()), 20).toString(),
        "--target", "temp", "--lookback", "30", "--out", out.toString());
    assertThat(few.exit()).isEqualTo(2);
    assertThat(few.err()).contains("too few rows").contains("lookback 30");

    Path constant = dir.resolve("constant.csv");
    StringBuilder sb = new StringBuilder("day,load,temp\n");
    for (int i = 0; i < 200; i++) {
      sb.append(java.time.LocalDate.of(2020, 1, 1).plusDays(i)).append(',').append(i % 7).append(",5\n");
    }
    Files.writeString(constant, sb);
    Run flat = rnn4j("train", "--data", constant.toString(), "--target", "temp", "--out", out.toString());
    assertThat(flat.exit()).isEqualTo(2);
    assertThat(flat.err()).contains("constant");
    assertThat(out.resolve("model.rnn4j")).doesNotExist();

    Path notAModel = dir.resolve("notamodel.rnn4j");
    Files.writeString(notAModel, "hello");
    Run wrong = rnn4j("forecast", "--model", notAModel.toString(), "--data", csv.toString());
    assertThat(wrong.exit()).isEqualTo(2);
    assertThat(wrong.err()).contains("notamodel.rnn4j");
  }
}
