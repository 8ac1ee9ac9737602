package org.rnn4j.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small recursive-descent JSON reader for test fixtures (core has no JSON library): objects become
 * {@link LinkedHashMap}s, arrays {@link ArrayList}s, numbers {@link Double}s, plus strings, booleans
 * and null. Strict enough for the conformance files; not a general-purpose parser (no surrogate-pair
 * checks). Stateless entry points; one instance parses one text. Not thread-safe per instance.
 */
public final class MiniJson {
  private final String s;
  private int i;

  private MiniJson(String s) {
    this.s = s;
  }

  /** Parses a whole JSON text. */
  public static Object parse(String text) {
    MiniJson p = new MiniJson(text);
    Object v = p.value();
    p.ws();
    if (p.i != text.length()) {
      throw p.error("end of input");
    }
    return v;
  }

  /** Parses a UTF-8 JSON resource on the test class path. */
  public static Object resource(String path) {
    try (InputStream in = MiniJson.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("MiniJson: no test resource " + path);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("MiniJson: cannot read " + path, e);
    }
  }

  /** Follows object keys (and list indices written as numbers) from {@code root}. */
  @SuppressWarnings("unchecked")
  public static Object at(Object root, Object... path) {
    Object cur = root;
    for (Object key : path) {
      if (key instanceof Integer) {
        cur = ((List<Object>) cur).get((Integer) key);
      } else {
        Map<String, Object> m = (Map<String, Object>) cur;
        if (!m.containsKey(key)) {
          throw new IllegalArgumentException("MiniJson: no key '" + key + "' among " + m.keySet());
        }
        cur = m.get(key);
      }
    }
    return cur;
  }

  /** The {@code data} list of a {@code {"shape", "data"}} tensor (or a plain number list) as doubles. */
  @SuppressWarnings("unchecked")
  public static double[] doubles(Object tensorOrList) {
    Object d = tensorOrList instanceof Map ? ((Map<String, Object>) tensorOrList).get("data") : tensorOrList;
    List<Object> list = (List<Object>) d;
    double[] out = new double[list.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = (Double) list.get(k);
    }
    return out;
  }

  private Object value() {
    ws();
    if (i >= s.length()) {
      throw error("a value");
    }
    char c = s.charAt(i);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        return number();
    }
  }

  private Map<String, Object> object() {
    Map<String, Object> m = new LinkedHashMap<>();
    i++; // {
    ws();
    if (peek() == '}') {
      i++;
      return m;
    }
    while (true) {
      ws();
      if (peek() != '"') {
        throw error("a string key");
      }
      String k = string();
      ws();
      expect(':');
      m.put(k, value());
      ws();
      if (peek() == ',') {
        i++;
      } else {
        expect('}');
        return m;
      }
    }
  }

  private List<Object> array() {
    List<Object> l = new ArrayList<>();
    i++; // [
    ws();
    if (peek() == ']') {
      i++;
      return l;
    }
    while (true) {
      l.add(value());
      ws();
      if (peek() == ',') {
        i++;
      } else {
        expect(']');
        return l;
      }
    }
  }

  private String string() {
    StringBuilder b = new StringBuilder();
    i++; // opening quote
    while (true) {
      if (i >= s.length()) {
        throw error("a closing quote");
      }
      char c = s.charAt(i++);
      if (c == '"') {
        return b.toString();
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char e = s.charAt(i++);
      switch (e) {
        case 'n': b.append('\n'); break;
        case 't': b.append('\t'); break;
        case 'r': b.append('\r'); break;
        case 'b': b.append('\b'); break;
        case 'f': b.append('\f'); break;
        case 'u':
          b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
          i += 4;
          break;
        default: b.append(e); // \" \\ \/
      }
    }
  }

  private Double number() {
    int start = i;
    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    if (start == i) {
      throw error("a value");
    }
    return Double.parseDouble(s.substring(start, i));
  }

  private Object literal(String word, Object v) {
    if (!s.startsWith(word, i)) {
      throw error("'" + word + "'");
    }
    i += word.length();
    return v;
  }

  private void ws() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
  }

  private char peek() {
    return i < s.length() ? s.charAt(i) : '\0';
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("'" + c + "'");
    }
    i++;
  }

  private IllegalArgumentException error(String expected) {
    return new IllegalArgumentException("MiniJson: expected " + expected + " at offset " + i + ", got '"
        + (i < s.length() ? s.substring(i, Math.min(s.length(), i + 20)) : "end of input") + "'");
  }
}
