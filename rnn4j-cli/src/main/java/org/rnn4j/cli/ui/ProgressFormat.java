package org.rnn4j.cli.ui;

import java.util.Locale;

/**
 * The text of the progress lines, shared by the terminal bar and the plain log lines so both read
 * the same. Numbers use {@link Locale#ROOT} (a dot as decimal separator whatever the user's locale).
 * Stateless and thread-safe.
 *
 * <p>Shapes (the bar only on a terminal):
 *
 * <pre>
 * Epoch 3/20 [=====&gt;    ]  45/120 loss 0.0431 1.2k ex/s ETA 0:03
 * Epoch 3/20  45/120 loss 0.0431 1.2k ex/s ETA 0:03
 * Epoch 3/20 loss 0.0431 val_loss 0.0512 lr 1.00e-03 3.2s
 * </pre>
 */
final class ProgressFormat {
  /** Width of the bar between its brackets when the terminal is wide enough (Keras uses 30). */
  static final int BAR_WIDTH = 30;
  /** The bar never gets narrower than this; below it the line is simply cut by the terminal. */
  static final int MIN_BAR_WIDTH = 10;

  private ProgressFormat() {
  }

  /** {@code "Epoch 3/20"}, or {@code "Epoch 3"} when the number of epochs is unknown (0). */
  static String epoch(int epoch, int epochs) {
    return epochs > 0 ? "Epoch " + epoch + "/" + epochs : "Epoch " + epoch;
  }

  /** {@code " 45/120"}: the step padded to the width of {@code steps}, so the line does not jitter. */
  static String steps(int step, int steps) {
    String total = Integer.toString(steps);
    return String.format(Locale.ROOT, "%" + total.length() + "d/%s", step, total);
  }

  /** {@code "[=====>    ]"}, {@code width} characters between the brackets; full when done. */
  static String bar(int step, int steps, int width) {
    StringBuilder sb = new StringBuilder(width + 2).append('[');
    int done = steps <= 0 ? 0 : (int) Math.min(width, (long) width * Math.max(step, 0) / steps);
    if (steps > 0 && step >= steps) {
      done = width;
    }
    for (int i = 0; i < done; i++) {
      sb.append('=');
    }
    if (done < width && step > 0) {
      sb.append('>');
      done++;
    }
    for (int i = done; i < width; i++) {
      sb.append(' ');
    }
    return sb.append(']').toString();
  }

  /**
   * A loss as Keras prints it: four decimals ({@code 0.0431}), scientific notation below 1e-3
   * ({@code 4.310e-05}), {@code nan} and {@code inf} spelled out.
   */
  static String loss(double x) {
    if (Double.isNaN(x)) {
      return "nan";
    }
    if (Double.isInfinite(x)) {
      return x > 0 ? "inf" : "-inf";
    }
    if (x != 0 && Math.abs(x) < 1e-3) {
      return String.format(Locale.ROOT, "%.3e", x);
    }
    return String.format(Locale.ROOT, "%.4f", x);
  }

  /** {@code "850 ex/s"}, {@code "1.2k ex/s"}, {@code "3.4M ex/s"}; empty when not a positive number. */
  static String rate(double examplesPerSecond) {
    double r = examplesPerSecond;
    if (!(r > 0) || Double.isInfinite(r)) {
      return "";
    }
    if (r < 10) {
      return String.format(Locale.ROOT, "%.1f ex/s", r);
    }
    if (r < 999.5) {
      return String.format(Locale.ROOT, "%.0f ex/s", r);
    }
    if (r < 999_950) {
      return String.format(Locale.ROOT, "%.1fk ex/s", r / 1e3);
    }
    return String.format(Locale.ROOT, "%.1fM ex/s", r / 1e6);
  }

  /** {@code "0:03"}, {@code "12:40"}, {@code "1:02:03"} (seconds rounded up, never negative). */
  static String duration(double seconds) {
    long s = (long) Math.ceil(Math.max(0, seconds));
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s % 3600 / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  /** Wall-clock seconds of an epoch: {@code "3.2s"}, whole seconds from 100 s on. */
  static String seconds(double s) {
    return s < 99.95 ? String.format(Locale.ROOT, "%.1fs", s) : String.format(Locale.ROOT, "%.0fs", s);
  }

  /**
   * The seconds left in an epoch after {@code step} of {@code steps} updates took {@code elapsed}
   * seconds (linear, as Keras estimates it); NaN before the first step.
   */
  static double eta(double elapsed, int step, int steps) {
    return step <= 0 ? Double.NaN : elapsed / step * Math.max(0, steps - step);
  }

  /**
   * What follows the bar: {@code " 45/120 loss 0.0431 1.2k ex/s ETA 0:03"} (loss, rate and ETA left
   * out while unknown: before the first step, or NaN).
   */
  static String progressFields(int step, int steps, double meanLoss, double rate, double etaSeconds) {
    StringBuilder sb = new StringBuilder(steps(step, steps));
    if (step > 0) {
      sb.append(" loss ").append(loss(meanLoss));
    }
    String r = rate(rate);
    if (step > 0 && !r.isEmpty()) {
      sb.append(' ').append(r);
    }
    if (!Double.isNaN(etaSeconds)) {
      sb.append(" ETA ").append(duration(etaSeconds));
    }
    return sb.toString();
  }

  /** {@code "loss 0.0431 val_loss 0.0512 lr 1.00e-03 3.2s"}; no val_loss when it is NaN. */
  static String epochFields(double trainLoss, double validationLoss, double learningRate,
      double seconds) {
    return epochFields(trainLoss, validationLoss, java.util.Map.of(), learningRate, seconds);
  }

  /** As above, with validation metrics after val_loss: {@code val_mae 0.2310}. */
  static String epochFields(double trainLoss, double validationLoss, java.util.Map<String, Double> metrics,
      double learningRate, double seconds) {
    StringBuilder sb = new StringBuilder("loss ").append(loss(trainLoss));
    if (!Double.isNaN(validationLoss)) {
      sb.append(" val_loss ").append(loss(validationLoss));
    }
    for (java.util.Map.Entry<String, Double> m : metrics.entrySet()) {
      if (!m.getValue().isNaN()) {
        sb.append(" val_").append(m.getKey()).append(' ').append(loss(m.getValue()));
      }
    }
    if (learningRate > 0 && !Double.isInfinite(learningRate)) {
      sb.append(String.format(Locale.ROOT, " lr %.2e", learningRate));
    }
    return sb.append(' ').append(seconds(seconds)).toString();
  }
}
