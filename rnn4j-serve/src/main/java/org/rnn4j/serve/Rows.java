package org.rnn4j.serve;

import java.util.concurrent.CompletableFuture;
import org.rnn4j.Tensor;

/**
 * One request's input rows for a model: {@code rows} sequences of {@code steps} steps, each either
 * {@code features} values per step ({@code [rows, steps, F]}, row-major) or one token id per step
 * ({@code [rows, steps]}), with each row's valid length; and the future its output completes. The
 * arrays are the request's own (not copied). Thread-safe: the future is.
 */
final class Rows {
  final int rows;
  final int steps;
  final float[] features;
  final int[] tokens;
  final int[] lengths;
  final long enqueuedNanos = System.nanoTime();
  /** System.nanoTime() after which a request still waiting is answered 504, or Long.MAX_VALUE. */
  final long deadlineNanos;
  final CompletableFuture<Tensor> result = new CompletableFuture<>();

  Rows(int rows, int steps, float[] features, int[] tokens, int[] lengths, long deadlineNanos) {
    this.rows = rows;
    this.steps = steps;
    this.features = features;
    this.tokens = tokens;
    this.lengths = lengths;
    this.deadlineNanos = deadlineNanos;
  }

  boolean expired(long now) {
    return now - deadlineNanos > 0 && deadlineNanos != Long.MAX_VALUE;
  }
}
