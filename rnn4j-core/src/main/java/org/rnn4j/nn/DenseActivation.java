package org.rnn4j.nn;

import java.util.Locale;

/** Activations of a {@link DenseSpec}. Thread-safe (an enum). */
public enum DenseActivation {
  LINEAR, RELU, TANH, SIGMOID;

  /**
   * Parses a name (any case).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static DenseActivation parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "dense activation: expected one of linear, relu, tanh, sigmoid, got '" + s + "'");
    }
  }
}
