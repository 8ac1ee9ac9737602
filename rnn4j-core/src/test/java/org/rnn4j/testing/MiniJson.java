package org.rnn4j.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.rnn4j.internal.io.Json;

/**
 * Test helpers over the core's JSON reader ({@link Json}) for reading reference cases: a resource
 * loader, a path walker and a tensor-to-doubles converter. Numbers come back as {@link Double} from
 * {@link #at}, whether the file wrote them as integers or not. Stateless and thread-safe.
 */
public final class MiniJson {
  private MiniJson() {
  }

  /** Parses a JSON text. */
  public static Object parse(String text) {
    return Json.parse(text);
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

  /** Follows object keys (and list indices given as Integers) from {@code root}; numbers as Double. */
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
    return cur instanceof Number n ? (Object) n.doubleValue() : cur;
  }

  /** The {@code data} list of a {@code {"shape", "data"}} tensor (or a plain number list) as doubles. */
  @SuppressWarnings("unchecked")
  public static double[] doubles(Object tensorOrList) {
    Object d = tensorOrList instanceof Map ? ((Map<String, Object>) tensorOrList).get("data") : tensorOrList;
    List<Object> list = (List<Object>) d;
    double[] out = new double[list.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = ((Number) list.get(k)).doubleValue();
    }
    return out;
  }
}
