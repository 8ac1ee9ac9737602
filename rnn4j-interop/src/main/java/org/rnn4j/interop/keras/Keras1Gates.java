package org.rnn4j.interop.keras;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rnn4j.interop.ImportException;

/**
 * Keras 1's recurrent weights as Keras 2 has them. Keras 1 (and Keras 2's legacy converter, when
 * {@code consume_less} was "cpu" or "mem") keeps one matrix per gate: {@code <layer>_W_i},
 * {@code <layer>_U_i}, {@code <layer>_b_i}, then the same for the other gates, in the order
 * LSTM i, c, f, o and GRU z, r, h. Keras 2 has one {@code kernel [in, G*U]}, one
 * {@code recurrent_kernel [U, G*U]} and one {@code bias [G*U]} with the gate blocks in the order
 * LSTM i, f, c, o and GRU z, r, h. This class concatenates the per-gate matrices into that layout;
 * every other list of weights passes through unchanged. Stateless.
 */
final class Keras1Gates {
  private static final Pattern NAME = Pattern.compile("^(.*)_([WUb])_([a-z])(?::\\d+)?$");
  private static final String LSTM_ORDER = "ifco";
  private static final String GRU_ORDER = "zrh";

  private Keras1Gates() {
  }

  /**
   * The weights of a layer in Keras 2's layout.
   *
   * @param where  the file and HDF5 group, for messages
   * @param names  the weights' names, in the order of {@code values}
   * @param values the weights as {shape, data}
   */
  static List<float[][]> merge(String where, List<String> names, List<float[][]> values) throws ImportException {
    // prefix (the layer, "forward_lstm_1" ...) -> "W_i" -> weight, in the order the prefixes come
    Map<String, Map<String, float[][]>> byPrefix = new LinkedHashMap<>();
    for (int k = 0; k < names.size(); k++) {
      Matcher m = NAME.matcher(names.get(k));
      if (!m.matches()) {
        return values;
      }
      byPrefix.computeIfAbsent(m.group(1), p -> new LinkedHashMap<>()).put(m.group(2) + "_" + m.group(3), values.get(k));
    }
    if (byPrefix.isEmpty()) {
      return values;
    }
    List<float[][]> out = new ArrayList<>();
    for (Map.Entry<String, Map<String, float[][]>> e : byPrefix.entrySet()) {
      Map<String, float[][]> w = e.getValue();
      String order = gateOrder(w);
      if (order == null) {
        return values; // not the per-gate layout (a Dense's W and b have no gate letter)
      }
      String what = where + ": Keras 1 weights " + e.getKey() + "_{W,U,b}_{" + String.join(",", order.split("")) + "}";
      out.add(concatColumns(what, "W", order, w));
      out.add(concatColumns(what, "U", order, w));
      out.add(concatColumns(what, "b", order, w));
    }
    return out;
  }

  /** LSTM's or GRU's Keras 2 gate order when {@code w} holds exactly W, U and b of its gates, else null. */
  private static String gateOrder(Map<String, float[][]> w) {
    for (String order : List.of(LSTM_ORDER, GRU_ORDER)) {
      if (w.size() == 3 * order.length()) {
        boolean all = true;
        for (char g : order.toCharArray()) {
          all &= w.containsKey("W_" + g) && w.containsKey("U_" + g) && w.containsKey("b_" + g);
        }
        if (all) {
          return order;
        }
      }
    }
    return null;
  }

  /** [rows, U] per gate (or [U] for biases) -> [rows, G*U] with gate blocks side by side. */
  private static float[][] concatColumns(String what, String kind, String order, Map<String, float[][]> w)
      throws ImportException {
    float[][] first = w.get(kind + "_" + order.charAt(0));
    int rank = first[0].length;
    int rows = rank == 1 ? 1 : (int) first[0][0];
    int units = (int) first[0][rank - 1];
    int gates = order.length();
    float[] data = new float[rows * gates * units];
    for (int g = 0; g < gates; g++) {
      String name = kind + "_" + order.charAt(g);
      float[][] x = w.get(name);
      if (x[0].length != rank || (rank == 2 && (int) x[0][0] != rows) || (int) x[0][rank - 1] != units
          || rank > 2) {
        throw new ImportException(what + ": " + name + " has shape " + shape(x) + ", expected " + shape(first)
            + " like " + kind + "_" + order.charAt(0));
      }
      for (int r = 0; r < rows; r++) {
        System.arraycopy(x[1], r * units, data, r * gates * units + g * units, units);
      }
    }
    float[] dims = rank == 1 ? new float[] {gates * units} : new float[] {rows, gates * units};
    return new float[][] {dims, data};
  }

  private static String shape(float[][] x) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < x[0].length; i++) {
      sb.append(i == 0 ? "" : ", ").append((int) x[0][i]);
    }
    return sb.append(']').toString();
  }
}
