package org.rnn4j.spark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.spark.TestSpark;

class SparkTrainCommandTest {

  record Run(int status, String out, String err) {
  }

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = SparkTrainCommand.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void trainsOnTheEmbeddedDataPrintingRoundsAndTheTimeSplit(@TempDir Path dir) throws Exception {
    TestSpark.session(); // the command uses the running session and leaves it running
    Run r = run("--epochs", "1", "--partitions", "3", "--every", "16", "--hidden", "16", "--out", dir.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("windows: 993 train, 219 validation, 219 test")
        .containsPattern("epoch 1 round  16/32  loss [0-9.]+ +32 windows on 3 partitions .* ms = compute .*"
            + " \\+ communication .* \\+ driver")
        .contains("epoch 1 round  32/32")
        .containsPattern("time in rounds: compute [0-9.]+ s \\([0-9]+%\\), communication and scheduling")
        .contains("LSTM (Spark, 3 partitions)")
        .contains("last value                                     2.2534");
    Path model = dir.resolve("model.rnn4j");
    assertThat(Files.exists(model)).isTrue();
    ModelFiles.Loaded loaded = ModelFiles.load(model);
    assertThat(loaded.metadata()).containsEntry("target", "temp_max").containsKey("scaler.method")
        .containsEntry("trained_with", "spark " + TestSpark.session().version()
            + ", 3 partitions, gradient averaging");
    assertThat(TestSpark.session().sparkContext().isStopped()).isFalse();
  }

  @Test
  void userErrorsAreOneLineWithExitStatusTwo() {
    Run r = run("--mode", "ring");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("rnn4j spark-train: --mode: expected gradients or parameters, received 'ring'"
        + " (see 'rnn4j spark-train --help')");
    Run p = run("--partitions", "0");
    assertThat(p.err().strip()).isEqualTo("rnn4j spark-train: --partitions: expected an integer from 1 to 100000, received 0"
        + " (see 'rnn4j spark-train --help')");
    Run u = run("--bogus");
    assertThat(u.status()).isEqualTo(2);
    assertThat(u.err()).startsWith("rnn4j spark-train: Unknown option: '--bogus'");
  }

  /** Three monthly series of different levels and trends in one long CSV (and a short fourth with {@code short}). */
  private static Path longCsv(Path dir, boolean withShort) throws java.io.IOException {
    StringBuilder csv = new StringBuilder("id,date,value\n");
    String[] ids = {"north", "south", "west"};
    for (int k = 0; k < ids.length; k++) {
      for (int t = 0; t < 60; t++) {
        double v = (k + 1) * 100 + (k - 1) * 2.5 * t + 10 * Math.sin(t * Math.PI / 6) + (t * 7 % 5);
        csv.append(ids[k]).append(',').append(java.time.LocalDate.of(2001, 1, 1).plusMonths(t)).append(',')
            .append(v).append('\n');
      }
    }
    for (int t = 0; withShort && t < 9; t++) {
      csv.append("east,").append(java.time.LocalDate.of(2001, 1, 1).plusMonths(t)).append(",5\n");
    }
    return Files.writeString(dir.resolve(withShort ? "short.csv" : "stores.csv"), csv);
  }

  @Test
  void oneGlobalModelForManySeriesWhoseFileForecastsEverySeries(@TempDir Path dir) throws Exception {
    TestSpark.session();
    Path csv = longCsv(dir, false);
    Path out = dir.resolve("out");
    Run r = run("--data", csv.toString(), "--id-column", "id", "--target", "value", "--test-rows", "6",
        "--lookback", "6", "--epochs", "2", "--hidden", "8", "--partitions", "2", "--every", "100", "--out",
        out.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("3 series (id column 'id'), target value, monthly (season 12)")
        .contains("own change frame); lookback 6, horizon 1")
        .containsPattern("  north +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+")
        .contains("vs seasonal naive");
    ModelFiles.Loaded loaded = ModelFiles.load(out.resolve("model.rnn4j"));
    assertThat(loaded.metadata()).containsEntry("series_ids", "[\"north\",\"south\",\"west\"]")
        .containsEntry("id_column", "id").containsEntry("frame.2.kind", "change").containsEntry("season", "12");
    // the file is the one 'rnn4j train --id-column' writes: 'rnn4j forecast' forecasts every series from it
    java.io.ByteArrayOutputStream fo = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream fe = new java.io.ByteArrayOutputStream();
    int status = org.rnn4j.cli.Main.run(new PrintStream(fo, true, StandardCharsets.UTF_8),
        new PrintStream(fe, true, StandardCharsets.UTF_8), "forecast", "--model", out.resolve("model.rnn4j").toString(),
        "--data", csv.toString());
    assertThat(status).as(fe.toString(StandardCharsets.UTF_8)).isZero();
    String forecasts = fo.toString(StandardCharsets.UTF_8);
    for (String id : new String[] {"north", "south", "west"}) {
      assertThat(forecasts).contains("\n" + id + ",");
    }
  }

  @Test
  void aSeriesTooShortForTheSplitIsOneLineNamingIt(@TempDir Path dir) throws Exception {
    TestSpark.session();
    Path csv = longCsv(dir, true);
    Run r = run("--data", csv.toString(), "--id-column", "id", "--target", "value", "--test-rows", "6",
        "--lookback", "6", "--out", dir.resolve("out").toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("series 'east' (9 rows): too few rows: 3 training rows hold no window of lookback 6"
        + " and horizon 1");
    Run noId = run("--data", csv.toString(), "--id-column", "store", "--target", "value");
    assertThat(noId.status()).isEqualTo(2);
    assertThat(noId.err()).contains("expected a column 'store', the header has [id, date, value]");
  }
}
