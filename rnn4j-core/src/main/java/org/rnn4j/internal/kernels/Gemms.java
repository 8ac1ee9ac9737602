package org.rnn4j.internal.kernels;

/** Helpers shared by the GEMM implementations. Stateless and thread-safe. */
final class Gemms {
  private Gemms() {
  }

  /** {@code C = beta * C}; with beta 0 the old contents (NaN included) are discarded, as in BLAS. */
  static void scaleC(int m, int n, float beta, float[] c, int cOff, int ldc) {
    if (beta == 1f) {
      return;
    }
    for (int i = 0; i < m; i++) {
      int ci = cOff + i * ldc;
      if (beta == 0f) {
        java.util.Arrays.fill(c, ci, ci + n, 0f);
      } else {
        for (int j = 0; j < n; j++) {
          c[ci + j] *= beta;
        }
      }
    }
  }
}
