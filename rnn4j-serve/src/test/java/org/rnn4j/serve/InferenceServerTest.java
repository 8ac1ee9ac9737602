package org.rnn4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.Tensor;
import org.rnn4j.data.Dataset;
import org.rnn4j.io.ModelFiles;

/**
 * The Open Inference Protocol endpoints of a server started in-process on a loopback port, driven by
 * a real HTTP client: metadata, inference equal to {@code Model.predict} to the last bit (alone and
 * under concurrent load), the refusals, the queue limits, and the metrics.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InferenceServerTest {
  @TempDir
  static Path dir;
  static Model lstm;
  static Model tokens;
  static Harness h;

  @BeforeAll
  static void start() throws Exception {
    lstm = Sequential.features(3).lstm(16, o -> o.numLayers(2)).dense(2).build(7);
    tokens = Sequential.embedding(20, 8).gru(12, o -> o.returnSequences(true)).dense(4).build(8);
    ServeLimits l = ServeLimits.defaults();
    h = Harness.serving(dir, new ServeLimits(l.maxBatchSize(), 1, l.maxQueue(), 300_000, l.sequenceIdleTimeoutS(),
        l.maxSequences(), l.drainS(), 0, true), Map.of("lstm", lstm, "tokens", tokens));
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  static float[] random(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextDouble(-2, 2);
    }
    return x;
  }

  @Test
  void answersHealthAndMetadata() throws Exception {
    assertThat(h.get("/v2/health/live").status()).isEqualTo(200);
    Harness.Reply ready = h.get("/v2/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body().get("ready").asBoolean()).isTrue();
    Harness.Reply server = h.get("/v2");
    assertThat(server.body().get("name").asText()).isEqualTo("rnn4j");
    assertThat(server.body().get("extensions").toString()).contains("sequence").contains("model_repository");
    JsonNode meta = h.get("/v2/models/lstm").body();
    assertThat(meta.get("versions").toString()).isEqualTo("[\"1\"]");
    assertThat(meta.get("inputs").get(0).toString()).contains("\"FP32\"").contains("[-1,-1,3]");
    assertThat(meta.get("inputs").get(1).toString()).contains("lengths").contains("INT32").contains("[-1]");
    assertThat(meta.get("outputs").get(0).get("shape").toString()).isEqualTo("[-1,2]");
    JsonNode tok = h.get("/v2/models/tokens/versions/1").body();
    assertThat(tok.get("inputs").get(0).toString()).contains("INT64").contains("[-1,-1]");
    assertThat(tok.get("outputs").get(0).get("shape").toString()).isEqualTo("[-1,-1,4]");
    assertThat(h.get("/v2/models/lstm/ready").body().get("ready").asBoolean()).isTrue();
    Harness.Reply noModel = h.get("/v2/models/nope");
    assertThat(noModel.status()).isEqualTo(404);
    assertThat(noModel.body().get("error").asText()).contains("model 'nope' is not served").contains("lstm");
    Harness.Reply noVersion = h.get("/v2/models/lstm/versions/2/ready");
    assertThat(noVersion.status()).isEqualTo(404);
    assertThat(noVersion.body().get("error").asText()).contains("version 2").contains("version 1 is");
    assertThat(h.get("/v3/anything").status()).isEqualTo(404);
    Harness.Reply wrongMethod = h.get("/v2/models/lstm/infer");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.body().get("error").asText()).contains("expected POST, got GET");
  }

  @Test
  void inferEqualsPredictToTheLastBit() throws Exception {
    SplittableRandom r = new SplittableRandom(3);
    float[] x = random(r, 3 * 5 * 3);
    int[] len = {5, 2, 4};
    ObjectNode req = Harness.features(x, 3, 5, 3, len);
    req.put("id", "req-7");
    Harness.Reply a = h.post("/v2/models/lstm/infer", req);
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    float[] want = lstm.predict(Dataset.ofFeatures(new Tensor(x, 3, 5, 3), len, (Tensor) null)).data();
    assertThat(Harness.output(a.body())).containsExactly(want);
    assertThat(Harness.shape(a.body())).containsExactly(3, 2);
    assertThat(a.body().get("id").asText()).isEqualTo("req-7");
    assertThat(a.body().get("model_name").asText()).isEqualTo("lstm");
    assertThat(a.body().get("outputs").get(0).get("datatype").asText()).isEqualTo("FP32");

    // nested data, a version in the path, no lengths: every step valid
    ObjectNode nested = Harness.F.objectNode();
    ObjectNode in = nested.putArray("inputs").addObject();
    in.put("name", "input").put("datatype", "FP32");
    in.putArray("shape").add(1).add(2).add(3);
    ArrayNode rows = in.putArray("data").addArray();
    rows.addArray().add(0.5f).add(-1f).add(2f);
    rows.addArray().add(1.25f).add(0f).add(-0.75f);
    Harness.Reply b = h.post("/v2/models/lstm/versions/1/infer", nested);
    assertThat(b.status()).as(b.text()).isEqualTo(200);
    float[] one = lstm.predict(new Tensor(new float[] {0.5f, -1f, 2f, 1.25f, 0f, -0.75f}, 1, 2, 3)).data();
    assertThat(Harness.output(b.body())).containsExactly(one);

    // token ids in, one output per step
    ObjectNode t = Harness.F.objectNode();
    ObjectNode ti = t.putArray("inputs").addObject();
    ti.put("name", "input").put("datatype", "INT64");
    ti.putArray("shape").add(2).add(3);
    ti.putArray("data").add(1).add(5).add(19).add(0).add(7).add(7);
    Harness.Reply c = h.post("/v2/models/tokens/infer", t);
    assertThat(c.status()).as(c.text()).isEqualTo(200);
    float[] tw = tokens.predict(Dataset.ofTokens(new int[] {1, 5, 19, 0, 7, 7}, 2, 3, null, (int[]) null)).data();
    assertThat(Harness.output(c.body())).containsExactly(tw);
    assertThat(Harness.shape(c.body())).containsExactly(2, 3, 4);
  }

  @Test
  void concurrentClientsEachGetExactlyTheirSingleRequestAnswer() throws Exception {
    double rowsBefore = batchRows();
    int clients = 16;
    int each = 15;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        long seed = 100 + c;
        done.add(pool.submit(() -> {
          SplittableRandom r = new SplittableRandom(seed);
          int rows = 0;
          for (int i = 0; i < each; i++) {
            int b = 1 + r.nextInt(3);
            int t = 1 + r.nextInt(9);
            float[] x = random(r, b * t * 3);
            int[] len = new int[b];
            for (int j = 0; j < b; j++) {
              len[j] = 1 + r.nextInt(t);
            }
            Harness.Reply a = h.post("/v2/models/lstm/infer", Harness.features(x, b, t, 3, len));
            assertThat(a.status()).as(a.text()).isEqualTo(200);
            float[] want = lstm.predict(Dataset.ofFeatures(new Tensor(x, b, t, 3), len, (Tensor) null)).data();
            assertThat(Harness.output(a.body())).containsExactly(want);
            rows += b;
          }
          return rows;
        }));
      }
      int rows = 0;
      for (Future<Integer> f : done) {
        rows += f.get(100, TimeUnit.SECONDS);
      }
      // every row went through exactly one batch, and the batches are in the metrics
      assertThat(batchRows() - rowsBefore).isEqualTo(rows);
    } finally {
      pool.shutdownNow();
    }
  }

  private static double batchRows() throws Exception {
    String metrics = h.get("/metrics").text();
    return metrics.lines().filter(l -> l.startsWith("rnn4j_batch_size_sum{model=\"lstm\"}"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void refusesBadRequestsNamingTheFieldTheExpectedAndTheReceived() throws Exception {
    assertError(h.post("/v2/models/lstm/infer", "{\"inputs\": [}"), 400, "body: malformed JSON");
    assertError(h.post("/v2/models/lstm/infer", "[1, 2]"), 400, "body: expected a JSON object, got an array of 2");
    assertError(h.post("/v2/models/lstm/infer", "{}"), 400, "inputs: expected an array");
    assertError(h.post("/v2/models/lstm/infer", "{\"inputs\": [{\"name\": \"x\"}]}"), 400,
        "inputs[0].name: expected 'input' or 'lengths', got 'x'");
    ObjectNode wrongType = Harness.features(new float[6], 1, 2, 3, null);
    ((ObjectNode) wrongType.get("inputs").get(0)).put("datatype", "INT64");
    assertError(h.post("/v2/models/lstm/infer", wrongType), 400, "inputs[0].datatype: expected FP32, got \"INT64\"");
    assertError(h.post("/v2/models/lstm/infer", Harness.features(new float[4], 1, 2, 2, null)), 400,
        "inputs[0].shape: model 'lstm' reads 3 features per step: expected [batch, steps, 3], got [1, 2, 2]");
    ObjectNode short1 = Harness.features(new float[5], 1, 2, 3, null);
    assertError(h.post("/v2/models/lstm/infer", short1), 400,
        "inputs[0].data: expected 6 values (the product of its shape), got 5");
    assertError(h.post("/v2/models/lstm/infer", Harness.features(new float[6], 1, 2, 3, new int[] {3})), 400,
        "inputs[1].data[0]: expected a length in [1, 2] (the steps of 'input'), got 3");
    ObjectNode onlyLengths = Harness.features(new float[6], 1, 2, 3, new int[] {1});
    ((ArrayNode) onlyLengths.get("inputs")).remove(0);
    assertError(h.post("/v2/models/lstm/infer", onlyLengths), 400, "inputs: the input 'input' is missing");
    ObjectNode text = Harness.features(new float[6], 1, 2, 3, null);
    ((ArrayNode) text.get("inputs").get(0).get("data")).set(2, Harness.F.textNode("abc"));
    assertError(h.post("/v2/models/lstm/infer", text), 400, "inputs[0].data[2]: expected a number, got \"abc\"");
    ObjectNode badToken = Harness.F.objectNode();
    ObjectNode ti = badToken.putArray("inputs").addObject();
    ti.put("name", "input").put("datatype", "INT64");
    ti.putArray("shape").add(1).add(2);
    ti.putArray("data").add(3).add(20);
    assertError(h.post("/v2/models/tokens/infer", badToken), 400,
        "inputs[0].data[1]: expected a token id in [0, 20), got 20");
    assertError(h.post("/v2/models/nope/infer", Harness.features(new float[6], 1, 2, 3, null)), 404,
        "model 'nope' is not served");
    // larger than --max-request-bytes (300,000 here): 413, whatever the body holds
    // larger than --max-request-bytes (300,000 here): 413 from the declared length, before the body
    // is read (a raw request: a client still uploading would race the answer and the closed connection)
    try (java.net.Socket sock = new java.net.Socket("127.0.0.1", h.server.port())) {
      sock.setSoTimeout(10_000);
      sock.getOutputStream().write(("POST /v2/models/lstm/infer HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nContent-Length: 400000\r\n\r\n{").getBytes(
              java.nio.charset.StandardCharsets.US_ASCII));
      sock.getOutputStream().flush();
      String answer = new String(sock.getInputStream().readNBytes(400), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 413 ").contains("more than --max-request-bytes 300000");
    }
  }

  static void assertError(Harness.Reply r, int status, String message) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.body().get("error").asText()).contains(message);
  }

  @Test
  void aDeadlinePassedInTheQueueIs504() throws Exception {
    ObjectNode req = Harness.features(new float[6], 1, 2, 3, null);
    req.putObject("parameters").put("timeout", 1); // one microsecond: gone before the batch runs
    assertError(h.post("/v2/models/lstm/infer", req), 504, "deadline passed while it waited in the queue");
    ObjectNode bad = Harness.features(new float[6], 1, 2, 3, null);
    bad.putObject("parameters").put("timeout", -5);
    assertError(h.post("/v2/models/lstm/infer", bad), 400, "parameters.timeout: expected microseconds >= 1, got -5");
  }

  @Test
  void exposesPrometheusMetricsAndAnAccessLog() throws Exception {
    h.post("/v2/models/lstm/infer", Harness.features(new float[6], 1, 2, 3, null));
    Harness.Reply m = h.get("/metrics");
    assertThat(m.status()).isEqualTo(200);
    assertThat(m.text()).contains("rnn4j_requests_total{endpoint=\"infer\",model=\"lstm\",outcome=\"success\"}")
        .contains("rnn4j_request_duration_seconds_bucket").contains("rnn4j_queue_duration_seconds_bucket")
        .contains("rnn4j_batch_size_bucket").contains("rnn4j_queue_depth{model=\"lstm\"}")
        .contains("rnn4j_streams_live{model=\"lstm\"}");
    assertThat(Harness.within(2000, () -> h.log.toString().contains("\"POST /v2/models/lstm/infer HTTP/1.1\" 200")))
        .as(h.log.toString()).isTrue();
  }

  @Test
  void aFullQueueIsAnswered503WithRetryAfterAndNothingElseFails(@TempDir Path tmp) throws Exception {
    Model slow = Sequential.features(8).lstm(256, o -> o.numLayers(2)).dense(1).build(1);
    ModelFiles.save(slow, tmp.resolve("slow.rnn4j"), Map.of());
    ServeLimits d = ServeLimits.defaults();
    try (Harness s = new Harness(Map.of("slow", tmp.resolve("slow.rnn4j")), null, new ServeLimits(1, 0, 1,
        d.maxRequestBytes(), 60, 16, 1, 0, false))) {
      SplittableRandom r = new SplittableRandom(5);
      float[] x = random(r, 200 * 8);
      float[] want = slow.predict(new Tensor(x, 1, 200, 8)).data();
      String body = Harness.JSON.writeValueAsString(Harness.features(x, 1, 200, 8, null));
      ExecutorService pool = Executors.newFixedThreadPool(12);
      try {
        List<Future<Harness.Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
          replies.add(pool.submit(() -> s.post("/v2/models/slow/infer", body)));
        }
        int full = 0;
        for (Future<Harness.Reply> f : replies) {
          Harness.Reply a = f.get(100, TimeUnit.SECONDS);
          if (a.status() == 503) {
            full++;
            assertThat(a.raw().headers().firstValue("Retry-After")).hasValue("1");
            assertThat(a.body().get("error").asText()).contains("queue of this model is full (1 requests, --max-queue)");
          } else {
            assertThat(a.status()).as(a.text()).isEqualTo(200);
            assertThat(Harness.output(a.body())).containsExactly(want);
          }
        }
        assertThat(full).as("requests refused by a queue of one").isPositive();
        assertThat(full).isLessThan(24);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void theRepositoryLoadsNewVersionsKeepsTheOldOneOnAFailedLoadAndUnloads(@TempDir Path repo) throws Exception {
    Model v1 = Sequential.features(2).gru(4).dense(1).build(1);
    Model v2 = Sequential.features(2).gru(4).dense(3).build(2);
    Files.createDirectories(repo.resolve("m/1"));
    ModelFiles.save(v1, repo.resolve("m/1/model.rnn4j"), Map.of());
    ServeLimits d = ServeLimits.defaults();
    try (Harness s = new Harness(Map.of(), repo, new ServeLimits(32, 0, 256, d.maxRequestBytes(), 60, 16, 1, 1,
        false))) {
      ObjectNode req = Harness.features(new float[] {1, 2, 3, 4}, 1, 2, 2, null);
      assertThat(Harness.output(s.post("/v2/models/m/infer", req).body()))
          .containsExactly(v1.predict(new Tensor(new float[] {1, 2, 3, 4}, 1, 2, 2)).data());
      Files.createDirectories(repo.resolve("m/2"));
      ModelFiles.save(v2, repo.resolve("m/2/model.rnn4j"), Map.of());
      assertThat(s.post("/v2/repository/models/m/load", "{}").status()).isEqualTo(200);
      assertThat(s.get("/v2/models/m").body().get("versions").toString()).isEqualTo("[\"2\"]");
      assertThat(Harness.output(s.post("/v2/models/m/versions/2/infer", req).body()))
          .containsExactly(v2.predict(new Tensor(new float[] {1, 2, 3, 4}, 1, 2, 2)).data());
      assertThat(s.post("/v2/models/m/versions/1/infer", req).status()).isEqualTo(404);

      // a broken version 3: the load fails, version 2 stays in service (by request and by the poll)
      Files.createDirectories(repo.resolve("m/3"));
      Files.writeString(repo.resolve("m/3/model.rnn4j"), "not a model");
      Harness.Reply failed = s.post("/v2/repository/models/m/load", "{}");
      assertThat(failed.status()).isEqualTo(400);
      assertThat(failed.body().get("error").asText()).contains("model 'm' version 3").contains("version 2 stays in service");
      Thread.sleep(1500);
      assertThat(s.get("/v2/models/m").body().get("versions").toString()).isEqualTo("[\"2\"]");
      assertThat(s.post("/v2/models/m/infer", req).status()).isEqualTo(200);

      // the poll serves a good file once it is there
      ModelFiles.save(v1, repo.resolve("m/3/model.rnn4j"), Map.of());
      assertThat(Harness.within(10_000, () -> {
        try {
          return s.get("/v2/models/m").body().get("versions").toString().equals("[\"3\"]");
        } catch (Exception e) {
          return false;
        }
      })).isTrue();

      assertThat(s.post("/v2/repository/models/m/unload", "{}").status()).isEqualTo(200);
      Harness.Reply gone = s.post("/v2/models/m/infer", req);
      assertThat(gone.status()).isEqualTo(404);
      assertThat(gone.body().get("error").asText()).contains("model 'm' is not served (unloaded)");
      JsonNode index = s.post("/v2/repository/index", "{}").body();
      assertThat(index.toString()).contains("\"name\":\"m\"").contains("UNAVAILABLE");
      Thread.sleep(1500); // the poll leaves an unloaded model alone
      assertThat(s.post("/v2/models/m/infer", req).status()).isEqualTo(404);
      assertThat(s.post("/v2/repository/models/m/load", "{}").status()).isEqualTo(200);
      assertThat(s.post("/v2/repository/index", "{}").body().toString()).contains("READY");
      assertThat(s.post("/v2/repository/models/zzz/load", "{}").status()).isEqualTo(404);
    }
  }

  /**
   * The binary tensor data extension of the Open Inference Protocol, as Triton's client sends it: a
   * JSON part whose length the header Inference-Header-Content-Length gives, then each binary input's
   * raw little-endian values in input order; binary outputs asked for per request or per output. The
   * answers equal {@code Model.predict} to the last bit, and every malformed binary request is a 400
   * naming why.
   */
  @Nested
  class BinaryTensorData {
    @Test
    void binaryInputsAndOutputsEqualPredictToTheLastBit() throws Exception {
      assertThat(h.get("/v2").body().get("extensions").toString()).contains("\"binary_tensor_data\"");
      float[] x = InferenceServerTest.random(new SplittableRandom(5), 3 * 4 * 3);
      int[] len = {4, 1, 3};
      float[] want = lstm.predict(Dataset.ofFeatures(new Tensor(x, 3, 4, 3), len, (Tensor) null)).data();

      // both inputs binary, every output binary by the request-level parameter
      ObjectNode req = Harness.F.objectNode();
      req.put("id", "b-1");
      ArrayNode inputs = req.putArray("inputs");
      Harness.binaryInput(inputs, "input", "FP32", 4L * x.length, 3, 4, 3);
      Harness.binaryInput(inputs, "lengths", "INT32", 4L * len.length, 3);
      req.putObject("parameters").put("binary_data_output", true);
      Harness.BinaryReply a = h.postBinary("/v2/models/lstm/infer", req,
          Harness.concat(Harness.littleEndian(x), Harness.littleEndian(len)));
      assertThat(a.status()).as(a.json().toString()).isEqualTo(200);
      assertThat(a.raw().headers().firstValue("Content-Type").orElse("")).isEqualTo("application/octet-stream");
      assertThat(a.json().get("id").asText()).isEqualTo("b-1");
      assertThat(a.json().get("outputs").get(0).has("data")).isFalse();
      assertThat(a.json().get("outputs").get(0).get("parameters").get("binary_data_size").asInt()).isEqualTo(4 * 3 * 2);
      assertThat(Harness.shape(a.json())).containsExactly(3, 2);
      assertThat(Harness.floatsOf(a.binary())).containsExactly(want);

      // the lengths in JSON, the input binary; no binary output asked for: a JSON answer
      ObjectNode mixed = Harness.F.objectNode();
      ArrayNode mi = mixed.putArray("inputs");
      ObjectNode l = mi.addObject();
      l.put("name", "lengths").put("datatype", "INT64");
      l.putArray("shape").add(3);
      l.putArray("data").add(4).add(1).add(3);
      Harness.binaryInput(mi, "input", "FP32", 4L * x.length, 3, 4, 3);
      Harness.BinaryReply b = h.postBinary("/v2/models/lstm/infer", mixed, Harness.littleEndian(x));
      assertThat(b.status()).as(b.json().toString()).isEqualTo(200);
      assertThat(b.raw().headers().firstValue("Inference-Header-Content-Length")).isEmpty();
      assertThat(b.binary()).isEmpty();
      assertThat(Harness.output(b.json())).containsExactly(want);

      // an output's own binary_data overrides the request's binary_data_output
      ObjectNode off = Harness.features(x, 3, 4, 3, len);
      off.putObject("parameters").put("binary_data_output", true);
      off.putArray("outputs").addObject().put("name", "output").putObject("parameters").put("binary_data", false);
      Harness.BinaryReply c = h.postBinary("/v2/models/lstm/infer", off, new byte[0]);
      assertThat(c.status()).as(c.json().toString()).isEqualTo(200);
      assertThat(Harness.output(c.json())).containsExactly(want);

      // token ids as binary INT64, the output asked for as binary by its own parameter
      long[] ids = {1, 5, 19, 0, 7, 7};
      ObjectNode t = Harness.F.objectNode();
      Harness.binaryInput(t.putArray("inputs"), "input", "INT64", 8L * ids.length, 2, 3);
      t.putArray("outputs").addObject().put("name", "output").putObject("parameters").put("binary_data", true);
      Harness.BinaryReply d = h.postBinary("/v2/models/tokens/infer", t, Harness.littleEndian(ids));
      assertThat(d.status()).as(d.json().toString()).isEqualTo(200);
      float[] tw = tokens.predict(Dataset.ofTokens(new int[] {1, 5, 19, 0, 7, 7}, 2, 3, null, (int[]) null)).data();
      assertThat(Harness.floatsOf(d.binary())).containsExactly(tw);
      assertThat(Harness.shape(d.json())).containsExactly(2, 3, 4);

      // a JSON request may ask for a binary answer
      Harness.BinaryReply e = h.sendBinary(java.net.http.HttpRequest.newBuilder(h.uri("/v2/models/lstm/infer"))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Harness.JSON.writeValueAsString(
              ((ObjectNode) Harness.features(x, 3, 4, 3, len)).set("parameters",
                  Harness.F.objectNode().put("binary_data_output", true))))).build());
      assertThat(e.status()).isEqualTo(200);
      assertThat(Harness.floatsOf(e.binary())).containsExactly(want);
    }

    @Test
    void malformedBinaryRequestsAre400NamingWhy() throws Exception {
      float[] x = new float[6];
      ObjectNode req = Harness.F.objectNode();
      Harness.binaryInput(req.putArray("inputs"), "input", "FP32", 24, 1, 2, 3);
      // fewer bytes than the shape needs, though the sizes agree with the body
      ObjectNode small = req.deepCopy();
      ((ObjectNode) small.get("inputs").get(0).get("parameters")).put("binary_data_size", 20);
      assertError(h.postBinary("/v2/models/lstm/infer", small, new byte[20]),
          "inputs[0].parameters.binary_data_size: expected 24 bytes (6 FP32 values of 4 bytes");
      // more bytes in the body than the inputs declare
      assertError(h.postBinary("/v2/models/lstm/infer", req, new byte[28]),
          "body: 28 bytes of binary data after the JSON part");
      // fewer bytes in the body than declared
      assertError(h.postBinary("/v2/models/lstm/infer", req, new byte[16]),
          "inputs[0].parameters.binary_data_size: 24 bytes, but the binary part of the body has 16 bytes left");
      // a binary size without the header that says where the JSON ends
      assertError(h.post("/v2/models/lstm/infer", req), "has no Inference-Header-Content-Length header");
      // both data and a binary size
      ObjectNode both = req.deepCopy();
      ((ObjectNode) both.get("inputs").get(0)).putArray("data").add(1);
      assertError(h.postBinary("/v2/models/lstm/infer", both, Harness.littleEndian(x)), "got both");
      // a value that is not finite
      float[] nan = {0, 1, Float.NaN, 3, 4, 5};
      assertError(h.postBinary("/v2/models/lstm/infer", req, Harness.littleEndian(nan)),
          "inputs[0] binary data[2]: expected a finite FP32 value, got NaN");
      // a token id outside the vocabulary
      ObjectNode t = Harness.F.objectNode();
      Harness.binaryInput(t.putArray("inputs"), "input", "INT32", 8, 1, 2);
      assertError(h.postBinary("/v2/models/tokens/infer", t, Harness.littleEndian(new int[] {3, 25})),
          "inputs[0].data[1]: expected a token id in [0, 20), got 25");
      // a header beyond the body, and one that is not a number
      byte[] head = Harness.JSON.writeValueAsBytes(req);
      for (String bad : new String[] {String.valueOf(head.length + 100), "abc"}) {
        assertError(h.sendBinary(java.net.http.HttpRequest.newBuilder(h.uri("/v2/models/lstm/infer"))
            .header("Inference-Header-Content-Length", bad)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(Harness.concat(head, new byte[24]))).build()),
            "header Inference-Header-Content-Length: expected the length of the body's JSON part, from 1 to the body's "
                + (head.length + 24) + " bytes, got '" + bad + "'");
      }
      // a flag that is not a boolean
      ObjectNode flag = Harness.features(x, 1, 2, 3, null);
      flag.putObject("parameters").put("binary_data_output", "yes");
      assertError(h.postBinary("/v2/models/lstm/infer", flag, new byte[0]),
          "parameters.binary_data_output: expected true or false, got \"yes\"");
      // the tasks read JSON alone
      assertError(h.postBinary("/v1/models/lstm:classify", Harness.F.objectNode(), new byte[4]),
          "the binary data extension applies to /v2/models/{name}/infer");
    }

    private void assertError(Harness.BinaryReply r, String message) {
      assertThat(r.status()).as(r.json().toString()).isEqualTo(400);
      assertThat(r.json().get("error").asText()).contains(message);
    }

    private void assertError(Harness.Reply r, String message) {
      InferenceServerTest.assertError(r, 400, message);
    }
  }
}
