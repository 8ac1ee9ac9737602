package org.rnn4j.internal.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * bfloat16 rounding against its definition, and the bf16 one-row product of both providers against
 * the naive double twin on the widened weights, at every vector tail, with offsets and beta, and at
 * one and all threads (which must give the same bits).
 */
class Bf16Test {

  @Test
  void roundsToTheNearestBf16TiesToEvenAndWidensExactly() {
    // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even mantissa (1)
    assertThat(Bf16.toFloat(Bf16.fromFloat(1f + 0x1p-8f))).isEqualTo(1f);
    // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 and 1 + 2^-6: to the even one, 1 + 2^-6
    assertThat(Bf16.toFloat(Bf16.fromFloat(1f + 3 * 0x1p-8f))).isEqualTo(1f + 0x1p-6f);
    // just above the halfway point rounds up
    assertThat(Bf16.toFloat(Bf16.fromFloat(Math.nextUp(1f + 0x1p-8f)))).isEqualTo(1f + 0x1p-7f);
    assertThat(Bf16.toFloat(Bf16.fromFloat(-2.5f))).isEqualTo(-2.5f); // representable: exact
    assertThat(Bf16.toFloat(Bf16.fromFloat(0f))).isEqualTo(0f);
    assertThat(Float.isNaN(Bf16.toFloat(Bf16.fromFloat(Float.NaN)))).isTrue();
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 10_000; i++) {
      float f = (float) r.nextDouble(-100, 100);
      float b = Bf16.toFloat(Bf16.fromFloat(f));
      // within half a unit of the 8-bit significand
      assertThat((double) Math.abs(b - f)).isLessThanOrEqualTo(Math.abs(f) * 0x1p-8);
      assertThat(Float.floatToRawIntBits(b) & 0xFFFF).isZero();
    }
  }

  @Test
  void bothProvidersMatchTheNaiveTwinAtEveryTail() {
    SplittableRandom r = new SplittableRandom(2);
    for (Kernels k : new Kernels[] {KernelProvider.scalar(), KernelProvider.vector()}) {
      for (int n : new int[] {1, 3, 4, 5, 17, 31, 32, 33, 64, 127, 128, 129, 200}) {
        for (int kk : new int[] {1, 7, 15, 16, 17, 33, 256, 257}) {
          for (float beta : new float[] {0f, 1f, 0.5f}) {
            check(k, r, n, kk, beta);
          }
        }
      }
    }
  }

  @Test
  void theSplitBetweenThreadsChangesNoBit() {
    RowParallel pool = RowParallel.shared();
    int before = pool.threads();
    try {
      SplittableRandom r = new SplittableRandom(3);
      int n = 1000; // a block and a group tail
      int kk = 256; // n * k above the split threshold
      float[] w = new float[n * kk];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) r.nextDouble(-1, 1);
      }
      float[] x = new float[kk];
      for (int i = 0; i < kk; i++) {
        x[i] = (float) r.nextDouble(-1, 1);
      }
      Kernels k = KernelProvider.vector();
      int[] packed = new int[k.packedBf16Size(n, kk)];
      k.packBf16(n, kk, w, 0, kk, packed);
      pool.setThreads(1);
      float[] one = new float[n];
      k.gemvBf16(n, kk, x, 0, packed, 0f, one, 0);
      pool.setThreads(before);
      float[] all = new float[n];
      k.gemvBf16(n, kk, x, 0, packed, 0f, all, 0);
      assertThat(all).containsExactly(one);
    } finally {
      pool.setThreads(before);
    }
  }

  /**
   * One problem: W [n, k] at an offset with a row stride above k, packed, multiplied; every column
   * against the double sum over the bf16-rounded weights, and a prefix of the columns (what GRU's
   * r and z product reads of a full-width packing) against the same.
   */
  private static void check(Kernels k, SplittableRandom r, int n, int kk, float beta) {
    int xOff = r.nextInt(0, 4);
    int wOff = r.nextInt(0, 4);
    int ldw = kk + r.nextInt(0, 3);
    int yOff = r.nextInt(0, 4);
    float[] x = new float[xOff + kk];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble(-1, 1);
    }
    float[] w = new float[wOff + n * ldw];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextDouble(-1, 1);
    }
    int[] packed = new int[k.packedBf16Size(n, kk)];
    k.packBf16(n, kk, w, wOff, ldw, packed);
    for (int cols : new int[] {n, Math.max(1, n / 2)}) {
      float[] y = new float[yOff + n + 2];
      for (int i = 0; i < y.length; i++) {
        y[i] = (float) r.nextDouble(-1, 1);
      }
      float[] y0 = y.clone();
      k.gemvBf16(cols, kk, x, xOff, packed, beta, y, yOff);
      for (int j = 0; j < cols; j++) {
        double s = 0;
        double abs = 0;
        for (int p = 0; p < kk; p++) {
          double t = (double) x[xOff + p] * Bf16.toFloat(Bf16.fromFloat(w[wOff + j * ldw + p]));
          s += t;
          abs += Math.abs(t);
        }
        double expected = (beta == 0f ? 0 : beta * (double) y0[yOff + j]) + s;
        double tol = (kk + 4) * Math.ulp(1f) * (abs + Math.abs(y0[yOff + j])) + 1e-30;
        assertThat((double) y[yOff + j]).as("%s n=%d k=%d beta=%s cols=%d column %d", k.name(), n, kk, beta,
            cols, j).isCloseTo(expected, org.assertj.core.data.Offset.offset(tol));
      }
      // nothing outside y[yOff .. yOff + cols) is written
      for (int i = 0; i < y.length; i++) {
        if (i < yOff || i >= yOff + cols) {
          assertThat(y[i]).as("y[%d] outside the columns", i).isEqualTo(y0[i]);
        }
      }
    }
  }
}
