package org.rnn4j.internal.engine;

/** PyTorch's parameter-name suffixes, written once: {@code _l{k}} and {@code _reverse}. */
final class Names {
  private Names() {
  }

  static String suffix(int layer, int direction) {
    return "_l" + layer + (direction == 1 ? "_reverse" : "");
  }
}
