package org.rnn4j;

import java.util.Arrays;
import org.rnn4j.internal.model.StreamBatch;

/**
 * Many streams of one {@link Model} stepped together: what a server holding many live sequences
 * needs. Each stream keeps its own recurrent state (as a {@link ModelSession} does), and one
 * {@link #step} advances any set of them by one step as one batch: per recurrent layer one
 * {@code [S, I] x [I, GH]} and one {@code [S, P] x [P, GH]} product instead of S matrix-vector
 * products, so the weights are read once per step rather than once per stream. Streams are opened and
 * closed between steps.
 *
 * <p>A stream's outputs equal {@code Model.predict} on its sequence so far to the last bit, whatever
 * other streams are stepped with it (every row of a product is computed the same way whatever the
 * row count). After step t the output is the model's output at step t ({@code returnSequences=true})
 * or, for a model that keeps only the final state, its output for the first t steps; dropout is off.
 *
 * <p>States stay where they are between steps: a step of the same streams in the same order as the
 * step before moves no state; a new order costs one row swap per stream out of place. The weights
 * are read when the first step runs: do not train or change the model while its streams run.
 *
 * <p>Create with {@link Model#streams(int)}. Thread-safety: not thread-safe; one caller (one worker
 * thread of a server) owns the streams object. Several of them, on several threads, may read one
 * model.
 */
public final class ModelStreams {
  private final StreamBatch batch;
  private int[] rowOf = new int[0]; // per handle: its row, or -1 when the handle is free
  private int[] handleAt = new int[0]; // per row < size: the handle it holds
  private int[] freeHandles = new int[0];
  private int freeCount;
  private int handles; // handles ever made
  private int size; // open streams: rows 0..size-1

  ModelStreams(StreamBatch batch) {
    this.batch = batch;
    ensureRows(batch.capacity());
  }

  /**
   * Opens a stream at the zero state.
   *
   * @return its handle, a small non-negative int, valid until {@link #close}; a closed stream's handle
   *     may be given to a stream opened later
   */
  public int open() {
    int handle;
    if (freeCount > 0) {
      handle = freeHandles[--freeCount];
    } else {
      handle = handles++;
      if (handle >= rowOf.length) {
        int n = Math.max(16, rowOf.length * 2);
        int old = rowOf.length;
        rowOf = Arrays.copyOf(rowOf, n);
        Arrays.fill(rowOf, old, n, -1);
      }
    }
    if (size == batch.capacity()) {
      batch.grow(Math.max(16, size * 2));
      ensureRows(batch.capacity());
    }
    int row = size++;
    rowOf[handle] = row;
    handleAt[row] = handle;
    batch.zero(row);
    return handle;
  }

  /**
   * Closes a stream and frees its state (the last row's stream takes its place).
   *
   * @throws IllegalArgumentException when the handle is not an open stream
   */
  public void close(int stream) {
    int row = rowOf(stream, "close");
    int last = --size;
    if (row != last) {
      batch.copy(last, row);
      int moved = handleAt[last];
      handleAt[row] = moved;
      rowOf[moved] = row;
    }
    rowOf[stream] = -1;
    if (freeCount == freeHandles.length) {
      freeHandles = Arrays.copyOf(freeHandles, Math.max(16, freeCount * 2));
    }
    freeHandles[freeCount++] = stream;
  }

  /** True when {@code stream} is an open stream's handle. */
  public boolean isOpen(int stream) {
    return stream >= 0 && stream < handles && rowOf[stream] >= 0;
  }

  /**
   * Puts a stream back to the zero state, as when it was opened.
   *
   * @throws IllegalArgumentException when the handle is not an open stream
   */
  public void reset(int stream) {
    batch.zero(rowOf(stream, "reset"));
  }

  /** Open streams. */
  public int size() {
    return size;
  }

  /** Values returned per stream by each step. */
  public int outputSize() {
    return batch.outputSize();
  }

  /**
   * Advances streams {@code streams[0..n)} by one feature vector each (models without an embedding).
   *
   * @param streams the handles of the streams to step, distinct and open (read, not kept)
   * @param x       {@code [n, inputFeatures]}: row i is the input of {@code streams[i]} (read, not kept)
   * @return {@code [n, outputSize]}: row i is the output of {@code streams[i]} (logits for a
   *     cross-entropy model): a live buffer owned by this object, overwritten by the next step
   * @throws IllegalArgumentException when a handle is not open or repeats, or x is too short
   * @throws IllegalStateException    when the model takes token ids
   */
  public float[] step(int[] streams, int n, float[] x) {
    if (batch.vocabSize() > 0) {
      throw new IllegalStateException("model streams: this model takes token ids (its first layer is an "
          + "embedding); call step(int[], int, int[])");
    }
    int f = batch.inputSize();
    if (x == null || x.length < n * f) {
      throw new IllegalArgumentException("model streams: expected " + n + " x " + f + " = " + n * f
          + " input values, got " + (x == null ? "null" : x.length));
    }
    place(streams, n);
    return batch.step(x, n);
  }

  /**
   * Advances streams {@code streams[0..n)} by one token id each (models whose first layer is an
   * embedding).
   *
   * @param tokens {@code [n]}: the next token of each stream, in [0, vocabSize)
   * @return as {@link #step(int[], int, float[])}
   * @throws IllegalArgumentException when a handle is not open or repeats, or a token is out of range
   * @throws IllegalStateException    when the model takes feature vectors
   */
  public float[] step(int[] streams, int n, int[] tokens) {
    if (batch.vocabSize() == 0) {
      throw new IllegalStateException("model streams: this model takes " + batch.inputSize()
          + " features per step, not token ids; call step(int[], int, float[])");
    }
    if (tokens == null || tokens.length < n) {
      throw new IllegalArgumentException("model streams: expected " + n + " token ids, got "
          + (tokens == null ? "null" : tokens.length));
    }
    for (int i = 0; i < n; i++) {
      if (tokens[i] < 0 || tokens[i] >= batch.vocabSize()) {
        throw new IllegalArgumentException("model streams: expected token ids in [0, " + batch.vocabSize()
            + "), got " + tokens[i] + " at " + i);
      }
    }
    place(streams, n);
    return batch.step(tokens, n);
  }

  /** Moves stream {@code streams[i]} to row i, for i < n: the engine steps rows 0..n-1. */
  private void place(int[] streams, int n) {
    if (streams == null || n < 0 || n > streams.length) {
      throw new IllegalArgumentException("model streams: expected " + n + " stream handles, got "
          + (streams == null ? "null" : streams.length));
    }
    for (int i = 0; i < n; i++) {
      int row = rowOf(streams[i], "step");
      if (row < i) {
        // rows below i hold streams[0..i): this handle was listed before
        throw new IllegalArgumentException("model streams: stream " + streams[i] + " is listed twice"
            + " (at " + indexOf(streams, streams[i]) + " and " + i + "); a step takes each stream once");
      }
      if (row != i) {
        batch.swap(row, i);
        int other = handleAt[i];
        handleAt[i] = streams[i];
        handleAt[row] = other;
        rowOf[streams[i]] = i;
        rowOf[other] = row;
      }
    }
  }

  private static int indexOf(int[] a, int v) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == v) {
        return i;
      }
    }
    return -1;
  }

  private int rowOf(int stream, String what) {
    if (!isOpen(stream)) {
      throw new IllegalArgumentException("model streams: " + what + ": expected an open stream's handle, got "
          + stream + (stream >= 0 && stream < handles ? " (closed)" : ""));
    }
    return rowOf[stream];
  }

  private void ensureRows(int rows) {
    if (handleAt.length < rows) {
      handleAt = Arrays.copyOf(handleAt, rows);
    }
  }
}
