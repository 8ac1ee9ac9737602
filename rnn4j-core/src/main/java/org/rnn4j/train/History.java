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
   * @param metrics        validation metrics by name ({@code mae}, {@code accuracy}, ...), in the
   *                       order they were asked for; empty without validation data
   */
  public record Epoch(int epoch, double trainLoss, double validationLoss, double learningRate,
      double seconds, java.util.Map<String, Double> metrics) {
    public Epoch {
      metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }

    /** An epoch without metrics. */
    public Epoch(int epoch, double trainLoss, double validationLoss, double learningRate, double seconds) {
      this(epoch, trainLoss, validationLoss, learningRate, seconds, java.util.Map.of());
    }
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

  /** Records why training ended before its last epoch (training loops, this one's and others', call it). */
  public void stopReason(String s) {
    stopReason = s == null ? "" : s;
  }

  /**
   * The history as CSV: {@code epoch,train_loss,val_loss,lr,seconds}, then one {@code val_<metric>}
   * column per metric.
   */
  public String toCsv() {
    List<String> names = epochs.isEmpty() ? List.of() : new ArrayList<>(epochs.get(0).metrics().keySet());
    StringBuilder sb = new StringBuilder("epoch,train_loss,val_loss,lr,seconds");
    for (String n : names) {
      sb.append(",val_").append(n);
    }
    sb.append('\n');
    for (Epoch e : epochs) {
      sb.append(String.format(Locale.ROOT, "%d,%s,%s,%s,%.3f", e.epoch(), e.trainLoss(),
          Double.isNaN(e.validationLoss()) ? "" : Double.toString(e.validationLoss()), e.learningRate(),
          e.seconds()));
      for (String n : names) {
        Double v = e.metrics().get(n);
        sb.append(',').append(v == null || v.isNaN() ? "" : Double.toString(v));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Parses {@link #toCsv()} output (checkpoints keep the history this way). */
  public static History fromCsv(String csv) {
    History h = new History();
    String[] lines = csv.split("\n");
    String[] header = lines[0].split(",", -1);
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String[] f = lines[i].split(",", -1);
      java.util.Map<String, Double> metrics = new java.util.LinkedHashMap<>();
      for (int c = 5; c < header.length; c++) {
        metrics.put(header[c].substring("val_".length()), f[c].isEmpty() ? Double.NaN : Double.parseDouble(f[c]));
      }
      h.add(new Epoch(Integer.parseInt(f[0]), Double.parseDouble(f[1]),
          f[2].isEmpty() ? Double.NaN : Double.parseDouble(f[2]), Double.parseDouble(f[3]),
          Double.parseDouble(f[4]), metrics));
    }
    return h;
  }

  /** Writes {@link #toCsv()} atomically. */
  public void writeCsv(Path file) throws IOException {
    byte[] b = toCsv().getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(file, out -> out.write(b));
  }
}
