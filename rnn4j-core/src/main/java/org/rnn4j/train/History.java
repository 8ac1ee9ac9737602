package org.rnn4j.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.rnn4j.io.AtomicFiles;

/**
 * What a training run recorded, one entry per epoch. Not thread-safe while training appends; safe to
 * read afterwards.
 */
public final class History {
  /**
   * One epoch.
   *
   * @param epoch          1-based
   * @param trainLoss      mean training loss over the epoch's batches
   * @param validationLoss mean validation loss after the epoch (NaN without validation data)
   * @param learningRate   the rate used in the epoch's last update
   * @param seconds        wall-clock seconds of the epoch
   */
  public record Epoch(int epoch, double trainLoss, double validationLoss, double learningRate,
      double seconds) {
  }

  private final List<Epoch> epochs = new ArrayList<>();
  private String stopReason = "";

  public void add(Epoch e) {
    epochs.add(e);
  }

  public List<Epoch> epochs() {
    return Collections.unmodifiableList(epochs);
  }

  /** Why training ended before its last epoch ("" when it ran them all). */
  public String stopReason() {
    return stopReason;
  }

  void stopReason(String s) {
    stopReason = s;
  }

  /** The history as CSV: {@code epoch,train_loss,val_loss,lr,seconds}. */
  public String toCsv() {
    StringBuilder sb = new StringBuilder("epoch,train_loss,val_loss,lr,seconds\n");
    for (Epoch e : epochs) {
      sb.append(String.format(Locale.ROOT, "%d,%s,%s,%s,%.3f%n", e.epoch(), e.trainLoss(),
          Double.isNaN(e.validationLoss()) ? "" : Double.toString(e.validationLoss()), e.learningRate(),
          e.seconds()));
    }
    return sb.toString();
  }

  /** Parses {@link #toCsv()} output (checkpoints keep the history this way). */
  public static History fromCsv(String csv) {
    History h = new History();
    String[] lines = csv.split("\n");
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String[] f = lines[i].split(",", -1);
      h.add(new Epoch(Integer.parseInt(f[0]), Double.parseDouble(f[1]),
          f[2].isEmpty() ? Double.NaN : Double.parseDouble(f[2]), Double.parseDouble(f[3]),
          Double.parseDouble(f[4])));
    }
    return h;
  }

  /** Writes {@link #toCsv()} atomically. */
  public void writeCsv(Path file) throws IOException {
    byte[] b = toCsv().getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(file, out -> out.write(b));
  }
}
