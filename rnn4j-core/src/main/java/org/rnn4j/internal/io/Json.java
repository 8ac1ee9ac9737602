package org.rnn4j.internal.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small JSON subset rnn4j's core needs for file headers (safetensors headers, model configs),
 * since the core depends on nothing but the JDK: objects (insertion-ordered maps), arrays, strings,
 * numbers (Long when integral and written without a fraction or exponent, else Double), booleans,
 * null. Refuses anything else with the position. Nesting is limited to 64 levels and the text to
 * what the caller passes, so hostile headers cannot exhaust the stack. Stateless and thread-safe.
 */
public final class Json {
  private static final int MAX_DEPTH = 64;

  private final String s;
  private int pos;

  private Json(String s) {
    this.s = s;
  }

  /**
   * Parses one JSON value (surrounding white space allowed).
   *
   * @throws IllegalArgumentException naming the position and what was expected
   */
  public static Object parse(String text) {
    Json p = new Json(text);
    Object v = p.value(0);
    p.ws();
    if (p.pos != text.length()) {
      throw p.error("end of input");
    }
    return v;
  }

  private IllegalArgumentException error(String expected) {
    String near = pos < s.length() ? "'" + s.substring(pos, Math.min(s.length(), pos + 12)) + "'" : "end";
    return new IllegalArgumentException("JSON: expected " + expected + " at character " + pos + ", got "
        + near);
  }

  private void ws() {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("at most " + MAX_DEPTH + " levels of nesting");
    }
    ws();
    if (pos >= s.length()) {
      throw error("a value");
    }
    char c = s.charAt(pos);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("a value");
    }
  }

  private Object literal(String word, Object v) {
    if (!s.startsWith(word, pos)) {
      throw error("'" + word + "'");
    }
    pos += word.length();
    return v;
  }

  private Map<String, Object> object(int depth) {
    Map<String, Object> m = new LinkedHashMap<>();
    pos++;
    ws();
    if (pos < s.length() && s.charAt(pos) == '}') {
      pos++;
      return m;
    }
    while (true) {
      ws();
      if (pos >= s.length() || s.charAt(pos) != '"') {
        throw error("a string key");
      }
      String k = string();
      ws();
      if (pos >= s.length() || s.charAt(pos) != ':') {
        throw error("':'");
      }
      pos++;
      if (m.put(k, value(depth + 1)) != null) {
        throw new IllegalArgumentException("JSON: duplicate key '" + k + "' before character " + pos);
      }
      ws();
      if (pos < s.length() && s.charAt(pos) == ',') {
        pos++;
      } else if (pos < s.length() && s.charAt(pos) == '}') {
        pos++;
        return m;
      } else {
        throw error("',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) {
    List<Object> a = new ArrayList<>();
    pos++;
    ws();
    if (pos < s.length() && s.charAt(pos) == ']') {
      pos++;
      return a;
    }
    while (true) {
      a.add(value(depth + 1));
      ws();
      if (pos < s.length() && s.charAt(pos) == ',') {
        pos++;
      } else if (pos < s.length() && s.charAt(pos) == ']') {
        pos++;
        return a;
      } else {
        throw error("',' or ']'");
      }
    }
  }

  private String string() {
    StringBuilder sb = new StringBuilder();
    pos++;
    while (true) {
      if (pos >= s.length()) {
        throw error("a closing '\"'");
      }
      char c = s.charAt(pos++);
      if (c == '"') {
        return sb.toString();
      }
      if (c == '\\') {
        if (pos >= s.length()) {
          throw error("an escape");
        }
        char e = s.charAt(pos++);
        switch (e) {
          case '"':
          case '\\':
          case '/':
            sb.append(e);
            break;
          case 'b':
            sb.append('\b');
            break;
          case 'f':
            sb.append('\f');
            break;
          case 'n':
            sb.append('\n');
            break;
          case 'r':
            sb.append('\r');
            break;
          case 't':
            sb.append('\t');
            break;
          case 'u':
            if (pos + 4 > s.length()) {
              throw error("four hex digits");
            }
            try {
              sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("four hex digits");
            }
            pos += 4;
            break;
          default:
            pos--;
            throw error("a valid escape");
        }
      } else if (c < 0x20) {
        pos--;
        throw error("no control character inside a string");
      } else {
        sb.append(c);
      }
    }
  }

  private Object number() {
    int start = pos;
    if (s.charAt(pos) == '-') {
      pos++;
    }
    boolean integral = true;
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c >= '0' && c <= '9') {
        pos++;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        integral = false;
        pos++;
      } else {
        break;
      }
    }
    String t = s.substring(start, pos);
    try {
      if (integral && t.length() < 19) {
        return Long.parseLong(t);
      }
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      pos = start;
      throw error("a number");
    }
  }

  /** Writes a value built of maps, lists, strings, numbers, booleans and null. */
  public static String write(Object v) {
    StringBuilder sb = new StringBuilder();
    write(v, sb);
    return sb.toString();
  }

  private static void write(Object v, StringBuilder sb) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof String str) {
      quote(str, sb);
    } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
      sb.append(v);
    } else if (v instanceof Number n) {
      double d = n.doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("JSON: cannot write the non-finite number " + d);
      }
      sb.append(v instanceof Float ? Float.toString(n.floatValue()) : Double.toString(d));
    } else if (v instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        quote(String.valueOf(e.getKey()), sb);
        sb.append(':');
        write(e.getValue(), sb);
      }
      sb.append('}');
    } else if (v instanceof List<?> l) {
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        write(l.get(i), sb);
      }
      sb.append(']');
    } else {
      throw new IllegalArgumentException("JSON: cannot write a " + v.getClass().getName());
    }
  }

  private static void quote(String str, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < str.length(); i++) {
      char c = str.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\r':
          sb.append("\\r");
          break;
        case '\t':
          sb.append("\\t");
          break;
        default:
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }
}
