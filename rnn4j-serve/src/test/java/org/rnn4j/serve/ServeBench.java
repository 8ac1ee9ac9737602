package org.rnn4j.serve;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.rnn4j.Model;
import org.rnn4j.ModelSession;
import org.rnn4j.Sequential;
import org.rnn4j.Tensor;
import org.rnn4j.data.Dataset;
import org.rnn4j.io.ModelFiles;

/**
 * The serving benchmark (not a test; run by hand, see BENCHMARKS.md): a config-B LSTM (I 256, H 256,
 * T 100, Linear(256, 10) on the last step) served on loopback; closed-loop clients at 1, 8 and 64,
 * one sequence per request, each for a fixed time, as JSON and as binary tensor data; beside in-process
 * batched {@code predict} at the batch sizes the server formed; and 1,000 streams stepped through the server's stream batcher
 * beside 1,000 sessions stepped one by one. Bounded: every phase stops after its seconds.
 */
public final class ServeBench {
  private static final String SERVED_SUM = "rnn4j_request_duration_seconds_sum{endpoint=\"infer\"";
  private static final String SERVED_COUNT = "rnn4j_request_duration_seconds_count{endpoint=\"infer\"";
  private static final String QUEUED_SUM = "rnn4j_queue_duration_seconds_sum{model=\"b\"";

  private ServeBench() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    Model m = Sequential.features(256).lstm(256).dense(10).build(1);
    Path dir = Files.createTempDirectory("serve-bench");
    Path file = dir.resolve("b.rnn4j");
    ModelFiles.save(m, file, Map.of());
    SplittableRandom r = new SplittableRandom(1);
    float[] x = new float[100 * 256];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextDouble(-1, 1);
    }
    // args: SECONDS [CLIENTS, e.g. 1,8,64] then any of: json | binary | json,binary (the encodings),
    // no-streams, streams-only
    List<String> flags = Arrays.asList(args).subList(Math.min(2, args.length), args.length);
    List<String> encodings = flags.contains("streams-only") ? List.of()
        : flags.stream().filter(f -> !f.startsWith("no-") && !f.equals("streams-only")).findFirst()
            .map(f -> Arrays.asList(f.split(","))).orElse(List.of("json", "binary"));
    String json = Harness.JSON.writeValueAsString(Harness.features(x, 1, 100, 256, null));
    com.fasterxml.jackson.databind.node.ObjectNode head = Harness.F.objectNode();
    Harness.binaryInput(head.putArray("inputs"), "input", "FP32", 4L * x.length, 1, 100, 256);
    head.putObject("parameters").put("binary_data_output", true);
    byte[] headBytes = Harness.JSON.writeValueAsBytes(head);
    byte[] binary = Harness.concat(headBytes, Harness.littleEndian(x));
    System.out.printf(Locale.ROOT, "request body %d bytes as JSON, %d as binary; %d cores; %s%n", json.length(),
        binary.length, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
    Path onnx = dir.resolve("b.onnx");
    org.rnn4j.interop.onnx.OnnxExport.write(m, false, onnx);
    ServeLimits d = ServeLimits.defaults();
    InferenceServer server = new InferenceServer(Map.of("b", file), null, new ServeLimits(64, 0, 1024,
        d.maxRequestBytes(), 60, 2048, 1, 0, false), new java.io.PrintWriter(System.err, true));
    server.start("127.0.0.1", 0);
    try {
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v2/models/b/infer");
      int[] clientCounts = args.length > 1 ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
          : new int[] {1, 8, 64};
      for (String encoding : encodings) {
        HttpRequest body = encoding.equals("binary")
            ? HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header(Protocol.HEADER_LENGTH, String.valueOf(headBytes.length))
                .POST(HttpRequest.BodyPublishers.ofByteArray(binary)).build()
            : HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        for (int clients : clientCounts) {
          clientRun(body, clients, 2); // warm-up
          double before = batchCount(server);
          double rowsBefore = batchRows(server);
          double served = metric(server, SERVED_SUM);
          double servedCount = metric(server, SERVED_COUNT);
          double queued = metric(server, QUEUED_SUM);
          java.util.TreeMap<Double, Double> bucketsBefore = buckets(server);
          long[] lat = clientRun(body, clients, seconds);
          double batches = batchCount(server) - before;
          double meanBatch = (batchRows(server) - rowsBefore) / batches;
          Arrays.sort(lat);
          double rps = lat.length / seconds;
          System.out.printf(Locale.ROOT, "server %s, clients %d: %.1f req/s, p50 %.2f ms, p99 %.2f ms, mean batch %.1f%n",
              encoding, clients, rps, lat[lat.length / 2] / 1e6, lat[(int) (lat.length * 0.99)] / 1e6, meanBatch);
          double requests = metric(server, SERVED_COUNT) - servedCount;
          System.out.printf(Locale.ROOT, "  in the server: %.2f ms a request from read to answer, %.2f ms of it queued%n",
              1e3 * (metric(server, SERVED_SUM) - served) / requests,
              1e3 * (metric(server, QUEUED_SUM) - queued) / requests);
          System.out.printf(Locale.ROOT, "  in the server: p50 at most %.2f ms, p99 at most %.2f ms (histogram buckets)%n",
              1e3 * quantile(bucketsBefore, buckets(server), 0.5), 1e3 * quantile(bucketsBefore, buckets(server), 0.99));
          int b = Math.max(1, (int) Math.round(meanBatch));
          long[] calls = predictCalls(m, x, b, seconds);
          double mean = Arrays.stream(calls).average().orElse(Double.NaN);
          Arrays.sort(calls);
          System.out.printf(Locale.ROOT, "  in-process predict, batch %d: %.1f seq/s; a batch: mean %.2f ms, p50 %.2f ms,"
              + " p99 %.2f ms%n", b, 1e9 * b / mean, mean / 1e6, calls[calls.length / 2] / 1e6,
              calls[(int) (calls.length * 0.99)] / 1e6);
          System.out.printf(Locale.ROOT, "  ONNX Runtime in-process, batch %d (bounds DJL Serving's ONNX engine): %.1f seq/s%n",
              b, ortRate(onnx, x, b, Math.min(4, seconds)));
        }
      }
      if (!flags.contains("no-streams")) {
        streams(m, seconds);
      }
    } finally {
      server.close();
    }
  }

  /** The infer requests' cumulative latency histogram: bucket upper bound (s) to count. */
  private static java.util.TreeMap<Double, Double> buckets(InferenceServer s) {
    String prefix = "rnn4j_request_duration_seconds_bucket{endpoint=\"infer\"";
    java.util.TreeMap<Double, Double> out = new java.util.TreeMap<>();
    s.metrics().scrape().lines().filter(l -> l.startsWith(prefix)).forEach(l -> {
      int at = l.indexOf("le=\"") + 4;
      String le = l.substring(at, l.indexOf('"', at));
      out.merge(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le),
          Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)), Double::sum);
    });
    return out;
  }

  /** The upper bound of the bucket holding quantile q of the requests between two scrapes. */
  private static double quantile(java.util.TreeMap<Double, Double> before, java.util.TreeMap<Double, Double> after,
      double q) {
    double total = after.lastEntry().getValue() - before.getOrDefault(after.lastKey(), 0.0);
    for (Map.Entry<Double, Double> e : after.entrySet()) {
      if (e.getValue() - before.getOrDefault(e.getKey(), 0.0) >= q * total) {
        return e.getKey();
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  private static double batchCount(InferenceServer s) {
    return metric(s, "rnn4j_batch_size_count{model=\"b\"}");
  }

  private static double batchRows(InferenceServer s) {
    return metric(s, "rnn4j_batch_size_sum{model=\"b\"}");
  }

  private static double metric(InferenceServer s, String prefix) {
    return s.metrics().scrape().lines().filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** Closed-loop clients for the given seconds; the latencies (ns) of the requests finished in time. */
  private static long[] clientRun(HttpRequest req, int clients, double seconds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long end = System.nanoTime() + (long) (seconds * 1e9);
    try {
      List<Future<List<Long>>> all = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        all.add(pool.submit(() -> {
          HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
          List<Long> lat = new ArrayList<>();
          while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> a = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (a.statusCode() != 200) {
              throw new IllegalStateException("answer " + a.statusCode() + ": "
                  + new String(a.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
            lat.add(System.nanoTime() - t0);
          }
          return lat;
        }));
      }
      List<Long> lat = new ArrayList<>();
      for (Future<List<Long>> f : all) {
        lat.addAll(f.get((long) seconds + 120, TimeUnit.SECONDS));
      }
      return lat.stream().mapToLong(Long::longValue).toArray();
    } finally {
      pool.shutdownNow();
    }
  }

  /** {@code b} copies of one request's sequence, as one batch's features {@code [b, 100, 256]}. */
  private static float[] repeated(float[] one, int b) {
    float[] xs = new float[b * one.length];
    for (int i = 0; i < b; i++) {
      System.arraycopy(one, 0, xs, i * one.length, one.length);
    }
    return xs;
  }

  /** Sequences a second through ONNX Runtime (default session options) at batch {@code b}. */
  private static double ortRate(Path onnx, float[] one, int b, double seconds) throws Exception {
    float[] xs = repeated(one, b);
    ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
    try (ai.onnxruntime.OrtSession s = env.createSession(onnx.toString(), new ai.onnxruntime.OrtSession.SessionOptions());
        ai.onnxruntime.OnnxTensor in = ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(xs),
            new long[] {b, 100, 256})) {
      String name = s.getInputNames().iterator().next();
      for (int w = 0; w < 3; w++) {
        s.run(Map.of(name, in)).close();
      }
      long n = 0;
      long t0 = System.nanoTime();
      long end = t0 + (long) (seconds * 1e9);
      while (System.nanoTime() < end) {
        s.run(Map.of(name, in)).close();
        n += b;
      }
      return n / ((System.nanoTime() - t0) / 1e9);
    }
  }

  /** Times of in-process {@code predict} calls at batch {@code b} for the given seconds, ns each. */
  private static long[] predictCalls(Model m, float[] one, int b, double seconds) {
    float[] xs = repeated(one, b);
    Dataset ds = Dataset.ofFeatures(new Tensor(xs, b, 100, 256), null, (Tensor) null);
    long end = System.nanoTime() + (long) (seconds * 1e9);
    List<Long> calls = new ArrayList<>();
    while (System.nanoTime() < end) {
      long t0 = System.nanoTime();
      m.predict(ds, b);
      calls.add(System.nanoTime() - t0);
    }
    return calls.stream().mapToLong(Long::longValue).toArray();
  }

  /** 1,000 streams, one step each per round, through the stream batcher, beside 1,000 sessions stepped one by one. */
  private static void streams(Model m, double seconds) throws Exception {
    int n = 1000;
    for (int maxBatch : new int[] {32, 1024}) {
      ServeLimits d = ServeLimits.defaults();
      ServeMetrics metrics = new ServeMetrics();
      Streams s = new Streams("b", m, new ServeLimits(maxBatch, 0, 1024, d.maxRequestBytes(), 600, 2048, 1, 0, false),
          metrics.model("b", null, z -> 0, z -> 0));
      SplittableRandom r = new SplittableRandom(2);
      float[] step = new float[256];
      for (int i = 0; i < step.length; i++) {
        step[i] = (float) r.nextDouble(-1, 1);
      }
      long steps = 0;
      long end = System.nanoTime() + (long) (seconds * 1e9);
      long t0 = 0;
      for (int round = 0; System.nanoTime() < end || round < 2; round++) {
        if (round == 1) {
          t0 = System.nanoTime(); // round 0 starts the streams and warms up
          steps = 0;
        }
        List<Rows> pending = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          Rows one = new Rows(1, 1, step, null, new int[] {1}, Long.MAX_VALUE);
          s.step("s" + i, round == 0, false, false, one, null);
          pending.add(one);
        }
        for (Rows one : pending) {
          one.result.get(60, TimeUnit.SECONDS);
        }
        steps += n;
      }
      double streamRate = steps / ((System.nanoTime() - t0) / 1e9);
      s.close();
      System.out.printf(Locale.ROOT, "1000 streams through the server's stream batcher (max batch %d): %.0f steps/s%n",
          maxBatch, streamRate);
    }
    List<ModelSession> sessions = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sessions.add(m.session());
    }
    float[] step = new float[256];
    Arrays.fill(step, 0.1f);
    long steps = 0;
    long t0 = System.nanoTime();
    long end = t0 + (long) (seconds * 1e9);
    while (System.nanoTime() < end) {
      for (ModelSession se : sessions) {
        se.step(step);
      }
      steps += n;
    }
    System.out.printf(Locale.ROOT, "1000 sessions stepped one by one: %.0f steps/s%n",
        steps / ((System.nanoTime() - t0) / 1e9));
    // the server's engine without the server: 1,000 streams of a ModelStreams stepped as one batch
    org.rnn4j.ModelStreams together = m.streams(n);
    int[] handles = new int[n];
    for (int i = 0; i < n; i++) {
      handles[i] = together.open();
    }
    float[] all = new float[n * 256];
    Arrays.fill(all, 0.1f);
    long stepped = 0;
    long m0 = System.nanoTime();
    long mEnd = m0 + (long) (seconds * 1e9);
    while (System.nanoTime() < mEnd) {
      together.step(handles, n, all);
      stepped += n;
    }
    System.out.printf(Locale.ROOT, "ModelStreams, 1000 streams stepped as one batch, in process: %.0f steps/s%n",
        stepped / ((System.nanoTime() - m0) / 1e9));
    // the ceiling of any stream batcher: the engine stepping the 1,000 rows one step, with no state to
    // move, in batches of the sizes above
    for (int b : new int[] {32, 1000}) {
      float[] rows = new float[b * 256];
      Arrays.fill(rows, 0.1f);
      Dataset ds = Dataset.ofFeatures(new Tensor(rows, b, 1, 256), null, (Tensor) null);
      long done = 0;
      long s0 = System.nanoTime();
      long until = s0 + (long) (seconds * 1e9);
      while (System.nanoTime() < until) {
        for (int i = 0; i < n; i += b) {
          m.predict(ds, b);
          done += b;
        }
      }
      System.out.printf(Locale.ROOT, "in-process predict of one step, batch %d (the ceiling): %.0f steps/s%n", b,
          done / ((System.nanoTime() - s0) / 1e9));
    }
  }
}
