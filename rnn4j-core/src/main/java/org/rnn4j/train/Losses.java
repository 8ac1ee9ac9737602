package org.rnn4j.train;

import org.rnn4j.internal.model.LossFunctions;

/**
 * Losses with their gradients, PyTorch's {@code mse_loss} and {@code cross_entropy} with reduction
 * {@code mean}: the checks of an array API around the model's own loss arithmetic
 * ({@code internal.model.LossFunctions}). Sums are accumulated in double; gradients are written as float.
 *
 * <p>Stateless and thread-safe; each call writes only its gradient array.
 */
public final class Losses {
  private Losses() {
  }

  /**
   * Mean squared error {@code L = mean_i (pred[i] - target[i])^2} over the first n values, and its
   * gradient {@code dL/dpred[i] = 2 (pred[i] - target[i]) / n}.
   *
   * @param pred   [n] predictions (read)
   * @param target [n] targets (read)
   * @param n      number of values, {@code >= 1}
   * @param dPred  [n] written: the gradient, or null to compute the loss only
   * @return the loss
   * @throws IllegalArgumentException naming the array, the size needed and the size received
   */
  public static double mse(float[] pred, float[] target, int n, float[] dPred) {
    if (n < 1) {
      throw new IllegalArgumentException("mse: expected n >= 1, got " + n);
    }
    need("mse", "pred", pred, n);
    need("mse", "target", target, n);
    if (dPred != null) {
      need("mse", "dPred", dPred, n);
    }
    return LossFunctions.addSquaredErrors(0.0, pred, target, 0, n, n, dPred) / n;
  }

  /**
   * Softmax cross-entropy from logits, mean over rows:
   * {@code L = mean_r (logsumexp(z_r) - z_r[targets[r]])}, with the log-sum-exp taken around the
   * row's maximum so that large logits neither overflow nor lose the small ones. Gradient:
   * {@code dL/dz[r, c] = (softmax(z_r)[c] - [c == targets[r]]) / rows}.
   *
   * @param logits  [rows, classes] (read)
   * @param rows    number of rows, {@code >= 1}
   * @param classes number of classes, {@code >= 1}
   * @param targets [rows] class indices in [0, classes) (read)
   * @param dLogits [rows, classes] written: the gradient, or null to compute the loss only
   * @return the loss
   * @throws IllegalArgumentException naming the array or row, the expected and the received value
   */
  public static double crossEntropy(float[] logits, int rows, int classes, int[] targets, float[] dLogits) {
    if (rows < 1 || classes < 1) {
      throw new IllegalArgumentException("crossEntropy: expected rows >= 1 and classes >= 1, got rows "
          + rows + ", classes " + classes);
    }
    need("crossEntropy", "logits", logits, (long) rows * classes);
    if (targets == null || targets.length < rows) {
      throw new IllegalArgumentException("crossEntropy: expected targets of at least " + rows
          + " values, got " + (targets == null ? "null" : targets.length));
    }
    if (dLogits != null) {
      need("crossEntropy", "dLogits", dLogits, (long) rows * classes);
    }
    double total = 0.0;
    for (int r = 0; r < rows; r++) {
      int y = targets[r];
      if (y < 0 || y >= classes) {
        throw new IllegalArgumentException("crossEntropy: expected targets[" + r + "] in [0, " + classes
            + "), got " + y);
      }
      total += LossFunctions.crossEntropyRow(logits, r * classes, classes, y, rows, dLogits);
    }
    return total / rows;
  }

  private static void need(String who, String what, float[] a, long n) {
    if (a == null || a.length < n) {
      throw new IllegalArgumentException(who + ": expected " + what + " of at least " + n + " values, got "
          + (a == null ? "null" : a.length));
    }
  }
}
