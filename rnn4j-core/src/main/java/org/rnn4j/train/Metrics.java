package org.rnn4j.train;

/**
 * Evaluation metrics on plain arrays. Regression: MAE, RMSE, MAPE, sMAPE (percent). Classification
 * from scores {@code [N, C]} (logits or probabilities) and labels {@code [N]}: accuracy, top-k
 * accuracy, macro precision/recall/F1 and the confusion matrix. Language models: perplexity and bits
 * per character from a mean cross-entropy in nats. Stateless and thread-safe.
 */
public final class Metrics {
  private Metrics() {
  }

  private static void sameLength(float[] pred, float[] target) {
    if (pred.length != target.length || pred.length == 0) {
      throw new IllegalArgumentException("metrics: expected predictions and targets of the same non-zero"
          + " length, got " + pred.length + " and " + target.length);
    }
  }

  /** Mean absolute error. */
  public static double mae(float[] pred, float[] target) {
    sameLength(pred, target);
    double s = 0;
    for (int i = 0; i < pred.length; i++) {
      s += Math.abs((double) pred[i] - target[i]);
    }
    return s / pred.length;
  }

  /** Root mean squared error. */
  public static double rmse(float[] pred, float[] target) {
    sameLength(pred, target);
    double s = 0;
    for (int i = 0; i < pred.length; i++) {
      double d = (double) pred[i] - target[i];
      s += d * d;
    }
    return Math.sqrt(s / pred.length);
  }

  /** Mean absolute percentage error, in percent, over targets that are not zero (NaN if all are). */
  public static double mape(float[] pred, float[] target) {
    sameLength(pred, target);
    double s = 0;
    int n = 0;
    for (int i = 0; i < pred.length; i++) {
      if (target[i] != 0f) {
        s += Math.abs(((double) pred[i] - target[i]) / target[i]);
        n++;
      }
    }
    return n == 0 ? Double.NaN : 100.0 * s / n;
  }

  /** Symmetric MAPE in percent: mean of 2|p-t| / (|p|+|t|), a pair of zeros counting 0. */
  public static double smape(float[] pred, float[] target) {
    sameLength(pred, target);
    double s = 0;
    for (int i = 0; i < pred.length; i++) {
      double den = Math.abs(pred[i]) + Math.abs(target[i]);
      s += den == 0 ? 0 : 2 * Math.abs((double) pred[i] - target[i]) / den;
    }
    return 100.0 * s / pred.length;
  }

  private static int argmax(float[] scores, int off, int c) {
    int best = 0;
    for (int j = 1; j < c; j++) {
      if (scores[off + j] > scores[off + best]) {
        best = j;
      }
    }
    return best;
  }

  private static int classes(float[] scores, int[] labels) {
    if (labels.length == 0 || scores.length % labels.length != 0) {
      throw new IllegalArgumentException("metrics: expected scores [N, C] for " + labels.length
          + " labels, got " + scores.length + " values");
    }
    return scores.length / labels.length;
  }

  /** Fraction of examples whose highest score is the label. */
  public static double accuracy(float[] scores, int[] labels) {
    return topK(scores, labels, 1);
  }

  /** Fraction of examples whose label is among the k highest scores (ties: lower index first). */
  public static double topK(float[] scores, int[] labels, int k) {
    int c = classes(scores, labels);
    int hits = 0;
    for (int i = 0; i < labels.length; i++) {
      float mine = scores[i * c + labels[i]];
      int better = 0;
      for (int j = 0; j < c; j++) {
        float v = scores[i * c + j];
        if (v > mine || (v == mine && j < labels[i])) {
          better++;
        }
      }
      if (better < k) {
        hits++;
      }
    }
    return (double) hits / labels.length;
  }

  /** Confusion matrix {@code [true][predicted]} from argmax predictions. */
  public static long[][] confusion(float[] scores, int[] labels) {
    int c = classes(scores, labels);
    long[][] m = new long[c][c];
    for (int i = 0; i < labels.length; i++) {
      m[labels[i]][argmax(scores, i * c, c)]++;
    }
    return m;
  }

  /** Per-class precision, recall, F1 (rows: class; columns: P, R, F1; 0 where undefined). */
  public static double[][] perClass(long[][] confusion) {
    int c = confusion.length;
    double[][] out = new double[c][3];
    for (int k = 0; k < c; k++) {
      long tp = confusion[k][k];
      long predicted = 0;
      long actual = 0;
      for (int j = 0; j < c; j++) {
        predicted += confusion[j][k];
        actual += confusion[k][j];
      }
      double p = predicted == 0 ? 0 : (double) tp / predicted;
      double r = actual == 0 ? 0 : (double) tp / actual;
      out[k][0] = p;
      out[k][1] = r;
      out[k][2] = p + r == 0 ? 0 : 2 * p * r / (p + r);
    }
    return out;
  }

  /** Macro averages over classes of precision, recall and F1: {P, R, F1}. */
  public static double[] macro(long[][] confusion) {
    double[][] pc = perClass(confusion);
    double[] m = new double[3];
    for (double[] row : pc) {
      for (int j = 0; j < 3; j++) {
        m[j] += row[j] / pc.length;
      }
    }
    return m;
  }

  /** Perplexity from a mean cross-entropy in nats. */
  public static double perplexity(double meanCrossEntropyNats) {
    return Math.exp(meanCrossEntropyNats);
  }

  /** Bits per character from a mean cross-entropy in nats. */
  public static double bitsPerCharacter(double meanCrossEntropyNats) {
    return meanCrossEntropyNats / Math.log(2);
  }
}
