package org.rnn4j.internal.kernels;

/**
 * The deliberately naive twins of the kernels, in double precision: textbook loops straight from the
 * definitions in {@link Kernels}, with no blocking, no vectors, no shortcuts. Each returns the exact
 * (double) result so that tests can judge float kernels by their rounding error alone. Stateless and
 * thread-safe.
 *
 * <p>Legend: M, N, K GEMM sizes; H hidden size.
 */
final class NaiveKernels {
  private NaiveKernels() {
  }

  /** Element (i, p) of op(A) [M, K]. */
  static double opA(boolean transA, float[] a, int aOff, int lda, int i, int p) {
    return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
  }

  /** Element (p, j) of op(B) [K, N]. */
  static double opB(boolean transB, float[] b, int bOff, int ldb, int p, int j) {
    return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
  }

  /**
   * {@code alpha * op(A) op(B) + beta * C} as a fresh [M, N] double array (row-major, no padding);
   * with beta 0 the old C is ignored, as in BLAS. {@code absOut}, when not null, receives
   * {@code |alpha| * sum_p |A_ip B_pj| + |beta C_ij|}, the scale of the rounding error.
   */
  static double[] gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc, double[] absOut) {
    double[] out = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        double abs = 0;
        for (int p = 0; p < k; p++) {
          double prod = opA(transA, a, aOff, lda, i, p) * opB(transB, b, bOff, ldb, p, j);
          s += prod;
          abs += Math.abs(prod);
        }
        double old = beta == 0f ? 0 : (double) beta * c[cOff + i * ldc + j];
        out[i * n + j] = alpha * s + old;
        if (absOut != null) {
          absOut[i * n + j] = Math.abs(alpha) * abs + Math.abs(old);
        }
      }
    }
    return out;
  }

  static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /**
   * LSTM row forward, gate blocks i, f, g, o: returns {@code [gates 4H | c H | tanh(c) H | h H]}.
   * c = f*cPrev + i*g, h = o*tanh(c).
   */
  static double[] lstmForward(int hid, double[] pre, double[] cPrev) {
    double[] r = new double[7 * hid];
    for (int j = 0; j < hid; j++) {
      double i = sigmoid(pre[j]);
      double f = sigmoid(pre[hid + j]);
      double g = Math.tanh(pre[2 * hid + j]);
      double o = sigmoid(pre[3 * hid + j]);
      double c = f * cPrev[j] + i * g;
      r[j] = i;
      r[hid + j] = f;
      r[2 * hid + j] = g;
      r[3 * hid + j] = o;
      r[4 * hid + j] = c;
      r[5 * hid + j] = Math.tanh(c);
      r[6 * hid + j] = o * Math.tanh(c);
    }
    return r;
  }

  /**
   * LSTM row backward by the chain rule: returns {@code [dPre 4H | dcPrev H]} given the gates,
   * cPrev, tanh(c), the gradient dh of h and the gradient dc of c arriving from the next step.
   */
  static double[] lstmBackward(int hid, double[] gates, double[] cPrev, double[] tanhC, double[] dh,
      double[] dc) {
    double[] r = new double[5 * hid];
    for (int j = 0; j < hid; j++) {
      double i = gates[j];
      double f = gates[hid + j];
      double g = gates[2 * hid + j];
      double o = gates[3 * hid + j];
      double tc = tanhC[j];
      double dcTotal = dc[j] + dh[j] * o * (1 - tc * tc); // h = o tanh(c)
      r[j] = dcTotal * g * i * (1 - i); // c = f cPrev + i g
      r[hid + j] = dcTotal * cPrev[j] * f * (1 - f);
      r[2 * hid + j] = dcTotal * i * (1 - g * g);
      r[3 * hid + j] = dh[j] * tc * o * (1 - o);
      r[4 * hid + j] = dcTotal * f;
    }
    return r;
  }

  /**
   * GRU row forward (reset after the hidden product): returns {@code [gates 3H | h H]}. r, z from
   * their complete pre-activations, n = tanh(pre_n + r * hn), h = (1 - z) n + z hPrev.
   */
  static double[] gruForward(int hid, double[] pre, double[] hn, double[] hPrev) {
    double[] out = new double[4 * hid];
    for (int j = 0; j < hid; j++) {
      double r = sigmoid(pre[j]);
      double z = sigmoid(pre[hid + j]);
      double n = Math.tanh(pre[2 * hid + j] + r * hn[j]);
      out[j] = r;
      out[hid + j] = z;
      out[2 * hid + j] = n;
      out[3 * hid + j] = (1 - z) * n + z * hPrev[j];
    }
    return out;
  }

  /**
   * GRU row backward by the chain rule: returns {@code [dPre 3H | dRec 3H | dhPrevDirect H]}.
   * dRec's r and z blocks equal dPre's; its n block is the gradient of hn, {@code dPre_n * r}.
   */
  static double[] gruBackward(int hid, double[] gates, double[] hn, double[] hPrev, double[] dh) {
    double[] out = new double[7 * hid];
    for (int j = 0; j < hid; j++) {
      double r = gates[j];
      double z = gates[hid + j];
      double n = gates[2 * hid + j];
      double dn = dh[j] * (1 - z);
      double dPreN = dn * (1 - n * n);
      double dPreZ = dh[j] * (hPrev[j] - n) * z * (1 - z);
      double dPreR = dPreN * hn[j] * r * (1 - r);
      out[j] = dPreR;
      out[hid + j] = dPreZ;
      out[2 * hid + j] = dPreN;
      out[3 * hid + j] = dPreR;
      out[4 * hid + j] = dPreZ;
      out[5 * hid + j] = dPreN * r;
      out[6 * hid + j] = dh[j] * z;
    }
    return out;
  }
}
