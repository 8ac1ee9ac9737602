package org.rnn4j.nn;

/**
 * How a streaming session keeps the weights of its recurrent products (W_ih, W_hh): as the model's
 * own float32 values, or as a copy rounded to bfloat16 that streams half the bytes per step (the
 * products still sum in float32; the state, biases, projection and head stay float32). Immutable and
 * thread-safe.
 */
public enum WeightPrecision {
  /** The model's float32 weights, read live: a session's outputs equal the batch forward's to float32 rounding. */
  FLOAT32,
  /**
   * A bfloat16 copy made when the session is created (8 significant bits: each weight within 2^-9
   * of its value, relative), held by that session (half the bytes of its recurrent weights): later
   * changes to the model are not seen. For inference steps bound by memory bandwidth;
   * BENCHMARKS.md states its speed and its accuracy against FLOAT32.
   */
  BFLOAT16
}
