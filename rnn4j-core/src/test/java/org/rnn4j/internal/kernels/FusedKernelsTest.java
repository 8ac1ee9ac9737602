package org.rnn4j.internal.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused row kernels and the small vector helpers of both providers against the naive double
 * re-statements in {@link NaiveKernels}; hidden sizes 1, 3, 16, 17, 33 hit the full-vector and tail
 * paths at every lane count up to 16. The naive backward formulas are themselves checked against
 * central differences of the naive forward, so the oracle is not just the kernels' algebra copied.
 */
class FusedKernelsTest {

  private static final int[] HIDDEN = {1, 3, 16, 17, 33};
  /** Relative tolerance; the vector exp and tanh are within a few ulps of libm, not equal to it. */
  private static final double REL = 1e-5;
  private static final int OFF = 3; // every row sits at an offset inside a larger array

  private static List<Kernels> providers() {
    return List.of(KernelProvider.scalar(), KernelProvider.vector());
  }

  /** Pre-activations spread over the linear and saturated ranges, with a few extreme values. */
  private static double[] pre(SplittableRandom r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      int kind = r.nextInt(10);
      v[i] = kind == 0 ? r.nextDouble(-40, 40) : r.nextDouble(-4, 4);
    }
    return v;
  }

  private static double[] uniform(SplittableRandom r, int n, double bound) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextDouble(-bound, bound);
    }
    return v;
  }

  /** The float values, placed at OFF inside an array with NaN guards around them. */
  private static float[] place(double[] v) {
    float[] a = new float[v.length + 2 * OFF];
    Arrays.fill(a, Float.NaN);
    for (int i = 0; i < v.length; i++) {
      a[OFF + i] = (float) v[i];
    }
    return a;
  }

  /** What the kernels actually see: the float-rounded inputs, widened again. */
  private static double[] rounded(double[] v) {
    double[] o = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      o[i] = (float) v[i];
    }
    return o;
  }

  private static float[] out(int n) {
    float[] a = new float[n + 2 * OFF];
    Arrays.fill(a, -777f);
    return a;
  }

  /**
   * |actual - expected| <= REL * max(|expected|, 0.1): relative, with an absolute floor of 1e-6 for
   * values that come out of cancellations (c = f cPrev + i g, hPrev - n).
   */
  private static void check(String what, float[] actual, double[] expected, int from, int n) {
    for (int i = 0; i < n; i++) {
      double e = expected[from + i];
      double a = actual[OFF + i];
      if (!(Math.abs(a - e) <= REL * Math.max(Math.abs(e), 0.1))) {
        fail("%s[%d]: got %s, naive %s", what, i, a, e);
      }
    }
    // the guard cells around the row are untouched
    for (int i = 0; i < OFF; i++) {
      assertThat(actual[i]).as("%s: written before the row", what).isEqualTo(-777f);
      assertThat(actual[OFF + n + i]).as("%s: written after the row", what).isEqualTo(-777f);
    }
  }

  @Test
  void lstmRowsMatchTheNaiveEquations() {
    SplittableRandom r = new SplittableRandom(11);
    for (int hid : HIDDEN) {
      for (int rep = 0; rep < 3; rep++) {
        double[] pre = rounded(pre(r, 4 * hid));
        double[] cPrev = rounded(uniform(r, hid, 2));
        double[] fw = NaiveKernels.lstmForward(hid, pre, cPrev);
        double[] dh = rounded(uniform(r, hid, 1));
        double[] dcIn = rounded(uniform(r, hid, 1));
        for (Kernels k : providers()) {
          String who = k.name() + " H=" + hid;
          float[] gates = out(4 * hid);
          float[] c = out(hid);
          float[] tanhC = out(hid);
          float[] h = out(hid);
          k.lstmForwardRow(hid, place(pre), OFF, gates, OFF, place(cPrev), OFF, c, OFF, tanhC, OFF, h, OFF);
          check(who + " lstm gates", gates, fw, 0, 4 * hid);
          check(who + " lstm c", c, fw, 4 * hid, hid);
          check(who + " lstm tanh(c)", tanhC, fw, 5 * hid, hid);
          check(who + " lstm h", h, fw, 6 * hid, hid);
          // tanh(c) recomputed from c (as the backward does) gives the forward's very bits
          float[] again = out(hid);
          k.tanh(hid, c, OFF, again, OFF);
          assertThat(again).as(who + " tanh(c) again = the forward's tanh(c)").containsExactly(tanhC);

          // Backward from the same (float) gates and tanh(c) for both the kernel and the twin.
          double[] g = new double[4 * hid];
          double[] tc = new double[hid];
          for (int j = 0; j < 4 * hid; j++) {
            g[j] = gates[OFF + j];
          }
          for (int j = 0; j < hid; j++) {
            tc[j] = tanhC[OFF + j];
          }
          double[] bw = NaiveKernels.lstmBackward(hid, g, cPrev, tc, dh, dcIn);
          float[] dc = place(dcIn);
          float[] dPre = out(4 * hid);
          k.lstmBackwardRow(hid, place(g), OFF, place(cPrev), OFF, place(tc), OFF, place(dh), OFF, dc, OFF, dPre,
              OFF);
          check(who + " lstm dPre", dPre, bw, 0, 4 * hid);
          for (int j = 0; j < hid; j++) {
            double e = bw[4 * hid + j];
            assertThat(Math.abs(dc[OFF + j] - e)).as("%s lstm dcPrev[%d]", who, j)
                .isLessThanOrEqualTo(REL * Math.max(Math.abs(e), 0.1));
          }
        }
      }
    }
  }

  @Test
  void gruRowsMatchTheNaiveEquations() {
    SplittableRandom r = new SplittableRandom(12);
    for (int hid : HIDDEN) {
      for (int rep = 0; rep < 3; rep++) {
        double[] pre = rounded(pre(r, 3 * hid));
        double[] hn = rounded(uniform(r, hid, 2));
        double[] hPrev = rounded(uniform(r, hid, 1));
        double[] dh = rounded(uniform(r, hid, 1));
        double[] fw = NaiveKernels.gruForward(hid, pre, hn, hPrev);
        for (Kernels k : providers()) {
          String who = k.name() + " H=" + hid;
          float[] gates = out(3 * hid);
          float[] h = out(hid);
          k.gruForwardRow(hid, place(pre), OFF, place(hn), OFF, gates, OFF, place(hPrev), OFF, h, OFF);
          check(who + " gru gates", gates, fw, 0, 3 * hid);
          check(who + " gru h", h, fw, 3 * hid, hid);

          double[] g = new double[3 * hid];
          for (int j = 0; j < 3 * hid; j++) {
            g[j] = gates[OFF + j];
          }
          double[] bw = NaiveKernels.gruBackward(hid, g, hn, hPrev, dh);
          float[] dPre = out(3 * hid);
          float[] dRec = out(3 * hid);
          float[] dhPrev = out(hid);
          k.gruBackwardRow(hid, place(g), OFF, place(hn), OFF, place(hPrev), OFF, place(dh), OFF, dPre, OFF, dRec,
              OFF, dhPrev, OFF);
          check(who + " gru dPre", dPre, bw, 0, 3 * hid);
          check(who + " gru dRec", dRec, bw, 3 * hid, 3 * hid);
          check(who + " gru dhPrevDirect", dhPrev, bw, 6 * hid, hid);
        }
      }
    }
  }

  /** The naive backward formulas are the derivatives of the naive forward (central differences). */
  @Test
  void naiveBackwardIsTheDerivativeOfNaiveForward() {
    SplittableRandom r = new SplittableRandom(13);
    int hid = 3;
    double eps = 1e-6;
    // LSTM: L = sum(dh * h) + sum(dcIn * c) as a function of pre and cPrev
    double[] pre = uniform(r, 4 * hid, 3);
    double[] cPrev = uniform(r, hid, 2);
    double[] dh = uniform(r, hid, 1);
    double[] dcIn = uniform(r, hid, 1);
    double[] fw = NaiveKernels.lstmForward(hid, pre, cPrev);
    double[] bw = NaiveKernels.lstmBackward(hid, Arrays.copyOfRange(fw, 0, 4 * hid), cPrev,
        Arrays.copyOfRange(fw, 5 * hid, 6 * hid), dh, dcIn);
    java.util.function.BiFunction<double[], double[], Double> lstmLoss = (p, cp) -> {
      double[] f = NaiveKernels.lstmForward(hid, p, cp);
      double s = 0;
      for (int j = 0; j < hid; j++) {
        s += dh[j] * f[6 * hid + j] + dcIn[j] * f[4 * hid + j];
      }
      return s;
    };
    for (int j = 0; j < 4 * hid; j++) {
      double[] p1 = pre.clone();
      double[] p2 = pre.clone();
      p1[j] += eps;
      p2[j] -= eps;
      double num = (lstmLoss.apply(p1, cPrev) - lstmLoss.apply(p2, cPrev)) / (2 * eps);
      assertThat(bw[j]).as("lstm dPre[%d]", j).isCloseTo(num, org.assertj.core.data.Offset.offset(1e-8));
    }
    for (int j = 0; j < hid; j++) {
      double[] c1 = cPrev.clone();
      double[] c2 = cPrev.clone();
      c1[j] += eps;
      c2[j] -= eps;
      double num = (lstmLoss.apply(pre, c1) - lstmLoss.apply(pre, c2)) / (2 * eps);
      assertThat(bw[4 * hid + j]).as("lstm dcPrev[%d]", j).isCloseTo(num, org.assertj.core.data.Offset.offset(1e-8));
    }
    // GRU: L = sum(dh * h) as a function of pre, hn and hPrev (direct part)
    double[] gpre = uniform(r, 3 * hid, 3);
    double[] hn = uniform(r, hid, 2);
    double[] hPrev = uniform(r, hid, 1);
    double[] gfw = NaiveKernels.gruForward(hid, gpre, hn, hPrev);
    double[] gbw = NaiveKernels.gruBackward(hid, Arrays.copyOfRange(gfw, 0, 3 * hid), hn, hPrev, dh);
    double[][] args = {gpre, hn, hPrev};
    for (int which = 0; which < 3; which++) {
      for (int j = 0; j < args[which].length; j++) {
        double[][] plus = {gpre.clone(), hn.clone(), hPrev.clone()};
        double[][] minus = {gpre.clone(), hn.clone(), hPrev.clone()};
        plus[which][j] += eps;
        minus[which][j] -= eps;
        double lp = 0;
        double lm = 0;
        double[] fp = NaiveKernels.gruForward(hid, plus[0], plus[1], plus[2]);
        double[] fm = NaiveKernels.gruForward(hid, minus[0], minus[1], minus[2]);
        for (int q = 0; q < hid; q++) {
          lp += dh[q] * fp[3 * hid + q];
          lm += dh[q] * fm[3 * hid + q];
        }
        double num = (lp - lm) / (2 * eps);
        // pre -> dPre; hn -> dRec's n block; hPrev -> dhPrevDirect
        double analytic = which == 0 ? gbw[j] : which == 1 ? gbw[5 * hid + j] : gbw[6 * hid + j];
        assertThat(analytic).as("gru d%s[%d]", new String[] {"pre", "hn", "hPrev"}[which], j)
            .isCloseTo(num, org.assertj.core.data.Offset.offset(1e-8));
      }
    }
  }

  @Test
  void tanhAndItsBackward() {
    SplittableRandom r = new SplittableRandom(14);
    for (int n : GemmTest.SIZES) {
      double[] x = rounded(pre(r, n));
      double[] dy = rounded(uniform(r, n, 1));
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        y[i] = Math.tanh(x[i]);
      }
      double[] yf = rounded(y);
      double[] dx = new double[n];
      for (int i = 0; i < n; i++) {
        dx[i] = dy[i] * (1 - yf[i] * yf[i]);
      }
      for (Kernels k : providers()) {
        float[] out = out(n);
        k.tanh(n, place(x), OFF, out, OFF);
        check(k.name() + " tanh n=" + n, out, y, 0, n);
        float[] inPlace = place(x);
        k.tanh(n, inPlace, OFF, inPlace, OFF);
        for (int i = 0; i < n; i++) {
          assertThat(inPlace[OFF + i]).as("%s tanh in place", k.name()).isEqualTo(out[OFF + i]);
        }
        float[] d = out(n);
        k.tanhBackward(n, place(yf), OFF, place(dy), OFF, d, OFF);
        check(k.name() + " tanhBackward n=" + n, d, dx, 0, n);
      }
    }
  }

  @Test
  void dotAxpyAndColumnSums() {
    SplittableRandom r = new SplittableRandom(15);
    for (int n : GemmTest.SIZES) {
      double[] a = rounded(uniform(r, n, 1));
      double[] b = rounded(uniform(r, n, 1));
      double dot = 0;
      double abs = 0;
      for (int i = 0; i < n; i++) {
        dot += a[i] * b[i];
        abs += Math.abs(a[i] * b[i]);
      }
      float alpha = (float) r.nextDouble(-2, 2);
      double[] axpy = new double[n];
      for (int i = 0; i < n; i++) {
        axpy[i] = b[i] + (double) alpha * a[i];
      }
      for (Kernels k : providers()) {
        String who = k.name() + " n=" + n;
        float got = k.dot(place(a), OFF, place(b), OFF, n);
        assertThat(Math.abs(got - dot)).as("%s dot", who).isLessThanOrEqualTo((n + 2) * Math.ulp(1f) * abs + 1e-30);
        float[] y = place(b);
        k.axpy(n, alpha, place(a), OFF, y, OFF);
        for (int i = 0; i < n; i++) {
          double e = axpy[i];
          assertThat(Math.abs(y[OFF + i] - e)).as("%s axpy[%d]", who, i)
              .isLessThanOrEqualTo(2 * Math.ulp(1f) * (Math.abs(b[i]) + Math.abs(alpha * a[i])));
        }
        assertThat(y[OFF - 1]).isNaN();
        assertThat(y[OFF + n]).isNaN();
      }
    }
    for (int[] s : new int[][] {{1, 1}, {3, 17}, {7, 16}, {5, 33}, {31, 100}, {2, 257}}) {
      int rows = s[0];
      int cols = s[1];
      int lda = cols + 2;
      double[] a = rounded(uniform(r, 1 + rows * lda, 1));
      double[] start = rounded(uniform(r, cols, 1));
      double[] sums = start.clone();
      double[] abs = new double[cols];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          sums[j] += a[1 + i * lda + j];
          abs[j] += Math.abs(a[1 + i * lda + j]);
        }
      }
      for (Kernels k : providers()) {
        float[] o = place(start);
        k.addColumnSums(rows, cols, place(a), OFF + 1, lda, o, OFF);
        for (int j = 0; j < cols; j++) {
          assertThat(Math.abs(o[OFF + j] - sums[j])).as("%s column sums %dx%d [%d]", k.name(), rows, cols, j)
              .isLessThanOrEqualTo((rows + 2) * Math.ulp(1f) * (abs[j] + Math.abs(start[j])));
        }
        assertThat(o[OFF + cols]).isNaN();
      }
    }
  }
}
