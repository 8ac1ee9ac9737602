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
}
