package org.rnn4j.cli.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rnn4j.cli.text.TextCommandsTest.rnn4j;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rnn4j tune generate} in-process: the trials split generate train's training part again and
 * never see its validation part, which scores the best settings and the defaults once each.
 */
class TuneGenerateCommandTest {

  /** 24,000 characters of the embedded Moby Dick, as a user's file. */
  private static Path text(Path dir) throws Exception {
    String all = TextTableReader.embeddedText(GenerateTrainCommand.EMBEDDED);
    Path file = dir.resolve("text.txt");
    Files.writeString(file, all.substring(0, 24_000), StandardCharsets.UTF_8);
    return file;
  }

  private static String[] args(Path text, Path space, Path out, String... more) {
    String[] base = {"tune", "generate", "--data", text.toString(), "--hidden", "12", "--layers", "1",
        "--embedding", "8", "--batch-size", "8", "--epochs", "2", "--sample-length", "0",
        "--space", space.toString(), "--out", out.toString()};
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void trialsNeverSeeTheHeldOutPartThatScoresTheBestAndTheDefaults(@TempDir Path dir) throws Exception {
    Path text = text(dir);
    Path space = dir.resolve("space.json");
    Files.writeString(space, "{\"hidden\": {\"int\": [8, 16]}, \"seq_length\": {\"choice\": [\"10\", \"20\"]}}");
    Path out = dir.resolve("tune");
    TextCommandsTest.Run r = rnn4j(args(text, space, out, "--seq-length", "20", "--trials", "2"));
    assertThat(r.exit()).as(r.err()).isZero();
    // 24,000 characters: generate train validates on the last 10% (2,400); the trials split the first
    // 21,600 again at 90%: train on 19,440, score on 2,160
    assertThat(r.out()).contains("trials train on 19,440 and are scored on the next 2,160; the last 2,400");
    assertThat(r.out()).contains("  trial 0 ").contains("hidden=12 seq_length=20").contains("(defaults)");
    String line = r.out().lines().filter(l -> l.startsWith("reproduce with: rnn4j generate train ")).findFirst()
        .orElseThrow();
    assertThat(line).contains("--embedding 8").contains("--epochs 2").doesNotContain("--trials");
    assertThat(line.split("--seq-length ", -1)).as("the searched option once, with the best value").hasSize(2);
    // the held-out scores are those generate train itself reports for the same settings
    Matcher best = Pattern.compile("best settings +bits per character (\\d\\.\\d{4})").matcher(r.out());
    Matcher defaults = Pattern.compile("default settings +bits per character (\\d\\.\\d{4})").matcher(r.out());
    assertThat(best.find()).isTrue();
    assertThat(defaults.find()).isTrue();
    String log = Files.readString(out.resolve("defaults/train.log"));
    assertThat(log).contains(defaults.group(1) + " bits per character");
    assertThat(out.resolve("best/model.rnn4j")).exists();
    assertThat(Files.readAllLines(out.resolve("trials.csv"))).hasSize(3);

    // a resumed search keeps its finished trials and runs only the missing one
    r = rnn4j(args(text, space, out, "--seq-length", "20", "--trials", "3", "--resume"));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("resumed: 2 finished trials").contains("  trial 2 ").doesNotContain("  trial 0 ");
    assertThat(Files.readAllLines(out.resolve("trials.csv"))).hasSize(4);
  }

  @Test
  void badInputIsOneLine(@TempDir Path dir) throws Exception {
    Path text = text(dir);
    Path space = dir.resolve("space.json");
    Files.writeString(space, "{\"window\": {\"int\": [4, 8]}}");
    TextCommandsTest.Run r = rnn4j(args(text, space, dir.resolve("a"), "--seq-length", "20"));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip().lines().count()).isEqualTo(1);
    assertThat(r.err()).contains("--space: 'window' is not a language model setting; expected some of [batch_size,");

    Files.writeString(space, "{\"hidden\": {\"int\": [8, 16]}}");
    r = rnn4j(args(text, space, dir.resolve("b"), "--seq-length", "0"));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip().lines().count()).isEqualTo(1);
    assertThat(r.err()).contains("--seq-length: expected an integer from 1").contains("received 0")
        .contains("an option of 'rnn4j generate train'");

    // the trials' own parts must hold a batch (8 x 280 + 1 characters fit generate train's 2,400 but not
    // the trials' 2,160): refused before any trial, naming the part
    r = rnn4j(args(text, space, dir.resolve("c"), "--seq-length", "280"));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip().lines().count()).isEqualTo(1);
    assertThat(r.err()).contains("the trials' validation part (2160 characters) is too short");
  }
}
