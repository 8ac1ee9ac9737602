package org.rnn4j.cli.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rnn4j.cli.forecast.ForecastCommandsTest.rnn4j;
import static org.rnn4j.cli.forecast.ForecastCommandsTest.series;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rnn4j tune forecast} run in-process: the search, its printed command line, its resume, bad input. */
class TuneForecastCommandTest {

  static final String SPACE = "{\"cell\": {\"choice\": [\"lstm\", \"gru\"]}, \"hidden\": {\"int\": [3, 8]},"
      + " \"lr\": {\"real\": [0.001, 0.01], \"log\": true}}";

  static List<String> args(Path csv, Path space, Path out, String... more) {
    List<String> a = new ArrayList<>(List.of("tune", "forecast", "--data", csv.toString(), "--target", "temp",
        "--features", "temp", "--date-column", "day", "--test-rows", "20", "--epochs", "3", "--ensemble", "1",
        "--no-intervals", "--space", space.toString(), "--sampler", "random", "--pruner", "none", "--out",
        out.toString()));
    a.addAll(Arrays.asList(more));
    return a;
  }

  @Test
  void theBestSettingsCommandLineReproducesTheReportedTestScoreAndAResumeRunsOnlyNewTrials(@TempDir Path dir)
      throws Exception {
    Path csv = series(dir, 120);
    Path space = dir.resolve("space.json");
    Files.writeString(space, SPACE);
    Path out = dir.resolve("tune");
    ForecastCommandsTest.Run r = rnn4j(args(csv, space, out, "--trials", "3").toArray(String[]::new));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("leaderboard (validation MAE, lower is better):");
    // the defaults (lstm, 64 hidden) are outside this space's hidden range: said, not tried
    assertThat(r.out()).contains("note: the default settings are outside the search space ('hidden' = 64 is outside"
        + " its range)");
    List<String> trials = Files.readAllLines(out.resolve("trials.csv"));
    assertThat(trials).hasSize(4);
    assertThat(trials.get(0)).isEqualTo("trial,state,value,seconds,epochs,cell,hidden,lr,note");
    String line = r.out().lines().filter(l -> l.startsWith("reproduce with: rnn4j train ")).findFirst().orElseThrow();
    List<String> reproduce = new ArrayList<>(Arrays.asList(line.substring("reproduce with: rnn4j train ".length())
        .split(" ")));
    assertThat(reproduce).doesNotContain("--trials", "--space", "--sampler", "--pruner", "--out", "tune", "forecast")
        .contains("--hidden", "--cell", "--lr", "--test-rows", "--no-intervals");
    // the command line, run by hand, gives the model tune saved and the test score it printed
    Path again = dir.resolve("again");
    reproduce.addAll(0, List.of("train"));
    reproduce.addAll(List.of("--out", again.toString(), "--report", again.resolve("r.json").toString()));
    ForecastCommandsTest.Run t = rnn4j(reproduce.toArray(String[]::new));
    assertThat(t.exit()).as(t.err()).isZero();
    ObjectMapper json = new ObjectMapper();
    double byHand = json.readTree(again.resolve("r.json").toFile()).path("model").path("mae").asDouble();
    double byTune = json.readTree(out.resolve("best/report.json").toFile()).path("model").path("mae").asDouble();
    assertThat(byHand).isEqualTo(byTune);
    assertThat(Files.readAllBytes(again.resolve("model.rnn4j"))).isEqualTo(Files.readAllBytes(out.resolve("best/model.rnn4j")));
    String printed = r.out().lines().filter(l -> l.strip().startsWith("best settings")).findFirst().orElseThrow();
    assertThat(Double.parseDouble(printed.strip().split("\\s+")[2])).isCloseTo(byTune,
        org.assertj.core.data.Offset.offset(1e-4));
    for (String f : new String[] {"tune_history.png", "study.jsonl", "defaults/model.rnn4j", "best/train.log"}) {
      assertThat(out.resolve(f)).exists();
    }

    ForecastCommandsTest.Run resumed = rnn4j(args(csv, space, out, "--trials", "5", "--resume").toArray(String[]::new));
    assertThat(resumed.exit()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("resumed: 3 finished trials");
    assertThat(resumed.out().lines().filter(l -> l.startsWith("  trial ")).count()).isEqualTo(2);
    // a resume with another space is refused in one line, the journal untouched
    byte[] journal = Files.readAllBytes(out.resolve("study.jsonl"));
    Path other = dir.resolve("other.json");
    Files.writeString(other, "{\"hidden\": {\"int\": [3, 9]}}");
    ForecastCommandsTest.Run refused = rnn4j(args(csv, other, out, "--trials", "6", "--resume").toArray(String[]::new));
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err().strip().lines().count()).isEqualTo(1);
    assertThat(refused.err()).contains("--resume: the state in " + out + " was made with --space sha256:");
    assertThat(Files.readAllBytes(out.resolve("study.jsonl"))).isEqualTo(journal);
    List<String> after = Files.readAllLines(out.resolve("trials.csv"));
    assertThat(after).hasSize(6);
    for (int i = 1; i <= 3; i++) {
      // the finished trials are kept as they were, not run again (their time differs if rerun)
      assertThat(after.get(i)).isEqualTo(trials.get(i));
    }
  }

  @Test
  void trialsRunTwoAtATimeEachOnAShareOfTheCores(@TempDir Path dir) throws Exception {
    Path csv = series(dir, 120);
    Path space = dir.resolve("space.json");
    Files.writeString(space, SPACE);
    ForecastCommandsTest.Run r = rnn4j(args(csv, space, dir.resolve("p"), "--trials", "4", "--parallel", "2")
        .toArray(String[]::new));
    assertThat(r.exit()).as(r.err()).isZero();
    int threads = org.rnn4j.internal.kernels.RowParallel.shared().threads();
    assertThat(r.out()).contains("4, 2 at a time (" + Math.max(1, threads / 2) + " kernel thread");
    assertThat(r.out().lines().filter(l -> l.startsWith("  trial ")).count()).isEqualTo(4);
    assertThat(org.rnn4j.internal.kernels.RowParallel.shared().threads()).as("restored").isEqualTo(threads);
    assertThat(rnn4j("tune").err().strip()).isEqualTo("rnn4j tune: missing a task: forecast, classify or generate (try 'rnn4j tune --help')");
  }

  @Test
  void badSpacesAndBudgetsAreOneLine(@TempDir Path dir) throws Exception {
    Path csv = series(dir, 120);
    Path space = dir.resolve("space.json");
    Files.writeString(space, "{\"units\": {\"int\": [3, 8]}}");
    ForecastCommandsTest.Run r = rnn4j(args(csv, space, dir.resolve("a"), "--trials", "2").toArray(String[]::new));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip().lines().count()).isEqualTo(1);
    assertThat(r.err()).contains("--space: 'units' is not a forecaster setting; expected some of [batch_size, cell,");
    Files.writeString(space, "{\"hidden\": {\"int\": [3.5, 8]}}");
    r = rnn4j(args(csv, space, dir.resolve("b"), "--trials", "2").toArray(String[]::new));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--space " + space + ": search space: 'hidden': expected");
    for (String[] bad : new String[][] {{"{}", "expected a JSON object with one member per parameter, received an empty object"},
        {"{\"hidden\": {\"int\": [64, 16]}}", "hidden: expected low <= high, got [64, 16]"},
        {"{\"cell\": {\"choice\": [\"lstm\"]}, \"lr\": {\"real\": [0.001, 0.01], \"when\": {\"cell\":"
            + " [\"gru\"]}}}", "'lr' is conditional on cell = 'gru', which is not one of its choices [lstm]"}}) {
      Files.writeString(space, bad[0]);
      r = rnn4j(args(csv, space, dir.resolve("d"), "--trials", "2").toArray(String[]::new));
      assertThat(r.exit()).as(bad[0]).isEqualTo(2);
      assertThat(r.err().strip().lines().count()).isEqualTo(1);
      assertThat(r.err()).contains("--space " + space + ": ").contains(bad[1]);
    }
    // 40 rows, 20 for testing: the validation part and its rolling origins hold 5 values, too few to choose by
    Path shortCsv = series(Files.createDirectories(dir.resolve("short")), 40);
    Files.writeString(space, SPACE);
    r = rnn4j(args(shortCsv, space, dir.resolve("s"), "--trials", "2").toArray(String[]::new));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("rnn4j tune forecast: the validation part holds 5 values (rows 16 to 20), too"
        + " few to choose among settings by: at least 10 are needed, as for choosing a frame; give more rows to"
        + " --validation-rows, or keep the defaults of 'rnn4j train'");
    r = rnn4j(args(csv, dir.resolve("space.json"), dir.resolve("e"), "--time-budget", "0s").toArray(String[]::new));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--time-budget: expected a duration above zero, received '0s'");
    r = rnn4j(args(csv, dir.resolve("space.json"), dir.resolve("c"), "--time-budget", "10 minutes")
        .toArray(String[]::new));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("rnn4j tune forecast: --time-budget: expected a duration such as 90s, 10m"
        + " or 1h30m, received '10 minutes' (see 'rnn4j tune forecast --help')");
  }
}
