package org.rnn4j.cli.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rnn4j.cli.text.TextCommandsTest.rnn4j;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rnn4j tune classify} in-process: classify train's options pass through, the best is trained and scored. */
class TuneClassifyCommandTest {

  @Test
  void searchesOnValidationThenScoresTheBestAndTheDefaultsOnTheTestPart(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("tune");
    TextCommandsTest.Run r = tune(dir, out, 2);
    // the defaults are inside the space: trial 0
    assertThat(r.out()).contains("  trial 0 ").contains("hidden=6 lr=0.005").contains("(defaults)");
    String line = r.out().lines().filter(l -> l.startsWith("reproduce with: rnn4j classify train ")).findFirst()
        .orElseThrow();
    assertThat(line).contains("--epochs 1").contains("--embedding 8").contains("--max-length 64")
        .doesNotContain("--trials").doesNotContain("--space");
    assertThat(line.split("--hidden ", -1)).as("the searched option once, with the best value").hasSize(2);
    assertThat(r.out()).containsPattern("best settings +accuracy 0\\.\\d{4}")
        .containsPattern("default settings +accuracy 0\\.\\d{4}");
    assertThat(out.resolve("best/model.rnn4j")).exists();
    // trial 0 is the defaults: when it is the best, the defaults are not trained a second time
    boolean bestIsDefaults = r.out().contains("best: trial 0,");
    assertThat(out.resolve("defaults/model.rnn4j").toFile().exists()).as(r.out()).isEqualTo(!bestIsDefaults);
    assertThat(Files.readAllLines(out.resolve("trials.csv"))).hasSize(3);
  }

  @Test
  void whenTheBestSettingsAreTheDefaultsTheyAreTrainedOnce(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("tune");
    TextCommandsTest.Run r = tune(dir, out, 1); // one trial: the defaults, so they are the best
    assertThat(r.out()).contains("(defaults)");
    assertThat(r.out().lines().filter(l -> l.matches("training (best|defaults): .*"))).as(r.out()).hasSize(1);
    assertThat(r.out()).contains("(the best settings are the defaults: trained once)");
    String best = r.out().lines().filter(l -> l.startsWith("  best settings ")).findFirst().orElseThrow();
    String defaults = r.out().lines().filter(l -> l.startsWith("  default settings ")).findFirst().orElseThrow();
    String accuracy = best.replaceAll(".*accuracy ", "");
    assertThat(accuracy).matches("0\\.\\d{4}");
    assertThat(defaults).startsWith("  default settings  accuracy " + accuracy + "  (");
    assertThat(out.resolve("best/model.rnn4j")).exists();
    assertThat(out.resolve("defaults")).doesNotExist();
  }

  /**
   * A small search whose space holds the defaults (hidden 6, lr 0.005): trial 0 is the defaults.
   * Checks that it succeeded.
   */
  private static TextCommandsTest.Run tune(Path dir, Path out, int trials) throws Exception {
    Path space = dir.resolve("space.json");
    Files.writeString(space, "{\"hidden\": {\"int\": [4, 8]}, \"lr\": {\"real\": [0.003, 0.01], \"log\": true}}");
    TextCommandsTest.Run r = rnn4j("tune", "classify", "--epochs", "1", "--hidden", "6", "--embedding", "8",
        "--max-length", "64", "--trials", String.valueOf(trials), "--space", space.toString(), "--out", out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    return r;
  }

  @Test
  void aBadTrainOptionOrParameterIsOneLine(@TempDir Path dir) throws Exception {
    TextCommandsTest.Run r = rnn4j("tune", "classify", "--tokenizer", "bytes", "--out", dir.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip().lines().count()).isEqualTo(1);
    assertThat(r.err()).contains("--tokenizer").contains("'bytes'");
    Path space = dir.resolve("space.json");
    Files.writeString(space, "{\"window\": {\"int\": [4, 8]}}");
    r = rnn4j("tune", "classify", "--space", space.toString(), "--out", dir.resolve("o").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--space: 'window' is not a classifier setting; expected some of [batch_size, cell,");
  }
}
