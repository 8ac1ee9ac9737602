package org.rnn4j.internal.model;

import org.rnn4j.internal.engine.RowStates;
import org.rnn4j.internal.engine.StreamRows;
import org.rnn4j.internal.kernels.Kernels;
import org.rnn4j.nn.PoolingSpec;
import org.rnn4j.nn.RecurrentSpec;

/**
 * The engine behind {@link org.rnn4j.ModelStreams}: a model's layers advanced one step at a time for
 * many streams at once, row r being one stream. Embedding = one row copy per stream, recurrent layers
 * = {@link StreamRows} over the model's own weights, dropout = identity, dense = {@link Linear}'s
 * packed product over the n rows, pooling = a {@link RunningPool} per row. Every product is the one a
 * batch forward runs, and each row is computed the same way whatever the row count, so a stream's
 * outputs are {@code Model.predict} on its sequence so far, to the last bit, and do not depend on the
 * other streams. As {@link ModelStream}, a recurrent layer with {@code returnSequences=false} passes
 * its current state on. Not thread-safe.
 *
 * <p>Legend: R row capacity, n rows stepped, F a layer's features.
 */
public final class StreamBatch {
  private final ModelRuntime runtime;
  private final Kernels k;
  private final Object[] engines; // per layer: StreamRows, DenseLayer, EmbeddingLayer, RunningPool, or null
  private final int[] widths; // per layer: its output features
  private final RowStates[] rowStates; // the engines that keep a state per row
  private float[][] outs; // per layer: its output [R, F] (dense, embedding); otherwise unused
  private final float[][] packed; // per dense layer: its packed W^T, made on the first step
  private final int inputSize; // features per step, 0 for token input
  private final int vocabSize; // token input only
  private final int outputSize;
  private int capacity;

  StreamBatch(ModelRuntime runtime, Kernels k, int capacity) {
    this.runtime = runtime;
    this.k = k;
    int n = runtime.layers().size();
    this.engines = new Object[n];
    this.widths = new int[n];
    this.outs = new float[n][0];
    this.packed = new float[n][];
    int vocab = 0;
    int width = runtime.spec().inputFeatures();
    int rows = Math.max(1, capacity);
    for (int i = 0; i < n; i++) {
      Layer l = runtime.layers().get(i);
      if (l instanceof EmbeddingLayer e) {
        engines[i] = e;
        vocab = e.spec().vocabSize();
      } else if (l instanceof RecurrentLayer r) {
        RecurrentSpec s = r.spec().rnn();
        ModelStream.refuseBackwards(l.name(), s);
        engines[i] = new StreamRows(s, runtime.store(), l.name() + ".", k, rows);
      } else if (l instanceof DenseLayer d) {
        engines[i] = d;
      } else if (l instanceof PoolingLayer p) {
        engines[i] = new RunningPool(p.spec().mode() == PoolingSpec.Mode.MEAN, width, rows);
      }
      width = l.outputFeatures(width);
      widths[i] = width;
    }
    this.vocabSize = vocab;
    this.inputSize = runtime.spec().inputFeatures();
    this.outputSize = width;
    java.util.List<RowStates> states = new java.util.ArrayList<>();
    for (Object e : engines) {
      if (e instanceof RowStates s) {
        states.add(s);
      }
    }
    this.rowStates = states.toArray(new RowStates[0]);
    grow(rows);
  }

  /** Token ids accepted: [0, vocabSize); 0 for a feature model. */
  public int vocabSize() {
    return vocabSize;
  }

  /** Features per step accepted; 0 for a token model. */
  public int inputSize() {
    return inputSize;
  }

  /** Values per row of a step's output. */
  public int outputSize() {
    return outputSize;
  }

  public int capacity() {
    return capacity;
  }

  /** Makes room for {@code rows} rows, keeping every row's state. */
  public void grow(int rows) {
    if (rows <= capacity) {
      return;
    }
    for (int i = 0; i < engines.length; i++) {
      if (engines[i] instanceof RowStates s) {
        s.grow(rows);
      } else if (engines[i] instanceof DenseLayer || engines[i] instanceof EmbeddingLayer) {
        outs[i] = new float[rows * widths[i]];
      }
    }
    capacity = rows;
  }

  /** Row {@code r} back to the zero state (a new stream). */
  public void zero(int r) {
    for (RowStates s : rowStates) {
      s.zero(r);
    }
  }

  /** Exchanges the states of rows a and b. */
  public void swap(int a, int b) {
    for (RowStates s : rowStates) {
      s.swap(a, b);
    }
  }

  /** Copies row {@code from}'s state over row {@code to}'s. */
  public void copy(int from, int to) {
    for (RowStates s : rowStates) {
      s.copy(from, to);
    }
  }

  /** Advances rows 0..n-1 with token ids {@code ids[0..n)} (checked by the caller); returns the live [n, out]. */
  public float[] step(int[] ids, int n) {
    EmbeddingLayer e = (EmbeddingLayer) engines[0];
    int d = e.spec().dim();
    float[] v = runtime.store().values();
    float[] x = outs[0];
    for (int r = 0; r < n; r++) {
      System.arraycopy(v, e.weightOffset() + ids[r] * d, x, r * d, d);
    }
    return run(1, x, n);
  }

  /** Advances rows 0..n-1 with features {@code x [n, I]} (checked by the caller); returns the live [n, out]. */
  public float[] step(float[] x, int n) {
    return run(0, x, n);
  }

  private float[] run(int from, float[] x, int n) {
    float[] in = x;
    int width = from == 0 ? inputSize : widths[0];
    float[] v = runtime.store().values();
    for (int i = from; i < engines.length; i++) {
      Object e = engines[i];
      if (e instanceof StreamRows s) {
        in = s.step(in, n);
      } else if (e instanceof DenseLayer d) {
        int u = d.spec().units();
        float[] y = outs[i];
        int b = d.biasOffset();
        if (packed[i] == null) {
          packed[i] = new float[k.packedSize(width, u)];
          k.packB(true, width, u, v, d.weightOffset(), width, packed[i], 0);
        }
        Linear.forwardPacked(k, in, n, width, b >= 0 ? v : null, b, u, y, packed[i]);
        DenseLayer.activate(d.spec().activation(), y, n * u);
        in = y;
      } else if (e instanceof RunningPool p) {
        in = p.add(in, n);
      }
      // dropout: identity at inference
      width = widths[i];
    }
    return in;
  }
}
