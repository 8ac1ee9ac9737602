package org.rnn4j.serve;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A server started in-process on a free loopback port, and a real HTTP client for it. Every request
 * has a time limit, so no test waits forever. Not thread-safe to start or close; requests from any thread.
 */
final class Harness implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  static final JsonNodeFactory F = JsonNodeFactory.instance;

  final InferenceServer server;
  final StringWriter log = new StringWriter();
  final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  record Reply(int status, JsonNode body, String text, HttpResponse<String> raw) {}

  /** A command run in-process: its exit status and what it printed. */
  record Run(int exit, String out, String err) {}

  /** A command's in-process entry point ({@code Main.run}, {@code ServeCommand.run}). */
  interface Command {
    int run(java.io.PrintStream out, java.io.PrintStream err, String... args);
  }

  static Run run(Command command, String... args) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int exit = command.run(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
        new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8), args);
    return new Run(exit, out.toString(java.nio.charset.StandardCharsets.UTF_8),
        err.toString(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Saves each model as {@code dir/NAME.rnn4j} and serves them under their names. */
  static Harness serving(Path dir, ServeLimits limits, Map<String, org.rnn4j.Model> models) throws Exception {
    Map<String, Path> files = new java.util.TreeMap<>();
    for (Map.Entry<String, org.rnn4j.Model> e : models.entrySet()) {
      Path file = dir.resolve(e.getKey() + ".rnn4j");
      org.rnn4j.io.ModelFiles.save(e.getValue(), file, Map.of());
      files.put(e.getKey(), file);
    }
    return new Harness(files, null, limits);
  }

  Harness(Map<String, Path> models, Path dir, ServeLimits limits) {
    server = new InferenceServer(models, dir, limits, new PrintWriter(log, true));
    server.start("127.0.0.1", 0);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  Reply get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  Reply post(String path, String body) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  Reply post(String path, JsonNode body) throws Exception {
    return post(path, JSON.writeValueAsString(body));
  }

  /** An answer of the binary tensor data extension: its JSON part, and the binary bytes after it. */
  record BinaryReply(int status, JsonNode json, byte[] binary, HttpResponse<byte[]> raw) {}

  /**
   * Posts {@code json} followed by {@code binary}, with the header giving the JSON part's length, as
   * Triton's client does; the answer is split where its own such header says (all JSON without it).
   */
  BinaryReply postBinary(String path, JsonNode json, byte[] binary) throws Exception {
    byte[] head = JSON.writeValueAsBytes(json);
    byte[] body = concat(head, binary);
    return sendBinary(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/octet-stream")
        .header("Inference-Header-Content-Length", String.valueOf(head.length))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  BinaryReply sendBinary(HttpRequest request) throws Exception {
    HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    byte[] all = r.body();
    int jsonLength = r.headers().firstValue("Inference-Header-Content-Length").map(Integer::parseInt)
        .orElse(all.length);
    return new BinaryReply(r.statusCode(), JSON.readTree(java.util.Arrays.copyOf(all, jsonLength)),
        java.util.Arrays.copyOfRange(all, jsonLength, all.length), r);
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

  /** Values as little-endian bytes, the binary extension's layout. */
  static byte[] littleEndian(float[] values) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * values.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  static byte[] littleEndian(int[] values) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * values.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    return b.array();
  }

  static byte[] littleEndian(long[] values) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * values.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      b.putLong(v);
    }
    return b.array();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** FP32 values read back from little-endian bytes. */
  static float[] floatsOf(byte[] bytes) {
    float[] out = new float[bytes.length / 4];
    java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  Reply send(HttpRequest request) throws Exception {
    HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode body = null;
    String type = r.headers().firstValue("Content-Type").orElse("");
    if (type.startsWith("application/json")) {
      body = JSON.readTree(r.body());
    }
    return new Reply(r.statusCode(), body, r.body(), r);
  }

  /** An inference request: FP32 features {@code [b, t, f]} (flat), with lengths when given. */
  static ObjectNode features(float[] x, int b, int t, int f, int[] lengths) {
    ObjectNode o = F.objectNode();
    ArrayNode inputs = o.putArray("inputs");
    ObjectNode in = inputs.addObject();
    in.put("name", "input");
    in.put("datatype", "FP32");
    in.putArray("shape").add(b).add(t).add(f);
    ArrayNode data = in.putArray("data");
    for (float v : x) {
      data.add(v);
    }
    if (lengths != null) {
      ObjectNode l = inputs.addObject();
      l.put("name", "lengths");
      l.put("datatype", "INT32");
      l.putArray("shape").add(b);
      ArrayNode d = l.putArray("data");
      for (int v : lengths) {
        d.add(v);
      }
    }
    return o;
  }

  /** The FP32 values of the answer's output, parsed exactly. */
  static float[] output(JsonNode answer) {
    JsonNode data = answer.get("outputs").get(0).get("data");
    float[] out = new float[data.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = data.get(i).isBigDecimal() ? data.get(i).decimalValue().floatValue() : data.get(i).floatValue();
    }
    return out;
  }

  static int[] shape(JsonNode answer) {
    JsonNode s = answer.get("outputs").get(0).get("shape");
    int[] out = new int[s.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = s.get(i).asInt();
    }
    return out;
  }

  /** Waits up to {@code millis} for the condition; returns whether it held. */
  static boolean within(long millis, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + millis * 1_000_000L;
    while (System.nanoTime() < until) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return condition.getAsBoolean();
  }

  @Override
  public void close() {
    server.close();
  }
}
