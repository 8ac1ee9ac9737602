package org.rnn4j.nn;

/**
 * Inverted dropout: in training each value is zeroed with probability {@code rate} and the rest are
 * scaled by {@code 1/(1-rate)}; the identity at inference. Immutable and thread-safe.
 */
public record DropoutSpec(String name, float rate) implements LayerSpec {
  public DropoutSpec {
    Specs.requireName(name, "Dropout");
    Specs.require(rate >= 0f && rate < 1f, "Dropout '" + name + "': expected rate in [0, 1), got " + rate);
  }
}
