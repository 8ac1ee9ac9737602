package org.rnn4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;

/**
 * Reading the conformance JSON files: required fields, tensors ({@code {"shape", "data"}}, row-major)
 * and scalars, with a {@link CaseException} naming the field when the file is not as the format says.
 * Stateless.
 */
final class CaseJson {
  private CaseJson() {
  }

  /** A tensor as the file holds it: float64 values (float32 values widened exactly). */
  record Tensor64(int[] shape, double[] data) {
    float[] toFloats() {
      float[] f = new float[data.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) data[i];
      }
      return f;
    }

    org.rnn4j.Tensor toTensor() {
      return new org.rnn4j.Tensor(toFloats(), shape);
    }

    String shapeString() {
      return CaseJson.shapeString(shape);
    }
  }

  /** The field, which must be present and not null. */
  static JsonNode req(JsonNode obj, String field, String where) throws CaseException {
    JsonNode n = obj == null ? null : obj.get(field);
    if (n == null || n.isNull()) {
      throw new CaseException("bad case file: missing field '" + path(where, field) + "'");
    }
    return n;
  }

  /** The field, or null when absent or JSON null. */
  static JsonNode opt(JsonNode obj, String field) {
    JsonNode n = obj == null ? null : obj.get(field);
    return n == null || n.isNull() ? null : n;
  }

  static String text(JsonNode obj, String field, String where) throws CaseException {
    JsonNode n = req(obj, field, where);
    if (!n.isTextual()) {
      throw new CaseException("bad case file: expected a string in '" + path(where, field) + "', got " + n);
    }
    return n.asText();
  }

  static int integer(JsonNode obj, String field, String where) throws CaseException {
    return toInt(req(obj, field, where), path(where, field));
  }

  static int toInt(JsonNode n, String what) throws CaseException {
    if (!n.isNumber() || n.asDouble() != Math.rint(n.asDouble()) || Math.abs(n.asDouble()) > Integer.MAX_VALUE) {
      throw new CaseException("bad case file: expected an integer in '" + what + "', got " + n);
    }
    return (int) n.asDouble();
  }

  static double number(JsonNode obj, String field, String where) throws CaseException {
    return toDouble(req(obj, field, where), path(where, field));
  }

  static double toDouble(JsonNode n, String what) throws CaseException {
    if (!n.isNumber()) {
      throw new CaseException("bad case file: expected a number in '" + what + "', got " + n);
    }
    return n.asDouble();
  }

  static boolean bool(JsonNode obj, String field, String where, boolean dflt) throws CaseException {
    JsonNode n = opt(obj, field);
    if (n == null) {
      return dflt;
    }
    if (!n.isBoolean()) {
      throw new CaseException("bad case file: expected true/false in '" + path(where, field) + "', got " + n);
    }
    return n.asBoolean();
  }

  /** A tensor field {@code {"shape", "data"}}. */
  static Tensor64 tensor(JsonNode obj, String field, String where) throws CaseException {
    return tensor(req(obj, field, where), path(where, field));
  }

  /** Reads {@code node} as a tensor {@code {"shape", "data"}}. */
  static Tensor64 tensor(JsonNode node, String what) throws CaseException {
    JsonNode s = node.get("shape");
    JsonNode d = node.get("data");
    if (s == null || !s.isArray() || d == null || !d.isArray()) {
      throw new CaseException("bad case file: expected a tensor {\"shape\", \"data\"} in '" + what + "'");
    }
    int[] shape = new int[s.size()];
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = toInt(s.get(i), what + ".shape");
      if (shape[i] < 0) {
        throw new CaseException("bad case file: negative dimension in '" + what + ".shape'");
      }
      n *= shape[i];
    }
    if (n != d.size()) {
      throw new CaseException("bad case file: '" + what + "' has shape " + shapeString(shape) + " ("
          + n + " values) but " + d.size() + " data values");
    }
    double[] data = new double[d.size()];
    for (int i = 0; i < data.length; i++) {
      data[i] = toDouble(d.get(i), what + ".data");
    }
    return new Tensor64(shape, data);
  }

  static String shapeString(int[] shape) {
    return Arrays.toString(shape).replace(" ", "");
  }

  private static String path(String where, String field) {
    return where == null || where.isEmpty() ? field : where + "." + field;
  }
}
