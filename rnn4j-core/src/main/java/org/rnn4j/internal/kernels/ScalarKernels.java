package org.rnn4j.internal.kernels;

/**
 * Plain-Java kernels: the fallback when the Vector API is not readable, and the reference that the
 * vector kernels are tested against. Loop orders are chosen so that the inner loop walks contiguous
 * memory (i-k-j for GEMM). Thread-safe (the GEMM's scratch arrays are per thread).
 */
public final class ScalarKernels implements Kernels {

  /** Columns of C per block of the NN/TN product (2 KB of a C row stays in L1). */
  private static final int COLUMN_BLOCK = 512;
  /** Rows of B per block (256 rows of 2 KB: 512 KB of scratch per thread at most). */
  private static final int K_BLOCK = 256;

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    Gemms.scaleC(m, n, beta, c, cOff, ldc);
    if (alpha == 0f || k == 0) {
      return;
    }
    // C[i, :] += alpha * op(A)[i, p] * op(B)[p, :] for p = 0, 1, ..., in the same order for every
    // transpose, so a product equals its packB + gemmPacked twin bit for bit. Without transB the
    // inner loop runs along a row of B and of C with unit stride, which C2 compiles to SIMD
    // (superword, see axpy): per block of 512 columns and 256 k, B's rows are copied into arrays of
    // their own and each C row segment into one scratch row, so that every inner loop starts at index
    // 0 (with a strided, offset inner loop the scalar provider ran 20-50x slower than the vector one;
    // the issue asks for within 10x).
    if (transB) {
      for (int i = 0; i < m; i++) {
        int ci = cOff + i * ldc;
        for (int p = 0; p < k; p++) {
          float av = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
          int bp = bOff + p;
          for (int j = 0; j < n; j++) {
            c[ci + j] += av * b[bp + j * ldb];
          }
        }
      }
      return;
    }
    int ais = transA ? 1 : lda; // step between rows i of op(A)
    int aps = transA ? lda : 1; // step between columns p of op(A)
    Scratch w = SCRATCH.get();
    for (int j0 = 0; j0 < n; j0 += COLUMN_BLOCK) {
      int len = Math.min(n, j0 + COLUMN_BLOCK) - j0;
      for (int kb = 0; kb < k; kb += K_BLOCK) {
        int kc = Math.min(K_BLOCK, k - kb);
        float[][] rows = w.rows(kc);
        for (int p = 0; p < kc; p++) {
          System.arraycopy(b, bOff + (kb + p) * ldb + j0, rows[p], 0, len);
        }
        float[] acc = w.acc;
        for (int i = 0; i < m; i++) {
          int ci = cOff + i * ldc + j0;
          System.arraycopy(c, ci, acc, 0, len);
          int ai = aOff + i * ais + kb * aps;
          for (int p = 0; p < kc; p++) {
            axpy(len, alpha * a[ai + p * aps], rows[p], acc);
          }
          System.arraycopy(acc, 0, c, ci, len);
        }
      }
    }
  }

  /**
   * y[i] += a * x[i] for i in [0, n): both arrays from index 0, the form C2 (JDK 17) compiles to
   * SIMD code; with offsets into the arrays it cannot rule out overlap and stays scalar (measured
   * 0.75 vs 0.12 ns per element).
   */
  private static void axpy(int n, float a, float[] x, float[] y) {
    for (int i = 0; i < n; i++) {
      y[i] += a * x[i];
    }
  }

  /** Per-thread GEMM scratch: a block of B's rows, each its own array, and one C row segment. */
  private static final class Scratch {
    float[][] rows = new float[0][];
    final float[] acc = new float[COLUMN_BLOCK];

    float[][] rows(int count) {
      if (rows.length < count) {
        rows = java.util.Arrays.copyOf(rows, count);
      }
      for (int p = 0; p < count; p++) {
        if (rows[p] == null) {
          rows[p] = new float[COLUMN_BLOCK];
        }
      }
      return rows;
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** The scalar layout is plain row-major op(B) {@code [k, n]}. */
  @Override
  public int packedBf16Size(int n, int k) {
    return n * k;
  }

  /** Row-major W, each weight as the bits of its bf16 rounding widened to a float. */
  @Override
  public void packBf16(int n, int k, float[] w, int wOff, int ldw, int[] dst) {
    for (int j = 0; j < n; j++) {
      for (int p = 0; p < k; p++) {
        dst[j * k + p] = (Bf16.fromFloat(w[wOff + j * ldw + p]) & 0xFFFF) << 16;
      }
    }
  }

  @Override
  public void gemvBf16(int n, int k, float[] x, int xOff, int[] packed, float beta, float[] y, int yOff) {
    for (int j = 0; j < n; j++) {
      float s = 0f;
      for (int p = 0; p < k; p++) {
        s = Math.fma(x[xOff + p], Float.intBitsToFloat(packed[j * k + p]), s);
      }
      y[yOff + j] = beta == 0f ? s : beta * y[yOff + j] + s;
    }
  }

  @Override
  public int packedSize(int k, int n) {
    return k * n;
  }

  @Override
  public void packB(boolean transB, int k, int n, float[] b, int bOff, int ldb, float[] dst, int dOff) {
    for (int p = 0; p < k; p++) {
      for (int j = 0; j < n; j++) {
        dst[dOff + p * n + j] = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
      }
    }
  }

  @Override
  public void gemmPacked(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
      float[] packedB, int pOff, float beta, float[] c, int cOff, int ldc) {
    gemm(transA, false, m, n, k, alpha, a, aOff, lda, packedB, pOff, n, beta, c, cOff, ldc);
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) {
      s += a[aOff + i] * b[bOff + i];
    }
    return s;
  }

  @Override
  public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] += alpha * x[xOff + i];
    }
  }

  @Override
  public void addColumnSums(int rows, int cols, float[] a, int aOff, int lda, float[] out, int outOff) {
    for (int r = 0; r < rows; r++) {
      int ar = aOff + r * lda;
      for (int j = 0; j < cols; j++) {
        out[outOff + j] += a[ar + j];
      }
    }
  }

  @Override
  public void lstmForwardRow(int hidden, float[] pre, int preOff, float[] gates, int gatesOff,
      float[] cPrev, int cPrevOff, float[] c, int cOff, float[] tanhC, int tanhCOff,
      float[] h, int hOff) {
    lstmForwardRange(hidden, 0, pre, preOff, gates, gatesOff, cPrev, cPrevOff, c, cOff, tanhC, tanhCOff, h, hOff);
  }

  /** Columns [from, hidden) of {@link #lstmForwardRow}: also the vector kernels' tail. */
  static void lstmForwardRange(int hidden, int from, float[] pre, int preOff, float[] gates, int gatesOff,
      float[] cPrev, int cPrevOff, float[] c, int cOff, float[] tanhC, int tanhCOff,
      float[] h, int hOff) {
    for (int j = from; j < hidden; j++) {
      float i = FastMath.sigmoid(pre[preOff + j]);
      float f = FastMath.sigmoid(pre[preOff + hidden + j]);
      float g = FastMath.tanh(pre[preOff + 2 * hidden + j]);
      float o = FastMath.sigmoid(pre[preOff + 3 * hidden + j]);
      float cn = f * cPrev[cPrevOff + j] + i * g;
      float tc = FastMath.tanh(cn);
      gates[gatesOff + j] = i;
      gates[gatesOff + hidden + j] = f;
      gates[gatesOff + 2 * hidden + j] = g;
      gates[gatesOff + 3 * hidden + j] = o;
      c[cOff + j] = cn;
      tanhC[tanhCOff + j] = tc;
      h[hOff + j] = o * tc;
    }
  }

  @Override
  public void lstmBackwardRow(int hidden, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
      float[] tanhC, int tanhCOff, float[] dh, int dhOff, float[] dc, int dcOff,
      float[] dPre, int dPreOff) {
    lstmBackwardRange(hidden, 0, gates, gatesOff, cPrev, cPrevOff, tanhC, tanhCOff, dh, dhOff, dc, dcOff, dPre, dPreOff);
  }

  /** Columns [from, hidden) of {@link #lstmBackwardRow}: also the vector kernels' tail. */
  static void lstmBackwardRange(int hidden, int from, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
      float[] tanhC, int tanhCOff, float[] dh, int dhOff, float[] dc, int dcOff,
      float[] dPre, int dPreOff) {
    for (int j = from; j < hidden; j++) {
      float i = gates[gatesOff + j];
      float f = gates[gatesOff + hidden + j];
      float g = gates[gatesOff + 2 * hidden + j];
      float o = gates[gatesOff + 3 * hidden + j];
      float tc = tanhC[tanhCOff + j];
      float dhj = dh[dhOff + j];
      // dL/dc = carried dc + dh * o * tanh'(c)
      float dcj = dc[dcOff + j] + dhj * o * (1f - tc * tc);
      dPre[dPreOff + j] = dcj * g * i * (1f - i);                       // d pre_i
      dPre[dPreOff + hidden + j] = dcj * cPrev[cPrevOff + j] * f * (1f - f); // d pre_f
      dPre[dPreOff + 2 * hidden + j] = dcj * i * (1f - g * g);          // d pre_g
      dPre[dPreOff + 3 * hidden + j] = dhj * tc * o * (1f - o);         // d pre_o
      dc[dcOff + j] = dcj * f;                                          // d cPrev
    }
  }

  @Override
  public void gruForwardRow(int hidden, float[] pre, int preOff, float[] hn, int hnOff,
      float[] gates, int gatesOff, float[] hPrev, int hPrevOff, float[] h, int hOff) {
    gruForwardRange(hidden, 0, pre, preOff, hn, hnOff, gates, gatesOff, hPrev, hPrevOff, h, hOff);
  }

  /** Columns [from, hidden) of {@link #gruForwardRow}: also the vector kernels' tail. */
  static void gruForwardRange(int hidden, int from, float[] pre, int preOff, float[] hn, int hnOff,
      float[] gates, int gatesOff, float[] hPrev, int hPrevOff, float[] h, int hOff) {
    for (int j = from; j < hidden; j++) {
      float r = FastMath.sigmoid(pre[preOff + j]);
      float z = FastMath.sigmoid(pre[preOff + hidden + j]);
      float n = FastMath.tanh(pre[preOff + 2 * hidden + j] + r * hn[hnOff + j]);
      gates[gatesOff + j] = r;
      gates[gatesOff + hidden + j] = z;
      gates[gatesOff + 2 * hidden + j] = n;
      h[hOff + j] = (1f - z) * n + z * hPrev[hPrevOff + j];
    }
  }

  @Override
  public void gruBackwardRow(int hidden, float[] gates, int gatesOff, float[] hn, int hnOff,
      float[] hPrev, int hPrevOff, float[] dh, int dhOff, float[] dPre, int dPreOff,
      float[] dRec, int dRecOff, float[] dhPrevDirect, int dhPrevDirectOff) {
    gruBackwardRange(hidden, 0, gates, gatesOff, hn, hnOff, hPrev, hPrevOff, dh, dhOff, dPre, dPreOff, dRec, dRecOff, dhPrevDirect, dhPrevDirectOff);
  }

  /** Columns [from, hidden) of {@link #gruBackwardRow}: also the vector kernels' tail. */
  static void gruBackwardRange(int hidden, int from, float[] gates, int gatesOff, float[] hn, int hnOff,
      float[] hPrev, int hPrevOff, float[] dh, int dhOff, float[] dPre, int dPreOff,
      float[] dRec, int dRecOff, float[] dhPrevDirect, int dhPrevDirectOff) {
    for (int j = from; j < hidden; j++) {
      float r = gates[gatesOff + j];
      float z = gates[gatesOff + hidden + j];
      float n = gates[gatesOff + 2 * hidden + j];
      float dhj = dh[dhOff + j];
      float dpn = dhj * (1f - z) * (1f - n * n);                 // d pre_n (input part)
      float dpz = dhj * (hPrev[hPrevOff + j] - n) * z * (1f - z);  // d pre_z
      float dpr = dpn * hn[hnOff + j] * r * (1f - r);              // d pre_r
      dPre[dPreOff + j] = dpr;
      dPre[dPreOff + hidden + j] = dpz;
      dPre[dPreOff + 2 * hidden + j] = dpn;
      dRec[dRecOff + j] = dpr;
      dRec[dRecOff + hidden + j] = dpz;
      dRec[dRecOff + 2 * hidden + j] = dpn * r;                  // d (W_hn h + b_hn)
      dhPrevDirect[dhPrevDirectOff + j] = dhj * z;
    }
  }

  @Override
  public void tanh(int n, float[] x, int xOff, float[] y, int yOff) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] = FastMath.tanh(x[xOff + i]);
    }
  }

  @Override
  public void tanhBackward(int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
    for (int i = 0; i < n; i++) {
      float v = y[yOff + i];
      dx[dxOff + i] = dy[dyOff + i] * (1f - v * v);
    }
  }
}
