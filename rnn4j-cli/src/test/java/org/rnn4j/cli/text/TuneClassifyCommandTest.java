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
    Path space = dir.resolve("space.json");
    Files.writeString(space, "{\"hidden\": {\"int\": [4, 8]}, \"lr\": {\"real\": [0.003, 0.01], \"log\": true}}");
    Path out = dir.resolve("tune");
    TextCommandsTest.Run r = rnn4j("tune", "classify", "--epochs", "1", "--hidden", "6", "--embedding", "8",
        "--max-length", "64", "--trials", "2", "--space", space.toString(), "--out", out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    // the defaults (hidden 6, lr 0.005) are inside the space: trial 0
    assertThat(r.out()).contains("  trial 0 ").contains("hidden=6 lr=0.005").contains("(defaults)");
    String line = r.out().lines().filter(l -> l.startsWith("reproduce with: rnn4j classify train ")).findFirst()
        .orElseThrow();
    assertThat(line).contains("--epochs 1").contains("--embedding 8").contains("--max-length 64")
        .doesNotContain("--trials").doesNotContain("--space");
    assertThat(line.split("--hidden ", -1)).as("the searched option once, with the best value").hasSize(2);
    assertThat(r.out()).containsPattern("best settings +accuracy 0\\.\\d{4}")
        .containsPattern("default settings +accuracy 0\\.\\d{4}");
    assertThat(out.resolve("best/model.rnn4j")).exists();
    assertThat(out.resolve("defaults/model.rnn4j")).exists();
    assertThat(Files.readAllLines(out.resolve("trials.csv"))).hasSize(3);
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
