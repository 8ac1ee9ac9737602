package org.rnn4j.nn;

/** Validation helpers shared by the specs. Stateless and thread-safe. */
final class Specs {
  private Specs() {
  }

  static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  static void requireName(String name, String kind) {
    require(name != null && name.matches("[A-Za-z_][A-Za-z0-9_]*"),
        kind + ": expected a name of letters, digits and '_' (not starting with a digit), got '" + name + "'");
  }
}
