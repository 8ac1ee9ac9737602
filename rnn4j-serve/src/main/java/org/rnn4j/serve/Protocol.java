package org.rnn4j.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * was expected and what was received. Thread-safe: stateless.
 */
final class Protocol {
  static final JsonNodeFactory JSON = JsonNodeFactory.instance;
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
  static Rows rows(JsonNode body, ServedModel m, long deadlineNanos) {
    JsonNode inputs = body.get("inputs");
    if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
      throw HttpError.badRequest("inputs: expected an array holding the input 'input' (and optionally"
          + " 'lengths'), got " + describe(inputs));
    }
    JsonNode input = null;
    JsonNode lengths = null;
    int inputAt = -1;
    int lengthsAt = -1;
    for (int i = 0; i < inputs.size(); i++) {
      JsonNode t = inputs.get(i);
      JsonNode name = t.get("name");
      if (!t.isObject() || name == null || !name.isTextual()) {
        throw HttpError.badRequest("inputs[" + i + "].name: expected 'input' or 'lengths', got " + describe(name));
      }
      if (t.has("parameters") && t.get("parameters").has("binary_data_size")) {
        throw HttpError.badRequest("inputs[" + i + "].parameters.binary_data_size: the binary data extension is"
            + " not supported; send the values in 'data'");
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
      datatype(input, f, "INT64", "INT32");
      if (shape.length != 2) {
        throw HttpError.badRequest(f + ".shape: model '" + m.name + "' reads token ids: expected [batch, steps],"
            + " got " + shapeText(shape));
      }
      b = (int) shape[0];
      t = (int) shape[1];
      long[] v = integers(input, f, (long) b * t);
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
      features = floats(input, f, (long) b * t * feat);
    }
    int[] len = new int[b];
    java.util.Arrays.fill(len, t);
    if (lengths != null) {
      String g = "inputs[" + lengthsAt + "]";
      datatype(lengths, g, "INT32", "INT64");
      long[] ls = shape(lengths, g);
      if (ls.length != 1 || ls[0] != b) {
        throw HttpError.badRequest(g + ".shape: expected [" + b + "] (one length per row of 'input'), got "
            + shapeText(ls));
      }
      long[] v = integers(lengths, g, b);
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

  /** The answer to an inference request. */
  static ObjectNode answer(ServedModel m, JsonNode id, Tensor out, ObjectNode parameters) {
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
    ArrayNode data = t.putArray("data");
    for (float v : out.data()) {
      data.add(v);
    }
    return o;
  }

  private static void datatype(JsonNode tensor, String field, String... accepted) {
    JsonNode d = tensor.get("datatype");
    String got = d == null ? null : d.asText();
    for (String a : accepted) {
      if (a.equals(got)) {
        return;
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

  private static float[] floats(JsonNode tensor, String field, long count) {
    float[] out = new float[(int) count];
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

  private static long[] integers(JsonNode tensor, String field, long count) {
    long[] out = new long[(int) count];
    int n = flatten(tensor.get("data"), field + ".data", count, (i, v) -> {
      if (!v.isIntegralNumber() || !v.canConvertToLong()) {
        throw HttpError.badRequest(field + ".data[" + i + "]: expected an integer, got " + describe(v));
      }
      out[i] = v.asLong();
    });
    return checkCount(out, n, field, count);
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
