package org.rnn4j.cli;

import static org.rnn4j.cli.CaseJson.opt;
import static org.rnn4j.cli.CaseJson.req;
import static org.rnn4j.cli.CaseJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rnn4j.Tensor;
import org.rnn4j.nn.Activation;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.RecurrentSpec;

/**
 * An ONNX operator case ({@code rnn-holdout-onnx-case/1}): one LSTM/GRU/RNN node given as JSON. Maps
 * the node's attributes onto a {@link RecurrentSpec} and its W, R, B, P from ONNX's gate order into
 * PyTorch's (LSTM i,o,f,c to i,f,g,o; GRU z,r,h to r,z,n), runs it, reshapes the results into
 * ONNX's layouts (Y {@code [T, D, N, H]}, or {@code [N, T, D, H]} with layout 1; Y_h/Y_c
 * {@code [D, N, H]} or {@code [N, D, H]}) and checks every requested output. Stateless.
 */
final class OnnxCase {
  static final String FORMAT = "rnn-holdout-onnx-case/1";

  private static final Set<String> COMMON_ATTRIBUTES = Set.of("hidden_size", "direction", "layout",
      "activations", "activation_alpha", "activation_beta", "clip");

  /** PyTorch block k comes from ONNX block PERM[k]. */
  private static final int[] LSTM_PERM = {0, 2, 3, 1}; // i,f,g,o <- i,o,f,c
  private static final int[] GRU_PERM = {1, 0, 2}; // r,z,n <- z,r,h
  private static final int[] RNN_PERM = {0};

  private OnnxCase() {
  }

  static void run(JsonNode root, Checker check) throws CaseException {
    String op = text(root, "operator", "");
    CellType cell;
    int[] perm;
    switch (op) {
      case "LSTM":
        cell = CellType.LSTM;
        perm = LSTM_PERM;
        break;
      case "GRU":
        cell = CellType.GRU;
        perm = GRU_PERM;
        break;
      case "RNN":
        cell = CellType.RNN_TANH; // the activation list decides the function
        perm = RNN_PERM;
        break;
      default:
        throw new CaseException("unsupported operator '" + op + "'");
    }
    int gates = cell.gates();

    // ---- inputs by role
    Map<String, JsonNode> in = new HashMap<>();
    for (JsonNode i : req(root, "inputs", "")) {
      String role = text(i, "role", "inputs[]");
      String dtype = opt(i, "dtype") == null ? "float32" : i.get("dtype").asText();
      boolean intRole = role.equals("sequence_lens");
      if (!intRole && !dtype.equals("float32")) {
        throw new CaseException("unsupported dtype " + dtype + " of input " + role + " (rnn4j computes in float32)");
      }
      if (!List.of("X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P").contains(role)) {
        throw new CaseException("unsupported input role '" + role + "'");
      }
      in.put(role, i);
    }
    CaseJson.Tensor64 x = input(in, "X", true);
    CaseJson.Tensor64 w = input(in, "W", true);
    CaseJson.Tensor64 r = input(in, "R", true);
    CaseJson.Tensor64 b = input(in, "B", false);
    CaseJson.Tensor64 seqLens = input(in, "sequence_lens", false);
    CaseJson.Tensor64 initH = input(in, "initial_h", false);
    CaseJson.Tensor64 initC = input(in, "initial_c", false);
    CaseJson.Tensor64 p = input(in, "P", false);
    if (cell != CellType.LSTM && (initC != null || p != null)) {
      throw new CaseException("bad case file: initial_c/P given to a " + op + " node");
    }

    // ---- attributes
    JsonNode attrs = req(root, "attributes", "");
    for (Iterator<String> it = attrs.fieldNames(); it.hasNext(); ) {
      String a = it.next();
      boolean known = COMMON_ATTRIBUTES.contains(a)
          || (a.equals("linear_before_reset") && cell == CellType.GRU)
          || (a.equals("input_forget") && cell == CellType.LSTM);
      if (!known) {
        throw new CaseException("unsupported attribute '" + a + "' for " + op);
      }
    }
    String direction = opt(attrs, "direction") == null ? "forward" : attrs.get("direction").asText();
    int dirs;
    switch (direction) {
      case "forward":
      case "reverse":
        dirs = 1;
        break;
      case "bidirectional":
        dirs = 2;
        break;
      default:
        throw new CaseException("unsupported attribute direction='" + direction + "'");
    }
    int layout = opt(attrs, "layout") == null ? 0 : CaseJson.toInt(attrs.get("layout"), "attributes.layout");
    if (layout != 0 && layout != 1) {
      throw new CaseException("unsupported attribute layout=" + layout);
    }
    requireRank("W", w, 3);
    requireRank("R", r, 3);
    requireRank("X", x, 3);
    int hidden = opt(attrs, "hidden_size") == null ? r.shape()[2]
        : CaseJson.toInt(attrs.get("hidden_size"), "attributes.hidden_size");
    int steps = layout == 0 ? x.shape()[0] : x.shape()[1];
    int batch = layout == 0 ? x.shape()[1] : x.shape()[0];
    int inputSize = x.shape()[2];
    requireShape("W", w, dirs, gates * hidden, inputSize);
    requireShape("R", r, dirs, gates * hidden, hidden);
    if (b != null) {
      requireShape("B", b, dirs, 2 * gates * hidden);
    }
    if (p != null) {
      requireShape("P", p, dirs, 3 * hidden);
    }
    int[] stateShape = layout == 0 ? new int[] {dirs, batch, hidden} : new int[] {batch, dirs, hidden};
    if (initH != null) {
      requireShape("initial_h", initH, stateShape);
    }
    if (initC != null) {
      requireShape("initial_c", initC, stateShape);
    }

    Float clip = null;
    if (opt(attrs, "clip") != null) {
      double c = CaseJson.toDouble(attrs.get("clip"), "attributes.clip");
      if (!(c > 0) || Double.isInfinite(c)) {
        throw new CaseException("unsupported attribute clip=" + c + " (rnn4j needs clip > 0)");
      }
      clip = (float) c;
    }
    boolean resetAfter = opt(attrs, "linear_before_reset") != null
        && CaseJson.toInt(attrs.get("linear_before_reset"), "attributes.linear_before_reset") != 0;
    boolean inputForget = opt(attrs, "input_forget") != null
        && CaseJson.toInt(attrs.get("input_forget"), "attributes.input_forget") != 0;
    List<Activation> activations = activations(cell, attrs, dirs);

    RecurrentSpec spec = RecurrentSpec.builder(cell, inputSize, hidden)
        .batchFirst(layout == 1)
        .bidirectional(dirs == 2)
        .reverse(direction.equals("reverse"))
        .bias(b != null)
        .peepholes(p != null)
        .resetAfter(resetAfter)
        .clip(clip)
        .inputForget(inputForget)
        .activations(activations)
        .build();
    Recurrent rnn = new Recurrent(spec, 0L);

    // ---- weights: per direction, ONNX gate blocks permuted into PyTorch's
    int gh = gates * hidden;
    for (int d = 0; d < dirs; d++) {
      String suffix = spec.parameterSuffix(0, d);
      rnn.setParameter("weight_ih" + suffix, permuteBlocks(w.data(), d * gh * inputSize, perm, hidden, inputSize));
      rnn.setParameter("weight_hh" + suffix, permuteBlocks(r.data(), d * gh * hidden, perm, hidden, hidden));
      if (b != null) {
        rnn.setParameter("bias_ih" + suffix, permuteBlocks(b.data(), d * 2 * gh, perm, hidden, 1));
        rnn.setParameter("bias_hh" + suffix, permuteBlocks(b.data(), d * 2 * gh + gh, perm, hidden, 1));
      }
      if (p != null) {
        // rnn4j keeps ONNX's peephole order i, o, f
        float[] peep = new float[3 * hidden];
        for (int j = 0; j < peep.length; j++) {
          peep[j] = (float) p.data()[d * 3 * hidden + j];
        }
        rnn.setParameter("weight_peep" + suffix, peep);
      }
    }

    // ---- states and lengths
    Tensor h0 = initH == null ? null : state(initH, layout, dirs, batch, hidden);
    Tensor c0 = initC == null ? null : state(initC, layout, dirs, batch, hidden);
    int[] lengths = null;
    if (seqLens != null) {
      requireShape("sequence_lens", seqLens, batch);
      lengths = new int[batch];
      for (int i = 0; i < batch; i++) {
        double v = seqLens.data()[i];
        if (v != Math.rint(v) || v < 0 || v > steps) {
          throw new CaseException("bad case file: sequence_lens[" + i + "] = " + v + " outside [0, " + steps + "]");
        }
        if (v == 0) {
          throw new CaseException("unsupported sequence_lens[" + i + "] = 0 (rnn4j needs lengths >= 1)");
        }
        lengths[i] = (int) v;
      }
    }

    Recurrent.Output out = rnn.forward(x.toTensor(), h0, c0, lengths, false);

    // ---- requested outputs, in ONNX's layouts
    JsonNode outputs = req(root, "outputs", "");
    if (outputs.size() == 0) {
      throw new CaseException("bad case file: no requested output to compare");
    }
    for (JsonNode o : outputs) {
      String role = text(o, "role", "outputs[]");
      CaseJson.Tensor64 e = CaseJson.tensor(o, "outputs." + role);
      switch (role) {
        case "Y": {
          float[] y = onnxY(out.output().data(), layout, steps, batch, dirs, hidden);
          int[] shape = layout == 0 ? new int[] {steps, dirs, batch, hidden} : new int[] {batch, steps, dirs, hidden};
          check.compare("Y", e, shape, y);
          break;
        }
        case "Y_h":
          check.compare("Y_h", e, stateShape, onnxState(out.hN().data(), layout, dirs, batch, hidden));
          break;
        case "Y_c":
          if (out.cN() == null) {
            throw new CaseException("bad case file: Y_c requested from a " + op + " node");
          }
          check.compare("Y_c", e, stateShape, onnxState(out.cN().data(), layout, dirs, batch, hidden));
          break;
        default:
          throw new CaseException("unsupported output role '" + role + "'");
      }
    }
  }

  /**
   * The activation list of the node with alpha/beta consumed in order: every function that takes an
   * alpha takes the next value of {@code activation_alpha} (same for beta); missing values fall back
   * to the function's default.
   */
  static List<Activation> activations(CellType cell, JsonNode attrs, int dirs) throws CaseException {
    JsonNode names = opt(attrs, "activations");
    JsonNode alphas = opt(attrs, "activation_alpha");
    JsonNode betas = opt(attrs, "activation_beta");
    if (names == null) {
      return List.of(); // the cell's defaults, which take no alpha or beta
    }
    int per = cell.activationCount();
    if (names.size() != per * dirs && names.size() != per) {
      throw new CaseException("unsupported attribute activations: expected " + per * dirs + " names for "
          + dirs + " direction(s), got " + names.size());
    }
    List<Activation> list = new ArrayList<>();
    int ia = 0;
    int ib = 0;
    for (JsonNode n : names) {
      Activation.Kind kind;
      try {
        kind = Activation.Kind.fromOnnxName(n.asText());
      } catch (IllegalArgumentException e) {
        throw new CaseException("unsupported attribute activations: " + e.getMessage());
      }
      float alpha = kind.defaultAlpha();
      float beta = kind.defaultBeta();
      if (kind.takesAlpha() && alphas != null && ia < alphas.size()) {
        alpha = (float) CaseJson.toDouble(alphas.get(ia++), "attributes.activation_alpha");
      }
      if (kind.takesBeta() && betas != null && ib < betas.size()) {
        beta = (float) CaseJson.toDouble(betas.get(ib++), "attributes.activation_beta");
      }
      list.add(new Activation(kind, alpha, beta));
    }
    return list;
  }

  /** Rows of G blocks [H, cols] from {@code src} at {@code off}, PyTorch block k = ONNX block perm[k]. */
  static float[] permuteBlocks(double[] src, int off, int[] perm, int hidden, int cols) {
    int block = hidden * cols;
    float[] dst = new float[perm.length * block];
    for (int k = 0; k < perm.length; k++) {
      int from = off + perm[k] * block;
      for (int j = 0; j < block; j++) {
        dst[k * block + j] = (float) src[from + j];
      }
    }
    return dst;
  }

  /** ONNX initial state ([D, N, H], or [N, D, H] with layout 1) as rnn4j's [D, N, H]. */
  private static Tensor state(CaseJson.Tensor64 s, int layout, int dirs, int batch, int hidden) {
    float[] v = s.toFloats();
    if (layout == 1) {
      float[] t = new float[v.length];
      for (int n = 0; n < batch; n++) {
        for (int d = 0; d < dirs; d++) {
          System.arraycopy(v, (n * dirs + d) * hidden, t, (d * batch + n) * hidden, hidden);
        }
      }
      v = t;
    }
    return new Tensor(v, dirs, batch, hidden);
  }

  /** rnn4j's final state [D, N, H] in ONNX's layout. */
  private static float[] onnxState(float[] v, int layout, int dirs, int batch, int hidden) {
    if (layout == 0) {
      return v;
    }
    float[] t = new float[v.length];
    for (int d = 0; d < dirs; d++) {
      for (int n = 0; n < batch; n++) {
        System.arraycopy(v, (d * batch + n) * hidden, t, (n * dirs + d) * hidden, hidden);
      }
    }
    return t;
  }

  /**
   * rnn4j's output ([T, N, D*H], or [N, T, D*H] batch-first) as ONNX's Y: [T, D, N, H], or
   * [N, T, D, H] with layout 1 (which is the batch-first output as it is).
   */
  private static float[] onnxY(float[] out, int layout, int steps, int batch, int dirs, int hidden) {
    if (layout == 1) {
      return out;
    }
    float[] y = new float[out.length];
    for (int t = 0; t < steps; t++) {
      for (int n = 0; n < batch; n++) {
        for (int d = 0; d < dirs; d++) {
          System.arraycopy(out, (t * batch + n) * dirs * hidden + d * hidden, y,
              ((t * dirs + d) * batch + n) * hidden, hidden);
        }
      }
    }
    return y;
  }

  private static CaseJson.Tensor64 input(Map<String, JsonNode> in, String role, boolean required)
      throws CaseException {
    JsonNode n = in.get(role);
    if (n == null) {
      if (required) {
        throw new CaseException("bad case file: input " + role + " missing");
      }
      return null;
    }
    return CaseJson.tensor(n, "inputs." + role);
  }

  private static void requireRank(String what, CaseJson.Tensor64 t, int rank) throws CaseException {
    if (t.shape().length != rank) {
      throw new CaseException("bad case file: " + what + " has shape " + t.shapeString() + ", expected rank " + rank);
    }
  }

  private static void requireShape(String what, CaseJson.Tensor64 t, int... shape) throws CaseException {
    if (!java.util.Arrays.equals(t.shape(), shape)) {
      throw new CaseException("bad case file: " + what + " has shape " + t.shapeString() + ", expected "
          + CaseJson.shapeString(shape));
    }
  }
}
