package perf.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.rnn4j.interop.onnx.proto.Onnx;

/**
 * ONNX Runtime (its Java package, CPU execution provider) RNN inference, the cases of
 * ../torch_rnn_bench.py and the configurations of the shared peers' CONFIGS.md.
 *
 * <p>Each case is one ONNX graph (opset 14), time-major {@code [T, B, I]} as the configurations
 * are: one LSTM/GRU/RNN node per layer (GRU with {@code linear_before_reset=1}, PyTorch's GRU), a
 * Squeeze between layers, the head as MatMul+Add on the last layer's {@code Y_h} (A-C) or on every
 * step (D, after a Gather embedding of int64 ids). E is one step with the state passed in ({@code
 * initial_h}, and {@code initial_c} for LSTM) and out ({@code Y_h}, {@code Y_c}), each step fed the
 * previous step's output tensors. Weights are uniform in +-1/sqrt(H) (PyTorch's initialisation).
 *
 * <p>The session: intra-op threads = THREADS, inter-op 1, sequential execution, all graph
 * optimisations. Each case runs with intra-op spinning on and off; the faster is printed, and its
 * setting is the line's last field. Inference only: ONNX Runtime's Java package does not train.
 *
 * <p>Usage: {@code java -cp ... perf.ort.OrtRnnBench THREADS [CONFIGS=A,B,C,D,E] [SECONDS=4]}
 */
public final class OrtRnnBench {
  static final String[] CFG_NAMES = {"A", "B", "C", "D", "E"};
  // I, H, L, T, B
  static final int[][] CFG = {{32, 128, 1, 50, 32}, {256, 256, 1, 100, 64}, {512, 512, 2, 100, 64},
      {64, 512, 2, 100, 32}, {256, 256, 1, 1, 1}};
  static final int VOCAB = 65;
  static final int CLASSES = 10;

  interface Step {
    void run() throws OrtException;
  }

  public static void main(String[] args) throws Exception {
    int threads = Integer.parseInt(args[0]);
    List<String> cfgs = Arrays.asList((args.length > 1 ? args[1] : "A,B,C,D,E").split(","));
    double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 4.0;
    OrtEnvironment env = OrtEnvironment.getEnvironment(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        "bench");
    String version = OrtEnvironment.class.getPackage().getImplementationVersion();
    version = version == null ? "1.22" : version;
    System.out.println("# ort " + version + " (onnxruntime Java, CPU provider) threads=" + threads + " java "
        + System.getProperty("java.version"));
    System.out.println("# name          cfg cell mode  thr  ms_median     ms_min     ms_max    n  seq_per_s  eff_GFLOPs"
        + " spin");
    for (int ci = 0; ci < CFG.length; ci++) {
      if (!cfgs.contains(CFG_NAMES[ci])) {
        continue;
      }
      String[] cells = CFG_NAMES[ci].equals("D") ? new String[] {"LSTM"} : new String[] {"LSTM", "GRU", "RNN"};
      for (String cell : cells) {
        runCase(env, "ort-" + version, CFG_NAMES[ci], CFG[ci], cell, threads, seconds);
      }
    }
  }

  static void runCase(OrtEnvironment env, String name, String cfg, int[] c, String cell, int threads,
      double seconds) throws OrtException {
    byte[] model = graph(cfg, c, cell).toByteArray();
    double[] best = null;
    boolean bestSpin = false;
    for (boolean spin : new boolean[] {true, false}) {
      try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
        so.setIntraOpNumThreads(threads);
        so.setInterOpNumThreads(1);
        so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        so.addConfigEntry("session.intra_op.allow_spinning", spin ? "1" : "0");
        try (OrtSession s = env.createSession(model, so)) {
          double[] t = time(step(env, s, cfg, c, cell), seconds);
          if (best == null || median(t) < median(best)) {
            best = t;
            bestSpin = spin;
          }
        }
      }
    }
    double med = median(best);
    double fl = fwdFlops(cell, c);
    System.out.printf("%-14s %s %-4s %-5s %d %10.3f %10.3f %10.3f %4d %10.1f %8.1f spin=%s%n", name, cfg, cell,
        "infer", threads, med * 1e3, best[0] * 1e3, best[best.length - 1] * 1e3, best.length, c[4] / med,
        fl / med / 1e9, bestSpin ? "on" : "off");
  }

  /** One timed iteration of a case: a batch's forward (A-D) or one step with the state carried (E). */
  static Step step(OrtEnvironment env, OrtSession s, String cfg, int[] c, String cell) throws OrtException {
    int i = c[0], h = c[1], t = c[3], b = c[4];
    Random rnd = new Random(1);
    if (cfg.equals("E")) {
      boolean lstm = cell.equals("LSTM");
      OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(normal(rnd, t * b * i)), new long[] {t, b, i});
      OnnxTensor[] state = {OnnxTensor.createTensor(env, FloatBuffer.allocate(h), new long[] {1, b, h}),
          lstm ? OnnxTensor.createTensor(env, FloatBuffer.allocate(h), new long[] {1, b, h}) : null};
      OrtSession.Result[] last = {null};
      return () -> {
        Map<String, OnnxTensor> in = new HashMap<>();
        in.put("x", x);
        in.put("h0", state[0]);
        if (lstm) {
          in.put("c0", state[1]);
        }
        OrtSession.Result r = s.run(in);
        // the next step reads this step's state tensors; the previous step's are closed now
        state[0] = (OnnxTensor) r.get("h1").get();
        if (lstm) {
          state[1] = (OnnxTensor) r.get("c1").get();
        }
        if (last[0] != null) {
          last[0].close();
        }
        last[0] = r;
      };
    }
    OnnxTensor x;
    if (cfg.equals("D")) {
      long[] ids = new long[t * b];
      for (int k = 0; k < ids.length; k++) {
        ids[k] = rnd.nextInt(VOCAB);
      }
      x = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {t, b});
    } else {
      x = OnnxTensor.createTensor(env, FloatBuffer.wrap(normal(rnd, t * b * i)), new long[] {t, b, i});
    }
    Map<String, OnnxTensor> in = Map.of("x", x);
    return () -> {
      try (OrtSession.Result r = s.run(in)) {
        OnnxValue out = r.get(0);
        ((OnnxTensor) out).getFloatBuffer().get(0); // touch the result
      }
    };
  }

  /** The case's ONNX graph; see the class comment. */
  static Onnx.ModelProto graph(String cfg, int[] c, String cell) {
    int in = c[0], h = c[1], layers = c[2];
    boolean charLm = cfg.equals("D");
    boolean stream = cfg.equals("E");
    boolean lstm = cell.equals("LSTM");
    int gates = lstm ? 4 : cell.equals("GRU") ? 3 : 1;
    String op = lstm ? "LSTM" : cell.equals("GRU") ? "GRU" : "RNN";
    Random rnd = new Random(0);
    float bound = (float) (1 / Math.sqrt(h));
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("bench");
    g.addInput(charLm ? valueInfo("x", Onnx.TensorProto.DataType.INT64_VALUE, "T", "B")
        : valueInfo("x", Onnx.TensorProto.DataType.FLOAT_VALUE, "T", "B", in));
    String x = "x";
    if (charLm) {
      g.addInitializer(floats("emb", uniform(rnd, VOCAB * in, 1f), VOCAB, in));
      g.addNode(node("Gather", "embed", List.of("emb", "x"), List.of("embedded")));
      x = "embedded";
    }
    if (stream) {
      g.addInput(valueInfo("h0", Onnx.TensorProto.DataType.FLOAT_VALUE, 1, "B", h));
      if (lstm) {
        g.addInput(valueInfo("c0", Onnx.TensorProto.DataType.FLOAT_VALUE, 1, "B", h));
      }
    }
    g.addInitializer(longs("axis1", 1));
    g.addInitializer(longs("axis0", 0));
    String yh = null;
    for (int l = 0; l < layers; l++) {
      int width = l == 0 ? in : h;
      g.addInitializer(floats("W" + l, uniform(rnd, gates * h * width, bound), 1, gates * h, width));
      g.addInitializer(floats("R" + l, uniform(rnd, gates * h * h, bound), 1, gates * h, h));
      g.addInitializer(floats("B" + l, uniform(rnd, 2 * gates * h, bound), 1, 2 * gates * h));
      List<String> inputs = new ArrayList<>(List.of(x, "W" + l, "R" + l, "B" + l));
      List<String> outputs = new ArrayList<>(List.of(stream ? "" : "Y" + l, stream ? "h1" : "Yh" + l));
      if (stream) {
        inputs.addAll(List.of("", "h0"));
        if (lstm) {
          inputs.add("c0");
          outputs.add("c1");
        }
      }
      Onnx.NodeProto.Builder n = node(op, op.toLowerCase() + l, inputs, outputs);
      n.addAttribute(Onnx.AttributeProto.newBuilder().setName("hidden_size")
          .setType(Onnx.AttributeProto.AttributeType.INT).setI(h));
      if (op.equals("GRU")) {
        n.addAttribute(Onnx.AttributeProto.newBuilder().setName("linear_before_reset")
            .setType(Onnx.AttributeProto.AttributeType.INT).setI(1));
      }
      g.addNode(n);
      if (!stream) {
        // Y is [T, 1, B, H]: the next layer (or the every-step head) reads [T, B, H]
        g.addNode(node("Squeeze", "squeeze" + l, List.of("Y" + l, "axis1"), List.of("S" + l)));
      }
      x = "S" + l;
      yh = "Yh" + l;
    }
    if (stream) {
      g.addOutput(valueInfo("h1", Onnx.TensorProto.DataType.FLOAT_VALUE, 1, "B", h));
      if (lstm) {
        g.addOutput(valueInfo("c1", Onnx.TensorProto.DataType.FLOAT_VALUE, 1, "B", h));
      }
    } else {
      int units = charLm ? VOCAB : CLASSES;
      String last = x;
      if (!charLm) {
        g.addNode(node("Squeeze", "last_step", List.of(yh, "axis0"), List.of("last")));
        last = "last";
      }
      float hb = (float) (1 / Math.sqrt(h));
      g.addInitializer(floats("head_w", uniform(rnd, h * units, hb), h, units));
      g.addInitializer(floats("head_b", uniform(rnd, units, hb), units));
      g.addNode(node("MatMul", "head_matmul", List.of(last, "head_w"), List.of("logits")));
      g.addNode(node("Add", "head_add", List.of("logits", "head_b"), List.of("out")));
      g.addOutput(charLm ? valueInfo("out", Onnx.TensorProto.DataType.FLOAT_VALUE, "T", "B", units)
          : valueInfo("out", Onnx.TensorProto.DataType.FLOAT_VALUE, "B", units));
    }
    return Onnx.ModelProto.newBuilder().setIrVersion(7).setProducerName("ort-rnn-bench").setGraph(g)
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(14)).build();
  }

  static Onnx.NodeProto.Builder node(String op, String name, List<String> inputs, List<String> outputs) {
    return Onnx.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addAllOutput(outputs);
  }

  static Onnx.TensorProto floats(String name, float[] data, int... dims) {
    ByteBuffer buf = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(data);
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name)
        .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(buf.array()));
    for (int d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  static Onnx.TensorProto longs(String name, long... values) {
    ByteBuffer buf = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.asLongBuffer().put(values);
    return Onnx.TensorProto.newBuilder().setName(name).setDataType(Onnx.TensorProto.DataType.INT64_VALUE)
        .addDims(values.length).setRawData(ByteString.copyFrom(buf.array())).build();
  }

  static Onnx.ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
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

  static float[] uniform(Random rnd, int n, float bound) {
    float[] a = new float[n];
    for (int k = 0; k < n; k++) {
      a[k] = (rnd.nextFloat() * 2 - 1) * bound;
    }
    return a;
  }

  static float[] normal(Random rnd, int n) {
    float[] a = new float[n];
    for (int k = 0; k < n; k++) {
      a[k] = (float) rnd.nextGaussian();
    }
    return a;
  }

  static long fwdFlops(String cell, int[] c) {
    int g = cell.equals("LSTM") ? 4 : cell.equals("GRU") ? 3 : 1;
    long tot = 0;
    for (int l = 0; l < c[2]; l++) {
      long in = l == 0 ? c[0] : c[1];
      tot += 2L * c[4] * (in + c[1]) * g * c[1] * c[3];
    }
    return tot;
  }

  static double[] time(Step s, double seconds) throws OrtException {
    double warmup = Double.parseDouble(System.getProperty("bench.warmupSec", "2"));
    long t0 = System.nanoTime();
    int n = 0;
    while (n < 3 || System.nanoTime() - t0 < (long) (warmup * 1e9)) {
      s.run();
      n++;
    }
    List<Double> ts = new ArrayList<>();
    t0 = System.nanoTime();
    while (ts.size() < 5 || System.nanoTime() - t0 < seconds * 1e9) {
      long a = System.nanoTime();
      s.run();
      ts.add((System.nanoTime() - a) / 1e9);
    }
    double[] r = ts.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(r);
    return r;
  }

  static double median(double[] s) {
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }
}
