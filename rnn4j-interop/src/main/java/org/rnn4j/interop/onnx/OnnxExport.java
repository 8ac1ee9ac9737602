package org.rnn4j.interop.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rnn4j.Model;
import org.rnn4j.ModelSpec;
import org.rnn4j.interop.ExportException;
import org.rnn4j.interop.onnx.proto.Onnx;
import org.rnn4j.io.AtomicFiles;
import org.rnn4j.nn.Activation;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.DenseActivation;
import org.rnn4j.nn.DenseSpec;
import org.rnn4j.nn.DropoutSpec;
import org.rnn4j.nn.EmbeddingSpec;
import org.rnn4j.nn.LayerSpec;
import org.rnn4j.nn.MergeMode;
import org.rnn4j.nn.RecurrentLayerSpec;
import org.rnn4j.nn.RecurrentSpec;

/**
 * Exports an rnn4j {@link Model} as an ONNX model (opset 14, IR version 7) that ONNX Runtime runs with
 * the same outputs as {@link Model#predict}: one LSTM/GRU/RNN node per layer of every recurrent stack
 * (no unrolled loop) with the gate blocks permuted to ONNX's order, every engine option kept
 * (bidirectional, reverse, peepholes, clip, input-forget, activations, {@code linear_before_reset}),
 * the batch-first edge converted by Transpose nodes (ONNX Runtime refuses {@code layout=1}), merge
 * modes by Slice/Add/Mul, the final state taken from the last node's {@code Y_h}, Dense layers as
 * MatMul+Add (every step) or Gemm (final state), Embedding as Gather. Dropout is left out (identity
 * at inference).
 *
 * <p>Graph inputs: {@code input} ({@code [batch, steps, features]} float, or {@code [batch, steps]}
 * int64 token ids) and, unless turned off, {@code lengths} ({@code [batch]} int32, each in
 * {@code [1, steps]}), passed to every recurrent node as {@code sequence_lens}. Graph output:
 * {@code output}, {@code [batch, steps, units]} or {@code [batch, units]}. Refused: LSTM projection
 * ({@code proj_size}, which ONNX's LSTM lacks). Stateless and thread-safe.
 */
public final class OnnxExport {
  /** The opset the exporter writes. */
  public static final int OPSET = 14;
  /** The IR version matching {@link #OPSET}. */
  public static final int IR_VERSION = 7;

  private OnnxExport() {
  }

  /**
   * Builds the ONNX model.
   *
   * @param lengths true to give the graph a {@code lengths} input passed as {@code sequence_lens}
   * @throws ExportException naming the layer and the feature ONNX lacks
   */
  public static Onnx.ModelProto of(Model model, boolean lengths) throws ExportException {
    return new Builder(model, lengths).build();
  }

  /**
   * Writes the model to {@code file} atomically.
   *
   * @throws ExportException naming the layer and the feature ONNX lacks
   * @throws IOException when the file cannot be written
   */
  public static void write(Model model, boolean lengths, Path file) throws IOException {
    Onnx.ModelProto m = of(model, lengths);
    AtomicFiles.write(file, m::writeTo);
  }

  /** Gate blocks of PyTorch's order in ONNX's order: ONNX block k is PyTorch block perm[k]. */
  static int[] gatePermutation(CellType cell) {
    return switch (cell) {
      case LSTM -> new int[] {0, 3, 1, 2}; // PyTorch i f g o -> ONNX i o f c
      case GRU -> new int[] {1, 0, 2}; // PyTorch r z n -> ONNX z r h
      default -> new int[] {0};
    };
  }

  /** Builds one graph; not thread-safe (used once). */
  private static final class Builder {
    private final Model model;
    private final ModelSpec spec;
    private final boolean lengths;
    private final Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("rnn4j");

    Builder(Model model, boolean lengths) {
      this.model = model;
      this.spec = model.spec();
      this.lengths = lengths;
    }

    Onnx.ModelProto build() throws ExportException {
      boolean tokens = spec.tokenInput();
      g.addInput(valueInfo("input", tokens ? Onnx.TensorProto.DataType.INT64_VALUE
          : Onnx.TensorProto.DataType.FLOAT_VALUE, tokens ? new Object[] {"batch", "steps"}
          : new Object[] {"batch", "steps", spec.inputFeatures()}));
      if (lengths) {
        g.addInput(valueInfo("lengths", Onnx.TensorProto.DataType.INT32_VALUE, new Object[] {"batch"}));
      }
      String x = "input"; // batch-first until the first time-major conversion
      boolean timeMajor = false;
      boolean sequence = true;
      int width = spec.inputFeatures();
      for (LayerSpec l : spec.layers()) {
        if (l instanceof EmbeddingSpec e) {
          String w = initializer(e.name() + ".weight", model.parameter(e.name() + ".weight"), e.vocabSize(),
              e.dim());
          x = node("Gather", e.name(), List.of(w, x), 1).get(0);
          width = e.dim();
        } else if (l instanceof RecurrentLayerSpec r) {
          if (!timeMajor) {
            x = transpose(x, r.name() + "/to_time_major", 1, 0, 2);
            timeMajor = true;
          }
          x = recurrent(r, x, width);
          sequence = r.returnSequences();
          width = r.outputSize();
        } else if (l instanceof DenseSpec d) {
          x = dense(d, x, width, sequence);
          width = d.units();
        } else if (!(l instanceof DropoutSpec)) {
          throw new ExportException("ONNX export: layer '" + l.name() + "' of type "
              + l.getClass().getSimpleName() + " has no ONNX counterpart");
        }
      }
      if (sequence && timeMajor) {
        x = transpose(x, "to_batch_first", 1, 0, 2);
      }
      g.addNode(Onnx.NodeProto.newBuilder().setOpType("Identity").setName("output").addInput(x)
          .addOutput("output"));
      int u = model.outputFeatures();
      g.addOutput(valueInfo("output", Onnx.TensorProto.DataType.FLOAT_VALUE, sequence
          ? new Object[] {"batch", "steps", u} : new Object[] {"batch", u}));
      return Onnx.ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("rnn4j")
          .setProducerVersion(version()).setGraph(g)
          .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).build();
    }

    private String recurrent(RecurrentLayerSpec r, String x, int inputWidth) throws ExportException {
      RecurrentSpec s = r.rnn();
      String who = "ONNX export: " + s.cell() + " layer '" + r.name() + "'";
      if (s.projSize() > 0) {
        throw new ExportException(who + ": expected no projection, got projSize " + s.projSize()
            + " (PyTorch proj_size); ONNX's LSTM has no projection. Export to safetensors instead");
      }
      String op = s.cell() == CellType.LSTM ? "LSTM" : s.cell() == CellType.GRU ? "GRU" : "RNN";
      int h = s.hiddenSize();
      int gates = s.cell().gates();
      int dirs = s.numDirections();
      int[] perm = gatePermutation(s.cell());
      String yh = null;
      for (int layer = 0; layer < s.numLayers(); layer++) {
        int in = layer == 0 ? inputWidth : s.outputSize();
        String base = r.name() + "/l" + layer;
        float[] w = new float[dirs * gates * h * in];
        float[] rr = new float[dirs * gates * h * h];
        float[] b = new float[dirs * 2 * gates * h];
        float[] p = new float[dirs * 3 * h];
        for (int d = 0; d < dirs; d++) {
          String sfx = s.parameterSuffix(layer, d);
          String pre = r.name() + ".";
          permuteRows(model.parameter(pre + "weight_ih" + sfx), in, h, perm, w, d * gates * h * in);
          permuteRows(model.parameter(pre + "weight_hh" + sfx), h, h, perm, rr, d * gates * h * h);
          if (s.bias()) {
            permuteRows(model.parameter(pre + "bias_ih" + sfx), 1, h, perm, b, d * 2 * gates * h);
            permuteRows(model.parameter(pre + "bias_hh" + sfx), 1, h, perm, b, d * 2 * gates * h + gates * h);
          }
          if (s.peepholes()) {
            System.arraycopy(model.parameter(pre + "weight_peep" + sfx), 0, p, d * 3 * h, 3 * h);
          }
        }
        List<String> inputs = new ArrayList<>();
        inputs.add(x);
        inputs.add(initializer(base + "/W", w, dirs, gates * h, in));
        inputs.add(initializer(base + "/R", rr, dirs, gates * h, h));
        inputs.add(s.bias() ? initializer(base + "/B", b, dirs, 2 * gates * h) : "");
        inputs.add(lengths ? "lengths" : "");
        if (s.peepholes()) {
          inputs.add(""); // initial_h
          inputs.add(""); // initial_c
          inputs.add(initializer(base + "/P", p, dirs, 3 * h));
        }
        while (inputs.get(inputs.size() - 1).isEmpty()) {
          inputs.remove(inputs.size() - 1);
        }
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(base);
        n.addAllInput(inputs);
        String y = base + "/Y";
        yh = base + "/Y_h";
        n.addOutput(y).addOutput(yh);
        n.addAttribute(intAttr("hidden_size", h));
        n.addAttribute(stringAttr("direction", s.bidirectional() ? "bidirectional"
            : s.reverse() ? "reverse" : "forward"));
        if (s.cell() == CellType.GRU) {
          n.addAttribute(intAttr("linear_before_reset", s.resetAfter() ? 1 : 0));
        }
        if (s.clip() != null) {
          n.addAttribute(Onnx.AttributeProto.newBuilder().setName("clip").setType(Onnx.AttributeProto.AttributeType.FLOAT)
              .setF(s.clip()));
        }
        if (s.inputForget()) {
          n.addAttribute(intAttr("input_forget", 1));
        }
        if (!s.activations().isEmpty() || s.cell() == CellType.RNN_RELU) {
          activations(n, s);
        }
        g.addNode(n);
        boolean last = layer == s.numLayers() - 1;
        if (!last || r.returnSequences()) {
          if (dirs == 1) {
            x = squeeze(y, base + "/squeeze", 1);
          } else if (!last || r.mergeMode() == MergeMode.CONCAT) {
            String t = transpose(y, base + "/tbdh", 0, 2, 1, 3);
            x = reshape(t, base + "/merge", 0, 0, -1);
          } else {
            x = squeeze(mergeDirections(y, base, 1, r.mergeMode()), base + "/squeeze", 1);
          }
        }
      }
      if (r.returnSequences()) {
        return x;
      }
      String base = r.name() + "/final";
      if (dirs == 1) {
        return squeeze(yh, base + "/squeeze", 0);
      }
      if (r.mergeMode() == MergeMode.CONCAT) {
        String t = transpose(yh, base + "/bdh", 1, 0, 2);
        return reshape(t, base + "/merge", 0, -1);
      }
      return squeeze(mergeDirections(yh, base, 0, r.mergeMode()), base + "/squeeze", 0);
    }

    /** Forward and reverse halves of axis {@code axis} (size 2) combined; the axis stays (size 1). */
    private String mergeDirections(String v, String base, int axis, MergeMode mode) {
      String ax = longs(base + "/axis", axis);
      String f = node("Slice", base + "/forward", List.of(v, longs(base + "/s0", 0), longs(base + "/e0", 1), ax),
          1).get(0);
      String r = node("Slice", base + "/reverse", List.of(v, longs(base + "/s1", 1), longs(base + "/e1", 2), ax),
          1).get(0);
      return switch (mode) {
        case SUM -> node("Add", base + "/sum", List.of(f, r), 1).get(0);
        case MUL -> node("Mul", base + "/mul", List.of(f, r), 1).get(0);
        case AVERAGE -> {
          String sum = node("Add", base + "/sum", List.of(f, r), 1).get(0);
          yield node("Mul", base + "/average", List.of(sum, initializer(base + "/half", new float[] {0.5f})), 1)
              .get(0);
        }
        default -> throw new AssertionError(mode);
      };
    }

    private void activations(Onnx.NodeProto.Builder n, RecurrentSpec s) {
      Onnx.AttributeProto.Builder names = Onnx.AttributeProto.newBuilder().setName("activations")
          .setType(Onnx.AttributeProto.AttributeType.STRINGS);
      Onnx.AttributeProto.Builder alphas = Onnx.AttributeProto.newBuilder().setName("activation_alpha")
          .setType(Onnx.AttributeProto.AttributeType.FLOATS);
      Onnx.AttributeProto.Builder betas = Onnx.AttributeProto.newBuilder().setName("activation_beta")
          .setType(Onnx.AttributeProto.AttributeType.FLOATS);
      for (int d = 0; d < s.numDirections(); d++) {
        List<Activation> list = s.cell() == CellType.RNN_RELU && s.activations().isEmpty()
            ? List.of(Activation.RELU) : s.activationsFor(d);
        for (Activation a : list) {
          names.addStrings(ByteString.copyFromUtf8(a.kind().onnxName()));
          if (a.kind().takesAlpha()) {
            alphas.addFloats(a.alpha());
          }
          if (a.kind().takesBeta()) {
            betas.addFloats(a.beta());
          }
        }
      }
      n.addAttribute(names);
      if (alphas.getFloatsCount() > 0) {
        n.addAttribute(alphas);
      }
      if (betas.getFloatsCount() > 0) {
        n.addAttribute(betas);
      }
    }

    private String dense(DenseSpec d, String x, int in, boolean sequence) {
      String name = d.name();
      float[] w = model.parameter(name + ".weight"); // [U, in]
      String out;
      if (sequence) {
        float[] wt = new float[in * d.units()];
        for (int u = 0; u < d.units(); u++) {
          for (int i = 0; i < in; i++) {
            wt[i * d.units() + u] = w[u * in + i];
          }
        }
        out = node("MatMul", name + "/matmul", List.of(x, initializer(name + ".weight_t", wt, in, d.units())), 1)
            .get(0);
        if (d.bias()) {
          out = node("Add", name + "/add", List.of(out, initializer(name + ".bias", model.parameter(name + ".bias"),
              d.units())), 1).get(0);
        }
      } else {
        List<String> inputs = new ArrayList<>(List.of(x, initializer(name + ".weight", w, d.units(), in)));
        if (d.bias()) {
          inputs.add(initializer(name + ".bias", model.parameter(name + ".bias"), d.units()));
        }
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType("Gemm").setName(name + "/gemm")
            .addAllInput(inputs).addOutput(name + "/gemm_out").addAttribute(intAttr("transB", 1));
        g.addNode(n);
        out = name + "/gemm_out";
      }
      if (d.activation() != DenseActivation.LINEAR) {
        String op = switch (d.activation()) {
          case RELU -> "Relu";
          case TANH -> "Tanh";
          case SIGMOID -> "Sigmoid";
          default -> throw new AssertionError(d.activation());
        };
        out = node(op, name + "/" + op.toLowerCase(java.util.Locale.ROOT), List.of(out), 1).get(0);
      }
      return out;
    }

    private String transpose(String x, String name, long... perm) {
      Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType("Transpose").setName(name).addInput(x)
          .addOutput(name + "_out").addAttribute(Onnx.AttributeProto.newBuilder().setName("perm")
              .setType(Onnx.AttributeProto.AttributeType.INTS).addAllInts(boxed(perm)));
      g.addNode(n);
      return name + "_out";
    }

    private String squeeze(String x, String name, long axis) {
      return node("Squeeze", name, List.of(x, longs(name + "/axes", axis)), 1).get(0);
    }

    private String reshape(String x, String name, long... shape) {
      return node("Reshape", name, List.of(x, longs(name + "/shape", shape)), 1).get(0);
    }

    private List<String> node(String op, String name, List<String> inputs, int outputs) {
      Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs);
      List<String> outs = new ArrayList<>();
      for (int i = 0; i < outputs; i++) {
        String o = name + (outputs == 1 ? "_out" : "_out" + i);
        n.addOutput(o);
        outs.add(o);
      }
      g.addNode(n);
      return outs;
    }

    private String initializer(String name, float[] data, int... dims) {
      ByteBuffer buf = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
      buf.asFloatBuffer().put(data);
      Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
          .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(buf.array()));
      for (int d : dims) {
        t.addDims(d);
      }
      g.addInitializer(t);
      return name;
    }

    private String longs(String name, long... values) {
      ByteBuffer buf = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
      buf.asLongBuffer().put(values);
      g.addInitializer(Onnx.TensorProto.newBuilder().setName(name)
          .setDataType(Onnx.TensorProto.DataType.INT64_VALUE).addDims(values.length)
          .setRawData(ByteString.copyFrom(buf.array())));
      return name;
    }
  }

  private static void permuteRows(float[] src, int cols, int h, int[] perm, float[] dst, int dstOffset) {
    for (int k = 0; k < perm.length; k++) {
      System.arraycopy(src, perm[k] * h * cols, dst, dstOffset + k * h * cols, h * cols);
    }
  }

  private static Onnx.AttributeProto intAttr(String name, long v) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v)
        .build();
  }

  private static Onnx.AttributeProto stringAttr(String name, String v) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(v)).build();
  }

  private static List<Long> boxed(long[] v) {
    List<Long> l = new ArrayList<>();
    for (long x : v) {
      l.add(x);
    }
    return l;
  }

  /** A tensor value info; dims are Integer (fixed) or String (symbolic). */
  private static Onnx.ValueInfoProto valueInfo(String name, int elemType, Object[] dims) {
    Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
    for (Object d : dims) {
      Onnx.TensorShapeProto.Dimension.Builder dim = Onnx.TensorShapeProto.Dimension.newBuilder();
      if (d instanceof Integer i) {
        dim.setDimValue(i);
      } else {
        dim.setDimParam((String) d);
      }
      shape.addDim(dim);
    }
    return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))).build();
  }

  private static String version() {
    String v = OnnxExport.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
