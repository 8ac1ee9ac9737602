package org.rnn4j.spark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.spark.TestSpark;

/**
 * {@code rnn4j spark-tune}: trials run as Spark tasks give the trials {@code rnn4j tune} runs in one
 * JVM (settings, values, pruned or not), the journal is the same, and bad input is one line.
 */
class SparkTuneCommandTest {

  record Run(int status, String out, String err) {
  }

  static Run spark(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = SparkTuneCommand.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Run local(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = org.rnn4j.cli.Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), args);
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A daily series with a 30-day cycle. */
  static Path series(Path dir) throws Exception {
    List<String> lines = new ArrayList<>(List.of("day,temp"));
    java.time.LocalDate d = java.time.LocalDate.of(2020, 1, 1);
    for (int i = 0; i < 120; i++) {
      lines.add(d.plusDays(i) + "," + String.format(Locale.ROOT, "%.3f", 10 + 8 * Math.sin(2 * Math.PI * i / 30.0)
          + Math.cos(i * 1.7)));
    }
    Path f = dir.resolve("series.csv");
    Files.write(f, lines);
    return f;
  }

  static List<String> forecastArgs(Path csv, Path space, Path out) {
    return List.of("--data", csv.toString(), "--target", "temp", "--features", "temp", "--date-column", "day",
        "--test-rows", "20", "--epochs", "8", "--ensemble", "1", "--no-intervals", "--space", space.toString(),
        "--sampler", "random", "--pruner", "asha", "--grace-period", "1", "--trials", "6", "--parallel", "1",
        "--out", out.toString());
  }

  /** trials.csv without the seconds column (wall-clock time). */
  static List<String> withoutSeconds(Path csv) throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(csv)) {
      List<String> cells = new ArrayList<>(Arrays.asList(line.split(",", -1)));
      cells.remove(3);
      out.add(String.join(",", cells));
    }
    return out;
  }

  @Test
  void trialsOnSparkAreTheTrialsOfOneJvmPrunedAlikeAndTheJournalResumesLocally(@TempDir Path dir) throws Exception {
    TestSpark.session(); // the command uses the running session and leaves it running
    Path csv = series(dir);
    Path space = dir.resolve("space.json");
    Files.writeString(space, "{\"hidden\": {\"int\": [3, 8]}, \"lr\": {\"real\": [0.001, 0.05], \"log\": true}}");
    Path onSpark = dir.resolve("spark");
    Path here = dir.resolve("local");
    List<String> sparkArgs = new ArrayList<>(List.of("forecast"));
    sparkArgs.addAll(forecastArgs(csv, space, onSpark));
    Run s = spark(sparkArgs.toArray(String[]::new));
    assertThat(s.status()).as(s.err()).isZero();
    assertThat(s.out()).containsPattern("master local\\[2,2\\], \\d+ cores by default; trials run as Spark tasks, 1"
        + " at a time");
    List<String> localArgs = new ArrayList<>(List.of("tune", "forecast"));
    localArgs.addAll(forecastArgs(csv, space, here));
    Run l = local(localArgs.toArray(String[]::new));
    assertThat(l.status()).as(l.err()).isZero();

    List<String> sparkTrials = withoutSeconds(onSpark.resolve("trials.csv"));
    assertThat(sparkTrials).hasSize(7).isEqualTo(withoutSeconds(here.resolve("trials.csv")));
    assertThat(sparkTrials).as("ASHA acted on the Spark trials too").anyMatch(t -> t.contains(",pruned,"));
    assertThat(s.out()).contains(l.out().lines().filter(x -> x.startsWith("best: trial")).findFirst().orElseThrow());

    // the Spark search's journal goes on in one JVM: 6 finished trials kept, 2 more run
    List<String> more = new ArrayList<>(List.of("tune", "forecast"));
    more.addAll(forecastArgs(csv, space, onSpark));
    more.set(more.indexOf("--trials") + 1, "8");
    more.add("--resume");
    Run r = local(more.toArray(String[]::new));
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("resumed: 6 finished trials").contains("  trial 6 ").contains("  trial 7 ")
        .doesNotContain("  trial 5 ");
  }

  @Test
  void anExecutorWithoutTheDriversFilesGetsThemFromTheBroadcast(@TempDir Path dir) throws Exception {
    byte[] bytes = "day,temp\n2020-01-01,1.5\n".getBytes(StandardCharsets.UTF_8);
    String elsewhere = dir.resolve("on-the-driver-only/series.csv").toString();
    List<String> args = SparkTrials.RunTrial.local(List.of("--data", elsewhere, "--space=" + elsewhere, "--trials",
        "3"), Map.of(elsewhere, bytes));
    assertThat(args.get(0)).isEqualTo("--data");
    Path copy = Path.of(args.get(1));
    assertThat(copy).isNotEqualTo(Path.of(elsewhere)).hasFileName("series.csv").hasBinaryContent(bytes);
    assertThat(args.get(2)).isEqualTo("--space=" + copy);
    assertThat(args.subList(3, 5)).containsExactly("--trials", "3");
    // the driver's own file, with the same bytes here (local mode, a shared file system): kept as given
    Path same = dir.resolve("same.csv");
    Files.write(same, bytes);
    assertThat(SparkTrials.RunTrial.local(List.of("--data", same.toString()), Map.of(same.toString(), bytes)))
        .containsExactly("--data", same.toString());
    assertThat(SparkTrials.inputFiles(List.of("--data", same.toString(), "--target", "temp")))
        .containsOnlyKeys(same.toString());
  }

  @Test
  void badInputIsOneLineWithExitStatusTwo(@TempDir Path dir) throws Exception {
    Run r = spark("predict", "--trials", "3");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("rnn4j spark-tune: TASK: expected forecast, classify or generate, received"
        + " 'predict'");
    r = spark("forecast", "--data", series(dir).toString(), "--target", "temp", "--trials", "0");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err().strip().lines().count()).isEqualTo(1);
    assertThat(r.err()).contains("--trials").contains("received 0").contains("(an option of 'rnn4j tune forecast'");
  }
}
