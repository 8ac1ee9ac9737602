package org.rnn4j.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.rnn4j.Engine;
import org.rnn4j.Model;
import org.rnn4j.ModelSession;
import org.rnn4j.ModelStreams;
import org.rnn4j.Sequential;
import org.rnn4j.Tensor;
import org.rnn4j.cli.options.OneOf;
import org.rnn4j.cli.options.Range;
import org.rnn4j.data.Dataset;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Loss;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.RecurrentSpec;
import org.rnn4j.nn.Session;
import org.rnn4j.nn.WeightPrecision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rnn4j bench}: sequences per second of the five configurations of the peers' CONFIGS.md
 * (A-E), inference and training step, for LSTM/GRU/RNN and 1 or 2 threads, measured as the PyTorch
 * reference script measures them (warm-up, then the median of timed iterations). Not thread-safe (a
 * command runs once).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Measure rnn4j on the benchmark configurations A-E.",
        "Prints sequences per second and effective GFLOP/s."})
public final class BenchCommand implements Callable<Integer> {

  @OneOf({"A", "B", "C", "D", "E"})
  @Option(names = "--configs", paramLabel = "ID", split = ",", defaultValue = "A,B,C,D,E",
      description = "Configurations to run (default: ${DEFAULT-VALUE}).")
  List<String> configs;

  @OneOf({"LSTM", "GRU", "RNN"})
  @Option(names = "--cells", paramLabel = "CELL", split = ",", defaultValue = "LSTM,GRU,RNN",
      description = "Cells for configurations A-C and E (default: ${DEFAULT-VALUE}); D is LSTM.")
  List<String> cells;

  @Range(min = 1, max = 1024)
  @Option(names = "--threads", paramLabel = "N", split = ",", defaultValue = "1,2",
      description = "Thread counts (default: ${DEFAULT-VALUE}).")
  List<Integer> threads;

  @Range(min = 0, minExclusive = true, max = 86_400)
  @Option(names = "--seconds", paramLabel = "S", defaultValue = "4",
      description = "Timed seconds per case after warm-up (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--memory", description = "Instead of timing, print each case's memory: the bytes the"
      + " model and its buffers retain after a step (weights, gradients, saved activations, packed"
      + " weights) and the bytes one step allocates.")
  boolean memory;

  @Option(names = "--sweep", description = "Instead of A-E, time config B's LSTM training step for T in"
      + " {25, 50, 100, 200} (B = 64) and B in {16, 32, 64, 128} (T = 100), to show time linear in T and B.")
  boolean sweep;

  @Range(min = 1, max = 100_000)
  @Option(names = "--streams", paramLabel = "S[,S...]", split = ",",
      description = {"Instead of A-E, step S streams of config E's size together",
          "(ModelStreams, one batch per step) and S sessions one after the",
          "other (ModelSession), for each S, cell and thread count: steps per",
          "second of each and their ratio."})
  List<Integer> streams;

  @Range(min = 1, max = 8192)
  @Option(names = "--step-sizes", paramLabel = "H[,H...]", split = ",",
      description = {"Instead of A-E, time one streaming step (a session, B = 1) at",
          "I = H = each size, with float32 and with bfloat16 weights: steps",
          "per second of each, and the largest difference of h between them."})
  List<Integer> stepSizes;

  @OneOf({"inference", "training"})
  @Option(names = "--modes", paramLabel = "MODE", split = ",", defaultValue = "inference,training",
      description = "inference and/or training (default: ${DEFAULT-VALUE}).")
  List<String> modes;

  /** One configuration of CONFIGS.md. */
  record Config(String name, int inputSize, int hidden, int layers, int steps, int batch, int vocab) {
    long forwardFlops(CellType cell) {
      long total = 0;
      for (int l = 0; l < layers; l++) {
        int in = l == 0 ? inputSize : hidden;
        total += 2L * batch * (in + hidden) * cell.gates() * hidden * steps;
      }
      return total;
    }
  }

  static final Config A = new Config("A", 32, 128, 1, 50, 32, 0);
  static final Config B = new Config("B", 256, 256, 1, 100, 64, 0);
  static final Config C = new Config("C", 512, 512, 2, 100, 64, 0);
  static final Config D = new Config("D", 64, 512, 2, 100, 32, 65);
  static final Config E = new Config("E", 256, 256, 1, 1, 1, 0);

  @Override
  public Integer call() {
    int pool = Engine.threads();
    System.out.printf(Locale.ROOT, "# rnn4j kernels=%s cores=%d java=%s%n",
        Engine.kernelName(), Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    System.out.println("# name          cfg cell mode  thr  ms_median     ms_min     ms_max    n  seq_per_s  eff_GFLOPs");
    if (sweep) {
      for (int th : threads) {
        Engine.setThreads(checkThreads(th, pool));
        for (int t : new int[] {25, 50, 100, 200}) {
          run(new Config("B/T=" + t, B.inputSize(), B.hidden(), 1, t, B.batch(), 0), CellType.LSTM, true, th);
        }
        for (int b : new int[] {16, 32, 64, 128}) {
          run(new Config("B/B=" + b, B.inputSize(), B.hidden(), 1, B.steps(), b, 0), CellType.LSTM, true, th);
        }
      }
      Engine.setThreads(pool);
      return 0;
    }
    if (stepSizes != null) {
      return sweep("# step-sizes   cell thr      H  fp32_steps_per_s  bf16_steps_per_s  bf16/fp32  max_abs_h_diff",
          stepSizes, this::timeStepPrecisions, pool);
    }
    if (streams != null) {
      return sweep("# streams      cell thr      S  together_steps_per_s  one_by_one_steps_per_s  ratio",
          streams, this::timeStreams, pool);
    }
    for (int th : threads) {
      Engine.setThreads(checkThreads(th, pool));
      for (String cfgName : configs) {
        Config cfg = config(cfgName);
        List<CellType> cellTypes = new ArrayList<>();
        if (cfg == D) {
          cellTypes.add(CellType.LSTM);
        } else {
          for (String c : cells) {
            cellTypes.add(CellType.parse(c));
          }
        }
        for (CellType cell : cellTypes) {
          for (String mode : modes) {
            boolean training = mode.equalsIgnoreCase("training");
            if (!training && !mode.equalsIgnoreCase("inference")) {
              throw new IllegalArgumentException("--modes: expected inference or training, got '" + mode + "'");
            }
            if (cfg == E && training) {
              continue;
            }
            run(cfg, cell, training, th);
          }
        }
      }
    }
    Engine.setThreads(pool);
    return 0;
  }

  private static Workload workload(Config cfg, CellType cell) {
    return cfg == E ? new Streaming(cfg, cell) : new Batch(cfg, cell);
  }

  private static int checkThreads(int th, int pool) {
    if (th < 1 || th > pool) {
      throw new IllegalArgumentException("--threads: expected values in 1.." + pool + " (this JVM's pool;"
          + " set -Drnn4j.threads=N for more), got " + th);
    }
    return th;
  }

  private static Config config(String name) {
    switch (name.trim().toUpperCase(Locale.ROOT)) {
      case "A":
        return A;
      case "B":
        return B;
      case "C":
        return C;
      case "D":
        return D;
      case "E":
        return E;
      default:
        throw new IllegalArgumentException("--configs: expected letters among A,B,C,D,E, got '" + name + "'");
    }
  }

  private void run(Config cfg, CellType cell, boolean training, int th) {
    if (memory) {
      measureMemory(cfg, cell, training, th);
      return;
    }
    Workload w = workload(cfg, cell);
    Runnable body = training ? w::trainStep : w::infer;
    double[] ms = time(body, seconds);
    if (cfg == E) {
      for (int i = 0; i < ms.length; i++) {
        ms[i] /= Streaming.STEPS_PER_CALL;
      }
    }
    double median = ms[ms.length / 2];
    double seqPerSec = cfg.batch() * 1000.0 / median;
    double gflops = cfg.forwardFlops(cell) * (training ? 3.0 : 1.0) / (median * 1e6);
    // The columns of the peers' reference script, so one parser reads both.
    System.out.printf(Locale.ROOT, "%-14s %s %-4s %-5s %d %10.4f %10.4f %10.4f %4d %10.1f %8.1f%n", "rnn4j",
        cfg.name(), cell.name().replace("_TANH", ""), training ? "train" : "infer", th, median, ms[0],
        ms[ms.length - 1], ms.length, seqPerSec, gflops);
  }

  /**
   * S streams of one config-E-sized model (I 256, H 256, one layer, a Linear(256, 10) head) advanced
   * one step: all S together through {@link ModelStreams}, and one {@link ModelSession} per stream
   * stepped one after the other. The two alternate in rounds (3 of each), and each side's best median
   * is kept.
   */
  private void timeStreams(CellType cell, int s, int th) {
    Model model = Sequential.features(E.inputSize()).recurrent(cell, E.hidden(), o -> o)
        .dense(10).build(0);
    float[] x = Batch.uniform(new SplittableRandom(1), s * E.inputSize()).data();
    ModelStreams together = model.streams(s);
    int[] handles = new int[s];
    for (int i = 0; i < s; i++) {
      handles[i] = together.open();
    }
    ModelSession[] sessions = new ModelSession[s];
    float[][] rows = new float[s][];
    for (int i = 0; i < s; i++) {
      sessions[i] = model.session();
      rows[i] = Arrays.copyOfRange(x, i * E.inputSize(), (i + 1) * E.inputSize());
    }
    // enough streams per timed call that a call lasts well above the timer's resolution
    int calls = Math.max(1, 2000 / s);
    Runnable batched = () -> {
      for (int c = 0; c < calls; c++) {
        together.step(handles, s, x);
      }
    };
    Runnable separate = () -> {
      for (int c = 0; c < calls; c++) {
        for (int i = 0; i < s; i++) {
          sessions[i].step(rows[i]);
        }
      }
    };
    double[] best = alternate(batched, separate);
    double stepsTogether = (double) s * calls * 1000.0 / best[0];
    double stepsSeparate = (double) s * calls * 1000.0 / best[1];
    System.out.printf(Locale.ROOT, "%-14s %-4s %d %6d %21.0f %23.0f %6.2f%n", "rnn4j-streams",
        cell.name().replace("_TANH", ""), th, s, stepsTogether, stepsSeparate, stepsTogether / stepsSeparate);
  }

  /**
   * Times two bodies alternately, 3 rounds of a third of {@code --seconds} each, and returns each
   * one's best median in ms: this VM's speed drifts, so one side timed alone may catch a slow phase.
   */
  private double[] alternate(Runnable first, Runnable second) {
    double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
    for (int round = 0; round < 3; round++) {
      double[] a = time(first, seconds / 3.0);
      double[] b = time(second, seconds / 3.0);
      best[0] = Math.min(best[0], a[a.length / 2]);
      best[1] = Math.min(best[1], b[b.length / 2]);
    }
    return best;
  }

  /** A case of a sweep: one cell, one size, at a thread count already set. */
  private interface SweepCase {
    void run(CellType cell, int size, int threads);
  }

  /** Prints the header, then runs every (thread count, cell, size) case; the pool is set back after. */
  private int sweep(String header, List<Integer> sizes, SweepCase body, int pool) {
    System.out.println(header);
    for (int th : threads) {
      Engine.setThreads(checkThreads(th, pool));
      for (String c : cells) {
        for (int size : sizes) {
          body.run(CellType.parse(c), size, th);
        }
      }
    }
    Engine.setThreads(pool);
    return 0;
  }

  /**
   * One session step of a one-layer stack at I = H = {@code h}, float32 against bfloat16 weights,
   * alternating in rounds (3 of each, each side's best median kept); then both sessions read the
   * same 1,000 random steps from the zero state and the largest |h_bf16 - h_fp32| is printed.
   */
  private void timeStepPrecisions(CellType cell, int h, int th) {
    Recurrent rnn = new Recurrent(RecurrentSpec.builder(cell, h, h).build(), 0);
    Session fp32 = rnn.session();
    Session bf16 = rnn.session(WeightPrecision.BFLOAT16);
    SplittableRandom r = new SplittableRandom(1);
    float[] x = Batch.uniform(r, h).data();
    int calls = Math.max(1, (int) (4_000_000L / ((long) h * h)));
    Runnable a = () -> {
      for (int i = 0; i < calls; i++) {
        fp32.step(x);
      }
    };
    Runnable b = () -> {
      for (int i = 0; i < calls; i++) {
        bf16.step(x);
      }
    };
    double[] best = alternate(a, b);
    double bestA = best[0];
    double bestB = best[1];
    fp32.reset();
    bf16.reset();
    double worst = 0;
    for (int t = 0; t < 1000; t++) {
      float[] step = Batch.uniform(r, h).data();
      float[] ha = fp32.step(step);
      float[] hb = bf16.step(step);
      for (int i = 0; i < ha.length; i++) {
        worst = Math.max(worst, Math.abs(ha[i] - hb[i]));
      }
    }
    double stepsA = calls * 1000.0 / bestA;
    double stepsB = calls * 1000.0 / bestB;
    System.out.printf(Locale.ROOT, "%-14s %-4s %d %6d %17.0f %17.0f %10.2f %15.2e%n", "rnn4j-step",
        cell.name().replace("_TANH", ""), th, h, stepsA, stepsB, stepsB / stepsA, worst);
  }

  /**
   * Heap retained by a case after three steps (used heap after a full GC, minus the same before the
   * model was built) and bytes allocated per step by this thread: together an upper bound of the
   * live memory a step needs, comparable with a process's peak resident-set growth.
   */
  private static void measureMemory(Config cfg, CellType cell, boolean training, int th) {
    Runtime rt = Runtime.getRuntime();
    long before = usedAfterGc(rt);
    Workload w = workload(cfg, cell);
    Runnable body = training ? w::trainStep : w::infer;
    // enough steps for the JIT to compile the kernels (interpreted vector code allocates): with 3 s
    // alone, config C training (about 1 s a step) measured its third step still allocating, and
    // after 10 steps still 1 MB per step while a JFR allocation profile from 7 s on found nothing
    long warm = System.nanoTime();
    for (int n = 0; n < 10 || System.nanoTime() - warm < 15_000_000_000L; n++) {
      body.run();
    }
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long a0 = mx.getThreadAllocatedBytes(id);
    for (int i = 0; i < 3; i++) {
      body.run();
    }
    double perStep = (mx.getThreadAllocatedBytes(id) - a0) / 3.0;
    long retained = usedAfterGc(rt) - before;
    System.out.printf(Locale.ROOT, "# memory %-8s %s %-4s %-5s %d retained_MB=%.1f allocated_MB_per_step=%.2f%n",
        "rnn4j", cfg.name(), cell.name().replace("_TANH", ""), training ? "train" : "infer", th,
        retained / 1e6, perStep / 1e6);
    java.lang.ref.Reference.reachabilityFence(w); // the model must be live during the measurement
  }

  private static long usedAfterGc(Runtime rt) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  /**
   * Warm-up (>= 3 runs and >= 2 s: the JIT compiles the vector kernels while the first, slow runs go
   * by; with 0.5 s the first case of a JVM measured its own compilation), then timed runs (>= 5 and
   * >= seconds); sorted ms per run.
   */
  static double[] time(Runnable body, double seconds) {
    long t0 = System.nanoTime();
    int n = 0;
    while (n < 3 || System.nanoTime() - t0 < 2_000_000_000L) {
      body.run();
      n++;
    }
    double[] times = new double[16];
    int count = 0;
    t0 = System.nanoTime();
    while (count < 5 || System.nanoTime() - t0 < seconds * 1e9) {
      long s = System.nanoTime();
      body.run();
      if (count == times.length) {
        times = Arrays.copyOf(times, count * 2);
      }
      times[count++] = (System.nanoTime() - s) / 1e6;
    }
    double[] out = Arrays.copyOf(times, count);
    Arrays.sort(out);
    return out;
  }

  interface Workload {
    void infer();

    void trainStep();
  }

  /**
   * Configs A-D through the model API: recurrent stack and a Linear head, on the last step (A-C, MSE
   * against random targets [B, 10]) or on every step after an embedding (D, cross-entropy over all T*B
   * positions); the training step is zero grads + forward + loss + backward + one SGD update (lr 0.01).
   */
  static final class Batch implements Workload {
    final Model model;
    final Dataset data;
    final int[] order;
    final int batch;
    final float lr = 0.01f;
    long step;

    Batch(Config cfg, CellType cell) {
      SplittableRandom r = new SplittableRandom(0);
      int t = cfg.steps();
      int b = cfg.batch();
      batch = b;
      order = new int[b];
      for (int i = 0; i < b; i++) {
        order[i] = i;
      }
      if (cfg.vocab() > 0) {
        model = Sequential.embedding(cfg.vocab(), cfg.inputSize())
            .recurrent(cell, cfg.hidden(), o -> o.numLayers(cfg.layers()).returnSequences(true))
            .dense(cfg.vocab()).loss(Loss.CROSS_ENTROPY).build(0);
        int[] tokens = new int[b * t];
        int[] targets = new int[b * t];
        for (int i = 0; i < tokens.length; i++) {
          tokens[i] = r.nextInt(cfg.vocab());
          targets[i] = r.nextInt(cfg.vocab());
        }
        data = Dataset.ofTokens(tokens, b, t, null, targets);
      } else {
        model = Sequential.features(cfg.inputSize())
            .recurrent(cell, cfg.hidden(), o -> o.numLayers(cfg.layers()))
            .dense(10).loss(Loss.MSE).build(0);
        data = Dataset.ofFeatures(uniform(r, b, t, cfg.inputSize()), null, uniform(r, b, 10));
      }
    }

    private static Tensor uniform(SplittableRandom r, int... shape) {
      Tensor x = Tensor.zeros(shape);
      for (int i = 0; i < x.size(); i++) {
        x.data()[i] = (float) r.nextDouble(-1, 1);
      }
      return x;
    }

    @Override
    public void infer() {
      model.predict(data, batch);
    }

    @Override
    public void trainStep() {
      model.computeGradients(data, order, 0, batch, step++);
      float[] p = model.parameterValues();
      float[] g = model.parameterGradients();
      for (int i = 0; i < p.length; i++) {
        p[i] -= lr * g[i];
      }
    }
  }

  /** Config E: one step of a one-layer stack with carried state, B = 1, through a {@link Session}. */
  static final class Streaming implements Workload {
    /** Steps per timed call: one step is microseconds, below the timer's useful resolution. */
    static final int STEPS_PER_CALL = 100;
    final Session session;
    final float[] step;

    Streaming(Config cfg, CellType cell) {
      Recurrent rnn = new Recurrent(
          RecurrentSpec.builder(cell, cfg.inputSize(), cfg.hidden()).build(), 0);
      session = rnn.session();
      step = Batch.uniform(new SplittableRandom(1), cfg.inputSize()).data();
    }

    @Override
    public void infer() {
      for (int i = 0; i < STEPS_PER_CALL; i++) {
        session.step(step);
      }
    }

    @Override
    public void trainStep() {
      throw new UnsupportedOperationException("config E is inference only");
    }
  }
}
