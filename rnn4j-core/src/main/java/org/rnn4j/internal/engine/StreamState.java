package org.rnn4j.internal.engine;

import java.util.Arrays;
import org.rnn4j.internal.kernels.Kernels;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.RecurrentSpec;
import org.rnn4j.nn.WeightPrecision;

/**
 * The engine behind {@link org.rnn4j.nn.Session}: one unidirectional stack advanced one step at a
 * time for one caller (B = 1), reading the shared weights without copying or packing them (the
 * per-step products are matrix-vector products, for which W's own row-major layout is the right one).
 * All buffers are allocated here, once; {@link #step} allocates nothing. Not thread-safe.
 */
public final class StreamState {
  private final RecurrentSpec spec;
  private final ParameterStore store;
  private final Scan[] scans; // one per layer
  private final float[][] layerOut; // [L][P]

  public StreamState(RecurrentSpec spec, ParameterStore store, String prefix, Kernels kernels) {
    this(spec, store, prefix, kernels, WeightPrecision.FLOAT32);
  }

  /** With {@link WeightPrecision#BFLOAT16}, W_ih and W_hh are rounded to bf16 now, once. */
  public StreamState(RecurrentSpec spec, ParameterStore store, String prefix, Kernels kernels,
      WeightPrecision precision) {
    this.spec = spec;
    this.store = store;
    this.scans = new Scan[spec.numLayers()];
    this.layerOut = new float[spec.numLayers()][spec.outputHiddenSize()];
    for (int l = 0; l < scans.length; l++) {
      Scan s = new Scan(kernels, spec, store, prefix, l, 0);
      s.ensureCapacity(1, 1, false);
      s.steps = 1;
      s.rows = 1;
      s.lengths = null;
      if (precision == WeightPrecision.BFLOAT16) {
        s.bind(store.values(), store.grads());
        s.useBf16();
      }
      scans[l] = s;
    }
    reset();
  }

  /** Zeroes h and c of every layer. */
  public void reset() {
    for (Scan s : scans) {
      Arrays.fill(s.hCur, 0f);
      Arrays.fill(s.cCur, 0f);
    }
  }

  /**
   * Advances one step.
   *
   * @param x [I] input of this step (read from offset 0)
   * @return the top layer's h [P]: a live buffer, valid until the next call
   */
  public float[] step(float[] x) {
    float[] in = x;
    for (int l = 0; l < scans.length; l++) {
      Scan s = scans[l];
      s.bind(store.values(), store.grads());
      s.forward(in, spec.layerInputSize(l), s.hCur, 0, s.cCur, 0, layerOut[l],
          spec.outputHiddenSize(), 0);
      in = layerOut[l];
    }
    return layerOut[scans.length - 1];
  }

  /** Copies the state of layer {@code l} into h [P] and c [H] (c may be null). */
  public void getState(int l, float[] h, float[] c) {
    System.arraycopy(scans[l].hCur, 0, h, 0, spec.outputHiddenSize());
    if (c != null && spec.cell() == CellType.LSTM) {
      System.arraycopy(scans[l].cCur, 0, c, 0, spec.hiddenSize());
    }
  }

  /** Sets the state of layer {@code l} from h [P] and c [H] (c may be null = zeros). */
  public void setState(int l, float[] h, float[] c) {
    System.arraycopy(h, 0, scans[l].hCur, 0, spec.outputHiddenSize());
    if (spec.cell() == CellType.LSTM) {
      if (c == null) {
        Arrays.fill(scans[l].cCur, 0f);
      } else {
        System.arraycopy(c, 0, scans[l].cCur, 0, spec.hiddenSize());
      }
    }
  }
}
