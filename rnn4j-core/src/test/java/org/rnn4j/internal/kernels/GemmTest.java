package org.rnn4j.internal.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Both GEMM implementations against the naive double twin: all four transpose combinations, alpha
 * and beta in {1, 0, 0.5, -2}, offsets and leading dimensions larger than the rows, sizes from
 * {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 255, 257} so that every vector-width and register-block tail
 * is hit; and the row split between threads, which must not change a single bit.
 */
class GemmTest {

  static final int[] SIZES = {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 255, 257};
  static final float[] SCALARS = {1f, 0f, 0.5f, -2f};
  private static final float SENTINEL = 12345.678f;

  private static List<Kernels> providers() {
    return List.of(KernelProvider.scalar(), KernelProvider.vector());
  }

  /** One GEMM problem with padded, offset storage, and its check against the naive twin. */
  private static final class Problem {
    final boolean transA;
    final boolean transB;
    final int m;
    final int n;
    final int k;
    final float alpha;
    final float beta;
    final int aOff;
    final int lda;
    final int bOff;
    final int ldb;
    final int cOff;
    final int ldc;
    final float[] a;
    final float[] b;
    final float[] c0;

    Problem(SplittableRandom r, boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
        boolean padded) {
      this.transA = transA;
      this.transB = transB;
      this.m = m;
      this.n = n;
      this.k = k;
      this.alpha = alpha;
      this.beta = beta;
      int aRows = transA ? k : m;
      int aCols = transA ? m : k;
      int bRows = transB ? n : k;
      int bCols = transB ? k : n;
      aOff = padded ? r.nextInt(1, 6) : 0;
      lda = aCols + (padded ? r.nextInt(0, 4) : 0);
      bOff = padded ? r.nextInt(1, 6) : 0;
      ldb = bCols + (padded ? r.nextInt(0, 4) : 0);
      cOff = padded ? r.nextInt(1, 6) : 0;
      ldc = n + (padded ? r.nextInt(1, 4) : 0);
      a = fill(r, aOff + (aRows - 1) * lda + aCols + (padded ? 3 : 0));
      b = fill(r, bOff + (bRows - 1) * ldb + bCols + (padded ? 3 : 0));
      c0 = new float[cOff + (m - 1) * ldc + n + (padded ? 3 : 0)];
      Arrays.fill(c0, SENTINEL); // everything outside the C block must stay untouched
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          // beta 0 must ignore C entirely, NaN included (BLAS semantics)
          c0[cOff + i * ldc + j] = beta == 0f ? Float.NaN : (float) r.nextDouble(-1, 1);
        }
      }
    }

    private static float[] fill(SplittableRandom r, int len) {
      float[] v = new float[len];
      for (int i = 0; i < len; i++) {
        v[i] = (float) r.nextDouble(-1, 1);
      }
      return v;
    }

    float[] run(Kernels kernels) {
      float[] c = c0.clone();
      kernels.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return c;
    }

    /** The same product with op(B) packed first (at an offset, inside a larger array). */
    float[] runPacked(Kernels kernels) {
      float[] packed = new float[7 + kernels.packedSize(k, n) + 5];
      java.util.Arrays.fill(packed, Float.NaN);
      kernels.packB(transB, k, n, b, bOff, ldb, packed, 7);
      float[] c = c0.clone();
      kernels.gemmPacked(transA, m, n, k, alpha, a, aOff, lda, packed, 7, beta, c, cOff, ldc);
      return c;
    }

    /** Checks c against the naive twin; returns the worst error in units of the tolerance. */
    double check(float[] c, String who) {
      double[] abs = new double[m * n];
      double[] ref = NaiveKernels.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c0,
          cOff, ldc, abs);
      // Float summation of k products plus the alpha/beta steps: a few k ulps of the absolute sum.
      double unit = (k + 4) * Math.ulp(1f);
      double worst = 0;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double got = c[cOff + i * ldc + j];
          double tol = unit * abs[i * n + j] + 1e-30;
          double err = Math.abs(got - ref[i * n + j]);
          if (!(err <= tol)) {
            fail("%s gemm %s: C[%d, %d] = %s, naive %s (tolerance %s)", who, this, i, j, got, ref[i * n + j], tol);
          }
          worst = Math.max(worst, err / tol);
        }
      }
      for (int idx = 0; idx < c.length; idx++) {
        int rel = idx - cOff;
        boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
        if (!inside && Float.floatToRawIntBits(c[idx]) != Float.floatToRawIntBits(SENTINEL)) {
          fail("%s gemm %s: wrote outside C at flat index %d (%s)", who, this, idx, c[idx]);
        }
      }
      return worst;
    }

    @Override
    public String toString() {
      return String.format("%s%s m=%d n=%d k=%d alpha=%s beta=%s aOff=%d lda=%d bOff=%d ldb=%d cOff=%d ldc=%d",
          transA ? "T" : "N", transB ? "T" : "N", m, n, k, alpha, beta, aOff, lda, bOff, ldb, cOff, ldc);
    }
  }

  private static void checkAll(Problem p) {
    for (Kernels kernels : providers()) {
      float[] plain = p.run(kernels);
      p.check(plain, kernels.name());
      float[] packed = p.runPacked(kernels);
      p.check(packed, kernels.name() + " packed");
      if (p.transB && !p.transA && p.m < 4 && kernels != KernelProvider.scalar()) {
        continue; // the vector provider's NT matrix-vector path sums in another order (Kernels.gemmPacked)
      }
      for (int i = 0; i < plain.length; i++) {
        if (Float.floatToRawIntBits(plain[i]) != Float.floatToRawIntBits(packed[i])) {
          fail("%s gemm %s: flat index %d differs between gemm (%s) and packB + gemmPacked (%s)",
              kernels.name(), p, i, plain[i], packed[i]);
        }
      }
    }
  }

  @Test
  void smallAndTailSizesAllTransposesAllAlphaBeta() {
    SplittableRandom r = new SplittableRandom(1);
    int[] small = {1, 2, 3, 7, 15, 16, 17, 31, 33};
    int idx = 0;
    for (int m : small) {
      for (int n : small) {
        for (int k : small) {
          for (int t = 0; t < 4; t++) {
            // walk through the 16 (alpha, beta) pairs so that each meets every size many times
            float alpha = SCALARS[idx % 4];
            float beta = SCALARS[(idx / 4) % 4];
            idx++;
            checkAll(new Problem(r, (t & 1) != 0, (t & 2) != 0, m, n, k, alpha, beta, idx % 3 != 0));
          }
        }
      }
    }
  }

  @Test
  void largeSizesSampled() {
    SplittableRandom r = new SplittableRandom(2);
    // every large size in every position, with the others drawn from the whole list
    List<int[]> shapes = new ArrayList<>();
    for (int big : new int[] {100, 255, 257}) {
      for (int pos = 0; pos < 3; pos++) {
        for (int rep = 0; rep < 2; rep++) {
          int[] s = {SIZES[r.nextInt(SIZES.length)], SIZES[r.nextInt(SIZES.length)], SIZES[r.nextInt(8)]};
          s[pos] = big;
          shapes.add(s);
        }
      }
    }
    shapes.add(new int[] {257, 255, 33});
    shapes.add(new int[] {33, 257, 100});
    int idx = 0;
    for (int[] s : shapes) {
      for (int t = 0; t < 4; t++) {
        float alpha = SCALARS[idx % 4];
        float beta = SCALARS[(idx / 4) % 4];
        idx += 3;
        checkAll(new Problem(r, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], alpha, beta, true));
      }
    }
  }

  @Test
  void zeroSizesAndAlphaZeroOnlyScaleC() {
    Kernels[] ks = {KernelProvider.scalar(), KernelProvider.vector()};
    for (Kernels kernels : ks) {
      float[] c = {1f, 2f, 3f, 4f};
      kernels.gemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0.5f, c, 0, 2);
      assertThat(c).as(kernels.name()).containsExactly(0.5f, 1f, 1.5f, 2f);
      float[] nan = {Float.NaN, 1f};
      kernels.gemm(false, false, 1, 2, 1, 0f, new float[] {Float.NaN}, 0, 1, new float[] {1f, 1f}, 0, 2, 0f,
          nan, 0, 2);
      assertThat(nan).as(kernels.name()).containsExactly(0f, 0f);
    }
  }

  @Test
  void parallelSplitGivesTheSingleThreadedResultBitForBit() {
    RowParallel pool = RowParallel.shared();
    int before = pool.threads();
    Kernels vector = KernelProvider.vector();
    SplittableRandom r = new SplittableRandom(3);
    // m*n*k >= 2^20 triggers the split; odd m so the halves cut through a 4-row block
    int[][] shapes = {{301, 67, 65}, {257, 100, 63}, {1031, 33, 31}};
    try {
      int max = maxThreads(pool);
      if (max < 2) {
        System.out.println("GemmTest: one core only; the parallel split cannot run here");
      }
      for (int[] s : shapes) {
        assertThat((long) s[0] * s[1] * s[2]).isGreaterThanOrEqualTo(1L << 20);
        for (int t = 0; t < 4; t++) {
          Problem p = new Problem(r, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], -2f, 0.5f, true);
          float[] split = sameBitsAtOneAndAllThreads(pool, max, "gemm " + p, () -> p.run(vector));
          p.check(split, vector.name() + " split");
          p.check(p.run(KernelProvider.scalar()), "scalar");
        }
      }
    } finally {
      pool.setThreads(before);
    }
  }

  @Test
  void packedProductSplitByColumnsGivesTheSingleThreadedResultBitForBit() {
    // A time step's product: few rows, many packed columns (the vector provider splits B's panels
    // between the threads); K over two slabs with a tail, N with a column tail, odd M (8/4/1 groups)
    RowParallel pool = RowParallel.shared();
    int before = pool.threads();
    Kernels vector = KernelProvider.vector();
    SplittableRandom r = new SplittableRandom(5);
    // and one to three rows (a streaming step of a few streams, a one-sequence predict), split from
    // a smaller product than a row split is
    int[][] shapes = {{67, 1000, 600}, {64, 2048, 512}, {9, 4100, 300}, {192, 129, 70}, {1, 1024, 256},
        {2, 1030, 300}, {3, 2048, 129}, {1, 520, 130}, {3, 300, 100}};
    try {
      int max = maxThreads(pool);
      for (int[] s : shapes) {
        for (float beta : new float[] {0f, 1f, 0.5f}) {
          Problem p = new Problem(r, false, s[0] % 2 == 0, s[0], s[1], s[2], 1f, beta, true);
          float[] split = sameBitsAtOneAndAllThreads(pool, max, "packed gemm " + p, () -> p.runPacked(vector));
          p.check(split, vector.name() + " packed split");
        }
      }
    } finally {
      pool.setThreads(before);
    }
  }

  /**
   * Runs a product with 1 thread and with {@code max}, fails at the first element whose bits differ,
   * and returns the split result.
   */
  private static float[] sameBitsAtOneAndAllThreads(RowParallel pool, int max, String what,
      java.util.function.Supplier<float[]> product) {
    pool.setThreads(1);
    float[] single = product.get();
    pool.setThreads(max);
    float[] split = product.get();
    for (int i = 0; i < single.length; i++) {
      if (Float.floatToRawIntBits(single[i]) != Float.floatToRawIntBits(split[i])) {
        fail("%s: flat index %d differs between 1 thread (%s) and %d threads (%s)", what, i, single[i], max,
            split[i]);
      }
    }
    return split;
  }

  /** The pool's size (setThreads refuses more). */
  private static int maxThreads(RowParallel pool) {
    int n = pool.threads();
    while (true) {
      try {
        pool.setThreads(n + 1);
        n++;
      } catch (IllegalArgumentException e) {
        return n;
      }
    }
  }
}
