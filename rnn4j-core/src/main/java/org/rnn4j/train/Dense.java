package org.rnn4j.train;

import org.rnn4j.internal.kernels.KernelProvider;
import org.rnn4j.internal.model.Linear;

/**
 * A fully connected layer on a batch of rows, PyTorch's {@code nn.Linear}: {@code y = x W^T + b},
 * weight {@code [out, in]}, bias {@code [out]} or none: the checks of an array API around the model's
 * own dense arithmetic ({@code internal.model.Linear}), so the two cannot drift apart.
 *
 * <p>Legend: R rows (batch, or time x batch), I input features, O output features. Arrays may be
 * longer than the sizes need (reused workspaces); only the leading part is read or written.
 *
 * <p>Stateless and thread-safe; each call writes only its output arrays, which callers must not
 * share between threads.
 */
public final class Dense {
  private Dense() {
  }

  /**
   * {@code y = x W^T + b}.
   *
   * @param x    [R, I] input rows (read)
   * @param rows R, {@code >= 0}
   * @param in   I, {@code >= 1}
   * @param w    [O, I] weight (read)
   * @param b    [O] bias (read), or null for none
   * @param out  O, {@code >= 1}
   * @param y    [R, O] written
   * @throws IllegalArgumentException naming the array, the size needed and the size received
   */
  public static void forward(float[] x, int rows, int in, float[] w, float[] b, int out, float[] y) {
    checkSizes(rows, in, out);
    need("x", x, (long) rows * in, rows, in);
    need("w", w, (long) out * in, out, in);
    need("y", y, (long) rows * out, rows, out);
    if (b != null) {
      need("b", b, out, 1, out);
    }
    Linear.forward(KernelProvider.get(), x, rows, in, w, 0, b, 0, out, y, null);
  }

  /**
   * Backward of {@link #forward}: {@code dx = dy W} (written), {@code dW += dy^T x},
   * {@code db += column sums of dy}.
   *
   * @param x    [R, I] the forward's input (read)
   * @param rows R
   * @param in   I
   * @param w    [O, I] weight (read)
   * @param out  O
   * @param dy   [R, O] gradient of y (read)
   * @param dx   [R, I] written: gradient of x, or null when not needed
   * @param dw   [O, I] accumulated (+=): gradient of W
   * @param db   [O] accumulated (+=): gradient of b, or null for a layer without bias
   * @throws IllegalArgumentException naming the array, the size needed and the size received
   */
  public static void backward(float[] x, int rows, int in, float[] w, int out, float[] dy, float[] dx,
      float[] dw, float[] db) {
    checkSizes(rows, in, out);
    need("x", x, (long) rows * in, rows, in);
    need("w", w, (long) out * in, out, in);
    need("dy", dy, (long) rows * out, rows, out);
    need("dw", dw, (long) out * in, out, in);
    if (dx != null) {
      need("dx", dx, (long) rows * in, rows, in);
    }
    if (db != null) {
      need("db", db, out, 1, out);
    }
    Linear.backward(KernelProvider.get(), x, rows, in, w, 0, out, dy, dx, dw, 0, db, 0);
  }

  private static void checkSizes(int rows, int in, int out) {
    if (rows < 0 || in < 1 || out < 1) {
      throw new IllegalArgumentException("Dense: expected rows >= 0, in >= 1, out >= 1, got rows " + rows
          + ", in " + in + ", out " + out);
    }
  }

  private static void need(String what, float[] a, long n, int d0, int d1) {
    if (a == null) {
      throw new IllegalArgumentException("Dense: expected " + what + " [" + d0 + ", " + d1 + "], got null");
    }
    if (a.length < n) {
      throw new IllegalArgumentException("Dense: expected " + what + " of at least " + n + " values ["
          + d0 + ", " + d1 + "], got " + a.length);
    }
  }
}
