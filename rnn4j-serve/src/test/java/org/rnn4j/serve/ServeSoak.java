package org.rnn4j.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.Tensor;
import org.rnn4j.data.Dataset;
import org.rnn4j.io.ModelFiles;

/**
 * The serving soak (not a test; run by hand, see BENCHMARKS.md): a server on loopback fed for a fixed
 * time by clients that mix every kind of traffic: stateless requests as JSON and as binary tensor data,
 * each answer checked to the last bit against {@code predict}; streams fed to their end, each step
 * checked against {@code predict} on the sequence so far; streams abandoned to the idle timeout; and
 * streams whose connection closes. Every 30 s it collects the garbage and records the heap in use and
 * the live streams. Bounded: it stops after its seconds, and every request has a time limit.
 * Args: SECONDS (default 600).
 */
public final class ServeSoak {
  private static final int F = 16;
  private static final int T = 20;

  private ServeSoak() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 600;
    Model m = Sequential.features(F).lstm(128, o -> o.numLayers(2)).dense(4).build(5);
    Path dir = Files.createTempDirectory("serve-soak");
    ModelFiles.save(m, dir.resolve("m.rnn4j"), Map.of());
    ServeLimits d = ServeLimits.defaults();
    Harness h = new Harness(Map.of("m", dir.resolve("m.rnn4j")), null,
        new ServeLimits(32, 0, 256, d.maxRequestBytes(), 2, 1024, 1, 0, false));
    ServeMetrics.ModelMetrics mm = h.server.metrics().model("m", null, x -> 0, x -> 0);
    Streams streams = h.server.repository().get("m").streams;
    SplittableRandom r = new SplittableRandom(9);
    float[] x = InferenceServerTest.random(r, 4 * T * F);
    int[] lengths = {T, 7, 13, 1};
    float[] want = m.predict(Dataset.ofFeatures(new Tensor(x, 4, T, F), lengths, (Tensor) null)).data();
    float[] seq = Arrays.copyOf(x, 4 * F);
    float[][] wantSteps = new float[4][];
    for (int k = 1; k <= 4; k++) {
      wantSteps[k - 1] = m.predict(new Tensor(Arrays.copyOf(seq, k * F), 1, k, F)).data();
    }
    ObjectNode json = Harness.features(x, 4, T, F, lengths);
    ObjectNode head = Harness.F.objectNode();
    var inputs = head.putArray("inputs");
    Harness.binaryInput(inputs, "input", "FP32", 4L * x.length, 4, T, F);
    Harness.binaryInput(inputs, "lengths", "INT32", 4L * lengths.length, 4);
    head.putObject("parameters").put("binary_data_output", true);
    byte[] binary = Harness.concat(Harness.littleEndian(x), Harness.littleEndian(lengths));

    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong ids = new AtomicLong();
    List<String> firstFailures = java.util.Collections.synchronizedList(new ArrayList<>());
    long end = System.nanoTime() + (long) (seconds * 1e9);
    int clients = 4;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> all = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      final int kind = c;
      all.add(pool.submit(() -> {
        long i = 0;
        while (System.nanoTime() < end) {
          i++;
          try {
            boolean right;
            switch (kind) {
              case 0 -> right = Arrays.equals(Harness.output(h.post("/v2/models/m/infer", json).body()), want);
              case 1 -> right = Arrays.equals(Harness.floatsOf(h.postBinary("/v2/models/m/infer", head, binary)
                  .binary()), want);
              case 2 -> {
                // a stream fed one step at a time to its end
                String id = "s" + ids.incrementAndGet();
                right = true;
                for (int k = 0; k < 4; k++) {
                  float[] step = Arrays.copyOfRange(seq, k * F, (k + 1) * F);
                  Harness.Reply a = h.post("/v2/models/m/infer", StreamsTest.step(step, 1, F, id, k == 0, k == 3));
                  right &= a.status() == 200 && Arrays.equals(Harness.output(a.body()), wantSteps[k]);
                }
              }
              default -> {
                // every other time abandoned to the idle timeout, else dropped with its connection
                String id = "a" + ids.incrementAndGet();
                ObjectNode start = StreamsTest.step(Arrays.copyOf(seq, F), 1, F, id, true, false);
                if (i % 2 == 0) {
                  ((ObjectNode) start.get("parameters")).put("sequence_end_on_disconnect", false);
                  right = h.post("/v2/models/m/infer", start).status() == 200;
                } else {
                  StreamsTest.rawStep(h.server.port(), start.toString());
                  right = true;
                }
                Thread.sleep(20); // abandoned streams pile up to a few hundred between reaps, not thousands
              }
            }
            (right ? ok : failed).incrementAndGet();
            if (!right && firstFailures.size() < 5) {
              firstFailures.add("client " + kind + ": a wrong answer");
            }
          } catch (Exception | AssertionError e) {
            failed.incrementAndGet();
            if (firstFailures.size() < 5) {
              firstFailures.add("client " + kind + ": " + e);
            }
          }
        }
        return null;
      }));
    }
    var memory = ManagementFactory.getMemoryMXBean();
    System.out.printf(Locale.ROOT, "%8s %14s %12s %10s %10s %12s %10s%n", "seconds", "heap used MiB", "live streams",
        "answers", "failed", "ended:end", "timeout");
    long t0 = System.nanoTime();
    List<Double> heap = new ArrayList<>();
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(30_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      System.gc();
      System.gc();
      double used = memory.getHeapMemoryUsage().getUsed() / 1048576.0;
      heap.add(used);
      System.out.printf(Locale.ROOT, "%8.0f %14.1f %12d %10d %10d %12.0f %10.0f%n", (System.nanoTime() - t0) / 1e9,
          used, streams.live(), ok.get(), failed.get(), mm.streamsEnded("end"), mm.streamsEnded("timeout"));
    }
    for (Future<?> f : all) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdownNow();
    boolean drained = Harness.within(10_000, () -> streams.live() == 0);
    System.gc();
    System.gc();
    double last = memory.getHeapMemoryUsage().getUsed() / 1048576.0;
    System.out.printf(Locale.ROOT, "after the clients stopped: %d live streams (%s), heap used %.1f MiB%n",
        streams.live(), drained ? "all freed" : "NOT all freed", last);
    System.out.printf(Locale.ROOT, "answers %d, failed or wrong %d; streams freed: end %.0f, timeout %.0f,"
        + " disconnect %.0f%n", ok.get(), failed.get(), mm.streamsEnded("end"), mm.streamsEnded("timeout"),
        mm.streamsEnded("disconnect"));
    firstFailures.forEach(f -> System.out.println("  " + f));
    if (heap.size() >= 4) {
      System.out.printf(Locale.ROOT, "heap used after GC: first sample %.1f MiB, last %.1f MiB, largest %.1f MiB%n",
          heap.get(0), heap.get(heap.size() - 1), heap.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    }
    h.close();
  }
}
