package org.rnn4j.bench;

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
import org.rnn4j.internal.kernels.RowParallel;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.RecurrentSpec;
import org.rnn4j.nn.Session;

/**
 * Config E: one streaming step (B = 1, I = H = 256, state carried) through a {@link Session}. Run
 * with {@code -prof gc}: {@code gc.alloc.rate.norm} is the bytes allocated per step (0 expected).
 * State is per benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class SessionStepBenchmark {

  @Param({"LSTM", "GRU", "RNN_TANH"})
  public CellType cell;

  @Param({"1", "2"})
  public int threads;

  private Session session;
  private float[] x;

  @Setup
  public void setup() {
    RowParallel.shared().setThreads(Math.min(threads, Runtime.getRuntime().availableProcessors()));
    session = new Recurrent(RecurrentSpec.builder(cell, 256, 256).build(), 1).session();
    x = new float[256];
    java.util.Arrays.fill(x, 0.25f);
  }

  @Benchmark
  public float[] step() {
    return session.step(x);
  }
}
