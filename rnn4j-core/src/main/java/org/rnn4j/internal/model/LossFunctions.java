package org.rnn4j.internal.model;

import org.rnn4j.nn.Loss;

/**
 * The losses of {@link Loss}, mean-reduced over valid elements, with their gradients. A row of the
 * output flow ([T*B, U] or [B, U]) counts only when it is a valid step. Sums in double. Stateless and
 * thread-safe.
 */
public final class LossFunctions {
  private LossFunctions() {
  }

  /**
   * Loss of {@code out} against the targets, and (when {@code dOut} is not null) its gradient.
   *
   * @param tgt  float targets aligned with out's rows [rows, U] (null for class indices)
   * @param cls  class indices, one per row (null for float targets)
   * @param dOut written: dL/dout [rows, U], zero on padded rows
   */
  public static double compute(Loss loss, Flow out, float[] tgt, int[] cls, float[] dOut) {
    int u = out.features;
    int rows = out.rows();
    int b = out.batch;
    int validRows = 0;
    for (int r = 0; r < rows; r++) {
      if (out.valid(r / b, r % b)) {
        validRows++;
      }
    }
    boolean perRow = loss.kind() == Loss.Kind.CROSS_ENTROPY || loss.kind() == Loss.Kind.CROSS_ENTROPY_ONE_HOT;
    double count = perRow ? validRows : (double) validRows * u;
    double total = 0;
    float[] o = out.data;
    float delta = loss.delta();
    for (int r = 0; r < rows; r++) {
      int off = r * u;
      if (!out.valid(r / b, r % b)) {
        if (dOut != null) {
          java.util.Arrays.fill(dOut, off, off + u, 0f);
        }
        continue;
      }
      switch (loss.kind()) {
        case MSE:
          total = addSquaredErrors(total, o, tgt, off, u, count, dOut);
          break;
        case MAE:
          for (int j = 0; j < u; j++) {
            double d = (double) o[off + j] - tgt[off + j];
            total += Math.abs(d);
            if (dOut != null) {
              dOut[off + j] = (float) (Math.signum(d) / count);
            }
          }
          break;
        case HUBER:
          for (int j = 0; j < u; j++) {
            double d = (double) o[off + j] - tgt[off + j];
            double a = Math.abs(d);
            total += a <= delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
            if (dOut != null) {
              dOut[off + j] = (float) ((a <= delta ? d : delta * Math.signum(d)) / count);
            }
          }
          break;
        case QUANTILE: {
          int nq = loss.quantiles().size();
          for (int j = 0; j < u; j++) {
            double q = loss.quantiles().get(j % nq);
            double d = (double) o[off + j] - tgt[off + j]; // > 0: the forecast is above the target
            total += d > 0 ? (1 - q) * d : -q * d;
            if (dOut != null) {
              // at d = 0 the mean of the two one-sided slopes
              dOut[off + j] = (float) ((d > 0 ? 1 - q : d < 0 ? -q : 0.5 - q) / count);
            }
          }
          break;
        }
        case BCE_WITH_LOGITS:
          for (int j = 0; j < u; j++) {
            double x = o[off + j];
            double y = tgt[off + j];
            // max(x, 0) - x*y + log(1 + exp(-|x|)): stable for large |x|
            total += Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
            if (dOut != null) {
              double s = x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
              dOut[off + j] = (float) ((s - y) / count);
            }
          }
          break;
        case CROSS_ENTROPY:
        case CROSS_ENTROPY_ONE_HOT: {
          if (loss.kind() == Loss.Kind.CROSS_ENTROPY) {
            int c = cls[r];
            if (c >= u) {
              throw new IllegalArgumentException("cross-entropy: expected class indices in [0, " + u
                  + "), got " + c);
            }
            total += crossEntropyRow(o, off, u, c, count, dOut);
          } else {
            double lse = logSumExp(o, off, u);
            double ysum = 0;
            for (int j = 0; j < u; j++) {
              ysum += tgt[off + j];
              total += tgt[off + j] * (lse - o[off + j]);
            }
            if (dOut != null) {
              for (int j = 0; j < u; j++) {
                double p = Math.exp(o[off + j] - lse);
                dOut[off + j] = (float) ((p * ysum - tgt[off + j]) / count);
              }
            }
          }
          break;
        }
        default:
          throw new AssertionError(loss.kind());
      }
    }
    return total / count;
  }

  /**
   * {@code total} plus {@code (o[j] - t[j])^2} for each j in {@code [off, off + n)}, added one by one
   * (a running sum over rows stays the same sum), and, when {@code dOut} is not null, the mean's
   * gradient {@code 2 (o[j] - t[j]) / count} written at the same places.
   */
  public static double addSquaredErrors(double total, float[] o, float[] t, int off, int n, double count,
      float[] dOut) {
    for (int j = 0; j < n; j++) {
      double d = (double) o[off + j] - t[off + j];
      total += d * d;
      if (dOut != null) {
        dOut[off + j] = (float) (2.0 * d / count);
      }
    }
    return total;
  }

  /**
   * One row's softmax cross-entropy {@code logsumexp(z) - z[c]} from logits {@code z = o[off, off + u)},
   * and, when {@code dOut} is not null, the mean's gradient {@code (softmax(z) - onehot(c)) / count}.
   */
  public static double crossEntropyRow(float[] o, int off, int u, int c, double count, float[] dOut) {
    double lse = logSumExp(o, off, u);
    if (dOut != null) {
      for (int j = 0; j < u; j++) {
        double p = Math.exp(o[off + j] - lse);
        dOut[off + j] = (float) ((p - (j == c ? 1.0 : 0.0)) / count);
      }
    }
    return lse - o[off + c];
  }

  /** {@code log sum_j exp(o[j])} over {@code [off, off + u)}, taken around the maximum (no overflow). */
  private static double logSumExp(float[] o, int off, int u) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < u; j++) {
      max = Math.max(max, o[off + j]);
    }
    double sum = 0;
    for (int j = 0; j < u; j++) {
      sum += Math.exp(o[off + j] - max);
    }
    return max + Math.log(sum);
  }
}
