package org.rnn4j.interop.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.rnn4j.Tensor;
import org.rnn4j.nn.Activation;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.RecurrentSpec;

/**
 * Runs one ONNX {@code LSTM}, {@code GRU} or {@code RNN} operator on rnn4j's engine: maps the
 * attributes onto a {@link RecurrentSpec}, the weights W, R, B, P from ONNX's gate order into
 * PyTorch's (LSTM i,o,f,c to i,f,g,o; GRU z,r,h to r,z,n; peepholes stay i,o,f), runs the stack and
 * returns Y, Y_h, Y_c in ONNX's layouts (Y {@code [T, D, N, H]}, or {@code [N, T, D, H]} with
 * layout 1; Y_h/Y_c {@code [D, N, H]} or {@code [N, D, H]}). Used by the ONNX graph importer and by
 * the conformance runner's JSON operator cases, so the semantics are written once. Errors are
 * {@link IllegalArgumentException}s that name the operator, the input or attribute, and the expected
 * and received values. Stateless and thread-safe.
 */
public final class OnnxRnn {
  /** The attributes every one of the three operators takes. */
  public static final Set<String> COMMON_ATTRIBUTES = Set.of("hidden_size", "direction", "layout",
      "activations", "activation_alpha", "activation_beta", "clip");

  /** PyTorch block k comes from ONNX block PERM[k]. */
  private static final int[] LSTM_PERM = {0, 2, 3, 1}; // i,f,g,o <- i,o,f,c
  private static final int[] GRU_PERM = {1, 0, 2}; // r,z,n <- z,r,h
  private static final int[] RNN_PERM = {0};

  private OnnxRnn() {
  }

  /**
   * The operator's attributes, absent ones null (or empty) for the specification's defaults.
   * Immutable and thread-safe.
   *
   * @param hiddenSize        {@code hidden_size}, or null to take it from R
   * @param direction         {@code forward}, {@code reverse}, {@code bidirectional}, or null (forward)
   * @param layout            0 or 1
   * @param activations       the ONNX function names, empty for the defaults
   * @param alphas            {@code activation_alpha}, consumed in order by the functions that take one
   * @param betas             {@code activation_beta}, likewise
   * @param clip              {@code clip}, or null
   * @param linearBeforeReset GRU {@code linear_before_reset}
   * @param inputForget       LSTM {@code input_forget}
   */
  public record Attributes(Integer hiddenSize, String direction, int layout, List<String> activations,
      List<Float> alphas, List<Float> betas, Float clip, boolean linearBeforeReset, boolean inputForget) {
    public Attributes {
      activations = activations == null ? List.of() : List.copyOf(activations);
      alphas = alphas == null ? List.of() : List.copyOf(alphas);
      betas = betas == null ? List.of() : List.copyOf(betas);
    }
  }

  /** The results in ONNX's layouts; {@code yC} is null for GRU and RNN. Immutable and thread-safe. */
  public record Result(Tensor y, Tensor yH, Tensor yC) {
  }

  /** The cell of an operator name: {@code LSTM}, {@code GRU}, {@code RNN} (its activation list decides). */
  public static CellType cellOf(String op) {
    switch (op) {
      case "LSTM":
        return CellType.LSTM;
      case "GRU":
        return CellType.GRU;
      case "RNN":
        return CellType.RNN_TANH;
      default:
        throw new IllegalArgumentException("unsupported operator '" + op + "'");
    }
  }

  /**
   * Checks attribute names against those the operator takes.
   *
   * @throws IllegalArgumentException {@code unsupported attribute 'x' for LSTM}
   */
  public static void checkAttributeNames(String op, Collection<String> names) {
    CellType cell = cellOf(op);
    for (String a : names) {
      boolean known = COMMON_ATTRIBUTES.contains(a)
          || (a.equals("linear_before_reset") && cell == CellType.GRU)
          || (a.equals("input_forget") && cell == CellType.LSTM);
      if (!known) {
        throw new IllegalArgumentException("unsupported attribute '" + a + "' for " + op);
      }
    }
  }

  /**
   * Runs the operator.
   *
   * @param op      {@code LSTM}, {@code GRU} or {@code RNN}
   * @param x       X, {@code [T, N, I]} (layout 0) or {@code [N, T, I]} (layout 1)
   * @param w       W {@code [D, G*H, I]}
   * @param r       R {@code [D, G*H, H]}
   * @param b       B {@code [D, 2*G*H]} or null
   * @param seqLens sequence_lens {@code [N]} or null
   * @param initH   initial_h or null
   * @param initC   initial_c (LSTM) or null
   * @param p       P {@code [D, 3*H]} (LSTM) or null
   * @throws IllegalArgumentException for a shape, value or attribute rnn4j cannot take, naming it
   */
  public static Result run(String op, Attributes a, Tensor x, Tensor w, Tensor r, Tensor b, int[] seqLens,
      Tensor initH, Tensor initC, Tensor p) {
    if (x == null) {
      throw new IllegalArgumentException(op + ": inputs X, W and R are required");
    }
    if (cellOf(op) != CellType.LSTM && initC != null) {
      throw new IllegalArgumentException(op + ": initial_c/P given to a " + op + " node");
    }
    requireRank(op, "X", x, 3);
    int layout = a.layout();
    if (layout != 0 && layout != 1) {
      throw new IllegalArgumentException("unsupported attribute layout=" + layout);
    }
    Recurrent rnn = build(op, a, x.dim(2), w, r, b, p);
    RecurrentSpec spec = rnn.spec();
    int dirs = spec.bidirectional() ? 2 : 1;
    int hidden = spec.hiddenSize();
    int steps = layout == 0 ? x.dim(0) : x.dim(1);
    int batch = layout == 0 ? x.dim(1) : x.dim(0);
    int[] stateShape = layout == 0 ? new int[] {dirs, batch, hidden} : new int[] {batch, dirs, hidden};
    if (initH != null) {
      requireShape(op, "initial_h", initH, stateShape);
    }
    if (initC != null) {
      requireShape(op, "initial_c", initC, stateShape);
    }

    // ---- states and lengths
    Tensor h0 = initH == null ? null : state(initH, layout, dirs, batch, hidden);
    Tensor c0 = initC == null ? null : state(initC, layout, dirs, batch, hidden);
    int[] lengths = null;
    if (seqLens != null) {
      if (seqLens.length != batch) {
        throw new IllegalArgumentException(op + ": sequence_lens has " + seqLens.length + " values, expected "
            + batch + " (one per sequence)");
      }
      lengths = seqLens.clone();
      for (int i = 0; i < batch; i++) {
        if (lengths[i] < 0 || lengths[i] > steps) {
          throw new IllegalArgumentException(op + ": sequence_lens[" + i + "] = " + lengths[i] + " outside [0, "
              + steps + "]");
        }
        if (lengths[i] == 0) {
          throw new IllegalArgumentException("unsupported sequence_lens[" + i + "] = 0 (rnn4j needs lengths >= 1)");
        }
      }
    }

    Recurrent.Output out = rnn.forward(x, h0, c0, lengths, false);
    Tensor y = layout == 0 ? new Tensor(onnxY(out.output().data(), steps, batch, dirs, hidden), steps, dirs, batch,
        hidden) : new Tensor(out.output().data(), batch, steps, dirs, hidden);
    Tensor yH = new Tensor(onnxState(out.hN().data(), layout, dirs, batch, hidden), stateShape);
    Tensor yC = out.cN() == null ? null : new Tensor(onnxState(out.cN().data(), layout, dirs, batch, hidden),
        stateShape);
    return new Result(y, yH, yC);
  }

  /**
   * The operator as an rnn4j {@link Recurrent} of one layer holding its weights (ONNX gate blocks
   * permuted into PyTorch's order; peepholes kept in ONNX's order i, o, f), batch-first when
   * {@code layout} is 1.
   *
   * @param inputSize features per step of X
   * @param w         W {@code [D, G*H, I]}
   * @param r         R {@code [D, G*H, H]}
   * @param b         B {@code [D, 2*G*H]} or null
   * @param p         P {@code [D, 3*H]} (LSTM) or null
   * @throws IllegalArgumentException for a shape, value or attribute rnn4j cannot take, naming it
   */
  public static Recurrent build(String op, Attributes a, int inputSize, Tensor w, Tensor r, Tensor b, Tensor p) {
    CellType cell = cellOf(op);
    int[] perm = cell == CellType.LSTM ? LSTM_PERM : cell == CellType.GRU ? GRU_PERM : RNN_PERM;
    int gates = cell.gates();
    if (w == null || r == null) {
      throw new IllegalArgumentException(op + ": inputs X, W and R are required");
    }
    if (cell != CellType.LSTM && p != null) {
      throw new IllegalArgumentException(op + ": initial_c/P given to a " + op + " node");
    }
    String direction = a.direction() == null ? "forward" : a.direction();
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
        throw new IllegalArgumentException("unsupported attribute direction='" + direction + "'");
    }
    requireRank(op, "W", w, 3);
    requireRank(op, "R", r, 3);
    int hidden = a.hiddenSize() == null ? r.dim(2) : a.hiddenSize();
    requireShape(op, "W", w, dirs, gates * hidden, inputSize);
    requireShape(op, "R", r, dirs, gates * hidden, hidden);
    if (b != null) {
      requireShape(op, "B", b, dirs, 2 * gates * hidden);
    }
    if (p != null) {
      requireShape(op, "P", p, dirs, 3 * hidden);
    }
    if (a.clip() != null && (!(a.clip() > 0) || a.clip().isInfinite())) {
      throw new IllegalArgumentException("unsupported attribute clip=" + a.clip() + " (rnn4j needs clip > 0)");
    }
    List<Activation> activations = activations(cell, a, dirs);

    RecurrentSpec spec = RecurrentSpec.builder(cell, inputSize, hidden)
        .batchFirst(a.layout() == 1)
        .bidirectional(dirs == 2)
        .reverse(direction.equals("reverse"))
        .bias(b != null)
        .peepholes(p != null)
        .resetAfter(a.linearBeforeReset())
        .clip(a.clip())
        .inputForget(a.inputForget())
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
        rnn.setParameter("weight_peep" + suffix, Arrays.copyOfRange(p.data(), d * 3 * hidden, (d + 1) * 3 * hidden));
      }
    }
    return rnn;
  }

  /**
   * The activation list with alpha/beta consumed in order: every function that takes an alpha takes
   * the next value of {@code activation_alpha} (same for beta); missing values fall back to the
   * function's default.
   */
  static List<Activation> activations(CellType cell, Attributes a, int dirs) {
    if (a.activations().isEmpty()) {
      return List.of(); // the cell's defaults, which take no alpha or beta
    }
    int per = cell.activationCount();
    if (a.activations().size() != per * dirs && a.activations().size() != per) {
      throw new IllegalArgumentException("unsupported attribute activations: expected " + per * dirs + " names for "
          + dirs + " direction(s), got " + a.activations().size());
    }
    List<Activation> list = new ArrayList<>();
    int ia = 0;
    int ib = 0;
    for (String n : a.activations()) {
      Activation.Kind kind;
      try {
        kind = Activation.Kind.fromOnnxName(n);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unsupported attribute activations: " + e.getMessage());
      }
      float alpha = kind.defaultAlpha();
      float beta = kind.defaultBeta();
      if (kind.takesAlpha() && ia < a.alphas().size()) {
        alpha = a.alphas().get(ia++);
      }
      if (kind.takesBeta() && ib < a.betas().size()) {
        beta = a.betas().get(ib++);
      }
      list.add(new Activation(kind, alpha, beta));
    }
    return list;
  }

  /** Rows of G blocks [H, cols] from {@code src} at {@code off}, PyTorch block k = ONNX block perm[k]. */
  static float[] permuteBlocks(float[] src, int off, int[] perm, int hidden, int cols) {
    int block = hidden * cols;
    float[] dst = new float[perm.length * block];
    for (int k = 0; k < perm.length; k++) {
      System.arraycopy(src, off + perm[k] * block, dst, k * block, block);
    }
    return dst;
  }

  /** ONNX initial state ([D, N, H], or [N, D, H] with layout 1) as rnn4j's [D, N, H]. */
  private static Tensor state(Tensor s, int layout, int dirs, int batch, int hidden) {
    float[] v = s.data();
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

  /** rnn4j's sequence-first output [T, N, D*H] as ONNX's Y [T, D, N, H]. */
  private static float[] onnxY(float[] out, int steps, int batch, int dirs, int hidden) {
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

  private static void requireRank(String op, String what, Tensor t, int rank) {
    if (t.rank() != rank) {
      throw new IllegalArgumentException(op + ": " + what + " has shape " + t.shapeString() + ", expected rank " + rank);
    }
  }

  private static void requireShape(String op, String what, Tensor t, int... shape) {
    if (!Arrays.equals(t.shape(), shape)) {
      throw new IllegalArgumentException(op + ": " + what + " has shape " + t.shapeString() + ", expected "
          + Arrays.toString(shape));
    }
  }
}
