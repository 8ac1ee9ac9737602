package org.rnn4j.internal.model;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.rnn4j.internal.engine.ParameterStore;
import org.rnn4j.internal.engine.RecurrentStack;
import org.rnn4j.internal.kernels.Kernels;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.MergeMode;
import org.rnn4j.nn.RecurrentLayerSpec;
import org.rnn4j.nn.RecurrentSpec;

/**
 * A recurrent stack inside a model: time-major sequence in; the merged outputs of every step, or the
 * merged final states, out. Can carry its final state into the next batch (stateful / truncated BPTT:
 * the carried state is a constant, no gradient flows across batches). Not thread-safe.
 *
 * <p>Shapes: in [T, B, I]; stack output [T, B, D*P]; final h [L*D, B, P]; merged output [T, B, M] or
 * [B, M] with M = D*P (concat) or P.
 */
final class RecurrentLayer extends Layer {
  private final RecurrentLayerSpec spec;
  private final RecurrentSpec rnn;
  private RecurrentStack stack;
  private final int dirs;
  private final int p;
  /** The returned sequence is the stack's output as it is (one direction, or concat): no merge, no copy. */
  private final boolean unmerged;
  private final Flow y = new Flow();
  private final Flow dx = new Flow();
  private float[] out = new float[0]; // [T, B, D*P]
  private float[] hN = new float[0];
  private float[] cN = new float[0];
  private float[] dOutStack = new float[0];
  private float[] dHn = new float[0];
  private float[] carriedH; // [L*D, B, P] or null
  private float[] carriedC;
  private boolean carry;
  private int lastT;
  private int lastB;

  RecurrentLayer(RecurrentLayerSpec spec, int inputSize, Kernels k) {
    super(spec.name(), k);
    RecurrentSpec r = spec.rnn();
    // The model is time-major inside: the stack's own batchFirst flag is not used here.
    this.rnn = new RecurrentSpec(r.cell(), inputSize, r.hiddenSize(), r.numLayers(), r.bias(), false,
        r.dropout(), r.bidirectional(), r.reverse(), r.projSize(), r.peepholes(), r.resetAfter(), r.clip(),
        r.inputForget(), r.activations(), r.recurrentDropout());
    this.spec = new RecurrentLayerSpec(spec.name(), this.rnn, spec.returnSequences(), spec.mergeMode(),
        spec.init());
    this.dirs = rnn.numDirections();
    this.p = rnn.outputHiddenSize();
    this.unmerged = dirs == 1 || spec.mergeMode() == MergeMode.CONCAT;
  }

  RecurrentLayerSpec spec() {
    return spec;
  }

  @Override
  public void register(ParameterStore s) {
    store = s;
    RecurrentStack.registerParameters(rnn, s, name + ".");
  }

  /** Creates the engine (after the store is allocated). */
  void bind(long seed) {
    stack = new RecurrentStack(rnn, store, name + ".", k, seed);
  }

  @Override
  public void initialize(SplittableRandom random) {
    float[] v = store.values();
    int h = rnn.hiddenSize();
    int g = rnn.cell().gates() * h;
    for (int l = 0; l < rnn.numLayers(); l++) {
      for (int d = 0; d < dirs; d++) {
        String sfx = rnn.parameterSuffix(l, d);
        int in = rnn.layerInputSize(l);
        if (spec.init() == Init.PYTORCH) {
          float bound = (float) (1.0 / Math.sqrt(h));
          for (String n : new String[] {"weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr",
              "weight_peep"}) {
            String full = name + "." + n + sfx;
            if (store.contains(full)) {
              ParameterStore.Slice s = store.slice(full);
              for (int i = 0; i < s.size(); i++) {
                v[s.offset() + i] = (float) random.nextDouble(-bound, bound);
              }
            }
          }
        } else {
          // Keras: kernel [in, G*H] Glorot-uniform (fan_in = in, fan_out = G*H).
          ParameterStore.Slice wih = store.slice(name + ".weight_ih" + sfx);
          float limit = (float) Math.sqrt(6.0 / (in + g));
          for (int i = 0; i < wih.size(); i++) {
            v[wih.offset() + i] = (float) random.nextDouble(-limit, limit);
          }
          // recurrent kernel [P, G*H] orthogonal: our W_hh [G*H, P] gets orthonormal columns.
          ParameterStore.Slice whh = store.slice(name + ".weight_hh" + sfx);
          Orthogonal.fill(v, whh.offset(), g, p, random);
          if (rnn.bias()) {
            int bih = store.slice(name + ".bias_ih" + sfx).offset();
            int bhh = store.slice(name + ".bias_hh" + sfx).offset();
            Arrays.fill(v, bih, bih + g, 0f);
            Arrays.fill(v, bhh, bhh + g, 0f);
            if (rnn.cell() == CellType.LSTM) {
              Arrays.fill(v, bih + h, bih + 2 * h, 1f); // unit_forget_bias
            }
          }
          if (store.contains(name + ".weight_hr" + sfx)) {
            ParameterStore.Slice whr = store.slice(name + ".weight_hr" + sfx);
            float lim = (float) Math.sqrt(6.0 / (h + p));
            for (int i = 0; i < whr.size(); i++) {
              v[whr.offset() + i] = (float) random.nextDouble(-lim, lim);
            }
          }
          if (store.contains(name + ".weight_peep" + sfx)) {
            ParameterStore.Slice pp = store.slice(name + ".weight_peep" + sfx);
            Arrays.fill(v, pp.offset(), pp.offset() + pp.size(), 0f);
          }
        }
      }
    }
  }

  @Override
  public boolean outputIsSequence(boolean sequenceIn) {
    return spec.returnSequences();
  }

  @Override
  public int outputFeatures(int inFeatures) {
    return spec.outputSize();
  }

  /** Turns carrying of the final state into the next batch on or off (off clears it). */
  void setCarryState(boolean on) {
    carry = on;
    if (!on) {
      carriedH = null;
      carriedC = null;
    }
  }

  /** Puts copies of the carried state into m as {@code name.h} and {@code name.c}. */
  void carriedState(Map<String, float[]> m) {
    if (carriedH != null) {
      m.put(name + ".h", carriedH.clone());
      if (carriedC != null) {
        m.put(name + ".c", carriedC.clone());
      }
    }
  }

  /** Sets the carried state from {@code name.h} / {@code name.c} of m (none there: nothing carried). */
  void setCarriedState(Map<String, float[]> m) {
    float[] h = m.get(name + ".h");
    float[] c = m.get(name + ".c");
    carriedH = h == null ? null : h.clone();
    carriedC = h == null || c == null ? null : c.clone();
  }

  /** Forgets the carried state (start of an epoch). */
  void resetState() {
    carriedH = null;
    carriedC = null;
  }

  @Override
  public Flow forward(Flow in, boolean training, SplittableRandom random) {
    int t = in.steps;
    int b = in.batch;
    lastT = t;
    lastB = b;
    int ld = rnn.numLayers() * dirs;
    int os = rnn.outputSize();
    int m = spec.outputSize();
    // The stack's outputs [T, B, D*P]: straight into y when y is them, into out when the directions
    // are merged, nowhere when only the final states are returned.
    boolean direct = spec.returnSequences() && unmerged;
    float[] stackOut = null;
    if (direct) {
      y.reshape(true, t, b, m, in.lengths);
      stackOut = y.data;
    } else if (spec.returnSequences()) {
      out = grow(out, t * b * os);
      stackOut = out;
    }
    hN = grow(hN, ld * b * p);
    boolean lstm = rnn.cell() == CellType.LSTM;
    cN = grow(cN, ld * b * rnn.hiddenSize());
    float[] h0 = carry && carriedH != null && carriedH.length == ld * b * p ? carriedH : null;
    float[] c0 = carry && carriedC != null && h0 != null ? carriedC : null;
    if (training) {
      stack.reseed(random.nextLong());
    }
    float[] x = in.data;
    stack.forward(x, t, b, in.lengths, h0, c0, stackOut, hN, lstm ? cN : null, training);
    if (carry) {
      carriedH = Arrays.copyOf(hN, ld * b * p);
      carriedC = lstm ? Arrays.copyOf(cN, ld * b * rnn.hiddenSize()) : null;
    }
    if (spec.returnSequences() && !direct) {
      y.reshape(true, t, b, m, in.lengths);
      merge(out, os, t * b, y.data);
    } else if (!spec.returnSequences()) {
      // Final states of the top layer: forward h_n, and for a bidirectional layer the reverse h_n
      // (the state after reading the whole sequence backwards), merged.
      y.reshape(false, 1, b, m, null);
      int top = (rnn.numLayers() - 1) * dirs;
      for (int bb = 0; bb < b; bb++) {
        for (int j = 0; j < p; j++) {
          float f = hN[(top * b + bb) * p + j];
          if (dirs == 1) {
            y.data[bb * m + j] = f;
          } else {
            float r = hN[((top + 1) * b + bb) * p + j];
            mergeOne(f, r, y.data, bb * m, j);
          }
        }
      }
    }
    return y;
  }

  /** Merges the two directions of [rows, 2P] into [rows, M] (sum, mul, average; concat needs none). */
  private void merge(float[] src, int os, int rows, float[] dst) {
    int m = spec.outputSize();
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < p; j++) {
        mergeOne(src[r * os + j], src[r * os + p + j], dst, r * m, j);
      }
    }
  }

  private void mergeOne(float f, float r, float[] dst, int rowOff, int j) {
    switch (spec.mergeMode()) {
      case CONCAT:
        dst[rowOff + j] = f;
        dst[rowOff + p + j] = r;
        break;
      case SUM:
        dst[rowOff + j] = f + r;
        break;
      case MUL:
        dst[rowOff + j] = f * r;
        break;
      case AVERAGE:
        dst[rowOff + j] = 0.5f * (f + r);
        break;
      default:
        throw new AssertionError();
    }
  }

  /** Gradient of (f, r) from the merged gradient g: writes df at dst[off], dr at dst[off + p]. */
  private void unmergeOne(float g, float f, float r, float[] dst, int off) {
    switch (spec.mergeMode()) {
      case CONCAT:
        throw new AssertionError("concat is unmerged by copying");
      case SUM:
        dst[off] = g;
        dst[off + p] = g;
        break;
      case MUL:
        dst[off] = g * r;
        dst[off + p] = g * f;
        break;
      case AVERAGE:
        dst[off] = 0.5f * g;
        dst[off + p] = 0.5f * g;
        break;
      default:
        throw new AssertionError();
    }
  }

  @Override
  public Flow backward(Flow dOut) {
    int t = lastT;
    int b = lastB;
    int os = rnn.outputSize();
    int ld = rnn.numLayers() * dirs;
    int m = spec.outputSize();
    float[] dStack = null;
    float[] dH = null;
    if (spec.returnSequences()) {
      if (unmerged) {
        dStack = dOut.data; // [T, B, D*P] already: the stack only reads it
      } else {
        dOutStack = grow(dOutStack, t * b * os);
        for (int r = 0; r < t * b; r++) {
          for (int j = 0; j < p; j++) {
            unmergeOne(dOut.data[r * m + j], out[r * os + j], out[r * os + p + j], dOutStack, r * os + j);
          }
        }
        dStack = dOutStack;
      }
    } else {
      dHn = grow(dHn, ld * b * p);
      Arrays.fill(dHn, 0, ld * b * p, 0f);
      int top = (rnn.numLayers() - 1) * dirs;
      for (int bb = 0; bb < b; bb++) {
        for (int j = 0; j < p; j++) {
          float g = dOut.data[bb * m + j];
          int fo = (top * b + bb) * p + j;
          if (dirs == 1) {
            dHn[fo] = g;
          } else if (spec.mergeMode() == MergeMode.CONCAT) {
            dHn[fo] = g;
            dHn[((top + 1) * b + bb) * p + j] = dOut.data[bb * m + p + j];
          } else {
            int ro = ((top + 1) * b + bb) * p + j;
            float f = hN[fo];
            float r = hN[ro];
            switch (spec.mergeMode()) {
              case SUM:
                dHn[fo] = g;
                dHn[ro] = g;
                break;
              case MUL:
                dHn[fo] = g * r;
                dHn[ro] = g * f;
                break;
              default:
                dHn[fo] = 0.5f * g;
                dHn[ro] = 0.5f * g;
            }
          }
        }
      }
      dH = dHn;
    }
    if (!inputGradientNeeded) {
      stack.backward(dStack, dH, null, null, null, null);
      return null;
    }
    dx.reshape(true, t, b, rnn.inputSize(), dOut.sequence ? dOut.lengths : null);
    stack.backward(dStack, dH, null, dx.data, null, null);
    return dx;
  }

  private static float[] grow(float[] a, int n) {
    return a.length >= n ? a : new float[n];
  }
}
