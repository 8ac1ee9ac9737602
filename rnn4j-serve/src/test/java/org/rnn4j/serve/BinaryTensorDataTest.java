package org.rnn4j.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.Tensor;
import org.rnn4j.data.Dataset;

/**
 * The binary tensor data extension of the Open Inference Protocol, as Triton's client sends it: a JSON
 * part whose length the header Inference-Header-Content-Length gives, then each binary input's raw
 * little-endian values in input order; binary outputs asked for per request or per output. The answers
 * equal {@code Model.predict} to the last bit, and every malformed binary request is a 400 naming why.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BinaryTensorDataTest {
  @TempDir
  static Path dir;
  static Model lstm;
  static Model tokens;
  static Harness h;

  @BeforeAll
  static void start() throws Exception {
    lstm = Sequential.features(3).lstm(16).dense(2).build(11);
    tokens = Sequential.embedding(20, 8).gru(12, o -> o.returnSequences(true)).dense(4).build(12);
    h = Harness.serving(dir, ServeLimits.defaults(), Map.of("lstm", lstm, "tokens", tokens));
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  /** An input tensor's JSON part with its values in the binary part: shape, datatype, byte count. */
  static ObjectNode binaryInput(ArrayNode inputs, String name, String datatype, long bytes, int... shape) {
    ObjectNode in = inputs.addObject();
    in.put("name", name).put("datatype", datatype);
    ArrayNode s = in.putArray("shape");
    for (int d : shape) {
      s.add(d);
    }
    in.putObject("parameters").put("binary_data_size", bytes);
    return in;
  }

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
    binaryInput(inputs, "input", "FP32", 4L * x.length, 3, 4, 3);
    binaryInput(inputs, "lengths", "INT32", 4L * len.length, 3);
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
    binaryInput(mi, "input", "FP32", 4L * x.length, 3, 4, 3);
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
    binaryInput(t.putArray("inputs"), "input", "INT64", 8L * ids.length, 2, 3);
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
    binaryInput(req.putArray("inputs"), "input", "FP32", 24, 1, 2, 3);
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
    binaryInput(t.putArray("inputs"), "input", "INT32", 8, 1, 2);
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

  private static void assertError(Harness.BinaryReply r, String message) {
    assertThat(r.status()).as(r.json().toString()).isEqualTo(400);
    assertThat(r.json().get("error").asText()).contains(message);
  }

  private static void assertError(Harness.Reply r, String message) {
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.body().get("error").asText()).contains(message);
  }
}
