package org.rnn4j.nn;

/**
 * How a bidirectional layer combines its two directions (Keras {@code merge_mode}): CONCAT (features
 * side by side, forward first), SUM, MUL, AVERAGE. Thread-safe (an enum).
 */
public enum MergeMode {
  CONCAT, SUM, MUL, AVERAGE
}
