package org.rnn4j.interop.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rnn4j.interop.ImportException;
import org.rnn4j.interop.onnx.proto.Onnx;

/**
 * An ONNX model loaded for inference: the protobuf is parsed with protobuf-java (classes generated at
 * build time from the ONNX field numbers), the initializers are decoded once, and {@link #run} walks
 * the nodes in their (topological) order with a small interpreter for the operators that
 * {@code torch.onnx.export} writes around recurrent layers: Transpose, Squeeze, Unsqueeze, Reshape,
 * Slice, Gather, Concat, Shape, Constant, ConstantOfShape, Expand, Cast, Identity, Dropout
 * (inference), MatMul, Gemm, Add, Sub, Mul, Div, Relu, Tanh, Sigmoid, Softmax, LogSoftmax, and the
 * {@code LSTM}, {@code GRU}, {@code RNN} operators, which run on rnn4j's engine through
 * {@link OnnxRnn}. Any other operator, or one from another domain, is refused with its type and node
 * name.
 *
 * <p>Everything read from the file is bounded: the file (at most {@link #MAX_FILE_BYTES}), every
 * tensor ({@link OnnxTensor#MAX_ELEMENTS} values, its data length checked against its dims before
 * allocation), and the shapes computed while running. Immutable after loading; {@link #run} keeps
 * no state between calls and is safe to call from several threads.
 */
public final class OnnxModel {
  /** Largest .onnx file accepted (protobuf's own limit is 2 GiB). */
  public static final long MAX_FILE_BYTES = 1L << 30;

  private final Path file;
  private final Onnx.GraphProto graph;
  private final long opset;
  private final Map<String, OnnxTensor> initializers;
  private final List<String> inputs;
  private final List<String> outputs;
  private final String producer;
  private final long irVersion;

  private OnnxModel(Path file, Onnx.ModelProto m, long opset, Map<String, OnnxTensor> initializers) {
    this.file = file;
    this.graph = m.getGraph();
    this.opset = opset;
    this.initializers = Collections.unmodifiableMap(initializers);
    List<String> in = new ArrayList<>();
    for (Onnx.ValueInfoProto v : graph.getInputList()) {
      if (!initializers.containsKey(v.getName())) {
        in.add(v.getName());
      }
    }
    this.inputs = List.copyOf(in);
    List<String> out = new ArrayList<>();
    for (Onnx.ValueInfoProto v : graph.getOutputList()) {
      out.add(v.getName());
    }
    this.outputs = List.copyOf(out);
    this.producer = (m.getProducerName() + " " + m.getProducerVersion()).trim();
    this.irVersion = m.getIrVersion();
  }

  /**
   * Loads a model file.
   *
   * @throws ImportException naming the file and what is wrong: not a protobuf, truncated, no graph, an
   *     unsupported opset, a bad initializer
   */
  public static OnnxModel load(Path file) throws IOException {
    byte[] bytes = readBounded(file, MAX_FILE_BYTES);
    Onnx.ModelProto m;
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.setRecursionLimit(64);
      m = Onnx.ModelProto.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw new ImportException(file + ": not a readable ONNX model (truncated or corrupted protobuf): "
          + e.getMessage());
    }
    if (!m.hasGraph() || m.getGraph().getNodeCount() == 0) {
      throw new ImportException(file + ": not an ONNX model: no graph with nodes (ir_version " + m.getIrVersion()
          + ", " + bytes.length + " bytes)");
    }
    long opset = -1;
    for (Onnx.OperatorSetIdProto o : m.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        opset = o.getVersion();
      }
    }
    if (opset < 7 || opset > 23) {
      throw new ImportException(file + ": expected the default ONNX opset 7 to 23, got "
          + (opset < 0 ? "none" : String.valueOf(opset)));
    }
    Map<String, OnnxTensor> init = new LinkedHashMap<>();
    for (Onnx.TensorProto t : m.getGraph().getInitializerList()) {
      init.put(t.getName(), OnnxTensor.fromProto(t, file + ": initializer"));
    }
    return new OnnxModel(file, m, opset, init);
  }

  /**
   * Reads one TensorProto file ({@code test_data_set_0/input_0.pb} in ONNX's backend-test layout).
   *
   * @throws ImportException naming the file for a corrupted protobuf or inconsistent data
   */
  public static OnnxTensor readTensor(Path pb) throws IOException {
    byte[] bytes = readBounded(pb, MAX_FILE_BYTES);
    try {
      return OnnxTensor.fromProto(Onnx.TensorProto.parseFrom(bytes), pb.toString());
    } catch (InvalidProtocolBufferException e) {
      throw new ImportException(pb + ": not a readable ONNX TensorProto (truncated or corrupted): " + e.getMessage());
    }
  }

  /** The name a TensorProto file gives its tensor ("" when it has none). */
  public static String tensorName(Path pb) throws IOException {
    try {
      return Onnx.TensorProto.parseFrom(readBounded(pb, MAX_FILE_BYTES)).getName();
    } catch (InvalidProtocolBufferException e) {
      throw new ImportException(pb + ": not a readable ONNX TensorProto (truncated or corrupted): " + e.getMessage());
    }
  }

  private static byte[] readBounded(Path file, long max) throws IOException {
    try {
      long size = Files.size(file);
      if (size > max) {
        throw new ImportException(file + ": " + size + " bytes, more than the " + max + " accepted");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ImportException(file + ": no such file");
    }
  }

  /** Graph inputs that are not initializers, in graph order: what {@link #run} needs fed. */
  public List<String> inputNames() {
    return inputs;
  }

  /** Graph outputs in graph order. */
  public List<String> outputNames() {
    return outputs;
  }

  /** The default-domain opset the model was written for. */
  public long opsetVersion() {
    return opset;
  }

  /** {@code producer_name producer_version}, e.g. {@code pytorch 1.13.0}. */
  public String producer() {
    return producer;
  }

  public long irVersion() {
    return irVersion;
  }

  /** The file the model was read from. */
  public Path file() {
    return file;
  }

  /** The graph (read-only protobuf). */
  Onnx.GraphProto graph() {
    return graph;
  }

  /** The op_type of every node, in order. */
  public List<String> opTypes() {
    List<String> l = new ArrayList<>();
    for (Onnx.NodeProto n : graph.getNodeList()) {
      l.add(n.getOpType());
    }
    return l;
  }

  /** Initializers by name (read-only). */
  public Map<String, OnnxTensor> initializers() {
    return initializers;
  }

  /**
   * The declared shape of a graph input: a dimension's size, or -1 for a symbolic or unknown one.
   */
  public int[] declaredShape(String input) {
    for (Onnx.ValueInfoProto v : graph.getInputList()) {
      if (v.getName().equals(input) && v.getType().hasTensorType() && v.getType().getTensorType().hasShape()) {
        List<Onnx.TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
        int[] s = new int[dims.size()];
        for (int i = 0; i < s.length; i++) {
          s[i] = dims.get(i).hasDimValue() ? (int) dims.get(i).getDimValue() : -1;
        }
        return s;
      }
    }
    return null;
  }

  /**
   * Runs the graph.
   *
   * @param feeds a value for every name of {@link #inputNames()} (initializers may be overridden)
   * @return every graph output by name, in graph order
   * @throws ImportException naming the node (type and name) that cannot run and why
   */
  public Map<String, OnnxTensor> run(Map<String, OnnxTensor> feeds) throws ImportException {
    Map<String, OnnxTensor> env = new LinkedHashMap<>(initializers);
    for (String in : inputs) {
      OnnxTensor t = feeds.get(in);
      if (t == null) {
        throw new ImportException(file + ": graph input '" + in + "' was not given (inputs: " + inputs + ")");
      }
      int[] declared = declaredShape(in);
      if (declared != null) {
        boolean ok = declared.length == t.rank();
        for (int i = 0; ok && i < declared.length; i++) {
          ok = declared[i] < 0 || declared[i] == t.shapeRef()[i];
        }
        if (!ok) {
          throw new ImportException(file + ": graph input '" + in + "': expected shape " + shapeText(in)
              + ", got " + Arrays.toString(t.shapeRef()));
        }
      }
    }
    for (Map.Entry<String, OnnxTensor> f : feeds.entrySet()) {
      if (!inputs.contains(f.getKey()) && !initializers.containsKey(f.getKey())) {
        throw new ImportException(file + ": '" + f.getKey() + "' is not an input of the graph (inputs: " + inputs + ")");
      }
      env.put(f.getKey(), f.getValue());
    }
    for (Onnx.NodeProto node : graph.getNodeList()) {
      String who = file + ": node '" + node.getName() + "' (" + node.getOpType() + ")";
      if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
        throw new ImportException(who + ": operator domain '" + node.getDomain() + "' is not supported (rnn4j runs"
            + " the default ONNX domain only)");
      }
      List<OnnxTensor> args = new ArrayList<>();
      for (String name : node.getInputList()) {
        if (name.isEmpty()) {
          args.add(null);
          continue;
        }
        OnnxTensor v = env.get(name);
        if (v == null) {
          throw new ImportException(who + ": input '" + name + "' is produced by no earlier node, initializer or"
              + " graph input");
        }
        args.add(v);
      }
      OnnxTensor[] results;
      try {
        results = OnnxOps.run(node, opset, args);
      } catch (IllegalArgumentException | ArithmeticException | ImportException e) {
        throw new ImportException(who + ": " + e.getMessage(), e);
      }
      for (int i = 0; i < node.getOutputCount(); i++) {
        String name = node.getOutput(i);
        if (name.isEmpty()) {
          continue;
        }
        if (i >= results.length || results[i] == null) {
          throw new ImportException(who + ": output " + i + " ('" + name + "') is not produced by rnn4j's "
              + node.getOpType());
        }
        env.put(name, results[i]);
      }
    }
    Map<String, OnnxTensor> out = new LinkedHashMap<>();
    for (String o : outputs) {
      OnnxTensor v = env.get(o);
      if (v == null) {
        throw new ImportException(file + ": graph output '" + o + "' is produced by no node");
      }
      out.put(o, v);
    }
    return out;
  }

  /** A graph input's declared shape as text, symbolic dimensions by name ({@code [batch, steps, 3]}). */
  String shapeText(String input) {
    for (Onnx.ValueInfoProto v : graph.getInputList()) {
      if (v.getName().equals(input)) {
        List<String> d = new ArrayList<>();
        for (Onnx.TensorShapeProto.Dimension dim : v.getType().getTensorType().getShape().getDimList()) {
          d.add(dim.hasDimValue() ? String.valueOf(dim.getDimValue()) : dim.getDimParam().isEmpty() ? "?"
              : dim.getDimParam());
        }
        return d.toString();
      }
    }
    return "?";
  }

  /** The distinct op types of the graph that rnn4j's interpreter does not run (empty when all run). */
  public Set<String> unsupportedOperators() {
    Set<String> s = new HashSet<>();
    for (Onnx.NodeProto n : graph.getNodeList()) {
      if (!OnnxOps.SUPPORTED.contains(n.getOpType()) || (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx"))) {
        s.add(n.getOpType());
      }
    }
    return s;
  }

  @Override
  public String toString() {
    return "ONNX model " + file + " (opset " + opset + ", " + graph.getNodeCount() + " nodes, " + producer + ")";
  }
}
