package org.rnn4j.internal.model;

import java.util.Arrays;
import org.rnn4j.internal.kernels.Kernels;

/**
 * The affine map of a fully connected layer, PyTorch's {@code nn.Linear}: {@code y = x W^T + b}, with
 * its backward. The one implementation: the model's dense layer and the public
 * {@link org.rnn4j.train.Dense} (the conformance runner's head) both call it.
 *
 * <p>Legend: R rows, I input features, O output features. W is [O, I] and b is [O], each at an offset
 * of its array (a model keeps all parameters in one array).
 *
 * <p>The forward goes through packed weights: the packed product computes every row the same way
 * whatever the row count (the unpacked one takes dot products below a few rows), so a row's output does
 * not depend on what else is in its batch (a server batching requests gives each the answer it would
 * get alone).
 *
 * <p>Stateless and thread-safe; each call writes only its output arrays.
 */
public final class Linear {
  private Linear() {
  }

  /**
   * {@code y = x W^T + b}.
   *
   * @param x      [R, I] (read)
   * @param w      the array holding W [O, I] at {@code wOff} (read)
   * @param b      the array holding b [O] at {@code bOff} (read), or null for no bias
   * @param y      [R, O] written
   * @param packed a workspace for the packed W^T, or one too small (a larger one is made)
   * @return the workspace used: pass it again next time
   */
  public static float[] forward(Kernels k, float[] x, int rows, int in, float[] w, int wOff, float[] b, int bOff,
      int out, float[] y, float[] packed) {
    int size = k.packedSize(in, out);
    float[] ws = packed != null && packed.length >= size ? packed : new float[size];
    k.packB(true, in, out, w, wOff, in, ws, 0);
    forwardPacked(k, x, rows, in, b, bOff, out, y, ws);
    return ws;
  }

  /**
   * {@code y = x W^T + b} with W^T already packed by {@code k.packB(true, in, out, w, wOff, in, ...)}
   * (a caller whose weights do not change between calls packs once).
   *
   * @param packedW W^T [I, O] in the kernels' packed layout (read)
   */
  public static void forwardPacked(Kernels k, float[] x, int rows, int in, float[] b, int bOff, int out,
      float[] y, float[] packedW) {
    for (int r = 0; r < rows; r++) {
      if (b != null) {
        System.arraycopy(b, bOff, y, r * out, out);
      } else {
        Arrays.fill(y, r * out, (r + 1) * out, 0f);
      }
    }
    // y [R, O] += x [R, I] W^T, W stored [O, I]
    k.gemmPacked(false, rows, out, in, 1f, x, 0, in, packedW, 0, 1f, y, 0, out);
  }

  /**
   * Backward of {@link #forward}: {@code dW += dy^T x}, {@code db += column sums of dy},
   * {@code dx = dy W} (written).
   *
   * @param x  [R, I] the forward's input (read)
   * @param w  the array holding W [O, I] at {@code wOff} (read)
   * @param dy [R, O] gradient of y (read)
   * @param dx [R, I] written, or null when not needed
   * @param dw the array holding dW [O, I] at {@code dwOff} (accumulated)
   * @param db the array holding db [O] at {@code dbOff} (accumulated), or null for no bias
   */
  public static void backward(Kernels k, float[] x, int rows, int in, float[] w, int wOff, int out, float[] dy,
      float[] dx, float[] dw, int dwOff, float[] db, int dbOff) {
    // dW [O, I] += dy^T [O, R] x [R, I]
    k.gemm(true, false, out, in, rows, 1f, dy, 0, out, x, 0, in, 1f, dw, dwOff, in);
    if (db != null) {
      k.addColumnSums(rows, out, dy, 0, out, db, dbOff);
    }
    if (dx != null) {
      // dx [R, I] = dy [R, O] x W [O, I]
      k.gemm(false, false, rows, in, out, 1f, dy, 0, out, w, wOff, in, 0f, dx, 0, in);
    }
  }
}
