package org.rnn4j.interop.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.rnn4j.Model;
import org.rnn4j.ModelSpec;
import org.rnn4j.Tensor;
import org.rnn4j.interop.ImportException;
import org.rnn4j.interop.ModelImport;
import org.rnn4j.interop.onnx.proto.Onnx;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.DenseActivation;
import org.rnn4j.nn.DenseSpec;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.LayerSpec;
import org.rnn4j.nn.Loss;
import org.rnn4j.nn.MergeMode;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.RecurrentLayerSpec;
import org.rnn4j.nn.RecurrentSpec;

/**
 * Turns an ONNX graph into an rnn4j {@link Model} when the graph is what an rnn4j model is: one input
 * sequence, a stack of LSTM/GRU/RNN nodes with constant weights, then optionally Dense layers
 * (MatMul + Add, or Gemm, with constant weights, each optionally followed by Relu, Tanh or Sigmoid).
 * The nodes exporters put around them to move axes and build zero initial states (Transpose, Squeeze,
 * Unsqueeze, Reshape, Concat, Slice, Gather, Shape, Constant, ConstantOfShape, Expand, Cast, Identity,
 * Dropout) are layout, not layers. The first graph output becomes the model's output; other graph
 * outputs (final states) are not kept.
 *
 * <p>The mapping is then checked: the graph (run by {@link OnnxModel}) and the model are fed the same
 * random input and must agree within float32 tolerance; when they do not (layout nodes that select or
 * reorder values in a way the model does not), the conversion is refused. Every refusal is one line
 * naming the file and the node. Stateless.
 */
public final class OnnxToModel {
  /** Largest difference accepted between the graph and the model on the check input. */
  static final double TOLERANCE = 1e-4;

  private static final Set<String> LAYOUT = Set.of("Transpose", "Squeeze", "Unsqueeze", "Reshape", "Concat",
      "Slice", "Gather", "Shape", "Constant", "ConstantOfShape", "Expand", "Cast", "Identity", "Dropout");
  private static final Set<String> RECURRENT = Set.of("LSTM", "GRU", "RNN");

  private OnnxToModel() {
  }

  /**
   * The model and the lines that say which node became which layer. Immutable.
   *
   * @param model   the rnn4j model (batch-first input {@code [N, T, F]})
   * @param mapping one line per mapped node or group of layout nodes, and the check's result
   */
  public record Converted(Model model, List<String> mapping) {
    public Converted {
      mapping = List.copyOf(mapping);
    }
  }

  /** What a value depends on: the graph input's values, only its shape, or nothing. */
  private enum Kind { DATA, SHAPE, CONST }

  /**
   * How a DATA value was reached: the last layer it went through (-1: none yet), which output of it
   * (Y 0, Y_h 1, Y_c 2), and how many [1, 0, 2] Transposes it went through since.
   */
  private record Route(int layer, int slot, int transposes) {
  }

  /** A layer being assembled. */
  private static final class Layer {
    final String name;
    final String node;
    final RecurrentSpec rnn; // null for a Dense
    final Recurrent weights;
    final float[] denseWeight; // [units, in]
    float[] denseBias;
    final int units;
    final int in;
    DenseActivation activation = DenseActivation.LINEAR;
    String activationNode;
    String biasNode;
    boolean returnSequences = true;

    Layer(String name, String node, Recurrent r) {
      this.name = name;
      this.node = node;
      this.rnn = r.spec();
      this.weights = r;
      this.denseWeight = null;
      this.units = rnn.outputHiddenSize() * (rnn.bidirectional() ? 2 : 1);
      this.in = rnn.inputSize();
    }

    Layer(String name, String node, float[] w, float[] b, int units, int in) {
      this.name = name;
      this.node = node;
      this.rnn = null;
      this.weights = null;
      this.denseWeight = w;
      this.denseBias = b;
      this.units = units;
      this.in = in;
    }
  }

  /**
   * Converts a loaded graph.
   *
   * @throws ImportException one line naming the file and the node (type and name) or input that has no
   *     place in an rnn4j model
   */
  public static Converted convert(OnnxModel model) throws ImportException {
    String file = model.file().toString();
    Onnx.GraphProto g = model.graph();
    List<String> inputs = model.inputNames();
    if (inputs.size() != 1) {
      throw new ImportException(file + ": graph inputs " + inputs + ": an rnn4j model takes one input, the feature"
          + " sequence" + (inputs.size() > 1 ? " (weights and initial states must be initializers)" : ""));
    }
    String input = inputs.get(0);
    Map<String, Kind> kind = new HashMap<>();
    Map<String, OnnxTensor> constants = new HashMap<>(model.initializers());
    for (String c : constants.keySet()) {
      kind.put(c, Kind.CONST);
    }
    kind.put(input, Kind.DATA);
    Map<String, Route> path = new HashMap<>();
    path.put(input, new Route(-1, 0, 0));
    List<Layer> layers = new ArrayList<>();
    Map<String, Layer> denseOutput = new HashMap<>(); // value -> the Dense that produced it (for Add, activations)
    Map<String, Integer> layoutCounts = new TreeMap<>();
    int inputTransposes = -1;
    boolean inputBatchFirst = false;

    for (Onnx.NodeProto n : g.getNodeList()) {
      String op = n.getOpType();
      String who = file + ": node '" + n.getName() + "' (" + op + ")";
      Kind k = Kind.CONST;
      for (String in : n.getInputList()) {
        if (in.isEmpty()) {
          continue;
        }
        Kind ki = kind.get(in);
        if (ki == null) {
          throw new ImportException(who + ": input '" + in + "' is produced by no earlier node, initializer or graph"
              + " input");
        }
        k = ki == Kind.DATA || k == Kind.DATA ? Kind.DATA : ki == Kind.SHAPE || k == Kind.SHAPE ? Kind.SHAPE : k;
      }
      if (op.equals("Shape") && k == Kind.DATA) {
        k = Kind.SHAPE;
      }
      if (k != Kind.DATA) {
        // shape arithmetic and constants: evaluated now when constant (their values may be weights)
        if (!OnnxOps.SUPPORTED.contains(op)) {
          throw new ImportException(who + ": operator " + op + " is not supported by rnn4j's ONNX importer");
        }
        if (k == Kind.CONST) {
          OnnxTensor[] r = evaluate(n, model, constants, who);
          for (int i = 0; i < n.getOutputCount() && i < r.length; i++) {
            if (r[i] != null) {
              constants.put(n.getOutput(i), r[i]);
            }
          }
        }
        for (String o : n.getOutputList()) {
          kind.put(o, k);
        }
        continue;
      }
      Route p = dataRoute(n, kind, path);
      Route out;
      if (RECURRENT.contains(op)) {
        if (!layers.isEmpty() && layers.get(layers.size() - 1).rnn == null) {
          throw new ImportException(who + ": a recurrent node after a Dense layer has no place in an rnn4j model"
              + " (recurrent layers first, then the head)");
        }
        if (p.layer != layers.size() - 1 || (p.layer >= 0 && p.slot != 0)) {
          throw new ImportException(who + ": X is not the output sequence Y of the previous recurrent node");
        }
        Layer l = recurrentLayer(n, constants, kind, layers, who);
        if (layers.isEmpty()) {
          inputTransposes = p.transposes;
          inputBatchFirst = (l.rnn.batchFirst()) != (p.transposes % 2 == 1);
        }
        layers.add(l);
        out = null;
        for (int i = 0; i < n.getOutputCount(); i++) {
          if (!n.getOutput(i).isEmpty()) {
            kind.put(n.getOutput(i), Kind.DATA);
            path.put(n.getOutput(i), new Route(layers.size() - 1, i, 0));
          }
        }
        continue;
      } else if (op.equals("MatMul") || op.equals("Gemm")) {
        out = dense(n, p, constants, kind, layers, denseOutput, who);
      } else if (op.equals("Add") && denseOutput.containsKey(n.getInput(0)) != denseOutput.containsKey(n.getInput(1))) {
        Layer d = denseOutput.get(denseOutput.containsKey(n.getInput(0)) ? n.getInput(0) : n.getInput(1));
        String other = denseOutput.containsKey(n.getInput(0)) ? n.getInput(1) : n.getInput(0);
        OnnxTensor b = constants.get(other);
        if (d.biasNode != null || d.activationNode != null || b == null || b.size() != d.units) {
          throw new ImportException(who + ": adds " + (b == null ? "a non-constant" : b.describe()) + " to the output"
              + " of '" + d.node + "'; rnn4j takes an Add right after MatMul only as the Dense bias [" + d.units + "]");
        }
        d.denseBias = b.floatData().clone();
        d.biasNode = n.getName();
        out = p;
        denseOutput.put(n.getOutput(0), d);
      } else if (op.equals("Relu") || op.equals("Tanh") || op.equals("Sigmoid")) {
        Layer d = denseOutput.get(n.getInput(0));
        if (d == null || d.activationNode != null) {
          throw new ImportException(who + ": " + op + " on values that are not a Dense layer's output has no rnn4j"
              + " layer (activations are taken only right after MatMul/Gemm)");
        }
        d.activation = DenseActivation.parse(op);
        d.activationNode = n.getName();
        out = p;
        denseOutput.put(n.getOutput(0), d);
      } else if (LAYOUT.contains(op)) {
        if (op.equals("Gather") && kind.get(n.getInput(0)) != Kind.DATA) {
          throw new ImportException(who + ": looks up the rows of a constant table by the input's values (an"
              + " embedding), which rnn4j does not map from ONNX");
        }
        layoutCounts.merge(op, 1, Integer::sum);
        boolean swap = op.equals("Transpose") && Arrays.equals(OnnxOps.intsAttribute(n, "perm"), new long[] {1, 0, 2});
        out = new Route(p.layer, p.slot, p.transposes + (swap ? 1 : 0));
      } else {
        throw new ImportException(who + ": " + op + " on the values between the layers has no rnn4j layer (an rnn4j"
            + " model is recurrent layers, then Dense layers with relu, tanh or sigmoid)");
      }
      for (String o : n.getOutputList()) {
        if (!o.isEmpty()) {
          kind.put(o, Kind.DATA);
          path.put(o, out);
        }
      }
    }

    if (layers.isEmpty() || layers.get(0).rnn == null) {
      throw new ImportException(file + ": no LSTM, GRU or RNN node reads the graph input '" + input + "' first; an"
          + " rnn4j model starts with its recurrent layers");
    }
    String output = model.outputNames().get(0);
    Route po = path.get(output);
    if (po == null) {
      throw new ImportException(file + ": graph output '" + output + "' does not depend on the input '" + input + "'");
    }
    if (po.layer != layers.size() - 1) {
      throw new ImportException(file + ": graph output '" + output + "' skips layer '" + layers.get(layers.size() - 1).node
          + "'; the model's output is its last layer's");
    }
    Layer lastRnn = null;
    for (Layer l : layers) {
      if (l.rnn != null) {
        lastRnn = l;
      }
    }
    int lastRnnIndex = layers.indexOf(lastRnn);
    // the last recurrent layer returns sequences when what follows comes from Y, its final state from Y_h
    int slot = lastRnnIndex == layers.size() - 1 ? po.slot : slotFeedingHead(g, path, lastRnnIndex);
    if (slot == 2) {
      throw new ImportException(file + ": the model's output comes from the cell state Y_c of node '" + lastRnn.node
          + "'; an rnn4j model outputs hidden states");
    }
    lastRnn.returnSequences = slot == 0;

    Model m = build(file, layers);
    List<String> mapping = new ArrayList<>();
    int features = layers.get(0).in;
    mapping.add("graph input '" + input + "' " + model.shapeText(input) + " is "
        + (inputBatchFirst ? "batch-first" : "sequence-first (the rnn4j model takes [batch, steps, " + features + "])"));
    for (Layer l : layers) {
      mapping.add(describe(model, l));
    }
    if (!layoutCounts.isEmpty()) {
      StringBuilder sb = new StringBuilder("layout only (no parameters): ");
      layoutCounts.forEach((op, c) -> sb.append(op).append(c > 1 ? " x" + c : "").append(", "));
      mapping.add(sb.substring(0, sb.length() - 2));
    }
    List<String> dropped = new ArrayList<>(model.outputNames().subList(1, model.outputNames().size()));
    mapping.add("graph output '" + output + "' -> the model's output" + (dropped.isEmpty() ? ""
        : "; not kept: " + dropped + " (an rnn4j model has one output)"));
    mapping.add(check(model, m, input, output, inputBatchFirst, features, layers));
    return new Converted(m, mapping);
  }

  // ---- nodes ------------------------------------------------------------------------------------------

  private static OnnxTensor[] evaluate(Onnx.NodeProto n, OnnxModel model, Map<String, OnnxTensor> constants,
      String who) throws ImportException {
    List<OnnxTensor> args = new ArrayList<>();
    for (String in : n.getInputList()) {
      args.add(in.isEmpty() ? null : constants.get(in));
    }
    try {
      return OnnxOps.run(n, model.opsetVersion(), args);
    } catch (IllegalArgumentException | ArithmeticException | ImportException e) {
      throw new ImportException(who + ": " + e.getMessage(), e);
    }
  }

  /**
   * Where a node's DATA inputs come from. A node that joins several (PyTorch's {@code h_n} is a Concat
   * of every layer's Y_h) goes on from the latest layer, its Y before its states; whether the values
   * that reach the output are the right ones is left to the check that runs both.
   */
  private static Route dataRoute(Onnx.NodeProto n, Map<String, Kind> kind, Map<String, Route> route) {
    Route p = null;
    for (String in : n.getInputList()) {
      if (in.isEmpty() || kind.get(in) != Kind.DATA) {
        continue;
      }
      Route q = route.get(in);
      if (p == null || q.layer > p.layer || (q.layer == p.layer && q.slot < p.slot)) {
        p = q;
      }
    }
    return p;
  }

  private static Layer recurrentLayer(Onnx.NodeProto n, Map<String, OnnxTensor> constants, Map<String, Kind> kind,
      List<Layer> layers, String who) throws ImportException {
    String op = n.getOpType();
    String[] slots = {"X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"};
    OnnxTensor[] t = new OnnxTensor[slots.length];
    for (int i = 1; i < n.getInputCount() && i < slots.length; i++) {
      String in = n.getInput(i);
      if (in.isEmpty()) {
        continue;
      }
      Kind k = kind.get(in);
      if (i == 4) {
        throw new ImportException(who + ": sequence_lens ('" + in + "') is given; an rnn4j model file takes"
            + " lengths when it runs, not from the graph");
      }
      if (i == 5 || i == 6) {
        if (k == Kind.DATA) {
          throw new ImportException(who + ": " + slots[i] + " ('" + in + "') depends on the graph input; an rnn4j"
              + " model starts from zero states");
        }
        OnnxTensor s = constants.get(in);
        if (s != null && !allZero(s)) {
          throw new ImportException(who + ": " + slots[i] + " ('" + in + "') is a non-zero constant; an rnn4j model"
              + " starts from zero states");
        }
        continue; // zeros, or zeros shaped from the input (checked by running both)
      }
      if (k != Kind.CONST || constants.get(in) == null) {
        throw new ImportException(who + ": " + slots[i] + " ('" + in + "') is not a constant; an rnn4j model holds"
            + " its weights");
      }
      t[i] = constants.get(in);
      if (!t[i].isFloat()) {
        throw new ImportException(who + ": " + slots[i] + " is " + t[i].describe() + ", expected float weights");
      }
    }
    if (t[1] == null || t[2] == null) {
      throw new ImportException(who + ": W and R are required");
    }
    Recurrent r;
    try {
      OnnxRnn.Attributes a = OnnxOps.rnnAttributes(n);
      int inputSize = t[1].shapeRef().length == 3 ? t[1].shapeRef()[2] : -1;
      r = OnnxRnn.build(op, a, inputSize, t[1].toTensor(), t[2].toTensor(), t[3] == null ? null : t[3].toTensor(),
          t[7] == null ? null : t[7].toTensor());
      if (!layers.isEmpty() && layers.get(layers.size() - 1).units != inputSize) {
        throw new IllegalArgumentException("expected input size " + layers.get(layers.size() - 1).units
            + " (the previous layer's output), W has " + inputSize);
      }
    } catch (IllegalArgumentException e) {
      throw new ImportException(who + ": " + e.getMessage(), e);
    }
    CellType cell = r.spec().cell();
    String base = cell == CellType.LSTM ? "lstm" : cell == CellType.GRU ? "gru" : "rnn";
    return new Layer(uniqueName(base, layers), n.getName(), r);
  }

  private static Route dense(Onnx.NodeProto n, Route p, Map<String, OnnxTensor> constants, Map<String, Kind> kind,
      List<Layer> layers, Map<String, Layer> denseOutput, String who) throws ImportException {
    String op = n.getOpType();
    if (kind.get(n.getInput(0)) != Kind.DATA || n.getInputCount() < 2 || constants.get(n.getInput(1)) == null) {
      throw new ImportException(who + ": rnn4j takes " + op + " as a Dense layer only as (values, constant weight)");
    }
    if (p.layer < 0) {
      throw new ImportException(who + ": a Dense layer before the recurrent layers has no place in an rnn4j model");
    }
    OnnxTensor w = constants.get(n.getInput(1));
    if (w.rank() != 2 || !w.isFloat()) {
      throw new ImportException(who + ": weight is " + w.describe() + ", expected a 2-D float matrix");
    }
    int rows = w.shapeRef()[0];
    int cols = w.shapeRef()[1];
    boolean transB = op.equals("Gemm") && OnnxOps.intAttribute(n, "transB", 0) != 0;
    float alpha = op.equals("Gemm") ? OnnxOps.floatAttribute(n, "alpha", 1f) : 1f;
    float beta = op.equals("Gemm") ? OnnxOps.floatAttribute(n, "beta", 1f) : 1f;
    if (op.equals("Gemm") && OnnxOps.intAttribute(n, "transA", 0) != 0) {
      throw new ImportException(who + ": transA=1 transposes the values; rnn4j's Dense takes [rows, features]");
    }
    int in = transB ? cols : rows;
    int units = transB ? rows : cols;
    int prev = layers.get(layers.size() - 1).units;
    if (in != prev) {
      throw new ImportException(who + ": weight " + w.describe() + " takes " + in + " features, the previous layer"
          + " gives " + prev);
    }
    float[] v = w.floatData();
    float[] weight = new float[units * in]; // [units, in]
    for (int i = 0; i < in; i++) {
      for (int j = 0; j < units; j++) {
        weight[j * in + i] = alpha * (transB ? v[j * in + i] : v[i * units + j]);
      }
    }
    float[] bias = null;
    if (op.equals("Gemm") && n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
      OnnxTensor c = constants.get(n.getInput(2));
      if (c == null || c.size() != units) {
        throw new ImportException(who + ": C is " + (c == null ? "not a constant" : c.describe()) + ", expected a"
            + " constant bias of " + units + " values");
      }
      bias = c.floatData().clone();
      for (int j = 0; j < units; j++) {
        bias[j] *= beta;
      }
    }
    Layer d = new Layer(uniqueName("dense", layers), n.getName(), weight, bias, units, in);
    layers.add(d);
    denseOutput.put(n.getOutput(0), d);
    return new Route(layers.size() - 1, 0, 0);
  }

  /** Which output (Y 0, Y_h 1, Y_c 2) of the last recurrent layer the first Dense layer reads. */
  private static int slotFeedingHead(Onnx.GraphProto g, Map<String, Route> path, int lastRnn) {
    for (Onnx.NodeProto n : g.getNodeList()) {
      if ((n.getOpType().equals("MatMul") || n.getOpType().equals("Gemm")) && path.containsKey(n.getInput(0))) {
        Route p = path.get(n.getInput(0));
        if (p.layer == lastRnn) {
          return p.slot;
        }
      }
    }
    return 0;
  }

  private static String uniqueName(String base, List<Layer> layers) {
    int count = 0;
    for (Layer l : layers) {
      count += l.name.equals(base) || l.name.startsWith(base + "_") ? 1 : 0;
    }
    return count == 0 ? base : base + "_" + count;
  }

  private static boolean allZero(OnnxTensor t) {
    if (!t.isFloat()) {
      return false;
    }
    for (float v : t.floatData()) {
      if (v != 0f) {
        return false;
      }
    }
    return true;
  }

  // ---- the model ---------------------------------------------------------------------------------------

  private static Model build(String file, List<Layer> layers) throws ImportException {
    List<LayerSpec> specs = new ArrayList<>();
    Map<String, float[]> values = new LinkedHashMap<>();
    for (Layer l : layers) {
      if (l.rnn != null) {
        specs.add(new RecurrentLayerSpec(l.name, l.rnn, l.returnSequences, MergeMode.CONCAT, Init.PYTORCH));
        for (String p : l.weights.parameterNames()) {
          values.put(l.name + "." + p, l.weights.parameter(p));
        }
      } else {
        specs.add(new DenseSpec(l.name, l.units, l.activation, l.denseBias != null));
        values.put(l.name + ".weight", l.denseWeight);
        if (l.denseBias != null) {
          values.put(l.name + ".bias", l.denseBias);
        }
      }
    }
    return ModelImport.withParameters(file, new ModelSpec(layers.get(0).in, specs, Loss.MSE), values, "ONNX weight");
  }

  private static String describe(OnnxModel model, Layer l) {
    if (l.rnn != null) {
      RecurrentSpec s = l.rnn;
      String cell = switch (s.cell()) {
        case LSTM -> "LSTM";
        case GRU -> "GRU" + (s.resetAfter() ? ", linear_before_reset" : "");
        default -> "RNN";
      };
      cell += s.activations().isEmpty() ? "" : ", activations " + s.activations();
      return "node '" + l.node + "' (" + cell + ") -> layer '" + l.name + "': " + s.inputSize() + " -> "
          + s.hiddenSize() + (s.bidirectional() ? ", bidirectional (directions concatenated)" : s.reverse()
          ? ", reverse" : "") + (l.returnSequences ? ", every step's output (Y)" : ", final state only (Y_h)");
    }
    return "node '" + l.node + "' (" + (l.biasNode != null ? "MatMul + Add '" + l.biasNode + "'" : "Gemm or MatMul")
        + (l.activationNode != null ? " + " + l.activation.name().toLowerCase() + " '" + l.activationNode + "'" : "")
        + ") -> layer '" + l.name + "': Dense " + l.in + " -> " + l.units + ", " + l.activation.name().toLowerCase()
        + (l.denseBias == null ? ", no bias" : "");
  }

  /**
   * Runs the graph and the model on one random input and compares the graph's first output with the
   * model's (as [N, ...] or, for a sequence-first graph, [T, N, ...]).
   */
  private static String check(OnnxModel model, Model m, String input, String output, boolean batchFirst,
      int features, List<Layer> layers) throws ImportException {
    int[] declared = model.declaredShape(input);
    int b = 2;
    int t = 3;
    if (declared != null && declared.length == 3) {
      b = declared[batchFirst ? 0 : 1] > 0 ? declared[batchFirst ? 0 : 1] : b;
      t = declared[batchFirst ? 1 : 0] > 0 ? declared[batchFirst ? 1 : 0] : t;
    }
    SplittableRandom r = new SplittableRandom(1);
    float[] x = new float[b * t * features];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextDouble() * 2 - 1);
    }
    Tensor bf = new Tensor(x, b, t, features);
    OnnxTensor feed = OnnxTensor.ofFloats(batchFirst ? x : bf.swapFirstTwoAxes().data(),
        batchFirst ? new int[] {b, t, features} : new int[] {t, b, features});
    float[] want = model.run(Map.of(input, feed)).get(output).floatData();
    Tensor got = m.predict(bf);
    float[] g = got.data();
    float[] gotInGraphOrder = got.shape().length == 3 && !batchFirst ? got.swapFirstTwoAxes().data() : g;
    String lastRnn = "";
    for (Layer l : layers) {
      lastRnn = l.rnn != null ? l.node : lastRnn;
    }
    if (want.length != g.length) {
      throw new ImportException(model.file() + ": graph output '" + output + "' has " + want.length + " values for a "
          + Arrays.toString(bf.shape()) + " input, the mapped rnn4j model " + Arrays.toString(got.shape())
          + ": the nodes after '" + lastRnn + "' select or reshape values in a way an rnn4j model does not");
    }
    double worst = 0;
    for (int i = 0; i < g.length; i++) {
      worst = Math.max(worst, Math.abs(gotInGraphOrder[i] - want[i]));
    }
    if (!(worst <= TOLERANCE)) {
      throw new ImportException(model.file() + ": graph output '" + output + "' differs from the mapped rnn4j model"
          + " by up to " + worst + " on a random " + Arrays.toString(bf.shape()) + " input: the nodes after '" + lastRnn
          + "' (or its initial states) compute something an rnn4j model does not");
    }
    return String.format(java.util.Locale.ROOT, "checked: graph and model agree on a random %s input (largest"
        + " difference %.2g)", Arrays.toString(bf.shape()), worst);
  }
}
