package org.rnn4j.internal.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API ({@code jdk.incubator.vector}). Loaded only by {@link KernelProvider}
 * after it has checked that the module is readable; never referenced directly elsewhere.
 *
 * <p>GEMM: a register-blocked micro-kernel of 4 rows x 2 vectors of C, fused multiply-adds along K,
 * then 1-vector and scalar column tails and 1-row tails that use the same per-element arithmetic (FMA
 * in K order), so an element's value does not depend on which path or thread computed it. Large
 * products split their rows between the cores through {@link RowParallel}. Stateless and
 * thread-safe (the per-thread task object is never shared).
 */
final class VectorKernels implements Kernels {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** K block: 256 rows of a 2-vector B panel are 32 KB, inside L1. */
  private static final int KC = 256;
  /** Per-thread buffer for one packed B panel [KC, 2L]. */
  private static final ThreadLocal<float[]> PACKED = ThreadLocal.withInitial(() -> new float[KC * 2 * L]);
  /** Multiply-adds below which splitting a GEMM between threads costs more than it saves. */
  private static final long PARALLEL_MIN_MACS = 1L << 20;

  private final ThreadLocal<GemmTask> tasks = ThreadLocal.withInitial(GemmTask::new);

  @Override
  public String name() {
    return "vector(" + S.vectorBitSize() + "-bit, " + L + " lanes)";
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    if ((long) m * n * k >= PARALLEL_MIN_MACS && RowParallel.shared().threads() > 1) {
      GemmTask t = tasks.get();
      t.set(transA, transB, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      boolean ran = RowParallel.shared().tryRun(t, m);
      t.clear();
      if (ran) {
        return;
      }
    }
    gemmRows(transA, transB, 0, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  /** The reusable, per-thread body of a split GEMM: rows [start, end) of C. */
  private final class GemmTask implements RowParallel.RowTask {
    boolean transA, transB;
    int n, k, aOff, lda, bOff, ldb, cOff, ldc;
    float alpha, beta;
    float[] a, b, c;

    void set(boolean transA, boolean transB, int n, int k, float alpha, float[] a, int aOff,
        int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
      this.transA = transA;
      this.transB = transB;
      this.n = n;
      this.k = k;
      this.alpha = alpha;
      this.a = a;
      this.aOff = aOff;
      this.lda = lda;
      this.b = b;
      this.bOff = bOff;
      this.ldb = ldb;
      this.beta = beta;
      this.c = c;
      this.cOff = cOff;
      this.ldc = ldc;
    }

    void clear() {
      a = null;
      b = null;
      c = null;
    }

    @Override
    public void run(int rowStart, int rowEnd) {
      gemmRows(transA, transB, rowStart, rowEnd, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c,
          cOff, ldc);
    }
  }

  private void gemmRows(boolean transA, boolean transB, int i0, int i1, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    Gemms.scaleC(i1 - i0, n, beta, c, cOff + i0 * ldc, ldc);
    if (alpha == 0f || k == 0) {
      return;
    }
    if (transB) {
      gemmRowsNT(transA, i0, i1, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
      return;
    }
    // Element (i, p) of op(A) is at aOff + i*rs + p*ps.
    int rs = transA ? 1 : lda;
    int ps = transA ? lda : 1;
    // K in blocks of KC: a panel of B (KC x 2L floats, 32 KB) stays in L1 while every row block of
    // A passes over it; each block's partial sums are added into C.
    for (int kb = 0; kb < k; kb += KC) {
      int kc = Math.min(KC, k - kb);
      panels(i0, i1, n, kc, alpha, a, aOff + kb * ps, rs, ps, b, bOff + kb * ldb, ldb, c, cOff, ldc);
    }
  }

  /**
   * Rows [i0, i1) of C += alpha * op(A)[:, 0..kc) * B[0..kc, :], column panels outermost. Each panel
   * of B (kc x 2L) is first copied into a contiguous per-thread buffer: B's rows are often exactly
   * 4 or 8 KB apart (N = 4H floats), so walking down a panel in place maps every row to the same
   * cache sets and the panel never stays in L1; packed, it does (measured 1.5-2.3x on this
   * machine's per-step and input-projection shapes).
   */
  private static void panels(int i0, int i1, int n, int k, float alpha, float[] a, int aOff, int rs,
      int ps, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
    float[] pb = PACKED.get();
    int w = 2 * L;
    int j = 0;
    for (; j + w <= n; j += w) {
      for (int p = 0; p < k; p++) {
        System.arraycopy(b, bOff + p * ldb + j, pb, p * w, w);
      }
      int i = i0;
      for (; i + 6 <= i1; i += 6) {
        block6x2p(i, j, k, alpha, a, aOff, rs, ps, pb, c, cOff, ldc);
      }
      for (; i + 4 <= i1; i += 4) {
        // the packed panel as a "B" whose column j sits at offset 0 with row stride 2L
        block4x2(i, j, k, alpha, a, aOff, rs, ps, pb, -j, w, c, cOff, ldc);
      }
      for (; i < i1; i++) {
        block1(i, j, k, alpha, a, aOff, rs, ps, pb, -j, w, c, cOff, ldc);
        block1(i, j + L, k, alpha, a, aOff, rs, ps, pb, -j, w, c, cOff, ldc);
      }
    }
    for (; j + L <= n; j += L) {
      int i = i0;
      for (; i + 4 <= i1; i += 4) {
        block4x1(i, j, k, alpha, a, aOff, rs, ps, b, bOff, ldb, c, cOff, ldc);
      }
      for (; i < i1; i++) {
        block1(i, j, k, alpha, a, aOff, rs, ps, b, bOff, ldb, c, cOff, ldc);
      }
    }
    for (; j < n; j++) {
      for (int i = i0; i < i1; i++) {
        int ci = cOff + i * ldc + j;
        c[ci] = Math.fma(scalarDot(a, aOff + i * rs, ps, b, bOff + j, ldb, k), alpha, c[ci]);
      }
    }
  }

  /**
   * C[i..i+5, j..j+2L) += alpha * op(A)[i..i+5, :] * P, P the packed panel [k, 2L]: 12 accumulators,
   * FMA along K (the same per-element arithmetic as the 4-row and 1-row blocks).
   */
  private static void block6x2p(int i, int j, int k, float alpha, float[] a, int aOff, int rs, int ps,
      float[] pb, float[] c, int cOff, int ldc) {
    int a0 = aOff + i * rs;
    int a1 = a0 + rs;
    int a2 = a1 + rs;
    int a3 = a2 + rs;
    int a4 = a3 + rs;
    int a5 = a4 + rs;
    FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S);
    FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S);
    FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S);
    FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S);
    FloatVector s40 = FloatVector.zero(S), s41 = FloatVector.zero(S);
    FloatVector s50 = FloatVector.zero(S), s51 = FloatVector.zero(S);
    int w = 2 * L;
    for (int p = 0, bp = 0; p < k; p++, bp += w) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bp);
      FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
      int q = p * ps;
      FloatVector v = FloatVector.broadcast(S, a[a0 + q]);
      s00 = v.fma(b0, s00);
      s01 = v.fma(b1, s01);
      v = FloatVector.broadcast(S, a[a1 + q]);
      s10 = v.fma(b0, s10);
      s11 = v.fma(b1, s11);
      v = FloatVector.broadcast(S, a[a2 + q]);
      s20 = v.fma(b0, s20);
      s21 = v.fma(b1, s21);
      v = FloatVector.broadcast(S, a[a3 + q]);
      s30 = v.fma(b0, s30);
      s31 = v.fma(b1, s31);
      v = FloatVector.broadcast(S, a[a4 + q]);
      s40 = v.fma(b0, s40);
      s41 = v.fma(b1, s41);
      v = FloatVector.broadcast(S, a[a5 + q]);
      s50 = v.fma(b0, s50);
      s51 = v.fma(b1, s51);
    }
    int c0 = cOff + i * ldc + j;
    store(s00, alpha, c, c0);
    store(s01, alpha, c, c0 + L);
    store(s10, alpha, c, c0 + ldc);
    store(s11, alpha, c, c0 + ldc + L);
    store(s20, alpha, c, c0 + 2 * ldc);
    store(s21, alpha, c, c0 + 2 * ldc + L);
    store(s30, alpha, c, c0 + 3 * ldc);
    store(s31, alpha, c, c0 + 3 * ldc + L);
    store(s40, alpha, c, c0 + 4 * ldc);
    store(s41, alpha, c, c0 + 4 * ldc + L);
    store(s50, alpha, c, c0 + 5 * ldc);
    store(s51, alpha, c, c0 + 5 * ldc + L);
  }

  /** C[i..i+3, j..j+2L) += alpha * op(A)[i..i+3, :] * B[:, j..j+2L): 8 accumulators, FMA along K. */
  private static void block4x2(int i, int j, int k, float alpha, float[] a, int aOff, int rs, int ps,
      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
    int a0 = aOff + i * rs;
    int a1 = a0 + rs;
    int a2 = a1 + rs;
    int a3 = a2 + rs;
    FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S);
    FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S);
    FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S);
    FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S);
    int bp = bOff + j;
    for (int p = 0; p < k; p++, bp += ldb) {
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
      int q = p * ps;
      FloatVector v0 = FloatVector.broadcast(S, a[a0 + q]);
      s00 = v0.fma(b0, s00);
      s01 = v0.fma(b1, s01);
      FloatVector v1 = FloatVector.broadcast(S, a[a1 + q]);
      s10 = v1.fma(b0, s10);
      s11 = v1.fma(b1, s11);
      FloatVector v2 = FloatVector.broadcast(S, a[a2 + q]);
      s20 = v2.fma(b0, s20);
      s21 = v2.fma(b1, s21);
      FloatVector v3 = FloatVector.broadcast(S, a[a3 + q]);
      s30 = v3.fma(b0, s30);
      s31 = v3.fma(b1, s31);
    }
    int c0 = cOff + i * ldc + j;
    store(s00, alpha, c, c0);
    store(s01, alpha, c, c0 + L);
    store(s10, alpha, c, c0 + ldc);
    store(s11, alpha, c, c0 + ldc + L);
    store(s20, alpha, c, c0 + 2 * ldc);
    store(s21, alpha, c, c0 + 2 * ldc + L);
    store(s30, alpha, c, c0 + 3 * ldc);
    store(s31, alpha, c, c0 + 3 * ldc + L);
  }

  /** C[i..i+3, j..j+L) += alpha * op(A)[i..i+3, :] * B[:, j..j+L). */
  private static void block4x1(int i, int j, int k, float alpha, float[] a, int aOff, int rs, int ps,
      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
    int a0 = aOff + i * rs;
    int a1 = a0 + rs;
    int a2 = a1 + rs;
    int a3 = a2 + rs;
    FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
    FloatVector s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
    int bp = bOff + j;
    for (int p = 0; p < k; p++, bp += ldb) {
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      int q = p * ps;
      s0 = FloatVector.broadcast(S, a[a0 + q]).fma(b0, s0);
      s1 = FloatVector.broadcast(S, a[a1 + q]).fma(b0, s1);
      s2 = FloatVector.broadcast(S, a[a2 + q]).fma(b0, s2);
      s3 = FloatVector.broadcast(S, a[a3 + q]).fma(b0, s3);
    }
    int c0 = cOff + i * ldc + j;
    store(s0, alpha, c, c0);
    store(s1, alpha, c, c0 + ldc);
    store(s2, alpha, c, c0 + 2 * ldc);
    store(s3, alpha, c, c0 + 3 * ldc);
  }

  /** C[i, j..j+L) += alpha * op(A)[i, :] * B[:, j..j+L): the same per-element arithmetic. */
  private static void block1(int i, int j, int k, float alpha, float[] a, int aOff, int rs, int ps,
      float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
    int a0 = aOff + i * rs;
    FloatVector s0 = FloatVector.zero(S);
    int bp = bOff + j;
    for (int p = 0; p < k; p++, bp += ldb) {
      s0 = FloatVector.broadcast(S, a[a0 + p * ps]).fma(FloatVector.fromArray(S, b, bp), s0);
    }
    store(s0, alpha, c, cOff + i * ldc + j);
  }

  /** sum_p a[aStart + p*ps] * b[bStart + p*ldb], FMA in p order (as the vector lanes do it). */
  private static float scalarDot(float[] a, int aStart, int ps, float[] b, int bStart, int ldb, int k) {
    float s = 0f;
    for (int p = 0; p < k; p++) {
      s = Math.fma(a[aStart + p * ps], b[bStart + p * ldb], s);
    }
    return s;
  }

  private static void store(FloatVector acc, float alpha, float[] c, int off) {
    FloatVector old = FloatVector.fromArray(S, c, off);
    acc.fma(FloatVector.broadcast(S, alpha), old).intoArray(c, off);
  }

  /** op(B) = B^T: each C element is a dot product of contiguous rows (A row, B row). */
  private void gemmRowsNT(boolean transA, int i0, int i1, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
    for (int i = i0; i < i1; i++) {
      int ci = cOff + i * ldc;
      for (int j = 0; j < n; j++) {
        float s;
        if (transA) {
          s = scalarDot(a, aOff + i, lda, b, bOff + j * ldb, 1, k);
        } else {
          s = dot(a, aOff + i * lda, b, bOff + j * ldb, k);
        }
        c[ci + j] += alpha * s;
      }
    }
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    FloatVector acc = FloatVector.zero(S);
    int i = 0;
    for (; i + L <= n; i += L) {
      acc = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc);
    }
    float s = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      s = Math.fma(a[aOff + i], b[bOff + i], s);
    }
    return s;
  }

  @Override
  public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
    FloatVector av = FloatVector.broadcast(S, alpha);
    int i = 0;
    for (; i + L <= n; i += L) {
      FloatVector.fromArray(S, x, xOff + i).fma(av, FloatVector.fromArray(S, y, yOff + i))
          .intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
    }
  }

  @Override
  public void addColumnSums(int rows, int cols, float[] a, int aOff, int lda, float[] out, int outOff) {
    for (int r = 0; r < rows; r++) {
      int ar = aOff + r * lda;
      int j = 0;
      for (; j + L <= cols; j += L) {
        FloatVector.fromArray(S, out, outOff + j).add(FloatVector.fromArray(S, a, ar + j))
            .intoArray(out, outOff + j);
      }
      for (; j < cols; j++) {
        out[outOff + j] += a[ar + j];
      }
    }
  }

  @Override
  public void lstmForwardRow(int hidden, float[] pre, int preOff, float[] gates, int gatesOff,
      float[] cPrev, int cPrevOff, float[] c, int cOff, float[] tanhC, int tanhCOff,
      float[] h, int hOff) {
    // The same operations as ScalarKernels.lstmForwardRange, lane by lane (FastMath's polynomials):
    // identical bits. Activations run as separate loops, one activation per loop body: with all five
    // in one body the JIT stops inlining them and boxes the vectors (measured 10-100x slower).
    sigmoidRange(2 * hidden, pre, preOff, gates, gatesOff);
    tanhRange(hidden, pre, preOff + 2 * hidden, gates, gatesOff + 2 * hidden);
    sigmoidRange(hidden, pre, preOff + 3 * hidden, gates, gatesOff + 3 * hidden);
    int j = 0;
    for (; j + L <= hidden; j += L) {
      FloatVector i = FloatVector.fromArray(S, gates, gatesOff + j);
      FloatVector f = FloatVector.fromArray(S, gates, gatesOff + hidden + j);
      FloatVector g = FloatVector.fromArray(S, gates, gatesOff + 2 * hidden + j);
      f.mul(FloatVector.fromArray(S, cPrev, cPrevOff + j)).add(i.mul(g)).intoArray(c, cOff + j);
    }
    for (; j < hidden; j++) {
      c[cOff + j] = gates[gatesOff + hidden + j] * cPrev[cPrevOff + j]
          + gates[gatesOff + j] * gates[gatesOff + 2 * hidden + j];
    }
    tanhRange(hidden, c, cOff, tanhC, tanhCOff);
    j = 0;
    for (; j + L <= hidden; j += L) {
      FloatVector.fromArray(S, gates, gatesOff + 3 * hidden + j)
          .mul(FloatVector.fromArray(S, tanhC, tanhCOff + j)).intoArray(h, hOff + j);
    }
    for (; j < hidden; j++) {
      h[hOff + j] = gates[gatesOff + 3 * hidden + j] * tanhC[tanhCOff + j];
    }
  }

  private static void sigmoidRange(int n, float[] x, int xOff, float[] y, int yOff) {
    activationRange(false, n, x, xOff, y, yOff);
  }

  private static void tanhRange(int n, float[] x, int xOff, float[] y, int yOff) {
    activationRange(true, n, x, xOff, y, yOff);
  }

  /**
   * y[i] = sigmoid(x[i]) or, with {@code tanh}, tanh(x[i]) over n values (in place allowed):
   * {@link FastMath}'s operations lane by lane, so its bits. The exp is written out in this loop
   * rather than called: when several kernels inline into one caller, the JIT's node budget runs out
   * and a vector-typed helper left as a call boxes every vector it is passed (an allocation per
   * step); array-typed methods like this one cost nothing when left as calls. Both results are
   * computed and one is selected by a mask, not by a branch, for the same reason.
   */
  private static void activationRange(boolean tanh, int n, float[] x, int xOff, float[] y, int yOff) {
    VectorMask<Float> tanhLanes = FloatVector.broadcast(S, tanh ? 1f : 0f).compare(VectorOperators.NE, 0f);
    FloatVector one = FloatVector.broadcast(S, 1f);
    int i = 0;
    for (; i + L <= n; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, xOff + i);
      FloatVector ax = v.abs();
      // e = exp(-x) for the sigmoid, exp(2|x|) for tanh: FastMath.exp
      FloatVector e = v.neg().blend(ax.add(ax), tanhLanes).max(FastMath.EXP_LO).min(FastMath.EXP_HI);
      FloatVector t = e.fma(FloatVector.broadcast(S, FastMath.LOG2E), FloatVector.broadcast(S, FastMath.ROUND));
      FloatVector k = t.sub(FastMath.ROUND);
      FloatVector r = k.fma(FloatVector.broadcast(S, -FastMath.LN2_HI), e);
      r = k.fma(FloatVector.broadcast(S, -FastMath.LN2_LO), r);
      FloatVector p = FloatVector.broadcast(S, FastMath.E5).fma(r, FloatVector.broadcast(S, FastMath.E4));
      p = p.fma(r, FloatVector.broadcast(S, FastMath.E3));
      p = p.fma(r, FloatVector.broadcast(S, FastMath.E2));
      p = p.fma(r, FloatVector.broadcast(S, FastMath.E1));
      p = p.fma(r, FloatVector.broadcast(S, FastMath.E0));
      FloatVector scale = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23)
          .add(FastMath.EXP_BIAS_BITS).reinterpretAsFloats();
      e = p.fma(r.mul(r), r).add(1f).mul(scale);
      // q = 1 / (1 + e): the sigmoid itself, and tanh(|x|) = 1 - 2q for |x| >= 0.625
      FloatVector q = one.div(one.add(e));
      FloatVector large = one.sub(q.mul(2f));
      large = large.blend(large.neg(), v.compare(VectorOperators.LT, 0f));
      FloatVector z = v.mul(v);
      FloatVector sp = FloatVector.broadcast(S, FastMath.T4).fma(z, FloatVector.broadcast(S, FastMath.T3));
      sp = sp.fma(z, FloatVector.broadcast(S, FastMath.T2));
      sp = sp.fma(z, FloatVector.broadcast(S, FastMath.T1));
      sp = sp.fma(z, FloatVector.broadcast(S, FastMath.T0));
      FloatVector tanhV = large.blend(sp.mul(z).fma(v, v), ax.compare(VectorOperators.LT, FastMath.TANH_SMALL));
      q.blend(tanhV, tanhLanes).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = tanh ? FastMath.tanh(x[xOff + i]) : FastMath.sigmoid(x[xOff + i]);
    }
  }

  @Override
  public void lstmBackwardRow(int hidden, float[] gates, int gatesOff, float[] cPrev, int cPrevOff,
      float[] tanhC, int tanhCOff, float[] dh, int dhOff, float[] dc, int dcOff,
      float[] dPre, int dPreOff) {
    int j = 0;
    for (; j + L <= hidden; j += L) {
      FloatVector i = FloatVector.fromArray(S, gates, gatesOff + j);
      FloatVector f = FloatVector.fromArray(S, gates, gatesOff + hidden + j);
      FloatVector g = FloatVector.fromArray(S, gates, gatesOff + 2 * hidden + j);
      FloatVector o = FloatVector.fromArray(S, gates, gatesOff + 3 * hidden + j);
      FloatVector tc = FloatVector.fromArray(S, tanhC, tanhCOff + j);
      FloatVector dhj = FloatVector.fromArray(S, dh, dhOff + j);
      FloatVector one = FloatVector.broadcast(S, 1f);
      FloatVector dcj = FloatVector.fromArray(S, dc, dcOff + j)
          .add(dhj.mul(o).mul(one.sub(tc.mul(tc))));
      dcj.mul(g).mul(i).mul(one.sub(i)).intoArray(dPre, dPreOff + j);
      dcj.mul(FloatVector.fromArray(S, cPrev, cPrevOff + j)).mul(f).mul(one.sub(f))
          .intoArray(dPre, dPreOff + hidden + j);
      dcj.mul(i).mul(one.sub(g.mul(g))).intoArray(dPre, dPreOff + 2 * hidden + j);
      dhj.mul(tc).mul(o).mul(one.sub(o)).intoArray(dPre, dPreOff + 3 * hidden + j);
      dcj.mul(f).intoArray(dc, dcOff + j);
    }
    if (j < hidden) {
      ScalarKernels.lstmBackwardRange(hidden, j, gates, gatesOff, cPrev, cPrevOff, tanhC, tanhCOff, dh,
          dhOff, dc, dcOff, dPre, dPreOff);
    }
  }

  @Override
  public void gruForwardRow(int hidden, float[] pre, int preOff, float[] hn, int hnOff,
      float[] gates, int gatesOff, float[] hPrev, int hPrevOff, float[] h, int hOff) {
    // The same operations as ScalarKernels.gruForwardRange, lane by lane, one activation per loop
    // (see lstmForwardRow).
    sigmoidRange(2 * hidden, pre, preOff, gates, gatesOff);
    int n0 = gatesOff + 2 * hidden;
    int j = 0;
    for (; j + L <= hidden; j += L) {
      FloatVector.fromArray(S, pre, preOff + 2 * hidden + j)
          .add(FloatVector.fromArray(S, gates, gatesOff + j).mul(FloatVector.fromArray(S, hn, hnOff + j)))
          .intoArray(gates, n0 + j);
    }
    for (; j < hidden; j++) {
      gates[n0 + j] = pre[preOff + 2 * hidden + j] + gates[gatesOff + j] * hn[hnOff + j];
    }
    tanhRange(hidden, gates, n0, gates, n0);
    FloatVector one = FloatVector.broadcast(S, 1f);
    j = 0;
    for (; j + L <= hidden; j += L) {
      FloatVector z = FloatVector.fromArray(S, gates, gatesOff + hidden + j);
      one.sub(z).mul(FloatVector.fromArray(S, gates, n0 + j))
          .add(z.mul(FloatVector.fromArray(S, hPrev, hPrevOff + j))).intoArray(h, hOff + j);
    }
    for (; j < hidden; j++) {
      float z = gates[gatesOff + hidden + j];
      h[hOff + j] = (1f - z) * gates[n0 + j] + z * hPrev[hPrevOff + j];
    }
  }

  @Override
  public void gruBackwardRow(int hidden, float[] gates, int gatesOff, float[] hn, int hnOff,
      float[] hPrev, int hPrevOff, float[] dh, int dhOff, float[] dPre, int dPreOff,
      float[] dRec, int dRecOff, float[] dhPrevDirect, int dhPrevDirectOff) {
    int j = 0;
    FloatVector one = FloatVector.broadcast(S, 1f);
    for (; j + L <= hidden; j += L) {
      FloatVector r = FloatVector.fromArray(S, gates, gatesOff + j);
      FloatVector z = FloatVector.fromArray(S, gates, gatesOff + hidden + j);
      FloatVector n = FloatVector.fromArray(S, gates, gatesOff + 2 * hidden + j);
      FloatVector dhj = FloatVector.fromArray(S, dh, dhOff + j);
      FloatVector dpn = dhj.mul(one.sub(z)).mul(one.sub(n.mul(n)));
      FloatVector dpz = dhj.mul(FloatVector.fromArray(S, hPrev, hPrevOff + j).sub(n))
          .mul(z).mul(one.sub(z));
      FloatVector dpr = dpn.mul(FloatVector.fromArray(S, hn, hnOff + j)).mul(r).mul(one.sub(r));
      dpr.intoArray(dPre, dPreOff + j);
      dpz.intoArray(dPre, dPreOff + hidden + j);
      dpn.intoArray(dPre, dPreOff + 2 * hidden + j);
      dpr.intoArray(dRec, dRecOff + j);
      dpz.intoArray(dRec, dRecOff + hidden + j);
      dpn.mul(r).intoArray(dRec, dRecOff + 2 * hidden + j);
      dhj.mul(z).intoArray(dhPrevDirect, dhPrevDirectOff + j);
    }
    if (j < hidden) {
      ScalarKernels.gruBackwardRange(hidden, j, gates, gatesOff, hn, hnOff, hPrev, hPrevOff, dh, dhOff,
          dPre, dPreOff, dRec, dRecOff, dhPrevDirect, dhPrevDirectOff);
    }
  }

  @Override
  public void tanh(int n, float[] x, int xOff, float[] y, int yOff) {
    tanhRange(n, x, xOff, y, yOff);
  }

  @Override
  public void tanhBackward(int n, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff) {
    int i = 0;
    for (; i + L <= n; i += L) {
      FloatVector v = FloatVector.fromArray(S, y, yOff + i);
      FloatVector.fromArray(S, dy, dyOff + i).mul(v.mul(v).neg().add(1f)).intoArray(dx, dxOff + i);
    }
    for (; i < n; i++) {
      float v = y[yOff + i];
      dx[dxOff + i] = dy[dyOff + i] * (1f - v * v);
    }
  }
}
