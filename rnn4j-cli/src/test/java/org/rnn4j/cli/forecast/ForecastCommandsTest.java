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
    assertThat(out.resolve("checkpoint.safetensors")).doesNotExist();

    Run f = rnn4j("forecast", "--model", out.resolve("model.rnn4j").toString(), "--data", csv.toString(),
        "--last");
    assertThat(f.exit()).as(f.err()).isZero();
    List<String> lines = f.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("origin,step,temp_forecast,temp_actual");
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).startsWith("2020-08-27,1,"); // origin: the last observed day
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
        "--target", "temp", "--out", out.toString());
    assertThat(few.exit()).isEqualTo(2);
    assertThat(few.err()).containsAnyOf("rows", "window");

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
