package org.rnn4j.nn;

import java.util.Locale;

/**
 * Pooling over time: a sequence {@code [B, T, F]} becomes one vector {@code [B, F]} per example, the
 * mean or the maximum of each feature over the example's <em>valid</em> steps only (Keras's {@code
 * GlobalAveragePooling1D} / {@code GlobalMaxPooling1D} with a mask), so padding never changes the
 * result. Placed after a recurrent layer with {@code returnSequences(true)}, it lets every step's
 * output speak for the whole text, which a classifier of long texts often needs. No parameters.
 * Immutable and thread-safe.
 *
 * @param name the layer's name
 * @param mode mean or max
 */
public record PoolingSpec(String name, Mode mode) implements LayerSpec {

  /** What is taken over the valid steps. */
  public enum Mode {
    /** The mean of each feature. */
    MEAN,
    /** The maximum of each feature (its gradient goes to the step that held it). */
    MAX;

    /**
     * Parses {@code mean} or {@code max} (any case).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Mode parse(String s) {
      switch (s == null ? "" : s.trim().toLowerCase(Locale.ROOT)) {
        case "mean":
        case "average":
          return MEAN;
        case "max":
          return MAX;
        default:
          throw new IllegalArgumentException("pooling: expected mean or max, got '" + s + "'");
      }
    }
  }

  public PoolingSpec {
    Specs.requireName(name, "Pooling");
    Specs.require(mode != null, "Pooling '" + name + "': mode is null");
  }
}
