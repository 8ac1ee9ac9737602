package org.rnn4j.internal.engine;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.rnn4j.internal.kernels.Kernels;
import org.rnn4j.internal.kernels.RowParallel;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.RecurrentSpec;

/**
 * The engine behind {@link org.rnn4j.nn.Recurrent}: layers x directions of {@link Scan}s, dropout
 * between layers, time-major throughout. Arguments are validated by the public facade; this class
 * only asserts.
 *
 * <p>Legend: T steps, B batch, L layers, D directions, P output hidden size, H hidden size.
 *
 * <p>Not thread-safe: a stack belongs to one training thread; concurrent inference goes through
 * sessions, which keep their own scans.
 */
public final class RecurrentStack {
  private final RecurrentSpec spec;
  private final ParameterStore store;
  private final Kernels kernels;
  private final Scan[][] scans; // [L][D]
  private final int dirs;
  private final int outSize; // D*P
  private float[][] layerOut; // [L-1][T*B*D*P]: the outputs of the layers below the top
  private float[][] dropMask; // [L-1][T*B*D*P], null entries when dropout is off
  private float[][] dLayer; // [L][T*B*inputSize(l)] gradient of each layer's input
  private float[] x0; // the first layer's time-major input of the last forward
  private int steps;
  private int rows;
  private boolean trained; // the last forward kept what backward needs
  private SplittableRandom random;

  /** Registers the parameters in PyTorch's {@code named_parameters()} order. */
  public static void registerParameters(RecurrentSpec spec, ParameterStore store, String prefix) {
    int g = spec.cell().gates() * spec.hiddenSize();
    for (int l = 0; l < spec.numLayers(); l++) {
      for (int d = 0; d < spec.numDirections(); d++) {
        String sfx = spec.parameterSuffix(l, d);
        store.register(prefix + "weight_ih" + sfx, g, spec.layerInputSize(l));
        store.register(prefix + "weight_hh" + sfx, g, spec.outputHiddenSize());
        if (spec.bias()) {
          store.register(prefix + "bias_ih" + sfx, g);
          store.register(prefix + "bias_hh" + sfx, g);
        }
        if (spec.projSize() > 0) {
          store.register(prefix + "weight_hr" + sfx, spec.projSize(), spec.hiddenSize());
        }
        if (spec.peepholes()) {
          store.register(prefix + "weight_peep" + sfx, 3 * spec.hiddenSize());
        }
      }
    }
  }

  public RecurrentStack(RecurrentSpec spec, ParameterStore store, String prefix, Kernels kernels,
      long seed) {
    this.spec = spec;
    this.store = store;
    this.kernels = kernels;
    this.dirs = spec.numDirections();
    this.outSize = spec.outputSize();
    this.scans = new Scan[spec.numLayers()][dirs];
    for (int l = 0; l < spec.numLayers(); l++) {
      for (int d = 0; d < dirs; d++) {
        scans[l][d] = new Scan(kernels, spec, store, prefix, l, d);
      }
    }
    this.random = new SplittableRandom(seed);
  }

  public RecurrentSpec spec() {
    return spec;
  }

  /**
   * Forward over a time-major batch.
   *
   * @param x        [T, B, I] time-major input
   * @param lengths  [B] valid steps per row (1..T) or null
   * @param h0       [L*D, B, P] or null
   * @param c0       [L*D, B, H] or null (LSTM)
   * @param out      [T, B, D*P] written: the top layer's outputs, or null when only hN (and cN) are wanted
   * @param hN       [L*D, B, P] written
   * @param cN       [L*D, B, H] written (LSTM; may be null)
   * @param training keep what backward needs and apply dropout between layers
   */
  public void forward(float[] x, int t, int b, int[] lengths, float[] h0, float[] c0, float[] out,
      float[] hN, float[] cN, boolean training) {
    steps = t;
    rows = b;
    x0 = x;
    trained = training;
    int layers = spec.numLayers();
    if (layerOut == null || layerOut.length != layers - 1
        || (layers > 1 && layerOut[0].length < t * b * outSize)) {
      layerOut = new float[layers - 1][t * b * outSize]; // the top layer writes into out
    }
    float[] in = x;
    int ldx = spec.inputSize();
    int p = spec.outputHiddenSize();
    int h = spec.hiddenSize();
    for (int l = 0; l < layers; l++) {
      float[] o = l == layers - 1 ? out : layerOut[l];
      for (int d = 0; d < dirs; d++) {
        Scan s = scans[l][d];
        s.bind(store.values(), store.grads());
        s.ensureCapacity(t, b, training);
        s.steps = t;
        s.rows = b;
        s.lengths = lengths;
        s.pack(training);
        s.recMask = training && spec.recurrentDropout() > 0f ? recurrentMask(s, b) : null;
      }
      directions.set(l, in, ldx, h0, c0, o, b);
      // The two directions of a layer share nothing but its input: one core each, when there are two
      // (each direction's products then run whole on its core, with no split and no barrier per step;
      // a product's bits do not depend on which thread computes it).
      if (dirs == 1 || !RowParallel.shared().tryRun(directions, dirs)) {
        directions.run(0, dirs);
      }
      directions.clear();
      for (int d = 0; d < dirs; d++) {
        Scan s = scans[l][d];
        int idx = l * dirs + d;
        System.arraycopy(s.hCur, 0, hN, idx * b * p, b * p);
        if (cN != null && spec.cell() == CellType.LSTM) {
          System.arraycopy(s.cCur, 0, cN, idx * b * h, b * h);
        }
      }
      if (l < layers - 1 && training && spec.dropout() > 0f) {
        applyDropout(l, o, t * b * outSize);
      }
      in = o;
      ldx = outSize;
    }
  }

  private final DirectionsTask directions = new DirectionsTask();

  /** The forward of directions [start, end) of one layer: the reusable body of the split by direction. */
  private final class DirectionsTask implements RowParallel.RowTask {
    int layer, ldx, b;
    float[] in, h0, c0, o;

    void set(int layer, float[] in, int ldx, float[] h0, float[] c0, float[] o, int b) {
      this.layer = layer;
      this.in = in;
      this.ldx = ldx;
      this.h0 = h0;
      this.c0 = c0;
      this.o = o;
      this.b = b;
    }

    void clear() {
      in = null;
      h0 = null;
      c0 = null;
      o = null;
    }

    @Override
    public void run(int start, int end) {
      int p = spec.outputHiddenSize();
      int h = spec.hiddenSize();
      for (int d = start; d < end; d++) {
        int idx = layer * dirs + d;
        scans[layer][d].forward(in, ldx, h0, idx * b * p, c0, idx * b * h, o, outSize, d * p);
      }
    }
  }

  /** One mask per sequence [B, P] for the recurrent input, inverted-dropout scaled. */
  private float[] recurrentMask(Scan s, int b) {
    int n = b * spec.outputHiddenSize();
    float[] m = s.recMask != null && s.recMask.length >= n ? s.recMask : new float[n];
    float keep = 1f - spec.recurrentDropout();
    for (int i = 0; i < n; i++) {
      m[i] = random.nextDouble() < keep ? 1f / keep : 0f;
    }
    if (s.hRec == null || s.hRec.length < s.capT * s.capB * spec.outputHiddenSize()) {
      s.hRec = new float[s.capT * s.capB * spec.outputHiddenSize()];
    }
    return m;
  }

  private void applyDropout(int layer, float[] o, int n) {
    if (dropMask == null) {
      dropMask = new float[spec.numLayers() - 1][];
    }
    if (dropMask[layer] == null || dropMask[layer].length < n) {
      dropMask[layer] = new float[n];
    }
    float keep = 1f - spec.dropout();
    float scale = 1f / keep;
    float[] mask = dropMask[layer];
    for (int i = 0; i < n; i++) {
      mask[i] = random.nextDouble() < keep ? scale : 0f;
      o[i] *= mask[i];
    }
  }

  /**
   * Backward of the last training forward; accumulates the parameter gradients into the store.
   *
   * @param dOut [T, B, D*P] gradient of the top layer's output (time-major), or null
   * @param dHn  [L*D, B, P] or null
   * @param dCn  [L*D, B, H] or null
   * @param dX   [T, B, I] written: gradient of the input, or null when it is not needed
   * @param dH0  [L*D, B, P] written, or null
   * @param dC0  [L*D, B, H] written, or null
   */
  public void backward(float[] dOut, float[] dHn, float[] dCn, float[] dX, float[] dH0, float[] dC0) {
    if (!trained) {
      throw new IllegalStateException("backward: the last forward was not a training forward");
    }
    int t = steps;
    int b = rows;
    int layers = spec.numLayers();
    int p = spec.outputHiddenSize();
    int h = spec.hiddenSize();
    if (dLayer == null || dLayer.length != layers) {
      dLayer = new float[layers][];
    }
    float[] dAbove = dOut; // null: only the final states have a gradient
    for (int l = layers - 1; l >= 0; l--) {
      float[] in = l == 0 ? x0 : layerOut[l - 1];
      int ldx = spec.layerInputSize(l);
      float[] dIn;
      if (l == 0) {
        dIn = dX;
        if (dIn != null) {
          Arrays.fill(dIn, 0, t * b * ldx, 0f);
        }
      } else {
        if (dLayer[l] == null || dLayer[l].length < t * b * ldx) {
          dLayer[l] = new float[t * b * ldx];
        }
        dIn = dLayer[l];
        Arrays.fill(dIn, 0, t * b * ldx, 0f);
      }
      for (int d = 0; d < dirs; d++) {
        Scan s = scans[l][d];
        int idx = l * dirs + d;
        s.backward(dAbove, outSize, d * p, dHn, idx * b * p, dCn, idx * b * h, in, ldx, dIn, dH0,
            idx * b * p, dC0, idx * b * h);
      }
      if (l > 0 && spec.dropout() > 0f) {
        float[] mask = dropMask[l - 1];
        for (int i = 0; i < t * b * ldx; i++) {
          dIn[i] *= mask[i];
        }
      }
      dAbove = dIn;
    }
  }

  /** Restarts the dropout randomness: models derive it from (seed, step) so a resumed run repeats it. */
  public void reseed(long seed) {
    random = new SplittableRandom(seed);
  }

  /** Kernels in use (for logs). */
  public Kernels kernels() {
    return kernels;
  }
}
