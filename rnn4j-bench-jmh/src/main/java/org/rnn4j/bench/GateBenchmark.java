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

/**
 * The fused gate rows of one step, {@code B} rows of hidden size {@code H} (config B: 64 x 256,
 * config C: 64 x 512): LSTM and GRU forward (sigmoid/tanh by FMA polynomials) and LSTM backward.
 * Time per step, for all B rows, one thread. State is per benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class GateBenchmark {

  @Param({"64x256", "64x512"})
  public String rowsByHidden;

  private Kernels k;
  private int rows;
  private int hidden;
  private float[] pre;
  private float[] gates;
  private float[] prev;
  private float[] c;
  private float[] tanhC;
  private float[] h;
  private float[] dh;
  private float[] dc;
  private float[] dPre;

  @Setup
  public void setup() {
    String[] p = rowsByHidden.split("x");
    rows = Integer.parseInt(p[0]);
    hidden = Integer.parseInt(p[1]);
    k = KernelProvider.get();
    SplittableRandom r = new SplittableRandom(2);
    pre = new float[rows * 4 * hidden];
    for (int i = 0; i < pre.length; i++) {
      pre[i] = (float) r.nextDouble(-4, 4);
    }
    gates = new float[rows * 4 * hidden];
    prev = new float[rows * hidden];
    c = new float[rows * hidden];
    tanhC = new float[rows * hidden];
    h = new float[rows * hidden];
    dh = new float[rows * hidden];
    dc = new float[rows * hidden];
    dPre = new float[rows * 4 * hidden];
    for (int i = 0; i < prev.length; i++) {
      prev[i] = (float) r.nextDouble(-1, 1);
      dh[i] = (float) r.nextDouble(-1, 1);
    }
  }

  @Benchmark
  public float[] lstmForward() {
    for (int b = 0; b < rows; b++) {
      int g = b * 4 * hidden;
      int o = b * hidden;
      k.lstmForwardRow(hidden, pre, g, gates, g, prev, o, c, o, tanhC, o, h, o);
    }
    return h;
  }

  @Benchmark
  public float[] lstmBackward() {
    for (int b = 0; b < rows; b++) {
      int g = b * 4 * hidden;
      int o = b * hidden;
      k.lstmBackwardRow(hidden, gates, g, prev, o, tanhC, o, dh, o, dc, o, dPre, g);
    }
    return dPre;
  }

  @Benchmark
  public float[] gruForward() {
    for (int b = 0; b < rows; b++) {
      int g = b * 3 * hidden;
      int o = b * hidden;
      k.gruForwardRow(hidden, pre, g, prev, o, gates, g, prev, o, h, o);
    }
    return h;
  }
}
