package org.rnn4j.nn;

/**
 * The recurrent cell types, with PyTorch's gate order (written down once here).
 *
 * <ul>
 *   <li>{@link #RNN_TANH}, {@link #RNN_RELU}: one block, {@code h' = act(W_ih x + b_ih + W_hh h + b_hh)}.
 *   <li>{@link #LSTM}: blocks i, f, g, o.
 *   <li>{@link #GRU}: blocks r, z, n.
 * </ul>
 * Thread-safe (an enum).
 */
public enum CellType {
  RNN_TANH(1, 1),
  RNN_RELU(1, 1),
  LSTM(4, 3),
  GRU(3, 2);

  private final int gates;
  private final int activationCount;

  CellType(int gates, int activationCount) {
    this.gates = gates;
    this.activationCount = activationCount;
  }

  /** Number of gate blocks G: the weight matrices have {@code G * hiddenSize} rows. */
  public int gates() {
    return gates;
  }

  /** Number of activation functions per direction as ONNX counts them: LSTM 3, GRU 2, RNN 1. */
  public int activationCount() {
    return activationCount;
  }

  /** True for both plain RNN types. */
  public boolean isRnn() {
    return this == RNN_TANH || this == RNN_RELU;
  }

  /**
   * Parses {@code LSTM}, {@code GRU}, {@code RNN} (tanh), {@code RNN_TANH}, {@code RNN_RELU}, in any case.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static CellType parse(String name) {
    String n = name == null ? "" : name.trim().toUpperCase(java.util.Locale.ROOT);
    switch (n) {
      case "LSTM":
        return LSTM;
      case "GRU":
        return GRU;
      case "RNN":
      case "RNN_TANH":
        return RNN_TANH;
      case "RNN_RELU":
        return RNN_RELU;
      default:
        throw new IllegalArgumentException(
            "cell: expected one of LSTM, GRU, RNN, RNN_TANH, RNN_RELU, got '" + name + "'");
    }
  }
}
