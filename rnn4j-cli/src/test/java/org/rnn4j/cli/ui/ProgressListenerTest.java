package org.rnn4j.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.rnn4j.train.History;

class ProgressListenerTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicLong nanos = new AtomicLong();

  private ProgressListener plain(long logIntervalSeconds) {
    return new ProgressListener(out, false, nanos::get,
        TimeUnit.SECONDS.toNanos(logIntervalSeconds), 0);
  }

  private List<String> lines() {
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private void advance(double seconds) {
    nanos.addAndGet((long) (seconds * 1e9));
  }

  @Test
  void plainModeWritesAProgressLineEveryTenthAndOneLinePerEpoch() {
    ProgressListener p = plain(0);
    p.epochStarted(1, 3, 100);
    for (int step = 1; step <= 100; step++) {
      advance(0.05);
      p.batchFinished(1, step, 100, 0.5, 1280);
    }
    p.epochFinished(new History.Epoch(1, 0.4321, 0.5, 1e-3, 5.04));
    p.message("checkpoint written to run/ckpt-0001.rnn4j");

    List<String> lines = lines();
    assertThat(lines).hasSize(11);
    assertThat(lines.get(0)).isEqualTo("Epoch 1/3  10/100 loss 0.5000 1.3k ex/s ETA 0:05");
    assertThat(lines.get(4)).isEqualTo("Epoch 1/3  50/100 loss 0.5000 1.3k ex/s ETA 0:03");
    assertThat(lines.get(8)).isEqualTo("Epoch 1/3  90/100 loss 0.5000 1.3k ex/s ETA 0:01");
    assertThat(lines.get(9)).isEqualTo("Epoch 1/3 loss 0.4321 val_loss 0.5000 lr 1.00e-03 5.0s");
    assertThat(lines.get(10)).isEqualTo("checkpoint written to run/ckpt-0001.rnn4j");
    assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("\r");
  }

  @Test
  void plainModeWaitsTheLogIntervalBetweenProgressLines() {
    ProgressListener p = plain(10);
    p.epochStarted(2, 20, 100);
    for (int step = 1; step <= 100; step++) {
      advance(0.5); // a 50 s epoch: a tenth every 5 s, a line at most every 10 s
      p.batchFinished(2, step, 100, 0.25, 64);
    }
    p.epochFinished(new History.Epoch(2, 0.25, Double.NaN, 0, 50.0));

    assertThat(lines()).containsExactly(
        "Epoch 2/20  20/100 loss 0.2500 64 ex/s ETA 0:40",
        "Epoch 2/20  40/100 loss 0.2500 64 ex/s ETA 0:30",
        "Epoch 2/20  60/100 loss 0.2500 64 ex/s ETA 0:20",
        "Epoch 2/20  80/100 loss 0.2500 64 ex/s ETA 0:10",
        "Epoch 2/20 loss 0.2500 50.0s");
  }

  @Test
  void shortEpochsGiveOneLineEachWithTheDefaultInterval() {
    ProgressListener p = plain(ProgressListener.LOG_INTERVAL_SECONDS);
    for (int epoch = 1; epoch <= 3; epoch++) {
      p.epochStarted(epoch, 3, 40);
      for (int step = 1; step <= 40; step++) {
        advance(0.01);
        p.batchFinished(epoch, step, 40, 1.0 / epoch, 3.2e6);
      }
      p.epochFinished(new History.Epoch(epoch, 1.0 / epoch, 2.0 / epoch, 0.01, 0.4));
    }
    assertThat(lines()).containsExactly(
        "Epoch 1/3 loss 1.0000 val_loss 2.0000 lr 1.00e-02 0.4s",
        "Epoch 2/3 loss 0.5000 val_loss 1.0000 lr 1.00e-02 0.4s",
        "Epoch 3/3 loss 0.3333 val_loss 0.6667 lr 1.00e-02 0.4s");
  }

  @Test
  void plainModeWithoutEpochStartedStillWritesTheEpoch() {
    ProgressListener p = plain(0);
    p.epochFinished(new History.Epoch(7, 4.2e-5, Double.NaN, 3e-4, 125.0));
    assertThat(lines()).containsExactly("Epoch 7 loss 4.200e-05 lr 3.00e-04 125s");
  }

  @Test
  void interactiveModeDrawsABarAndEndsWithTheSummaryLine() {
    try (ProgressListener p = new ProgressListener(out, true, System::nanoTime, 0, 100)) {
      assertThat(p.interactive()).isTrue();
      p.epochStarted(2, 5, 4);
      for (int step = 1; step <= 4; step++) {
        p.batchFinished(2, step, 4, 0.25, 2000);
        if (step == 2) {
          p.message("learning rate lowered to 5.00e-04");
        }
      }
      p.epochFinished(new History.Epoch(2, 0.25, 0.3, 1e-3, 1.5));
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("\r");
    assertThat(text).contains("\rlearning rate lowered to 5.00e-04");
    String lastLine = text.substring(text.lastIndexOf('\r') + 1).stripTrailing();
    assertThat(lastLine).isEqualTo("Epoch 2/5 [==============================] 4/4 loss 0.2500"
        + " val_loss 0.3000 lr 1.00e-03 1.5s");
    assertThat(text).endsWith(System.lineSeparator());
  }

  @Test
  void closeStopsABarCutShort() throws Exception {
    ProgressListener p = new ProgressListener(out, true, System::nanoTime, 0, 100);
    p.epochStarted(1, 1, 10);
    p.batchFinished(1, 3, 10, 1.5, 100);
    p.close();
    int length = bytes.size();
    Thread.sleep(450); // two redraw periods: nothing more may be written
    assertThat(bytes.size()).isEqualTo(length);
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text.substring(text.lastIndexOf('\r') + 1)).startsWith("Epoch 1/1 [=========>");
  }

  @Test
  void consoleIsInteractiveUnlessTheTerminalIsDumb() {
    assertThat(ProgressListener.isInteractive(true, "xterm-256color")).isTrue();
    assertThat(ProgressListener.isInteractive(true, null)).isTrue();
    assertThat(ProgressListener.isInteractive(true, "dumb")).isFalse();
    assertThat(ProgressListener.isInteractive(false, "xterm")).isFalse();
  }
}
