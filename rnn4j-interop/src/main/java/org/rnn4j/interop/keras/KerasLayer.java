package org.rnn4j.interop.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rnn4j.Tensor;
import org.rnn4j.interop.ImportException;
import org.rnn4j.nn.Activation;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.RecurrentSpec;

/**
 * One layer of a Keras model at inference: its config and weights read once, {@link #forward} a
 * function of the incoming values and mask. Recurrent layers run on rnn4j's {@link Recurrent}; Keras
 * masking (a masked step leaves the state alone and repeats the previous output, or zeros with
 * {@code zero_output_for_mask}) is done here by running each masked sequence on its valid steps
 * only. Immutable after construction.
 */
abstract class KerasLayer {
  /** Values between layers: {@code [B, T, F]} or {@code [B, F]}, and a {@code [B*T]} mask or null. */
  record Flow(float[] data, int[] shape, boolean[] mask) {
  }

  private final String name;
  private final String className;

  KerasLayer(String name, String className) {
    this.name = name;
    this.className = className;
  }

  String name() {
    return name;
  }

  String className() {
    return className;
  }

  long parameterCount() {
    return 0;
  }

  abstract Flow forward(Flow in);

  // ---- construction from a config ----------------------------------------------------------------------

  static KerasLayer of(String file, JsonNode layer, boolean keras3, KerasModel.WeightSource src)
      throws ImportException {
    String cls = layer.path("class_name").asText("");
    JsonNode c = keras1Keys(layer.path("config"));
    String name = c.path("name").asText(layer.path("name").asText(""));
    String where = file + ": layer '" + name + "' (" + cls + ")";
    switch (cls) {
      case "InputLayer":
        return new Identity(name, cls, lastDim(c.has("batch_shape") ? c.get("batch_shape") : c.get("batch_input_shape")),
            0f);
      case "Dropout":
      case "SpatialDropout1D":
      case "GaussianNoise":
      case "GaussianDropout":
      case "AlphaDropout":
        return new Identity(name, cls, lastDim(c.get("batch_input_shape")), (float) c.path("rate").asDouble(0.0));
      case "Flatten":
        if (c.path("data_format").asText("channels_last").equals("channels_first")) {
          throw new ImportException(where + ": data_format 'channels_first' is not supported (rnn4j flattens"
              + " [batch, steps, features] as Keras does with channels_last)");
        }
        return new Flatten(name, cls);
      case "Activation":
        return new ActivationLayer(name, cls, activation(where, c.path("activation").asText("linear"), keras3));
      case "Masking":
        return new Masking(name, cls, (float) c.path("mask_value").asDouble(0.0));
      case "Embedding": {
        List<float[][]> w = src.weights(name, "");
        requireCount(where, w, 1);
        float[][] e = w.get(0);
        requireRank(where, "embeddings", e, 2);
        return new Embedding(name, cls, e[1], (int) e[0][0], (int) e[0][1], c.path("mask_zero").asBoolean(false));
      }
      case "Dense":
        return dense(where, name, cls, c, src.weights(name, ""), keras3);
      case "TimeDistributed": {
        JsonNode inner = c.path("layer");
        if (!inner.path("class_name").asText("").equals("Dense")) {
          throw new ImportException(where + ": TimeDistributed(" + inner.path("class_name").asText("?")
              + ") is not supported (rnn4j reads TimeDistributed(Dense))");
        }
        List<float[][]> w = src.weights(name, "layer");
        return dense(where, name, cls, keras1Keys(inner.path("config")), w, keras3);
      }
      case "SimpleRNN":
      case "LSTM":
      case "GRU": {
        List<float[][]> w = src.weights(name, "cell");
        return new Rnn(name, cls, new RnnCore(where, cls, c, w, keras3, false, false));
      }
      case "Bidirectional":
        return bidirectional(where, name, cls, c, src, keras3);
      default:
        throw new ImportException(where + ": layer class '" + cls + "' is not supported (rnn4j reads InputLayer,"
            + " Masking, Embedding, SimpleRNN, LSTM, GRU, Bidirectional, Dense, TimeDistributed(Dense), Dropout,"
            + " Flatten, Activation)");
    }
  }

  /**
   * A layer config with Keras 1's keys under Keras 2's names, where Keras 2's are absent:
   * {@code output_dim} as {@code units}, {@code inner_activation} as {@code recurrent_activation},
   * a Dense's {@code bias} as {@code use_bias}, a Dropout's {@code p} as {@code rate}. Keras 1's
   * per-gate weights are merged where they are read ({@link Keras1Gates}).
   */
  static JsonNode keras1Keys(JsonNode c) {
    if (!(c instanceof ObjectNode o)) {
      return c;
    }
    ObjectNode n = null;
    for (String[] k : new String[][] {{"output_dim", "units"}, {"inner_activation", "recurrent_activation"},
        {"bias", "use_bias"}, {"p", "rate"}}) {
      if (o.has(k[0]) && !o.has(k[1])) {
        n = n == null ? o.deepCopy() : n;
        n.set(k[1], o.get(k[0]));
      }
    }
    return n == null ? c : n;
  }

  private static KerasLayer bidirectional(String where, String name, String cls, JsonNode c,
      KerasModel.WeightSource src, boolean keras3) throws ImportException {
    JsonNode inner = c.path("layer");
    String innerCls = inner.path("class_name").asText("");
    if (!List.of("SimpleRNN", "LSTM", "GRU").contains(innerCls)) {
      throw new ImportException(where + ": Bidirectional(" + innerCls + ") is not supported");
    }
    String merge = c.path("merge_mode").isNull() ? "null" : c.path("merge_mode").asText("concat");
    if (!List.of("concat", "sum", "mul", "ave").contains(merge)) {
      throw new ImportException(where + ": merge_mode '" + merge + "' is not supported (concat, sum, mul, ave)");
    }
    JsonNode ic = keras1Keys(inner.path("config"));
    int per = ic.path("use_bias").asBoolean(true) ? 3 : 2;
    List<float[][]> fw = src.weights(name, "forward_layer/cell");
    List<float[][]> bw;
    if (fw.size() == 2 * per) {
      bw = new ArrayList<>(fw.subList(per, 2 * per));
      fw = new ArrayList<>(fw.subList(0, per));
    } else {
      bw = src.weights(name, "backward_layer/cell");
    }
    boolean seq = ic.path("return_sequences").asBoolean(false);
    // Keras zeroes the masked outputs of both halves of a Bidirectional that returns sequences
    RnnCore f = new RnnCore(where + " forward", innerCls, ic, fw, keras3, false, seq);
    RnnCore b = new RnnCore(where + " backward", innerCls, ic, bw, keras3, true, seq);
    return new Bidi(name, cls, f, b, merge);
  }

  private static KerasLayer dense(String where, String name, String cls, JsonNode c, List<float[][]> w, boolean keras3)
      throws ImportException {
    boolean bias = c.path("use_bias").asBoolean(true);
    requireCount(where, w, bias ? 2 : 1);
    float[][] k = w.get(0);
    requireRank(where, "kernel", k, 2);
    int in = (int) k[0][0];
    int units = (int) k[0][1];
    float[] b = null;
    if (bias) {
      b = w.get(1)[1];
      if (b.length != units) {
        throw new ImportException(where + ": bias has " + b.length + " values, expected " + units);
      }
    }
    return new Dense(name, cls, k[1], b, in, units, activation(where, c.path("activation").asText("linear"), keras3));
  }

  private static void requireCount(String where, List<float[][]> w, int n) throws ImportException {
    if (w.size() != n) {
      throw new ImportException(where + ": expected " + n + " weights, the file holds " + w.size());
    }
  }

  private static void requireRank(String where, String what, float[][] w, int rank) throws ImportException {
    if (w[0].length != rank) {
      throw new ImportException(where + ": " + what + " has rank " + w[0].length + ", expected " + rank);
    }
  }

  /** Features per step of a {@code [batch, steps, features]} shape, or -1 (token ids, unknown). */
  private static int lastDim(JsonNode shape) {
    if (shape == null || !shape.isArray() || shape.size() != 3 || !shape.get(2).isNumber()) {
      return -1;
    }
    return shape.get(shape.size() - 1).asInt();
  }

  /** A Keras activation name as rnn4j's activation (hard_sigmoid by Keras version). */
  static Activation activation(String where, String name, boolean keras3) throws ImportException {
    switch (name) {
      case "tanh":
        return Activation.TANH;
      case "sigmoid":
        return Activation.SIGMOID;
      case "relu":
        return Activation.RELU;
      case "linear":
        return new Activation(Activation.Kind.AFFINE, 1f, 0f);
      case "hard_sigmoid":
        // Keras < 3: clip(0.2x + 0.5, 0, 1); Keras 3: relu6(x + 3) / 6 = clip(x/6 + 0.5, 0, 1)
        return keras3 ? new Activation(Activation.Kind.HARD_SIGMOID, 1f / 6f, 0.5f)
            : new Activation(Activation.Kind.HARD_SIGMOID, 0.2f, 0.5f);
      case "softsign":
        return Activation.of(Activation.Kind.SOFTSIGN);
      case "softplus":
        return Activation.of(Activation.Kind.SOFTPLUS);
      case "elu":
        return new Activation(Activation.Kind.ELU, 1f, 0f);
      case "softmax":
        return null; // Dense and Activation layers only: handled there
      default:
        throw new ImportException(where + ": activation '" + name + "' is not supported (tanh, sigmoid, relu, linear,"
            + " hard_sigmoid, softsign, softplus, elu, softmax)");
    }
  }

  // ---- simple layers -----------------------------------------------------------------------------------

  static final class Identity extends KerasLayer {
    final int features;
    final float rate;

    Identity(String name, String cls, int features, float rate) {
      super(name, cls);
      this.features = features;
      this.rate = rate;
    }

    @Override
    Flow forward(Flow in) {
      int[] s = in.shape();
      if (features > 0 && s.length == 3 && s[2] != features) {
        throw new IllegalArgumentException("expected " + features + " features per step, got input of shape "
            + Arrays.toString(s));
      }
      return in;
    }
  }

  static final class ActivationLayer extends KerasLayer {
    final Activation act;

    ActivationLayer(String name, String cls, Activation act) {
      super(name, cls);
      this.act = act;
    }

    @Override
    Flow forward(Flow in) {
      return new Flow(apply(act, in.data(), in.shape()[in.shape().length - 1]), in.shape(), in.mask());
    }
  }

  /** Applies an activation (null = softmax over the last axis of width {@code w}). */
  static float[] apply(Activation act, float[] x, int w) {
    float[] y = new float[x.length];
    if (act == null) {
      for (int r = 0; r < x.length / w; r++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < w; j++) {
          max = Math.max(max, x[r * w + j]);
        }
        double sum = 0;
        for (int j = 0; j < w; j++) {
          sum += Math.exp(x[r * w + j] - max);
        }
        for (int j = 0; j < w; j++) {
          y[r * w + j] = (float) (Math.exp(x[r * w + j] - max) / sum);
        }
      }
      return y;
    }
    for (int i = 0; i < x.length; i++) {
      y[i] = act.apply(x[i]);
    }
    return y;
  }

  /** [B, d1, d2, ...] -> [B, d1*d2*...] in row-major order (Keras's channels_last); drops the mask. */
  static final class Flatten extends KerasLayer {
    Flatten(String name, String cls) {
      super(name, cls);
    }

    @Override
    Flow forward(Flow in) {
      int[] s = in.shape();
      return new Flow(in.data(), new int[] {s[0], in.data().length / Math.max(1, s[0])}, null);
    }
  }

  static final class Masking extends KerasLayer {
    final float maskValue;

    Masking(String name, String cls, float maskValue) {
      super(name, cls);
      this.maskValue = maskValue;
    }

    @Override
    Flow forward(Flow in) {
      int[] s = in.shape();
      if (s.length != 3) {
        throw new IllegalArgumentException("expected input [batch, steps, features], got " + Arrays.toString(s));
      }
      int f = s[2];
      int rows = s[0] * s[1];
      boolean[] mask = new boolean[rows];
      float[] out = in.data().clone();
      for (int r = 0; r < rows; r++) {
        boolean any = false;
        for (int j = 0; j < f; j++) {
          any |= in.data()[r * f + j] != maskValue;
        }
        mask[r] = any && (in.mask() == null || in.mask()[r]);
        if (!mask[r]) {
          Arrays.fill(out, r * f, (r + 1) * f, 0f);
        }
      }
      return new Flow(out, s, mask);
    }
  }

  static final class Embedding extends KerasLayer {
    final float[] table;
    final int vocab;
    final int dim;
    final boolean maskZero;

    Embedding(String name, String cls, float[] table, int vocab, int dim, boolean maskZero) {
      super(name, cls);
      this.table = table;
      this.vocab = vocab;
      this.dim = dim;
      this.maskZero = maskZero;
    }

    @Override
    long parameterCount() {
      return table.length;
    }

    @Override
    Flow forward(Flow in) {
      int[] s = in.shape();
      if (s.length == 3 && s[2] == 1) {
        s = new int[] {s[0], s[1]};
      }
      if (s.length != 2) {
        throw new IllegalArgumentException("expected token ids [batch, steps], got shape " + Arrays.toString(in.shape()));
      }
      int rows = s[0] * s[1];
      float[] out = new float[rows * dim];
      boolean[] mask = maskZero ? new boolean[rows] : null;
      for (int r = 0; r < rows; r++) {
        float v = in.data()[r];
        if (v != Math.rint(v) || v < 0 || v >= vocab) {
          throw new IllegalArgumentException("token id " + v + " at [" + r / s[1] + "," + r % s[1] + "] is not an"
              + " integer in [0, " + vocab + ")");
        }
        System.arraycopy(table, (int) v * dim, out, r * dim, dim);
        if (mask != null) {
          mask[r] = v != 0;
        }
      }
      return new Flow(out, new int[] {s[0], s[1], dim}, mask);
    }
  }

  static final class Dense extends KerasLayer {
    final float[] kernel; // [in, units]
    final float[] bias;
    final int in;
    final int units;
    final Activation act;

    Dense(String name, String cls, float[] kernel, float[] bias, int in, int units, Activation act) {
      super(name, cls);
      this.kernel = kernel;
      this.bias = bias;
      this.in = in;
      this.units = units;
      this.act = act;
    }

    @Override
    long parameterCount() {
      return kernel.length + (bias == null ? 0 : bias.length);
    }

    @Override
    Flow forward(Flow x) {
      int[] s = x.shape();
      if (s[s.length - 1] != in) {
        throw new IllegalArgumentException("expected " + in + " input features (kernel [" + in + ", " + units
            + "]), got shape " + Arrays.toString(s));
      }
      int rows = x.data().length / in;
      float[] y = new float[rows * units];
      for (int r = 0; r < rows; r++) {
        for (int k = 0; k < in; k++) {
          float v = x.data()[r * in + k];
          for (int j = 0; j < units; j++) {
            y[r * units + j] += v * kernel[k * units + j];
          }
        }
        if (bias != null) {
          for (int j = 0; j < units; j++) {
            y[r * units + j] += bias[j];
          }
        }
      }
      int[] out = s.clone();
      out[out.length - 1] = units;
      boolean identity = act != null && act.kind() == Activation.Kind.AFFINE && act.alpha() == 1f && act.beta() == 0f;
      return new Flow(identity ? y : apply(act, y, units), out, x.mask());
    }
  }

  // ---- recurrent layers --------------------------------------------------------------------------------

  static final class Rnn extends KerasLayer {
    final RnnCore core;

    Rnn(String name, String cls, RnnCore core) {
      super(name, cls);
      this.core = core;
    }

    @Override
    long parameterCount() {
      return core.parameterCount();
    }

    @Override
    Flow forward(Flow in) {
      float[][] r = core.run(in);
      int[] s = in.shape();
      return core.returnSequences ? new Flow(r[0], new int[] {s[0], s[1], core.units}, in.mask())
          : new Flow(r[1], new int[] {s[0], core.units}, null);
    }
  }

  static final class Bidi extends KerasLayer {
    final RnnCore fw;
    final RnnCore bw;
    final String merge;

    Bidi(String name, String cls, RnnCore fw, RnnCore bw, String merge) {
      super(name, cls);
      this.fw = fw;
      this.bw = bw;
      this.merge = merge;
    }

    @Override
    long parameterCount() {
      return fw.parameterCount() + bw.parameterCount();
    }

    @Override
    Flow forward(Flow in) {
      int[] s = in.shape();
      int b = s[0];
      int t = s[1];
      int u = fw.units;
      float[][] f = fw.run(in);
      float[][] r = bw.run(in);
      boolean seq = fw.returnSequences;
      float[] a = seq ? f[0] : f[1];
      float[] c = seq ? reverseTime(r[0], b, t, u) : r[1];
      int rows = seq ? b * t : b;
      int w = merge.equals("concat") ? 2 * u : u;
      float[] out = new float[rows * w];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < u; j++) {
          float x = a[i * u + j];
          float y = c[i * u + j];
          switch (merge) {
            case "concat":
              out[i * w + j] = x;
              out[i * w + u + j] = y;
              break;
            case "sum":
              out[i * w + j] = x + y;
              break;
            case "mul":
              out[i * w + j] = x * y;
              break;
            default:
              out[i * w + j] = (x + y) / 2f;
          }
        }
      }
      return seq ? new Flow(out, new int[] {b, t, w}, in.mask()) : new Flow(out, new int[] {b, w}, null);
    }
  }

  static float[] reverseTime(float[] x, int b, int t, int f) {
    float[] y = new float[x.length];
    for (int i = 0; i < b; i++) {
      for (int s = 0; s < t; s++) {
        System.arraycopy(x, (i * t + s) * f, y, (i * t + (t - 1 - s)) * f, f);
      }
    }
    return y;
  }

  /**
   * One Keras recurrent layer (one direction) as an rnn4j stack of one layer, batch-first. Keras's
   * kernel {@code [F, G*U]} and recurrent kernel {@code [U, G*U]} become {@code weight_ih [G*U, F]}
   * and {@code weight_hh [G*U, U]} with the gate blocks permuted (GRU z,r,h to r,z,n; LSTM and
   * SimpleRNN keep their order); the bias goes to {@code bias_ih} and {@code bias_hh} is zero, except
   * for a GRU with {@code reset_after}, whose bias {@code [2, 3U]} holds both.
   */
  static final class RnnCore {
    final int units;
    final boolean returnSequences;
    final boolean goBackwards;
    private final boolean zeroOutputForMask;
    final Recurrent rnn;
    private final int inputSize;
    private final long kerasParameters;

    RnnCore(String where, String cls, JsonNode c, List<float[][]> w, boolean keras3, boolean backward,
        boolean zeroMaskedOutputs) throws ImportException {
      units = c.path("units").asInt(-1);
      returnSequences = c.path("return_sequences").asBoolean(false);
      boolean gb = c.path("go_backwards").asBoolean(false);
      goBackwards = backward != gb;
      zeroOutputForMask = zeroMaskedOutputs || c.path("zero_output_for_mask").asBoolean(false);
      if (c.path("stateful").asBoolean(false)) {
        throw new ImportException(where + ": stateful=True is not supported (each call starts from zero states)");
      }
      if (c.path("return_state").asBoolean(false)) {
        throw new ImportException(where + ": return_state=True is not supported");
      }
      boolean bias = c.path("use_bias").asBoolean(true);
      if (w.size() != (bias ? 3 : 2)) {
        throw new ImportException(where + ": expected " + (bias ? 3 : 2) + " weights (kernel, recurrent_kernel"
            + (bias ? ", bias" : "") + "), the file holds " + w.size());
      }
      CellType cell;
      int gates;
      int[] perm;
      Activation act = activation(where, c.path("activation").asText("tanh"), keras3);
      Activation rec = activation(where, c.path("recurrent_activation").asText("sigmoid"), keras3);
      List<Activation> acts;
      boolean resetAfter = false;
      switch (cls) {
        case "LSTM":
          cell = CellType.LSTM;
          gates = 4;
          perm = new int[] {0, 1, 2, 3}; // Keras i,f,c,o = rnn4j i,f,g,o
          acts = List.of(nonNull(where, rec), nonNull(where, act), nonNull(where, act));
          break;
        case "GRU":
          cell = CellType.GRU;
          gates = 3;
          perm = new int[] {1, 0, 2}; // rnn4j r,z,n <- Keras z,r,h
          acts = List.of(nonNull(where, rec), nonNull(where, act));
          resetAfter = c.path("reset_after").asBoolean(keras3);
          break;
        default:
          cell = act.equals(Activation.RELU) ? CellType.RNN_RELU : CellType.RNN_TANH;
          gates = 1;
          perm = new int[] {0};
          acts = List.of(nonNull(where, act));
      }
      long count = 0;
      for (float[][] x : w) {
        count += x[1].length;
      }
      kerasParameters = count;
      float[][] k = w.get(0);
      float[][] rk = w.get(1);
      if (k[0].length != 2 || rk[0].length != 2) {
        throw new ImportException(where + ": kernel and recurrent_kernel must be 2-D, got ranks " + k[0].length
            + " and " + rk[0].length);
      }
      inputSize = (int) k[0][0];
      if (units < 1) {
        throw new ImportException(where + ": the config has no units");
      }
      int gu = gates * units;
      if ((int) k[0][1] != gu) {
        throw new ImportException(where + ": kernel has shape [" + inputSize + ", " + (int) k[0][1] + "], expected ["
            + inputSize + ", " + gu + "] for " + units + " units");
      }
      if ((int) rk[0][0] != units || (int) rk[0][1] != gu) {
        throw new ImportException(where + ": recurrent_kernel has shape [" + (int) rk[0][0] + ", " + (int) rk[0][1]
            + "], expected [" + units + ", " + gu + "]");
      }
      float[] bIh = null;
      float[] bHh = null;
      if (bias) {
        float[][] bb = w.get(2);
        int want = resetAfter ? 2 * gu : gu;
        if (bb[1].length != want) {
          throw new ImportException(where + ": bias has shape " + Arrays.toString(dims(bb)) + ", expected "
              + (resetAfter ? "[2, " + gu + "] (reset_after)" : "[" + gu + "]"));
        }
        bIh = permute(Arrays.copyOfRange(bb[1], 0, gu), perm, units, 1);
        bHh = resetAfter ? permute(Arrays.copyOfRange(bb[1], gu, 2 * gu), perm, units, 1) : new float[gu];
      }
      RecurrentSpec spec = RecurrentSpec.builder(cell, inputSize, units).batchFirst(true).bias(bias)
          .resetAfter(cell != CellType.GRU || resetAfter).activations(acts).build();
      rnn = new Recurrent(spec, 0L);
      rnn.setParameter("weight_ih_l0", permute(transpose(k[1], inputSize, gu), perm, units, inputSize));
      rnn.setParameter("weight_hh_l0", permute(transpose(rk[1], units, gu), perm, units, units));
      if (bias) {
        rnn.setParameter("bias_ih_l0", bIh);
        rnn.setParameter("bias_hh_l0", bHh);
      }
    }

    /** As Keras counts them (rnn4j's stack also holds a zero bias_hh where Keras has one bias). */
    long parameterCount() {
      return kerasParameters;
    }

    private static Activation nonNull(String where, Activation a) throws ImportException {
      if (a == null) {
        throw new ImportException(where + ": softmax is not a recurrent activation");
      }
      return a;
    }

    private static int[] dims(float[][] w) {
      int[] d = new int[w[0].length];
      for (int i = 0; i < d.length; i++) {
        d[i] = (int) w[0][i];
      }
      return d;
    }

    /** [rows, cols] -> [cols, rows]. */
    private static float[] transpose(float[] a, int rows, int cols) {
      float[] t = new float[a.length];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          t[j * rows + i] = a[i * cols + j];
        }
      }
      return t;
    }

    /** Blocks of [units, cols] rows: rnn4j block k = Keras block perm[k]. */
    private static float[] permute(float[] src, int[] perm, int units, int cols) {
      int block = units * cols;
      float[] dst = new float[src.length];
      for (int k = 0; k < perm.length; k++) {
        System.arraycopy(src, perm[k] * block, dst, k * block, block);
      }
      return dst;
    }

    /**
     * Runs the layer over {@code [B, T, F]}: returns {sequence output [B, T, U] in Keras's order (reversed
     * time with go_backwards), final output [B, U]}.
     */
    float[][] run(Flow in) {
      int[] s = in.shape();
      if (s.length != 3) {
        throw new IllegalArgumentException("expected input [batch, steps, features], got " + Arrays.toString(s));
      }
      if (s[2] != inputSize) {
        throw new IllegalArgumentException("expected " + inputSize + " features per step (kernel rows), got input"
            + " of shape " + Arrays.toString(s));
      }
      int b = s[0];
      int t = s[1];
      float[] x = goBackwards ? reverseTime(in.data(), b, t, inputSize) : in.data();
      boolean[] mask = in.mask() == null ? null : goBackwards ? reverseMask(in.mask(), b, t) : in.mask();
      float[] seq = new float[b * t * units];
      float[] last = new float[b * units];
      if (mask == null || allTrue(mask)) {
        Recurrent.Output o = rnn.forward(new Tensor(x, b, t, inputSize), null, null, null, false);
        System.arraycopy(o.output().data(), 0, seq, 0, seq.length);
        System.arraycopy(o.hN().data(), 0, last, 0, last.length);
        return new float[][] {seq, last};
      }
      // masked: each sequence runs on its valid steps; a masked step repeats the previous output (or 0)
      for (int i = 0; i < b; i++) {
        int valid = 0;
        for (int q = 0; q < t; q++) {
          valid += mask[i * t + q] ? 1 : 0;
        }
        if (valid == 0) {
          continue; // outputs and state stay zero
        }
        float[] xs = new float[valid * inputSize];
        int k = 0;
        for (int q = 0; q < t; q++) {
          if (mask[i * t + q]) {
            System.arraycopy(x, (i * t + q) * inputSize, xs, k++ * inputSize, inputSize);
          }
        }
        Recurrent.Output o = rnn.forward(new Tensor(xs, 1, valid, inputSize), null, null, null, false);
        float[] ys = o.output().data();
        k = 0;
        float[] prev = new float[units];
        for (int q = 0; q < t; q++) {
          if (mask[i * t + q]) {
            System.arraycopy(ys, k++ * units, prev, 0, units);
            System.arraycopy(prev, 0, seq, (i * t + q) * units, units);
          } else if (!zeroOutputForMask) {
            System.arraycopy(prev, 0, seq, (i * t + q) * units, units);
          }
        }
        System.arraycopy(o.hN().data(), 0, last, i * units, units);
      }
      return new float[][] {seq, last};
    }

    private static boolean allTrue(boolean[] m) {
      for (boolean v : m) {
        if (!v) {
          return false;
        }
      }
      return true;
    }

    private static boolean[] reverseMask(boolean[] m, int b, int t) {
      boolean[] r = new boolean[m.length];
      for (int i = 0; i < b; i++) {
        for (int q = 0; q < t; q++) {
          r[i * t + (t - 1 - q)] = m[i * t + q];
        }
      }
      return r;
    }
  }
}
