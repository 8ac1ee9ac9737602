package org.rnn4j.internal.engine;

import java.util.Arrays;
import org.rnn4j.internal.kernels.Kernels;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.RecurrentSpec;

/**
 * Many streams of one unidirectional stack advanced one step together: row r of the state pools is
 * one stream's state, and a step of the first n rows is one batch, {@code [n, I] x [I, GH]} and
 * {@code [n, P] x [P, GH]} per layer, through the same packed products and gate math as a batch
 * forward. A row's result therefore does not depend on the other rows, and n steps of one row equal
 * the batch forward over those n steps to the last bit.
 *
 * <p>The state stays in the pools between steps (no gather or scatter); callers keep the streams they
 * step in the first rows, moving rows with {@link #swap} only when the set changes. The weights are
 * packed on the first step and read as they were then (a model must not be changed while its streams
 * run). Not thread-safe: one caller at a time.
 *
 * <p>Legend: L layers, R row capacity, n rows stepped, P output hidden size, H hidden size.
 */
public final class StreamRows implements RowStates {
  private final RecurrentSpec spec;
  private final ParameterStore store;
  private final Scan[] scans; // one per layer
  private final int p;
  private final int h;
  private final boolean lstm;
  private float[][] hPool; // [L][R, P]
  private float[][] cPool; // [L][R, H] (LSTM)
  private float[][] layerOut; // [L][R, P]: each layer's output of the last step
  private int capacity;
  private boolean packed;

  public StreamRows(RecurrentSpec spec, ParameterStore store, String prefix, Kernels kernels, int capacity) {
    this.spec = spec;
    this.store = store;
    this.p = spec.outputHiddenSize();
    this.h = spec.hiddenSize();
    this.lstm = spec.cell() == CellType.LSTM;
    this.scans = new Scan[spec.numLayers()];
    for (int l = 0; l < scans.length; l++) {
      scans[l] = new Scan(kernels, spec, store, prefix, l, 0);
    }
    this.hPool = new float[scans.length][0];
    this.cPool = new float[scans.length][0];
    this.layerOut = new float[scans.length][0];
    grow(Math.max(1, capacity));
  }

  /** Rows the pools hold. */
  public int capacity() {
    return capacity;
  }

  /** Makes room for {@code rows} rows, keeping every row's state. */
  @Override
  public void grow(int rows) {
    if (rows <= capacity) {
      return;
    }
    for (int l = 0; l < scans.length; l++) {
      hPool[l] = Arrays.copyOf(hPool[l], rows * p);
      cPool[l] = Arrays.copyOf(cPool[l], lstm ? rows * h : 0);
      layerOut[l] = new float[rows * p];
      scans[l].ensureCapacity(1, rows, false);
    }
    capacity = rows;
  }

  /** Zeroes row {@code r}'s state in every layer. */
  @Override
  public void zero(int r) {
    for (int l = 0; l < scans.length; l++) {
      Arrays.fill(hPool[l], r * p, (r + 1) * p, 0f);
      if (lstm) {
        Arrays.fill(cPool[l], r * h, (r + 1) * h, 0f);
      }
    }
  }

  /** Exchanges the states of rows {@code a} and {@code b}. */
  @Override
  public void swap(int a, int b) {
    for (int l = 0; l < scans.length; l++) {
      swapRows(hPool[l], a, b, p);
      if (lstm) {
        swapRows(cPool[l], a, b, h);
      }
    }
  }

  /** Copies row {@code from}'s state over row {@code to}'s. */
  @Override
  public void copy(int from, int to) {
    for (int l = 0; l < scans.length; l++) {
      System.arraycopy(hPool[l], from * p, hPool[l], to * p, p);
      if (lstm) {
        System.arraycopy(cPool[l], from * h, cPool[l], to * h, h);
      }
    }
  }

  /** Exchanges rows i and j of a row-major array with rows of w values. */
  public static void swapRows(float[] a, int i, int j, int w) {
    for (int k = 0; k < w; k++) {
      float t = a[i * w + k];
      a[i * w + k] = a[j * w + k];
      a[j * w + k] = t;
    }
  }

  /**
   * Advances rows 0..n-1 by one step.
   *
   * @param x [n, I] the rows' inputs (row-major)
   * @return the top layer's new h [n, P]: a live buffer, valid until the next call
   */
  public float[] step(float[] x, int n) {
    float[] in = x;
    int ldx = spec.inputSize();
    for (int l = 0; l < scans.length; l++) {
      Scan s = scans[l];
      s.bind(store.values(), store.grads());
      s.steps = 1;
      s.rows = n;
      s.lengths = null;
      s.recMask = null;
      if (!packed) {
        s.packOnce();
      }
      s.forward(in, ldx, hPool[l], 0, lstm ? cPool[l] : null, 0, layerOut[l], p, 0);
      System.arraycopy(s.hCur, 0, hPool[l], 0, n * p);
      if (lstm) {
        System.arraycopy(s.cCur, 0, cPool[l], 0, n * h);
      }
      in = layerOut[l];
      ldx = p;
    }
    packed = true;
    return layerOut[scans.length - 1];
  }
}
