package org.rnn4j.internal.engine;

/**
 * Per-row state of many streams kept in row-major pools (row r = one stream): what a stream batch
 * grows, zeroes, swaps and copies, whichever layer keeps it (recurrent states, running pools).
 * Implementations are not thread-safe.
 */
public interface RowStates {
  /** Makes room for {@code rows} rows, keeping every row's state. */
  void grow(int rows);

  /** Row {@code r} back to the zero state. */
  void zero(int r);

  /** Exchanges the states of rows a and b. */
  void swap(int a, int b);

  /** Copies row {@code from}'s state over row {@code to}'s. */
  void copy(int from, int to);
}
