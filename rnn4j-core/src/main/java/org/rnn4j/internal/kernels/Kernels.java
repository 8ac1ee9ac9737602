package org.rnn4j.internal.kernels;

/**
 * The hot loops of rnn4j: GEMM, fused gate math for the default activations, reductions.
 *
 * <p>Legend of dimension letters used in the shape comments: {@code B} batch rows, {@code H} hidden
 * size, {@code M,N,K} GEMM sizes. Every array argument is row-major; offsets and leading dimensions
 * are explicit. Kernels allocate nothing and check nothing but with {@code assert}: callers validate
 * at the public boundary.
 *
 * <p>Two implementations exist: {@link ScalarKernels} (plain loops, always available) and a Vector API
 * one, chosen once at start-up by {@link KernelProvider}. Implementations are stateless and
 * thread-safe.
 */
public interface Kernels {

  /** A short name for logs and benchmarks: {@code "scalar"} or {@code "vector(AVX-512, 16 lanes)"}. */
  String name();

  /**
   * {@code C = alpha * op(A) * op(B) + beta * C}, row-major. {@code op(A)} is {@code [M, K]}: A is
   * stored {@code [M, K]} (lda >= K) or, with {@code transA}, {@code [K, M]} (lda >= M); likewise
   * {@code op(B)} is {@code [K, N]}. Only {@code c} is modified. With {@code beta == 0} C's previous
   * contents are ignored (NaN included), as in BLAS.
   */
  void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc);

  /** Ints that {@link #packBf16} writes for a W of {@code [n, k]}. */
  int packedBf16Size(int n, int k);

  /**
   * Rounds W {@code [n, k]} (row stride {@code ldw}) to bfloat16 ({@link Bf16}) into {@code dst} in
   * this provider's own layout, for {@link #gemvBf16}: the weights of a streaming step kept at half
   * the bytes.
   */
  void packBf16(int n, int k, float[] w, int wOff, int ldw, int[] dst);

  /**
   * {@code y[0..n) = beta * y + x[0..k) W^T} with W {@code [n, k]} packed by {@link #packBf16} of
   * the same provider: one row times weights streamed at half the bytes. Each element is a float32
   * sum of {@code x[p] * w[j, p]} with w widened exactly, in p order. With {@code beta == 0} y's
   * previous contents are ignored. Only {@code y} is modified.
   */
  void gemvBf16(int n, int k, float[] x, int xOff, int[] packed, float beta, float[] y, int yOff);

  /** Floats that {@link #packB} writes for an op(B) of {@code [k, n]}. */
  int packedSize(int k, int n);

  /**
   * Packs op(B) {@code [k, n]} (B stored {@code [k, n]}, or {@code [n, k]} with {@code transB}) into
   * {@code dst} at {@code dOff} in this provider's own layout, for {@link #gemmPacked}: a weight matrix
   * that multiplies many inputs (every time step) is packed once instead of once per product.
   */
  void packB(boolean transB, int k, int n, float[] b, int bOff, int ldb, float[] dst, int dOff);

  /**
   * {@link #gemm} with op(B) {@code [k, n]} already packed by {@link #packB} of the same provider
   * at {@code pOff}; the results equal {@code gemm}'s bit for bit, except that the vector provider
   * computes an NT {@code gemm} of fewer than 4 rows (a streaming step) as dot products on B's rows,
   * which sum in another order.
   */
  void gemmPacked(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
      float[] packedB, int pOff, float beta, float[] c, int cOff, int ldc);

  /** Sum of {@code a[i] * b[i]} for i in [0, n), accumulated in float. */
  float dot(float[] a, int aOff, float[] b, int bOff, int n);

  /** {@code y[i] += alpha * x[i]} for i in [0, n). Only {@code y} is modified. */
  void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

  /**
   * Adds the column sums of {@code a [rows, cols]} (leading dimension lda) to {@code out [cols]}:
   * the bias gradient of a batch of rows.
   */
  void addColumnSums(int rows, int cols, float[] a, int aOff, int lda, float[] out, int outOff);

  /**
   * One LSTM row with the default activations (sigmoid, tanh, tanh), no peepholes, no clip.
   * Gate blocks in PyTorch order i, f, g, o.
   *
   * @param pre   [4H] pre-activations (read)
   * @param gates [4H] written: post-activations i, f, g, o
   * @param cPrev [H] previous cell state (read)
   * @param c     [H] written: new cell state
   * @param tanhC [H] written: tanh(c)
   * @param h     [H] written: o * tanh(c)
   */
  void lstmForwardRow(int hidden, float[] pre, int preOff, float[] gates, int gatesOff,
      float[] cPrev, int cPrevOff, float[] c, int cOff, float[] tanhC, int tanhCOff,
      float[] h, int hOff);

  /**
   * Backward of {@link #lstmForwardRow}.
   *
   * @param dh     [H] gradient of the row's h (read)
   * @param dc     [H] gradient of the row's c from the next step (read) and written: gradient of cPrev
   * @param dPre   [4H] written: gradient of the pre-activations
   */
  void lstmBackwardRow(int hidden, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
      float[] tanhC, int tanhCOff, float[] dh, int dhOff, float[] dc, int dcOff,
      float[] dPre, int dPreOff);

  /**
   * One GRU row, reset gate after the hidden product (PyTorch), default activations (sigmoid, tanh),
   * no clip. Gate blocks r, z, n.
   *
   * @param pre   [3H] input projections plus biases; for r and z the recurrent product is already
   *              added, for n not (read)
   * @param hn    [H] recurrent product of the n block plus its bias b_hn (read)
   * @param gates [3H] written: r, z, n
   * @param hPrev [H] previous state (read)
   * @param h     [H] written: (1 - z) * n + z * hPrev
   */
  void gruForwardRow(int hidden, float[] pre, int preOff, float[] hn, int hnOff,
      float[] gates, int gatesOff, float[] hPrev, int hPrevOff, float[] h, int hOff);

  /**
   * Backward of {@link #gruForwardRow}.
   *
   * @param dh    [H] gradient of h (read)
   * @param dPre  [3H] written: gradient of the r, z and n pre-activations
   * @param dRec  [3H] written: gradient of the recurrent products r, z, (hn) (r and z equal dPre's)
   * @param dhPrevDirect [H] written: the direct part z * dh of hPrev's gradient
   */
  void gruBackwardRow(int hidden, float[] gates, int gatesOff, float[] hn, int hnOff,
      float[] hPrev, int hPrevOff, float[] dh, int dhOff, float[] dPre, int dPreOff,
      float[] dRec, int dRecOff, float[] dhPrevDirect, int dhPrevDirectOff);

  /**
   * {@code y[i] = tanh(x[i])} over n values (in place allowed), with the bits {@link #lstmForwardRow}
   * gives tanh(c): an LSTM backward recomputes tanh(c) from c with it instead of keeping it per step.
   */
  void tanh(int n, float[] x, int xOff, float[] y, int yOff);

  /** {@code dx[i] = dy[i] * (1 - y[i]^2)}: the backward of tanh from its output (in place allowed). */
  void tanhBackward(int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff);
}
