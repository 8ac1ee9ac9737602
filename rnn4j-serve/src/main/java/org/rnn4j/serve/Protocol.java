package org.rnn4j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.Map;
import org.rnn4j.Model;
import org.rnn4j.Tensor;

/**
 * The Open Inference Protocol v2 (KServe) as rnn4j speaks it: the model metadata (inputs {@code
 * input}, FP32 {@code [-1, -1, F]} or INT64 token ids {@code [-1, -1]}, and {@code lengths}, INT32
 * {@code [-1]}; output {@code output}, FP32 {@code [-1, U]} or {@code [-1, -1, U]}), the reading of an
 * inference request's tensors (row-major {@code data}, flat or nested, checked against its {@code
 * shape} and {@code datatype}), and the writing of the answer. Every refusal names the field, what
 * was expected and what was received.
 *
 * <p>The binary tensor data extension (KServe's and Triton's) is spoken both ways: a request whose
 * header {@value #HEADER_LENGTH} is N holds N bytes of JSON, then the raw values of each input that
 * carries {@code parameters.binary_data_size} (and no {@code data}), little-endian and row-major, in
 * the order of {@code inputs}; an answer asked for with {@code parameters.binary_data_output} or an
 * output's {@code parameters.binary_data} is written the same way. Thread-safe: stateless.
 */
final class Protocol {
  static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** The header giving the length of a binary request's or answer's leading JSON part. */
  static final String HEADER_LENGTH = "Inference-Header-Content-Length";

  /**
   * A request body: its JSON part, and the binary part after it (little-endian, positioned at its
   * start) or null when the request had no {@value #HEADER_LENGTH} header.
   */
  record Payload(JsonNode json, ByteBuffer binary) {}
  /** Steps * rows * features of one request: beyond, the arrays would not fit Java's int indices. */
  private static final long MAX_VALUES = Integer.MAX_VALUE - 8;

  private Protocol() {}

  /** {@code GET /v2/models/{name}}. */
  static ObjectNode metadata(ServedModel m) {
    Model model = m.model;
    ObjectNode o = JSON.objectNode();
    o.put("name", m.name);
    o.putArray("versions").add(m.version);
    o.put("platform", "rnn4j");
    ArrayNode inputs = o.putArray("inputs");
    ObjectNode in = inputs.addObject();
    in.put("name", "input");
    if (model.spec().tokenInput()) {
      in.put("datatype", "INT64");
      in.putArray("shape").add(-1).add(-1);
    } else {
      in.put("datatype", "FP32");
      in.putArray("shape").add(-1).add(-1).add(model.spec().inputFeatures());
    }
    ObjectNode len = inputs.addObject();
    len.put("name", "lengths");
    len.put("datatype", "INT32");
    len.putArray("shape").add(-1);
    len.putObject("parameters").put("optional", true);
    ObjectNode out = o.putArray("outputs").addObject();
    out.put("name", "output");
    out.put("datatype", "FP32");
    ArrayNode shape = out.putArray("shape").add(-1);
    if (model.sequenceOutput()) {
      shape.add(-1);
    }
    shape.add(model.outputFeatures());
    ObjectNode p = o.putObject("parameters");
    p.put("task", m.task);
    p.put("sequence_batching", m.streams.refusal() == null);
    for (Map.Entry<String, String> e : m.metadata.entrySet()) {
      if (e.getKey().equals("columns") || e.getKey().equals("labels") || e.getKey().startsWith("imported")) {
        p.put(e.getKey(), e.getValue());
      }
    }
    return o;
  }

  /**
   * The rows of an inference request's {@code inputs}.
   *
   * @throws HttpError 400 naming the field for anything the model cannot read
   */
  static Rows rows(Payload payload, ServedModel m, long deadlineNanos) {
    JsonNode body = payload.json();
    JsonNode inputs = body.get("inputs");
    if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
      throw HttpError.badRequest("inputs: expected an array holding the input 'input' (and optionally"
          + " 'lengths'), got " + describe(inputs));
    }
    JsonNode input = null;
    JsonNode lengths = null;
    int inputAt = -1;
    int lengthsAt = -1;
    ByteBuffer[] binary = binaryParts(inputs, payload.binary());
    for (int i = 0; i < inputs.size(); i++) {
      JsonNode t = inputs.get(i);
      JsonNode name = t.get("name");
      if (!t.isObject() || name == null || !name.isTextual()) {
        throw HttpError.badRequest("inputs[" + i + "].name: expected 'input' or 'lengths', got " + describe(name));
      }
      switch (name.asText()) {
        case "input" -> {
          input = t;
          inputAt = i;
        }
        case "lengths" -> {
          lengths = t;
          lengthsAt = i;
        }
        default -> throw HttpError.badRequest("inputs[" + i + "].name: expected 'input' or 'lengths', got '"
            + name.asText() + "'");
      }
    }
    if (input == null) {
      throw HttpError.badRequest("inputs: the input 'input' is missing (got only 'lengths')");
    }
    JsonNode outputs = body.get("outputs");
    if (outputs != null) {
      if (!outputs.isArray()) {
        throw HttpError.badRequest("outputs: expected an array of {\"name\": \"output\"}, got " + describe(outputs));
      }
      for (int i = 0; i < outputs.size(); i++) {
        JsonNode n = outputs.get(i).get("name");
        if (n == null || !"output".equals(n.asText())) {
          throw HttpError.badRequest("outputs[" + i + "].name: expected 'output', got " + describe(n));
        }
      }
    }
    String f = "inputs[" + inputAt + "]";
    boolean tokens = m.model.spec().tokenInput();
    long[] shape = shape(input, f);
    int b;
    int t;
    float[] features = null;
    int[] ids = null;
    if (tokens) {
      String type = datatype(input, f, "INT64", "INT32");
      if (shape.length != 2) {
        throw HttpError.badRequest(f + ".shape: model '" + m.name + "' reads token ids: expected [batch, steps],"
            + " got " + shapeText(shape));
      }
      b = (int) shape[0];
      t = (int) shape[1];
      long[] v = integers(input, f, (long) b * t, type, binary[inputAt]);
      int vocab = m.vocabSize();
      ids = new int[v.length];
      for (int i = 0; i < v.length; i++) {
        if (v[i] < 0 || v[i] >= vocab) {
          throw HttpError.badRequest(f + ".data[" + i + "]: expected a token id in [0, " + vocab + "), got " + v[i]);
        }
        ids[i] = (int) v[i];
      }
    } else {
      datatype(input, f, "FP32");
      int feat = m.model.spec().inputFeatures();
      if (shape.length != 3 || shape[2] != feat) {
        throw HttpError.badRequest(f + ".shape: model '" + m.name + "' reads " + feat + " feature"
            + (feat == 1 ? "" : "s") + " per step: expected [batch, steps, " + feat + "], got " + shapeText(shape));
      }
      b = (int) shape[0];
      t = (int) shape[1];
      features = floats(input, f, (long) b * t * feat, binary[inputAt]);
    }
    int[] len = new int[b];
    java.util.Arrays.fill(len, t);
    if (lengths != null) {
      String g = "inputs[" + lengthsAt + "]";
      String type = datatype(lengths, g, "INT32", "INT64");
      long[] ls = shape(lengths, g);
      if (ls.length != 1 || ls[0] != b) {
        throw HttpError.badRequest(g + ".shape: expected [" + b + "] (one length per row of 'input'), got "
            + shapeText(ls));
      }
      long[] v = integers(lengths, g, b, type, binary[lengthsAt]);
      for (int i = 0; i < b; i++) {
        if (v[i] < 1 || v[i] > t) {
          throw HttpError.badRequest(g + ".data[" + i + "]: expected a length in [1, " + t + "] (the steps of"
              + " 'input'), got " + v[i]);
        }
        len[i] = (int) v[i];
      }
    }
    return new Rows(b, t, features, ids, len, deadlineNanos);
  }

  /**
   * Each input's slice of the binary part, in the order of {@code inputs} (null for an input sent in
   * {@code data}); the slices must use up the binary part exactly.
   */
  private static ByteBuffer[] binaryParts(JsonNode inputs, ByteBuffer binary) {
    ByteBuffer[] parts = new ByteBuffer[inputs.size()];
    int at = 0;
    for (int i = 0; i < inputs.size(); i++) {
      JsonNode params = inputs.get(i).get("parameters");
      JsonNode size = params == null ? null : params.get("binary_data_size");
      if (size == null || size.isNull()) {
        continue;
      }
      String f = "inputs[" + i + "].parameters.binary_data_size";
      if (!size.isIntegralNumber() || size.asLong() < 0) {
        throw HttpError.badRequest(f + ": expected a size in bytes >= 0, got " + describe(size));
      }
      if (binary == null) {
        throw HttpError.badRequest(f + ": given, but the request has no " + HEADER_LENGTH
            + " header saying where its JSON part ends");
      }
      if (inputs.get(i).has("data")) {
        throw HttpError.badRequest("inputs[" + i + "]: expected its values either in 'data' or in the binary part"
            + " (parameters.binary_data_size), got both");
      }
      if (size.asLong() > binary.remaining() - at) {
        throw HttpError.badRequest(f + ": " + size.asLong() + " bytes, but the binary part of the body has "
            + (binary.remaining() - at) + " bytes left after the earlier inputs' (" + binary.remaining()
            + " in all)");
      }
      int n = (int) size.asLong();
      parts[i] = binary.slice(binary.position() + at, n).order(ByteOrder.LITTLE_ENDIAN);
      at += n;
    }
    if (binary != null && at != binary.remaining()) {
      throw HttpError.badRequest("body: " + binary.remaining() + " bytes of binary data after the JSON part (header "
          + HEADER_LENGTH + "), but the inputs' binary_data_size add up to " + at);
    }
    return parts;
  }

  /**
   * Whether the answer's {@code output} is asked for as binary: its own {@code parameters.binary_data}
   * when given, else the request's {@code parameters.binary_data_output}, else not.
   */
  static boolean binaryOutput(JsonNode body) {
    boolean binary = flag(body.get("parameters"), "parameters.", "binary_data_output", false);
    JsonNode outputs = body.get("outputs");
    if (outputs != null && outputs.isArray()) {
      for (int i = 0; i < outputs.size(); i++) {
        binary = flag(outputs.get(i).get("parameters"), "outputs[" + i + "].parameters.", "binary_data", binary);
      }
    }
    return binary;
  }

  /**
   * The boolean {@code object.name}, or {@code otherwise} when absent; a 400 naming {@code prefix + name}
   * when it is not a boolean.
   */
  static boolean flag(JsonNode object, String prefix, String name, boolean otherwise) {
    JsonNode v = object == null ? null : object.get(name);
    if (v == null || v.isNull()) {
      return otherwise;
    }
    if (!v.isBoolean()) {
      throw HttpError.badRequest(prefix + name + ": expected true or false, got " + describe(v));
    }
    return v.asBoolean();
  }

  /**
   * The answer to an inference request; with {@code binary}, the output's values are left out of the
   * JSON and its {@code parameters.binary_data_size} says how many bytes of them follow it.
   */
  static ObjectNode answer(ServedModel m, JsonNode id, Tensor out, ObjectNode parameters, boolean binary) {
    ObjectNode o = JSON.objectNode();
    o.put("model_name", m.name);
    o.put("model_version", m.version);
    if (id != null && !id.isNull()) {
      o.set("id", id);
    }
    if (parameters != null) {
      o.set("parameters", parameters);
    }
    ObjectNode t = o.putArray("outputs").addObject();
    t.put("name", "output");
    t.put("datatype", "FP32");
    ArrayNode shape = t.putArray("shape");
    for (int d : out.shape()) {
      shape.add(d);
    }
    if (binary) {
      t.putObject("parameters").put("binary_data_size", 4L * out.data().length);
      return o;
    }
    ArrayNode data = t.putArray("data");
    for (float v : out.data()) {
      data.add(v);
    }
    return o;
  }

  /** A binary answer's body in one buffer: its JSON part, then the output's FP32 values, little-endian. */
  static ByteBuffer binaryAnswer(byte[] json, Tensor out) {
    float[] v = out.data();
    ByteBuffer b = ByteBuffer.allocate(json.length + 4 * v.length).put(json);
    b.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(v);
    return b.position(0);
  }

  /** The tensor's datatype, which must be one of {@code accepted}. */
  private static String datatype(JsonNode tensor, String field, String... accepted) {
    JsonNode d = tensor.get("datatype");
    String got = d == null ? null : d.asText();
    for (String a : accepted) {
      if (a.equals(got)) {
        return a;
      }
    }
    throw HttpError.badRequest(field + ".datatype: expected " + String.join(" or ", accepted) + ", got "
        + describe(d));
  }

  private static long[] shape(JsonNode tensor, String field) {
    JsonNode s = tensor.get("shape");
    if (s == null || !s.isArray() || s.isEmpty()) {
      throw HttpError.badRequest(field + ".shape: expected an array of sizes, got " + describe(s));
    }
    long[] shape = new long[s.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = s.get(i);
      if (!d.isIntegralNumber() || d.asLong() < 1) {
        throw HttpError.badRequest(field + ".shape[" + i + "]: expected a size >= 1, got " + describe(d));
      }
      shape[i] = d.asLong();
      count = Math.min(MAX_VALUES + 1, count * Math.min(shape[i], MAX_VALUES + 1));
    }
    if (count > MAX_VALUES) {
      throw HttpError.badRequest(field + ".shape: expected at most " + MAX_VALUES + " values, got "
          + shapeText(shape));
    }
    return shape;
  }

  /** The tensor's FP32 values, from {@code data} or, when {@code binary} is not null, from it. */
  private static float[] floats(JsonNode tensor, String field, long count, ByteBuffer binary) {
    float[] out = new float[(int) count];
    if (binary != null) {
      binarySize(binary, field, count, "FP32", 4);
      binary.asFloatBuffer().get(out);
      for (int i = 0; i < out.length; i++) {
        if (!Float.isFinite(out[i])) {
          throw HttpError.badRequest(field + " binary data[" + i + "]: expected a finite FP32 value, got " + out[i]);
        }
      }
      return out;
    }
    int n = flatten(tensor.get("data"), field + ".data", count, (i, v) -> {
      if (!v.isNumber()) {
        throw HttpError.badRequest(field + ".data[" + i + "]: expected a number, got " + describe(v));
      }
      out[i] = v.isBigDecimal() ? v.decimalValue().floatValue() : v.floatValue();
      if (!Float.isFinite(out[i])) {
        throw HttpError.badRequest(field + ".data[" + i + "]: expected a finite FP32 value, got " + v);
      }
    });
    return checkCount(out, n, field, count);
  }

  /** The tensor's integer values ({@code type} INT64 or INT32), from {@code data} or {@code binary}. */
  private static long[] integers(JsonNode tensor, String field, long count, String type, ByteBuffer binary) {
    long[] out = new long[(int) count];
    if (binary != null) {
      boolean wide = type.equals("INT64");
      binarySize(binary, field, count, type, wide ? 8 : 4);
      for (int i = 0; i < out.length; i++) {
        out[i] = wide ? binary.getLong(8 * i) : binary.getInt(4 * i);
      }
      return out;
    }
    int n = flatten(tensor.get("data"), field + ".data", count, (i, v) -> {
      if (!v.isIntegralNumber() || !v.canConvertToLong()) {
        throw HttpError.badRequest(field + ".data[" + i + "]: expected an integer, got " + describe(v));
      }
      out[i] = v.asLong();
    });
    return checkCount(out, n, field, count);
  }

  private static void binarySize(ByteBuffer binary, String field, long count, String type, int bytes) {
    if (binary.remaining() != count * bytes) {
      throw HttpError.badRequest(field + ".parameters.binary_data_size: expected " + count * bytes + " bytes ("
          + count + " " + type + " values of " + bytes + " bytes, the product of its shape), got "
          + binary.remaining());
    }
  }

  private static <T> T checkCount(T values, int n, String field, long count) {
    if (n != count) {
      throw HttpError.badRequest(field + ".data: expected " + count + " values (the product of its shape), got " + n);
    }
    return values;
  }

  private interface Element {
    void accept(int index, JsonNode value);
  }

  /** Visits the leaves of flat or nested {@code data} in row-major order; returns how many there were. */
  private static int flatten(JsonNode data, String field, long count, Element each) {
    if (data == null || !data.isArray()) {
      throw HttpError.badRequest(field + ": expected an array of values (flat or nested), got " + describe(data));
    }
    int[] n = {0};
    visit(data, field, count, each, n);
    return n[0];
  }

  private static void visit(JsonNode node, String field, long count, Element each, int[] n) {
    for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
      JsonNode v = it.next();
      if (v.isArray()) {
        visit(v, field, count, each, n);
      } else {
        if (n[0] >= count) {
          n[0]++;
          continue; // counted for the message
        }
        each.accept(n[0]++, v);
      }
    }
  }

  static String shapeText(long[] shape) {
    return java.util.Arrays.toString(shape);
  }

  /** A received JSON value in a message: short, and its kind when not a scalar. */
  static String describe(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    if (v.isArray()) {
      return "an array of " + v.size();
    }
    if (v.isObject()) {
      return "an object";
    }
    String s = v.toString();
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}
