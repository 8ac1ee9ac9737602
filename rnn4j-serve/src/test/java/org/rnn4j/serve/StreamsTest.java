package org.rnn4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.Tensor;
import org.rnn4j.io.ModelFiles;

/**
 * Stateful streams (the sequence extension): a stream fed a few steps at a time, among other streams
 * stepped in the same batches, answers exactly what {@code Model.predict} gives on its whole sequence;
 * its state is freed exactly once, on its end, on the idle timeout, or when its client disconnects;
 * unknown, ended and duplicate ids and a full table are refused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamsTest {

  static ObjectNode step(float[] x, int t, int f, Object id, boolean start, boolean end) {
    ObjectNode req = Harness.features(x, 1, t, f, null);
    ObjectNode p = req.putObject("parameters");
    if (id instanceof Integer i) {
      p.put("sequence_id", i);
    } else {
      p.put("sequence_id", String.valueOf(id));
    }
    if (start) {
      p.put("sequence_start", true);
    }
    if (end) {
      p.put("sequence_end", true);
    }
    return req;
  }

  static Harness serve(Path dir, Model m, ServeLimits limits) throws Exception {
    ModelFiles.save(m, dir.resolve("m.rnn4j"), Map.of());
    return new Harness(Map.of("m", dir.resolve("m.rnn4j")), null, limits);
  }

  static ServeLimits limits(int idleS, int maxSequences) {
    ServeLimits d = ServeLimits.defaults();
    return new ServeLimits(32, 0, 256, d.maxRequestBytes(), idleS, maxSequences, 1, 0, false);
  }

  @Test
  void concurrentStreamsFedInPiecesEqualPredictOnTheWholeSequence(@TempDir Path dir) throws Exception {
    // two LSTM layers (final state out) and a GRU with one output per step
    Model last = Sequential.features(3).lstm(16, o -> o.numLayers(2).projSize(0)).dense(2).build(11);
    Model perStep = Sequential.features(3).gru(12, o -> o.returnSequences(true)).dense(2).build(12);
    for (Model m : new Model[] {last, perStep}) {
      try (Harness h = serve(dir, m, limits(60, 64))) {
        int streams = 8;
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
          List<Future<?>> done = new ArrayList<>();
          for (int s = 0; s < streams; s++) {
            int id = s + 1;
            done.add(pool.submit(() -> {
              SplittableRandom r = new SplittableRandom(id);
              int total = 12;
              float[] x = InferenceServerTest.random(r, total * 3);
              float[] whole = m.predict(new Tensor(x, 1, total, 3)).data();
              int at = 0;
              List<Float> outputs = new ArrayList<>();
              while (at < total) {
                int t = Math.min(total - at, 1 + r.nextInt(3));
                float[] piece = Arrays.copyOfRange(x, at * 3, (at + t) * 3);
                Harness.Reply a = h.post("/v2/models/m/infer", step(piece, t, 3, id, at == 0, at + t == total));
                assertThat(a.status()).as(a.text()).isEqualTo(200);
                assertThat(a.body().get("parameters").get("sequence_id").asInt()).isEqualTo(id);
                float[] out = Harness.output(a.body());
                if (m.sequenceOutput()) {
                  for (float v : out) {
                    outputs.add(v);
                  }
                } else {
                  // the output after the steps so far is predict on the sequence so far
                  float[] prefix = m.predict(new Tensor(Arrays.copyOf(x, (at + t) * 3), 1, at + t, 3)).data();
                  assertThat(out).as("stream %d after %d steps", id, at + t).containsExactly(prefix);
                }
                at += t;
              }
              if (m.sequenceOutput()) {
                float[] got = new float[outputs.size()];
                for (int i = 0; i < got.length; i++) {
                  got[i] = outputs.get(i);
                }
                assertThat(got).as("stream %d", id).containsExactly(whole);
              } else {
                assertThat(outputs).isEmpty();
              }
              return null;
            }));
          }
          for (Future<?> f : done) {
            f.get(100, TimeUnit.SECONDS);
          }
          ServeMetrics.ModelMetrics mm = h.server.metrics().model("m", null, x -> 0, x -> 0);
          assertThat(mm.streamsEnded("end")).isEqualTo(streams);
          assertThat(h.server.repository().get("m").streams.live()).isZero();
        } finally {
          pool.shutdownNow();
        }
      }
    }
  }

  @Test
  void refusesUnknownEndedAndDuplicateIdsAndAFullTable(@TempDir Path dir) throws Exception {
    Model m = Sequential.features(2).gru(4).dense(1).build(3);
    try (Harness h = serve(dir, m, limits(60, 2))) {
      float[] x = {1, 2};
      Harness.Reply unknown = h.post("/v2/models/m/infer", step(x, 1, 2, "abc", false, false));
      assertThat(unknown.status()).isEqualTo(400);
      assertThat(unknown.body().get("error").asText()).contains("stream 'abc' is not live")
          .contains("sequence_start=true");
      assertThat(h.post("/v2/models/m/infer", step(x, 1, 2, "a", true, false)).status()).isEqualTo(200);
      Harness.Reply twice = h.post("/v2/models/m/infer", step(x, 1, 2, "a", true, false));
      assertThat(twice.status()).isEqualTo(400);
      assertThat(twice.body().get("error").asText()).contains("stream 'a' is already live");
      assertThat(h.post("/v2/models/m/infer", step(x, 1, 2, "b", true, false)).status()).isEqualTo(200);
      Harness.Reply full = h.post("/v2/models/m/infer", step(x, 1, 2, "c", true, false));
      assertThat(full.status()).isEqualTo(503);
      assertThat(full.raw().headers().firstValue("Retry-After")).isPresent();
      assertThat(full.body().get("error").asText()).contains("--max-sequences 2");
      assertThat(h.post("/v2/models/m/infer", step(x, 1, 2, "a", false, true)).status()).isEqualTo(200);
      Harness.Reply ended = h.post("/v2/models/m/infer", step(x, 1, 2, "a", false, false));
      assertThat(ended.status()).isEqualTo(400);
      assertThat(ended.body().get("error").asText()).contains("stream 'a' has ended (end)");
      ObjectNode two = Harness.features(new float[4], 2, 1, 2, null);
      two.putObject("parameters").put("sequence_id", "b");
      Harness.Reply batch = h.post("/v2/models/m/infer", two);
      assertThat(batch.status()).isEqualTo(400);
      assertThat(batch.body().get("error").asText()).contains("expected a batch of 1, got 2");
      // a stream reads every step it is sent: padding inside one stream's request is refused
      ObjectNode padded = Harness.features(new float[6], 1, 3, 2, new int[] {2});
      padded.putObject("parameters").put("sequence_id", "b");
      Harness.Reply pad = h.post("/v2/models/m/infer", padded);
      assertThat(pad.status()).isEqualTo(400);
      assertThat(pad.body().get("error").asText()).contains("lengths").contains("expected 3, got 2");
    }
    Model bi = Sequential.features(2).gru(4, o -> o.bidirectional(true)).dense(1).build(3);
    try (Harness h = serve(dir, bi, limits(60, 2))) {
      Harness.Reply refused = h.post("/v2/models/m/infer", step(new float[] {1, 2}, 1, 2, 1, true, false));
      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.body().get("error").asText()).contains("cannot keep stream state");
      assertThat(h.get("/v2/models/m").body().get("parameters").get("sequence_batching").asBoolean()).isFalse();
    }
  }

  @Test
  void stateIsFreedExactlyOnceOnEndTimeoutAndDisconnect(@TempDir Path dir) throws Exception {
    Model m = Sequential.features(2).lstm(4).dense(1).build(3);
    try (Harness h = serve(dir, m, limits(1, 16))) {
      ServeMetrics.ModelMetrics mm = h.server.metrics().model("m", null, x -> 0, x -> 0);
      Streams streams = h.server.repository().get("m").streams;
      float[] x = {1, 2};
      // end: freed by its last request
      h.post("/v2/models/m/infer", step(x, 1, 2, "ends", true, false));
      h.post("/v2/models/m/infer", step(x, 1, 2, "ends", false, true));
      // timeout: never fed again
      h.post("/v2/models/m/infer", step(x, 1, 2, "idle", true, false));
      // disconnect: a client on its own connection that closes it; and one that asked to outlive it
      rawStep(h.server.port(), step(x, 1, 2, "gone", true, false).toString());
      ObjectNode keep = step(x, 1, 2, "kept", true, false);
      ((ObjectNode) keep.get("parameters")).put("sequence_end_on_disconnect", false);
      rawStep(h.server.port(), keep.toString());
      assertThat(Harness.within(3000, () -> mm.streamsEnded("disconnect") == 1)).isTrue();
      assertThat(Harness.within(6000, () -> streams.live() == 0)).isTrue();
      Thread.sleep(1500); // another round of the reaper: nothing is freed twice
      assertThat(mm.streamsEnded("end")).isEqualTo(1);
      assertThat(mm.streamsEnded("disconnect")).isEqualTo(1);
      assertThat(mm.streamsEnded("timeout")).isEqualTo(2); // "idle", and "kept" once nobody fed it
      Harness.Reply late = h.post("/v2/models/m/infer", step(x, 1, 2, "idle", false, false));
      assertThat(late.body().get("error").asText()).contains("stream 'idle' has ended (timeout)");
      Harness.Reply gone = h.post("/v2/models/m/infer", step(x, 1, 2, "gone", false, false));
      assertThat(gone.body().get("error").asText()).contains("stream 'gone' has ended (disconnect)");
      assertThat(h.get("/metrics").text()).contains("rnn4j_streams_ended_total{model=\"m\",reason=\"timeout\"} 2.0");
    }
  }

  /** One request over a connection of its own, read to the end of its answer; then the connection closes. */
  static void rawStep(int port, String json) throws Exception {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /v2/models/m/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String status = in.readLine();
      assertThat(status).contains(" 200 ");
      int length = 0;
      for (String line; !(line = in.readLine()).isEmpty(); ) {
        if (line.toLowerCase().startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      char[] answer = new char[length];
      int read = 0;
      while (read < length) {
        int n = in.read(answer, read, length - read);
        if (n < 0) {
          break;
        }
        read += n;
      }
      assertThat(new String(answer, 0, read)).contains("\"outputs\"");
    }
  }
}
