package org.rnn4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.rnn4j.internal.kernels.KernelProvider;
import org.rnn4j.internal.kernels.Kernels;
import org.rnn4j.internal.kernels.RowParallel;

/**
 * The GEMM shapes of the benchmark configurations (ms per product; GFLOP/s = 2*M*N*K / time):
 * the input projection {@code [T*B, I] x [I, G*H]}, a step's recurrent product {@code [B, H] x [H,
 * G*H]} with W packed once ({@code gemmPacked}, as the engine does), the weight gradient
 * {@code [G*H, T*B]^T x [T*B, H]} (A transposed) and the ceiling shape {@code [6400, 256] x
 * [256, 1024]}; {@code threads} 1 or 2 (the kernels' row split). State is per benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class GemmBenchmark {

  /** M x K x N, transA (T or N), packed B (P or -). */
  @Param({"6400x256x1024-N-", "6400x512x2048-N-", "64x512x2048-NP", "64x256x1024-NP", "32x128x512-NP",
      "2048x6400x512-T-", "1600x32x512-N-"})
  public String shape;

  @Param({"1", "2"})
  public int threads;

  private Kernels k;
  private int m;
  private int n;
  private int kk;
  private boolean transA;
  private boolean packedB;
  private float[] a;
  private float[] b;
  private float[] packed;
  private float[] c;

  @Setup
  public void setup() {
    String[] parts = shape.split("-")[0].split("x");
    m = Integer.parseInt(parts[0]);
    kk = Integer.parseInt(parts[1]);
    n = Integer.parseInt(parts[2]);
    String flags = shape.substring(shape.indexOf('-') + 1);
    transA = flags.charAt(0) == 'T';
    packedB = flags.length() > 1 && flags.charAt(1) == 'P';
    k = KernelProvider.get();
    RowParallel.shared().setThreads(Math.min(threads, Runtime.getRuntime().availableProcessors()));
    SplittableRandom r = new SplittableRandom(1);
    a = random(r, m * kk);
    b = random(r, kk * n);
    c = new float[m * n];
    packed = new float[k.packedSize(kk, n)];
    k.packB(false, kk, n, b, 0, n, packed, 0);
  }

  private static float[] random(SplittableRandom r, int size) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) r.nextDouble(-1, 1);
    }
    return v;
  }

  @Benchmark
  public float[] gemm() {
    if (packedB) {
      k.gemmPacked(transA, m, n, kk, 1f, a, 0, transA ? m : kk, packed, 0, 0f, c, 0, n);
    } else {
      k.gemm(transA, false, m, n, kk, 1f, a, 0, transA ? m : kk, b, 0, n, 0f, c, 0, n);
    }
    return c;
  }
}
