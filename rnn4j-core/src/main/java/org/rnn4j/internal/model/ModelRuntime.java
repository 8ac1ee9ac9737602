package org.rnn4j.internal.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.rnn4j.ModelSpec;
import org.rnn4j.data.Dataset;
import org.rnn4j.internal.engine.ParameterStore;
import org.rnn4j.internal.kernels.Kernels;
import org.rnn4j.nn.DenseSpec;
import org.rnn4j.nn.DropoutSpec;
import org.rnn4j.nn.EmbeddingSpec;
import org.rnn4j.nn.LayerSpec;
import org.rnn4j.nn.Loss;
import org.rnn4j.nn.PoolingSpec;
import org.rnn4j.nn.RecurrentLayerSpec;
import org.rnn4j.nn.WeightPrecision;

/**
 * The run-time side of a {@link org.rnn4j.Model}: the layers over one parameter store, batch assembly
 * (batch-first examples to time-major flows), forward, loss, backward. Not thread-safe
 * (single-writer training; inference from several threads needs one model copy each).
 */
public final class ModelRuntime {
  private final ModelSpec spec;
  private final ParameterStore store = new ParameterStore();
  private final List<Layer> layers = new ArrayList<>();
  private final Flow input = new Flow();
  private float[] targets = new float[0]; // aligned with the output rows [rows, U]
  private int[] classes = new int[0]; // one per output row
  private float[] dOut = new float[0];
  private Flow lastOut;
  private int[] batchLengths = new int[0];
  private final Kernels kernels;

  public ModelRuntime(ModelSpec spec, Kernels kernels, long seed) {
    this.spec = spec;
    this.kernels = kernels;
    int width = spec.inputFeatures();
    for (LayerSpec ls : spec.layers()) {
      Layer l;
      if (ls instanceof EmbeddingSpec e) {
        l = new EmbeddingLayer(e, kernels);
        width = e.dim();
      } else if (ls instanceof RecurrentLayerSpec r) {
        l = new RecurrentLayer(r, width, kernels);
        width = r.outputSize();
      } else if (ls instanceof DropoutSpec d) {
        l = new DropoutLayer(d, kernels);
      } else if (ls instanceof PoolingSpec p) {
        l = new PoolingLayer(p, kernels);
      } else {
        DenseSpec d = (DenseSpec) ls;
        l = new DenseLayer(d, width, kernels);
        width = d.units();
      }
      l.register(store);
      layers.add(l);
    }
    store.allocate();
    boolean parametersBefore = false;
    for (Layer l : layers) {
      l.inputGradientNeeded = parametersBefore;
      parametersBefore |= l instanceof RecurrentLayer || l instanceof DenseLayer || l instanceof EmbeddingLayer;
    }
    for (Layer l : layers) {
      if (l instanceof RecurrentLayer r) {
        r.bind(seed);
      } else if (l instanceof DenseLayer d) {
        d.bindOffsets();
      } else if (l instanceof EmbeddingLayer e) {
        e.bindOffsets();
      }
    }
    SplittableRandom init = new SplittableRandom(seed);
    for (Layer l : layers) {
      l.initialize(init.split());
    }
  }

  public ParameterStore store() {
    return store;
  }

  public ModelSpec spec() {
    return spec;
  }

  /** The layers in order (read-only use). */
  List<Layer> layers() {
    return layers;
  }

  /**
   * A new streaming engine over this model's weights (one per caller).
   *
   * @throws IllegalStateException when a recurrent layer reads backwards
   */
  public ModelStream newStream() {
    return newStream(WeightPrecision.FLOAT32);
  }

  /** {@link #newStream()} with the recurrent products' weights in the given precision. */
  public ModelStream newStream(WeightPrecision precision) {
    return new ModelStream(this, kernels, precision);
  }

  /**
   * A new engine stepping many streams over this model's weights, room for {@code capacity} at first.
   *
   * @throws IllegalStateException when a recurrent layer reads backwards
   */
  public StreamBatch newStreamBatch(int capacity) {
    return new StreamBatch(this, kernels, capacity);
  }

  /**
   * The recurrent state carried into the next batch (stateful mode): copies keyed {@code <layer>.h}
   * and {@code <layer>.c}; empty when nothing is carried.
   */
  public Map<String, float[]> carriedState() {
    Map<String, float[]> m = new LinkedHashMap<>();
    for (Layer l : layers) {
      if (l instanceof RecurrentLayer r) {
        r.carriedState(m);
      }
    }
    return m;
  }

  /** Restores what {@link #carriedState()} returned (layers absent from the map carry nothing). */
  public void setCarriedState(Map<String, float[]> state) {
    for (Layer l : layers) {
      if (l instanceof RecurrentLayer r) {
        r.setCarriedState(state);
      }
    }
  }

  /** True when the model's output is one vector per step (else one per example). */
  public boolean sequenceOutput() {
    boolean seq = true;
    for (LayerSpec l : spec.layers()) {
      if (l instanceof RecurrentLayerSpec r && !r.returnSequences() || l instanceof PoolingSpec) {
        seq = false;
      }
    }
    return seq;
  }

  /** Output features per step (or per example). */
  public int outputFeatures() {
    int width = spec.inputFeatures();
    for (int i = 0; i < layers.size(); i++) {
      width = layers.get(i).outputFeatures(width);
    }
    return width;
  }

  /** Per-layer (name, kind, output shape text, parameter count) for {@code summary()}. */
  public List<String[]> describe() {
    List<String[]> rows = new ArrayList<>();
    int width = spec.inputFeatures();
    boolean seq = true;
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      LayerSpec ls = spec.layers().get(i);
      width = l.outputFeatures(width);
      seq = l.outputIsSequence(seq);
      long count = 0;
      for (ParameterStore.Slice s : store.slices()) {
        if (s.name().startsWith(l.name() + ".")) {
          count += s.size();
        }
      }
      String kind = ls.getClass().getSimpleName().replace("Spec", "");
      if (ls instanceof RecurrentLayerSpec r) {
        kind = r.rnn().cell().name().replace("RNN_TANH", "RNN").replace("RNN_RELU", "RNN(relu)")
            + (r.rnn().numLayers() > 1 ? " x" + r.rnn().numLayers() : "")
            + (r.rnn().bidirectional() ? " bidirectional(" + r.mergeMode().name().toLowerCase() + ")" : "");
      }
      rows.add(new String[] {l.name(), kind, seq ? "(batch, steps, " + width + ")" : "(batch, " + width + ")",
          Long.toString(count)});
    }
    return rows;
  }

  /** Carries recurrent state between consecutive batches (stateful training) or not. */
  public void setCarryState(boolean on) {
    for (Layer l : layers) {
      if (l instanceof RecurrentLayer r) {
        r.setCarryState(on);
      }
    }
  }

  /** Forgets carried recurrent state. */
  public void resetState() {
    for (Layer l : layers) {
      if (l instanceof RecurrentLayer r) {
        r.resetState();
      }
    }
  }

  /**
   * Copies examples {@code idx[from .. from+count)} of {@code d} into the time-major input flow (and
   * their targets into the output-aligned target buffers when the data has targets).
   */
  public void assemble(Dataset d, int[] idx, int from, int count) {
    int t = d.steps();
    int f = spec.tokenInput() ? 1 : d.features();
    if (spec.tokenInput() != d.isTokens()) {
      throw new IllegalArgumentException("model: expected " + (spec.tokenInput() ? "token ids" : "features")
          + " as input, got " + (d.isTokens() ? "token ids" : "features"));
    }
    if (!spec.tokenInput() && d.features() != spec.inputFeatures()) {
      throw new IllegalArgumentException("model: expected " + spec.inputFeatures()
          + " input features per step, got " + d.features());
    }
    int[] len = null;
    if (d.lengths() != null) {
      if (batchLengths.length != count) {
        batchLengths = new int[count];
      }
      len = batchLengths;
      for (int i = 0; i < count; i++) {
        len[i] = d.lengths()[idx[from + i]];
      }
    }
    input.reshape(true, t, count, f, len);
    for (int i = 0; i < count; i++) {
      int e = idx[from + i];
      for (int s = 0; s < t; s++) {
        int dst = (s * count + i) * f;
        if (spec.tokenInput()) {
          input.data[dst] = d.tokenArray()[e * t + s];
        } else {
          System.arraycopy(d.featureArray(), (e * t + s) * f, input.data, dst, f);
        }
      }
    }
    if (d.hasTargets()) {
      assembleTargets(d, idx, from, count, t);
    }
  }

  private void assembleTargets(Dataset d, int[] idx, int from, int count, int t) {
    int u = outputFeatures();
    boolean seq = sequenceOutput();
    int rows = seq ? t * count : count;
    Loss loss = spec.loss();
    if (loss.usesClassIndices()) {
      if (d.classArray() == null) {
        throw new IllegalArgumentException("model: the loss " + loss.kind() + " needs class labels; the data"
            + " has float targets");
      }
      int per = d.classesPerExample();
      if (per != (seq ? t : 1)) {
        throw new IllegalArgumentException("model: expected " + (seq ? "one class label per step" :
            "one class label per example") + " for this model's output, got " + per + " per example");
      }
      if (classes.length < rows) {
        classes = new int[rows];
      }
      for (int i = 0; i < count; i++) {
        int e = idx[from + i];
        for (int s = 0; s < (seq ? t : 1); s++) {
          classes[seq ? s * count + i : i] = d.classArray()[e * per + s];
        }
      }
      return;
    }
    if (d.targetArray() == null) {
      throw new IllegalArgumentException("model: the loss " + loss.kind() + " needs float targets; the data"
          + " has class labels");
    }
    int[] ts = d.targetShape();
    int[] expected = seq ? new int[] {t, u} : new int[] {u};
    if (!Arrays.equals(ts, expected)) {
      throw new IllegalArgumentException("model: expected targets of shape [N, " + (seq ? t + ", " : "") + u
          + "] for this model's output, got [N, " + Arrays.toString(ts).replace("[", ""));
    }
    if (targets.length < rows * u) {
      targets = new float[rows * u];
    }
    for (int i = 0; i < count; i++) {
      int e = idx[from + i];
      if (seq) {
        for (int s = 0; s < t; s++) {
          System.arraycopy(d.targetArray(), (e * t + s) * u, targets, (s * count + i) * u, u);
        }
      } else {
        System.arraycopy(d.targetArray(), e * u, targets, i * u, u);
      }
    }
  }

  /** Forward of the assembled batch; the returned flow is owned by the last layer. */
  public Flow forward(boolean training, SplittableRandom random) {
    Flow f = input;
    for (Layer l : layers) {
      f = l.forward(f, training, random);
    }
    lastOut = f;
    return f;
  }

  /** The loss of the last forward against the assembled targets; with gradient, runs backward too. */
  public double lossAndBackward(boolean backward) {
    Flow out = lastOut;
    if (backward && dOut.length < out.size()) {
      dOut = new float[out.size()];
    }
    double loss = LossFunctions.compute(spec.loss(), out, targets, classes, backward ? dOut : null);
    if (backward) {
      Flow d = new Flow();
      d.sequence = out.sequence;
      d.steps = out.steps;
      d.batch = out.batch;
      d.features = out.features;
      d.lengths = out.lengths;
      d.data = dOut;
      for (int i = layers.size() - 1; i >= 0 && d != null; i--) {
        d = layers.get(i).backward(d);
      }
    }
    return loss;
  }
}
