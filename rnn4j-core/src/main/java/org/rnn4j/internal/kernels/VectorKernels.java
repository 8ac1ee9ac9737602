package org.rnn4j.internal.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API ({@code jdk.incubator.vector}). Loaded only by {@link KernelProvider}
 * after it has checked that the module is readable; never referenced directly elsewhere.
 *
 * <p>GEMM: op(A) = A is read in place, A^T (or alpha != 1) is first copied row-major per K block;
 * op(B) is packed into panels of two vectors' width (by {@link #packB} once for weights that serve
 * many products, else per call), and a register-blocked micro-kernel of 8 (or 4) rows x 2 vectors accumulates into C with one FMA per
 * product in K order; row groups of 4 and 1 and the column tails use the same per-element
 * arithmetic, so an element's value does not depend on which path or thread computed it. Large
 * products split their rows between the cores through {@link RowParallel}. Thread-safe: the task
 * objects and packing buffers are per thread.
 *
 * <p><b>Why this file repeats itself.</b> Every repeat below was kept because folding it costs time
 * on the hot path. The micro-kernels {@link #kernel8}, {@link #kernel4} and {@link #kernel1} keep
 * their accumulators in named locals: a loop over an array of accumulators, or a helper per row,
 * spills them to memory, and a vector-typed helper the JIT does not inline boxes its arguments. The
 * exp of {@link #sigmoidRange} and {@link #tanhRange} is written out in each: folded into one
 * vector-typed helper it measured 2x slower on the GRU forward rows (JMH {@code GateBenchmark}
 * 64x256, 44 us against 22 us, twice alternating; BENCHMARKS.md, 2026-12-07); the likely cause, not
 * profiled, is that the JIT leaves the helper as a call there. Each activation and gate function is its own loop (one body
 * holding them all runs out of the JIT's inlining budget and falls back to the Vector API's boxed
 * Java code, measured 10-100x slower), and each vector loop is followed by its scalar tail, which does
 * the same arithmetic lane by lane so that results do not depend on the lane count. Array-typed
 * helpers (the activation ranges) cost nothing when left as calls, and are used wherever they serve.
 */
final class VectorKernels implements Kernels {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** K block: a packed B panel of 256 x W floats stays in L1/L2 while every row group passes over it. */
  private static final int KC = 256;
  /** B panel width: two vectors (the micro-kernels' columns). */
  private static final int W = 2 * L;
  /** Rows per micro-kernel: 8 x 2 accumulators on 32 vector registers (AVX-512), 4 x 2 on 16. */
  private static final int MR = S.vectorBitSize() >= 512 ? 8 : 4;
  /** Row block of the GEMM's outer loop (a multiple of 8). */
  private static final int MC = 96;
  /** Below this many rows an NT product is computed as dot products on B's rows (see run). */
  private static final int GEMV_MAX_ROWS = 4;
  /** Multiply-adds of a one-row product above which its columns are split between the cores. */
  private static final long GEMV_PARALLEL_MIN_MACS = 1L << 16;
  /** Packed products with at most this many rows split their columns between the cores. */
  private static final int COLUMN_SPLIT_MAX_ROWS = 2 * MC;
  /** ... and at least this many elements of B (1 MB of floats: the size of one core's L2 here). */
  private static final long COLUMN_SPLIT_MIN_B = 1L << 18;
  /** Multiply-adds below which splitting a GEMM between threads costs more than it saves. */
  private static final long PARALLEL_MIN_MACS = 1L << 20;

  private final ThreadLocal<GemmTask> tasks = ThreadLocal.withInitial(GemmTask::new);

  @Override
  public String name() {
    return "vector(" + S.vectorBitSize() + "-bit, " + L + " lanes)";
  }

  @Override
  public int packedSize(int k, int n) {
    return k * n;
  }

  @Override
  public void packB(boolean transB, int k, int n, float[] b, int bOff, int ldb, float[] dst, int dOff) {
    for (int kb = 0; kb < k; kb += KC) {
      packSlab(transB, kb, Math.min(KC, k - kb), n, b, bOff, ldb, dst, dOff + kb * n);
    }
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
      float beta, float[] c, int cOff, int ldc) {
    run(transA, transB, false, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  @Override
  public void gemmPacked(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
      float[] packedB, int pOff, float beta, float[] c, int cOff, int ldc) {
    run(transA, false, true, m, n, k, alpha, a, aOff, lda, packedB, pOff, 0, beta, c, cOff, ldc);
  }

  private void run(boolean transA, boolean transB, boolean packed, int m, int n, int k, float alpha,
      float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
    // A few rows times a B^T stored row-major (a session's W x h, W_ih x x): dot products along
    // W's own rows beat packing all of W for one or two rows.
    boolean gemv = transB && !transA && !packed && m < GEMV_MAX_ROWS;
    if (gemv && m == 1 && (long) n * k >= GEMV_PARALLEL_MIN_MACS && RowParallel.shared().threads() > 1
        && alpha != 0f && k > 0) {
      // One row (a streaming step): split W's rows, i.e. C's columns, so that each core streams its
      // own half of W (which then stays in its L2 from step to step). Each column's arithmetic is
      // the same whichever thread computes it.
      Gemms.scaleC(1, n, beta, c, cOff, ldc);
      GemvTask t = gemvTasks.get();
      t.set(n, k, alpha, a, aOff, b, bOff, ldb, c, cOff);
      boolean ran = RowParallel.shared().tryRun(t, (n + 3) / 4);
      t.clear();
      if (ran) {
        return;
      }
      gemvRows(0, 1, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
      return;
    }
    int panels = (n + W - 1) / W;
    // A time step's product (B rows x G*H columns) with weights larger than a core's L2: split B's
    // panels, not A's rows, so that each core streams its own part of the packed weights (with a
    // row split every core reads all of them). Measured on 2 cores, 1 -> 2 threads: [64, 512] x
    // [512, 2048] 1.42x by rows, 1.75x by panels; but [32, 128] x [128, 512] (256 KB of weights,
    // in L2) 1.7x by rows and no gain by panels.
    // A product of fewer rows than a row split could share out splits by panels whatever the
    // weights' size, as a one-row dot-product step splits its columns.
    boolean byPanels = packed && !transA && alpha == 1f && m <= COLUMN_SPLIT_MAX_ROWS
        && ((long) k * n >= COLUMN_SPLIT_MIN_B || m < GEMV_MAX_ROWS)
        && panels >= 2 * RowParallel.shared().threads();
    // Split by panels, a product of a few rows pays off from where a one-row dot-product step's
    // does: each core then keeps its half of the weights in its own L2 from step to step.
    long splitFrom = byPanels ? GEMV_PARALLEL_MIN_MACS : PARALLEL_MIN_MACS;
    if ((long) m * n * k >= splitFrom && RowParallel.shared().threads() > 1) {
      GemmTask t = tasks.get();
      t.set(transA, transB, packed, gemv, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      t.panelRows = byPanels ? m : -1;
      boolean ran = RowParallel.shared().tryRun(t, byPanels ? panels : m);
      t.clear();
      if (ran) {
        return;
      }
    }
    gemmRows(transA, transB, packed, gemv, 0, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  }

  private static final VectorSpecies<Integer> I32 = VectorSpecies.of(int.class, S.vectorShape());
  /** Columns of one bf16 block: an int vector's lanes each hold two, column c and column c + L. */
  private static final int BF16_BLOCK = 2 * L;
  /** Blocks a one-row bf16 product sweeps at once: 8 float accumulators, enough to hide the FMA latency. */
  private static final int BF16_GROUP = 4;

  @Override
  public int packedBf16Size(int n, int k) {
    return (n + BF16_BLOCK - 1) / BF16_BLOCK * k * L;
  }

  /**
   * Blocks of {@code 2L} columns of W^T, each {@code [k, L]} ints contiguous over p: lane c of row p
   * of block b holds column {@code 2L*b + c} in its lower 16 bits and column {@code 2L*b + L + c} in
   * its upper 16 (zero past n). The product reads W^T row by row as W's own layout cannot: a
   * broadcast x[p] times whole vectors of columns, with no reduction across lanes, and one int load
   * gives two float vectors (a shift and a mask, both exact).
   */
  @Override
  public void packBf16(int n, int k, float[] w, int wOff, int ldw, int[] dst) {
    int blocks = (n + BF16_BLOCK - 1) / BF16_BLOCK;
    for (int b = 0; b < blocks; b++) {
      for (int p = 0; p < k; p++) {
        int o = (b * k + p) * L;
        for (int c = 0; c < L; c++) {
          int lo = b * BF16_BLOCK + c;
          int hi = lo + L;
          int vLo = lo < n ? Bf16.fromFloat(w[wOff + lo * ldw + p]) & 0xFFFF : 0;
          int vHi = hi < n ? Bf16.fromFloat(w[wOff + hi * ldw + p]) & 0xFFFF : 0;
          dst[o + c] = vHi << 16 | vLo;
        }
      }
    }
  }

  @Override
  public void gemvBf16(int n, int k, float[] x, int xOff, int[] packed, float beta, float[] y, int yOff) {
    int blocks = (n + BF16_BLOCK - 1) / BF16_BLOCK;
    int groups = (blocks + BF16_GROUP - 1) / BF16_GROUP;
    if ((long) n * k >= GEMV_PARALLEL_MIN_MACS && groups >= 2 && RowParallel.shared().threads() > 1) {
      // as the float32 one-row product: each core owns a fixed part of W's columns, which then stays
      // in its L2 from step to step
      Bf16Task t = bf16Tasks.get();
      t.set(n, k, x, xOff, packed, beta, y, yOff);
      boolean ran = RowParallel.shared().tryRun(t, groups);
      t.clear();
      if (ran) {
        return;
      }
    }
    gemvBf16Blocks(0, blocks, n, k, x, xOff, packed, beta, y, yOff);
  }

  /** Blocks [b0, b1) of {@link #gemvBf16}: four at a time, then one at a time. */
  private static void gemvBf16Blocks(int b0, int b1, int n, int k, float[] x, int xOff, int[] packed, float beta,
      float[] y, int yOff) {
    int stride = k * L; // ints per block
    float[] out = BF16_OUT.get();
    int b = b0;
    for (; b + BF16_GROUP <= b1; b += BF16_GROUP) {
      FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S);
      FloatVector a3 = FloatVector.zero(S), a4 = FloatVector.zero(S), a5 = FloatVector.zero(S);
      FloatVector a6 = FloatVector.zero(S), a7 = FloatVector.zero(S);
      int o0 = b * stride;
      int o1 = o0 + stride;
      int o2 = o1 + stride;
      int o3 = o2 + stride;
      for (int p = 0; p < k; p++) {
        FloatVector v = FloatVector.broadcast(S, x[xOff + p]);
        int q = p * L;
        IntVector w0 = IntVector.fromArray(I32, packed, o0 + q);
        IntVector w1 = IntVector.fromArray(I32, packed, o1 + q);
        IntVector w2 = IntVector.fromArray(I32, packed, o2 + q);
        IntVector w3 = IntVector.fromArray(I32, packed, o3 + q);
        a0 = v.fma(w0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a0);
        a1 = v.fma(w0.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats(), a1);
        a2 = v.fma(w1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a2);
        a3 = v.fma(w1.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats(), a3);
        a4 = v.fma(w2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a4);
        a5 = v.fma(w2.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats(), a5);
        a6 = v.fma(w3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a6);
        a7 = v.fma(w3.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats(), a7);
      }
      a0.intoArray(out, 0);
      a1.intoArray(out, L);
      a2.intoArray(out, 2 * L);
      a3.intoArray(out, 3 * L);
      a4.intoArray(out, 4 * L);
      a5.intoArray(out, 5 * L);
      a6.intoArray(out, 6 * L);
      a7.intoArray(out, 7 * L);
      storeBf16(out, BF16_GROUP * BF16_BLOCK, b * BF16_BLOCK, n, beta, y, yOff);
    }
    for (; b < b1; b++) {
      FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
      int o0 = b * stride;
      for (int p = 0; p < k; p++) {
        FloatVector v = FloatVector.broadcast(S, x[xOff + p]);
        IntVector w0 = IntVector.fromArray(I32, packed, o0 + p * L);
        a0 = v.fma(w0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats(), a0);
        a1 = v.fma(w0.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats(), a1);
      }
      a0.intoArray(out, 0);
      a1.intoArray(out, L);
      storeBf16(out, BF16_BLOCK, b * BF16_BLOCK, n, beta, y, yOff);
    }
  }

  /** y[col0 + i] = beta * y + sums[i] for the {@code count} columns from col0 that are below n. */
  private static void storeBf16(float[] sums, int count, int col0, int n, float beta, float[] y, int yOff) {
    int m = Math.min(count, n - col0);
    for (int i = 0; i < m; i++) {
      int at = yOff + col0 + i;
      y[at] = beta == 0f ? sums[i] : beta * y[at] + sums[i];
    }
  }

  /** Per-thread sums of one group of blocks on their way to y (nothing allocated per call). */
  private static final ThreadLocal<float[]> BF16_OUT =
      ThreadLocal.withInitial(() -> new float[BF16_GROUP * BF16_BLOCK]);

  private final ThreadLocal<Bf16Task> bf16Tasks = ThreadLocal.withInitial(Bf16Task::new);

  /** The reusable, per-thread body of {@link #gemvBf16} split by groups of blocks. */
  private static final class Bf16Task implements RowParallel.RowTask {
    int n, k, xOff, yOff;
    float beta;
    float[] x, y;
    int[] packed;

    void set(int n, int k, float[] x, int xOff, int[] packed, float beta, float[] y, int yOff) {
      this.n = n;
      this.k = k;
      this.x = x;
      this.xOff = xOff;
      this.packed = packed;
      this.beta = beta;
      this.y = y;
      this.yOff = yOff;
    }

    void clear() {
      x = null;
      packed = null;
      y = null;
    }

    @Override
    public void run(int groupStart, int groupEnd) {
      int blocks = (n + BF16_BLOCK - 1) / BF16_BLOCK;
      gemvBf16Blocks(groupStart * BF16_GROUP, Math.min(blocks, groupEnd * BF16_GROUP), n, k, x, xOff, packed,
          beta, y, yOff);
    }
  }

  private final ThreadLocal<GemvTask> gemvTasks = ThreadLocal.withInitial(GemvTask::new);

  /** The reusable, per-thread body of a one-row NT product split by columns, in groups of 4. */
  private static final class GemvTask implements RowParallel.RowTask {
    int n, k, aOff, bOff, ldb, cOff;
    float alpha;
    float[] a, b, c;

    void set(int n, int k, float alpha, float[] a, int aOff, float[] b, int bOff, int ldb, float[] c,
        int cOff) {
      this.n = n;
      this.k = k;
      this.alpha = alpha;
      this.a = a;
      this.aOff = aOff;
      this.b = b;
      this.bOff = bOff;
      this.ldb = ldb;
      this.c = c;
      this.cOff = cOff;
    }

    void clear() {
      a = null;
      b = null;
      c = null;
    }

    @Override
    public void run(int groupStart, int groupEnd) {
      gemvRows(0, 1, 4 * groupStart, Math.min(n, 4 * groupEnd), k, alpha, a, aOff, 0, b, bOff, ldb, c, cOff, 0);
    }
  }

  /**
   * The reusable, per-thread body of a split GEMM: rows [start, end) of C, or, when {@code panelRows}
   * is set (a packed product with alpha 1 and A not transposed), B's panels [start, end) over that
   * many rows.
   */
  private final class GemmTask implements RowParallel.RowTask {
    boolean transA, transB, packed, gemv;
    int panelRows = -1;
    int n, k, aOff, lda, bOff, ldb, cOff, ldc;
    float alpha, beta;
    float[] a, b, c;

    void set(boolean transA, boolean transB, boolean packed, boolean gemv, int n, int k, float alpha, float[] a,
        int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
      this.transA = transA;
      this.transB = transB;
      this.packed = packed;
      this.gemv = gemv;
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
      panelRows = -1;
    }

    @Override
    public void run(int start, int end) {
      if (panelRows >= 0) {
        // Split by B's panels: panels [start, end) of C's columns over all rows, the last with the
        // column tail. Each element gets the same FMA sequence as in the row split (its row group
        // and K blocks do not change).
        int j0 = start * W;
        int j1 = Math.min(n, end * W);
        Gemms.scaleC(panelRows, j1 - j0, beta, c, cOff + j0, ldc);
        for (int kb = 0; kb < k; kb += KC) {
          int kc = Math.min(KC, k - kb);
          multiplySlab(panelRows, n, j0, j1, kc, a, aOff + kb, lda, b, bOff + kb * n, c, cOff, ldc);
        }
      } else {
        gemmRows(transA, transB, packed, gemv, start, end, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c,
            cOff, ldc);
      }
    }
  }

  /**
   * Rows [i0, i1) of C. Per K block of KC: the rows of alpha * op(A) are packed into row groups (see
   * {@link #packA}), op(B)'s slab is taken pre-packed or packed now into this thread's buffer, and
   * every B panel (KC x W floats, 64 KB at most, in L1/L2) is swept by all row groups. Each C element
   * is updated as c = fma(a'[p], b[p], c) for p = 0, 1, ..., k-1 in every path (row group size,
   * column tail, K block, thread split), so no result depends on which path computed it.
   */
  private static void gemmRows(boolean transA, boolean transB, boolean packed, boolean gemv, int i0, int i1, int n,
      int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c,
      int cOff, int ldc) {
    Gemms.scaleC(i1 - i0, n, beta, c, cOff + i0 * ldc, ldc);
    if (alpha == 0f || k == 0 || i1 <= i0) {
      return;
    }
    if (gemv) {
      gemvRows(i0, i1, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
      return;
    }
    Buffers buf = BUFFERS.get();
    int rows = i1 - i0;
    // op(A) = A with alpha 1 is read in place (its rows are the micro-kernels' rows, K contiguous);
    // A^T, or any alpha != 1, is first copied into that row-major form with alpha folded in.
    boolean direct = !transA && alpha == 1f;
    float[] pa = direct ? null : buf.a(rows * Math.min(KC, k));
    for (int kb = 0; kb < k; kb += KC) {
      int kc = Math.min(KC, k - kb);
      if (!direct) {
        packA(transA, rows, kc, alpha, a, aOff, lda, i0, kb, pa);
      }
      float[] slab;
      int so;
      if (packed) {
        slab = b;
        so = bOff + kb * n;
      } else {
        slab = buf.b(kc * n);
        so = 0;
        packSlab(transB, kb, kc, n, b, bOff, ldb, slab, 0);
      }
      if (direct) {
        multiplySlab(rows, n, 0, n, kc, a, aOff + i0 * lda + kb, lda, slab, so, c, cOff + i0 * ldc, ldc);
      } else {
        multiplySlab(rows, n, 0, n, kc, pa, 0, kc, slab, so, c, cOff + i0 * ldc, ldc);
      }
    }
  }

  /**
   * Rows [i0, i1), columns [j0, j1) of C += alpha * A B^T as dot products of A's rows with four of B's rows at a time
   * (four independent accumulators hide the FMA latency; x is loaded once for four rows of W). Each
   * element: lane-wise FMA partial sums over whole vectors, reduced, then the K tail by scalar FMA.
   */
  private static void gemvRows(int i0, int i1, int j0, int j1, int k, float alpha, float[] a, int aOff,
      int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
    int kv = k - k % L;
    for (int i = i0; i < i1; i++) {
      int ai = aOff + i * lda;
      int ci = cOff + i * ldc;
      int j = j0;
      for (; j + 4 <= j1; j += 4) {
        int b0 = bOff + j * ldb;
        int b1 = b0 + ldb;
        int b2 = b1 + ldb;
        int b3 = b2 + ldb;
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
        for (int p = 0; p < kv; p += L) {
          FloatVector x = FloatVector.fromArray(S, a, ai + p);
          s0 = x.fma(FloatVector.fromArray(S, b, b0 + p), s0);
          s1 = x.fma(FloatVector.fromArray(S, b, b1 + p), s1);
          s2 = x.fma(FloatVector.fromArray(S, b, b2 + p), s2);
          s3 = x.fma(FloatVector.fromArray(S, b, b3 + p), s3);
        }
        c[ci + j] += alpha * dotTail(s0.reduceLanes(VectorOperators.ADD), a, ai, b, b0, kv, k);
        c[ci + j + 1] += alpha * dotTail(s1.reduceLanes(VectorOperators.ADD), a, ai, b, b1, kv, k);
        c[ci + j + 2] += alpha * dotTail(s2.reduceLanes(VectorOperators.ADD), a, ai, b, b2, kv, k);
        c[ci + j + 3] += alpha * dotTail(s3.reduceLanes(VectorOperators.ADD), a, ai, b, b3, kv, k);
      }
      for (; j < j1; j++) {
        int b0 = bOff + j * ldb;
        FloatVector s0 = FloatVector.zero(S);
        for (int p = 0; p < kv; p += L) {
          s0 = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, b0 + p), s0);
        }
        c[ci + j] += alpha * dotTail(s0.reduceLanes(VectorOperators.ADD), a, ai, b, b0, kv, k);
      }
    }
  }

  /** s + sum over p in [from, k) of a[ai + p] * b[bi + p], FMA in p order. */
  private static float dotTail(float s, float[] a, int ai, float[] b, int bi, int from, int k) {
    for (int p = from; p < k; p++) {
      s = Math.fma(a[ai + p], b[bi + p], s);
    }
    return s;
  }

  /** Per-thread packing buffers, grown on demand and kept (no allocation in steady state). */
  private static final class Buffers {
    private float[] a = new float[0];
    private float[] b = new float[0];

    float[] a(int size) {
      if (a.length < size) {
        a = new float[size];
      }
      return a;
    }

    float[] b(int size) {
      if (b.length < size) {
        b = new float[size];
      }
      return b;
    }
  }

  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  /**
   * Copies alpha * op(A)[i0 .. i0+rows, kb .. kb+kc) row-major into pa [rows, kc] (A^T's column
   * becomes a row: strided reads, in-order writes).
   */
  private static void packA(boolean transA, int rows, int kc, float alpha, float[] a, int aOff, int lda,
      int i0, int kb, float[] pa) {
    if (transA) {
      // 8 rows at a time: each p reads 8 adjacent floats and writes one to each row
      int r0 = 0;
      if (alpha == 1f) {
        for (; r0 + 8 <= rows; r0 += 8) {
          int d0 = r0 * kc, d1 = d0 + kc, d2 = d1 + kc, d3 = d2 + kc;
          int d4 = d3 + kc, d5 = d4 + kc, d6 = d5 + kc, d7 = d6 + kc;
          int src = aOff + kb * lda + i0 + r0;
          for (int p = 0; p < kc; p++, src += lda) {
            pa[d0 + p] = a[src];
            pa[d1 + p] = a[src + 1];
            pa[d2 + p] = a[src + 2];
            pa[d3 + p] = a[src + 3];
            pa[d4 + p] = a[src + 4];
            pa[d5 + p] = a[src + 5];
            pa[d6 + p] = a[src + 6];
            pa[d7 + p] = a[src + 7];
          }
        }
      }
      for (; r0 < rows; r0++) {
        int src = aOff + kb * lda + i0 + r0;
        int dst = r0 * kc;
        for (int p = 0; p < kc; p++) {
          pa[dst + p] = alpha * a[src + p * lda];
        }
      }
      return;
    }
    for (int r = 0; r < rows; r++) {
      int dst = r * kc;
      int src = aOff + (i0 + r) * lda + kb;
      for (int p = 0; p < kc; p++) {
        pa[dst + p] = alpha * a[src + p];
      }
    }
  }

  /** The height of the next row group when {@code remaining} rows are left. */
  private static int groupHeight(int remaining) {
    return remaining >= MR ? MR : remaining >= 4 ? 4 : 1;
  }

  /**
   * Packs rows [kb, kb+kc) of op(B) [k, n] as one slab: full panels of W columns, each [kc][W], then
   * the tail columns [kc][n mod W]. A whole packed matrix is its slabs one after another.
   */
  private static void packSlab(boolean transB, int kb, int kc, int n, float[] b, int bOff, int ldb,
      float[] dst, int dOff) {
    int full = n - n % W;
    int tail = n - full;
    for (int j = 0; j < full; j += W) {
      int base = dOff + j * kc;
      for (int p = 0; p < kc; p++) {
        if (transB) {
          for (int x = 0; x < W; x++) {
            dst[base + p * W + x] = b[bOff + (j + x) * ldb + kb + p];
          }
        } else {
          System.arraycopy(b, bOff + (kb + p) * ldb + j, dst, base + p * W, W);
        }
      }
    }
    int base = dOff + full * kc;
    for (int p = 0; p < kc; p++) {
      for (int x = 0; x < tail; x++) {
        dst[base + p * tail + x] = transB ? b[bOff + (full + x) * ldb + kb + p] : b[bOff + (kb + p) * ldb + full + x];
      }
    }
  }

  /**
   * C[rows, j0..j1) += A'[rows, kc] B[kc, j0..j1): A' row r at {@code a[aBase + r*rs ..]} (K
   * contiguous), B a slab of n columns at {@code so}; j0 is a multiple of W, and j1 is one too or n
   * (the column tail is done only when j1 = n).
   */
  private static void multiplySlab(int rows, int n, int j0, int j1, int kc, float[] a, int aBase, int rs,
      float[] slab, int so, float[] c, int cOff, int ldc) {
    int full = n - n % W;
    int jEnd = Math.min(j1, full);
    // Rows in blocks of MC (their A, MC x KC floats, stays in L2) while the B panels pass; MC is a
    // multiple of 8, so blocks cut between row groups.
    for (int ic = 0; ic < rows; ic += MC) {
      int icEnd = Math.min(rows, ic + MC);
      for (int j = j0; j < jEnd; j += W) {
        int bo = so + j * kc;
        int r0 = ic;
        while (r0 < icEnd) {
          int g = groupHeight(rows - r0);
          int co = cOff + r0 * ldc + j;
          int ao = aBase + r0 * rs;
          if (g == 8) {
            kernel8(kc, a, ao, rs, slab, bo, c, co, ldc);
          } else if (g == 4) {
            kernel4(kc, a, ao, rs, slab, bo, c, co, ldc);
          } else {
            kernel1(kc, a, ao, slab, bo, c, co);
          }
          r0 += g;
        }
      }
    }
    int tail = n - full;
    if (tail == 0 || j1 < n) {
      return;
    }
    int bo = so + full * kc;
    for (int r = 0; r < rows; r++) {
      int ao = aBase + r * rs;
      int co = cOff + r * ldc + full;
      int x = 0;
      for (; x + L <= tail; x += L) {
        FloatVector s = FloatVector.fromArray(S, c, co + x);
        for (int p = 0; p < kc; p++) {
          s = FloatVector.broadcast(S, a[ao + p]).fma(FloatVector.fromArray(S, slab, bo + p * tail + x), s);
        }
        s.intoArray(c, co + x);
      }
      for (; x < tail; x++) {
        float s = c[co + x];
        for (int p = 0; p < kc; p++) {
          s = Math.fma(a[ao + p], slab[bo + p * tail + x], s);
        }
        c[co + x] = s;
      }
    }
  }

  /**
   * C[8 rows, W cols] += A' B over kc, A' row r at pa[ao + r*rs ..]: 8 x 2 accumulators started from C, one FMA per product in K
   * order. Written out without helper calls: a vector-typed helper left as a call (the JIT's inlining
   * budget runs out in a body this size) boxes its arguments.
   */
  private static void kernel8(int kc, float[] pa, int ao, int rs, float[] pb, int bo, float[] c, int co,
      int ldc) {
    int a1 = rs, a2 = 2 * rs, a3 = 3 * rs, a4 = 4 * rs, a5 = 5 * rs, a6 = 6 * rs, a7 = 7 * rs;
    int c1 = co + ldc, c2 = c1 + ldc, c3 = c2 + ldc, c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc;
    FloatVector s00 = FloatVector.fromArray(S, c, co), s01 = FloatVector.fromArray(S, c, co + L);
    FloatVector s10 = FloatVector.fromArray(S, c, c1), s11 = FloatVector.fromArray(S, c, c1 + L);
    FloatVector s20 = FloatVector.fromArray(S, c, c2), s21 = FloatVector.fromArray(S, c, c2 + L);
    FloatVector s30 = FloatVector.fromArray(S, c, c3), s31 = FloatVector.fromArray(S, c, c3 + L);
    FloatVector s40 = FloatVector.fromArray(S, c, c4), s41 = FloatVector.fromArray(S, c, c4 + L);
    FloatVector s50 = FloatVector.fromArray(S, c, c5), s51 = FloatVector.fromArray(S, c, c5 + L);
    FloatVector s60 = FloatVector.fromArray(S, c, c6), s61 = FloatVector.fromArray(S, c, c6 + L);
    FloatVector s70 = FloatVector.fromArray(S, c, c7), s71 = FloatVector.fromArray(S, c, c7 + L);
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * W;
      FloatVector b0 = FloatVector.fromArray(S, pb, bp);
      FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
      int q = ao + p;
      FloatVector v = FloatVector.broadcast(S, pa[q]);
      s00 = v.fma(b0, s00);
      s01 = v.fma(b1, s01);
      v = FloatVector.broadcast(S, pa[q + a1]);
      s10 = v.fma(b0, s10);
      s11 = v.fma(b1, s11);
      v = FloatVector.broadcast(S, pa[q + a2]);
      s20 = v.fma(b0, s20);
      s21 = v.fma(b1, s21);
      v = FloatVector.broadcast(S, pa[q + a3]);
      s30 = v.fma(b0, s30);
      s31 = v.fma(b1, s31);
      v = FloatVector.broadcast(S, pa[q + a4]);
      s40 = v.fma(b0, s40);
      s41 = v.fma(b1, s41);
      v = FloatVector.broadcast(S, pa[q + a5]);
      s50 = v.fma(b0, s50);
      s51 = v.fma(b1, s51);
      v = FloatVector.broadcast(S, pa[q + a6]);
      s60 = v.fma(b0, s60);
      s61 = v.fma(b1, s61);
      v = FloatVector.broadcast(S, pa[q + a7]);
      s70 = v.fma(b0, s70);
      s71 = v.fma(b1, s71);
    }
    s00.intoArray(c, co);
    s01.intoArray(c, co + L);
    s10.intoArray(c, c1);
    s11.intoArray(c, c1 + L);
    s20.intoArray(c, c2);
    s21.intoArray(c, c2 + L);
    s30.intoArray(c, c3);
    s31.intoArray(c, c3 + L);
    s40.intoArray(c, c4);
    s41.intoArray(c, c4 + L);
    s50.intoArray(c, c5);
    s51.intoArray(c, c5 + L);
    s60.intoArray(c, c6);
    s61.intoArray(c, c6 + L);
    s70.intoArray(c, c7);
    s71.intoArray(c, c7 + L);
  }

  /** {@link #kernel8} for a group of 4 rows. */
  private static void kernel4(int kc, float[] pa, int ao, int rs, float[] pb, int bo, float[] c, int co,
      int ldc) {
    int a1 = rs, a2 = 2 * rs, a3 = 3 * rs;
    int c1 = co + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    FloatVector s00 = FloatVector.fromArray(S, c, co), s01 = FloatVector.fromArray(S, c, co + L);
    FloatVector s10 = FloatVector.fromArray(S, c, c1), s11 = FloatVector.fromArray(S, c, c1 + L);
    FloatVector s20 = FloatVector.fromArray(S, c, c2), s21 = FloatVector.fromArray(S, c, c2 + L);
    FloatVector s30 = FloatVector.fromArray(S, c, c3), s31 = FloatVector.fromArray(S, c, c3 + L);
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * W;
      FloatVector b0 = FloatVector.fromArray(S, pb, bp);
      FloatVector b1 = FloatVector.fromArray(S, pb, bp + L);
      int q = ao + p;
      FloatVector v = FloatVector.broadcast(S, pa[q]);
      s00 = v.fma(b0, s00);
      s01 = v.fma(b1, s01);
      v = FloatVector.broadcast(S, pa[q + a1]);
      s10 = v.fma(b0, s10);
      s11 = v.fma(b1, s11);
      v = FloatVector.broadcast(S, pa[q + a2]);
      s20 = v.fma(b0, s20);
      s21 = v.fma(b1, s21);
      v = FloatVector.broadcast(S, pa[q + a3]);
      s30 = v.fma(b0, s30);
      s31 = v.fma(b1, s31);
    }
    s00.intoArray(c, co);
    s01.intoArray(c, co + L);
    s10.intoArray(c, c1);
    s11.intoArray(c, c1 + L);
    s20.intoArray(c, c2);
    s21.intoArray(c, c2 + L);
    s30.intoArray(c, c3);
    s31.intoArray(c, c3 + L);
  }

  /** {@link #kernel8} for a single row. */
  private static void kernel1(int kc, float[] pa, int ao, float[] pb, int bo, float[] c, int co) {
    FloatVector s0 = FloatVector.fromArray(S, c, co), s1 = FloatVector.fromArray(S, c, co + L);
    for (int p = 0; p < kc; p++) {
      int bp = bo + p * W;
      FloatVector v = FloatVector.broadcast(S, pa[ao + p]);
      s0 = v.fma(FloatVector.fromArray(S, pb, bp), s0);
      s1 = v.fma(FloatVector.fromArray(S, pb, bp + L), s1);
    }
    s0.intoArray(c, co);
    s1.intoArray(c, co + L);
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

  /*
   * The activations below perform FastMath's operations lane by lane, so give its bits. Each is one
   * small loop with its exp written out: when the JIT's node budget runs out in a large body it
   * leaves some vector operations as calls, which then run the Vector API's boxed Java fallback
   * (seen: a JFR profile of a slow config A run showed one activation loop serving both functions
   * compiled to the fallback store, FloatVector.stOp; a vector-typed exp helper left as a call boxes
   * every vector it is passed). Array-typed methods like these cost nothing when left as calls.
   */

  /** y[i] = sigmoid(x[i]) = 1 / (1 + exp(-x[i])) over n values (in place allowed). */
  private static void sigmoidRange(int n, float[] x, int xOff, float[] y, int yOff) {
    FloatVector one = FloatVector.broadcast(S, 1f);
    int i = 0;
    for (; i + L <= n; i += L) {
      FloatVector e = FloatVector.fromArray(S, x, xOff + i).neg();
      // FastMath.exp. Clamp by compare and blend (float MIN/MAX fall back to boxed Java code on
      // JDK 17); NaN compares false and stays NaN, as in FastMath.
      e = e.blend(FastMath.EXP_LO, e.compare(VectorOperators.LT, FastMath.EXP_LO));
      e = e.blend(FastMath.EXP_HI, e.compare(VectorOperators.GT, FastMath.EXP_HI));
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
      one.div(one.add(e)).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = FastMath.sigmoid(x[xOff + i]);
    }
  }

  /**
   * y[i] = tanh(x[i]) over n values (in place allowed): the odd polynomial below |x| = 0.625, else
   * sign(x) (1 - 2 / (1 + exp(2|x|))); both are computed and one is selected by a mask, not a branch.
   */
  private static void tanhRange(int n, float[] x, int xOff, float[] y, int yOff) {
    FloatVector one = FloatVector.broadcast(S, 1f);
    int i = 0;
    for (; i + L <= n; i += L) {
      FloatVector v = FloatVector.fromArray(S, x, xOff + i);
      FloatVector ax = v.abs();
      FloatVector e = ax.add(ax);
      // FastMath.exp, as in sigmoidRange; 2|x| >= 0 never reaches the lower clamp (-87)
      e = e.blend(FastMath.EXP_HI, e.compare(VectorOperators.GT, FastMath.EXP_HI));
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
      FloatVector q = one.div(one.add(e));
      FloatVector large = one.sub(q.mul(2f));
      large = large.blend(large.neg(), v.compare(VectorOperators.LT, 0f));
      FloatVector z = v.mul(v);
      FloatVector sp = FloatVector.broadcast(S, FastMath.T4).fma(z, FloatVector.broadcast(S, FastMath.T3));
      sp = sp.fma(z, FloatVector.broadcast(S, FastMath.T2));
      sp = sp.fma(z, FloatVector.broadcast(S, FastMath.T1));
      sp = sp.fma(z, FloatVector.broadcast(S, FastMath.T0));
      large.blend(sp.mul(z).fma(v, v), ax.compare(VectorOperators.LT, FastMath.TANH_SMALL)).intoArray(y, yOff + i);
    }
    for (; i < n; i++) {
      y[yOff + i] = FastMath.tanh(x[xOff + i]);
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
    tanhRange(n, x, xOff, y, yOff); // the loop lstmForwardRow runs on c: the same bits
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
