package org.rnn4j.interop.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.interop.ImportException;
import org.rnn4j.interop.onnx.proto.Onnx;

/**
 * The ONNX importer: the graph {@code torch.onnx.export} wrote for a batch-first LSTM, operators of
 * the interpreter on small known values, and broken or hostile files that must be refused with the
 * file, the part and the values, in bounded time.
 */
@Timeout(60)
class OnnxModelTest {

  static Path sample() throws Exception {
    return Path.of(OnnxModelTest.class.getResource("/onnx/lstm_1layer_bf_nostate_dynamic").toURI());
  }

  @Test
  void runsTheTorchExportOfABatchFirstLstmAsOnnxRuntimeDoes() throws Exception {
    Path dir = sample();
    OnnxModel m = OnnxModel.load(dir.resolve("model.onnx"));
    assertThat(m.opsetVersion()).isEqualTo(14);
    assertThat(m.producer()).isEqualTo("pytorch 1.13.0");
    assertThat(m.inputNames()).containsExactly("x");
    assertThat(m.outputNames()).containsExactly("output", "h_n", "c_n");
    assertThat(m.unsupportedOperators()).isEmpty();
    assertThat(m.opTypes()).contains("LSTM", "Transpose", "ConstantOfShape", "Squeeze");
    assertThat(m.declaredShape("x")).containsExactly(-1, -1, 3);
    OnnxTensor x = OnnxModel.readTensor(dir.resolve("test_data_set_0/input_0.pb"));
    assertThat(x.shape()).containsExactly(3, 4, 3);
    Map<String, OnnxTensor> out = m.run(Map.of("x", x));
    for (int i = 0; i < 3; i++) {
      OnnxTensor want = OnnxModel.readTensor(dir.resolve("test_data_set_0/output_" + i + ".pb"));
      OnnxTensor got = out.get(m.outputNames().get(i));
      assertThat(got.shape()).isEqualTo(want.shape());
      float[] g = got.floatData();
      float[] w = want.floatData();
      for (int k = 0; k < w.length; k++) {
        assertThat(Math.abs(g[k] - w[k])).as(m.outputNames().get(i) + "[" + k + "]").isLessThan(1e-5f);
      }
    }
    // the batch and sequence axes are dynamic: another batch size runs too
    float[] two = Arrays.copyOf(x.floatData(), 2 * 4 * 3);
    assertThat(m.run(Map.of("x", OnnxTensor.ofFloats(two, 2, 4, 3))).get("h_n").shape()).containsExactly(1, 2, 4);
    assertThatThrownBy(() -> m.run(Map.of("x", OnnxTensor.ofFloats(new float[8], 2, 2, 2))))
        .isInstanceOf(ImportException.class).hasMessageContaining("graph input 'x': expected shape [batch, seq, 3], got [2, 2, 2]");
    assertThatThrownBy(() -> m.run(Map.of())).hasMessageContaining("graph input 'x' was not given");
  }

  /**
   * The graph torch.onnx.export writes for {@code nn.GRU(3, 4, num_layers=2, bidirectional=True,
   * batch_first=True)} called with h0, followed by a linear head: Transpose of x, Slice of h0 per layer,
   * GRU nodes (z,r,h, linear_before_reset=1), Transpose + Reshape of Y, Concat of the Y_h, MatMul + Add.
   */
  @Test
  void anExporterShapedGraphOfAStackedBidirectionalGruMatchesTheEngine(@TempDir Path tmp) throws Exception {
    int in = 3;
    int h = 4;
    org.rnn4j.nn.RecurrentSpec spec = org.rnn4j.nn.RecurrentSpec.builder(org.rnn4j.nn.CellType.GRU, in, h)
        .numLayers(2).bidirectional(true).batchFirst(true).build();
    org.rnn4j.nn.Recurrent rnn = new org.rnn4j.nn.Recurrent(spec, 21L);
    Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("gru");
    g.addInput(valueInfo("x", "batch", "seq", in)).addInput(valueInfo("h0", 4, "batch", h));
    g.addOutput(valueInfo("output")).addOutput(valueInfo("h_n")).addOutput(valueInfo("head"));
    g.addInitializer(ints("zero", 0)).addInitializer(ints("two", 2)).addInitializer(ints("four", 4))
        .addInitializer(ints("flat", 0, 0, -1));
    g.addNode(node("Transpose", "/Transpose", List.of("x"), List.of("xt")).addAttribute(intsAttr("perm", 1, 0, 2)));
    String prev = "xt";
    for (int layer = 0; layer < 2; layer++) {
      int lin = layer == 0 ? in : 2 * h;
      // ONNX W [2, 3H, in] = per direction the PyTorch blocks r,z,n reordered to z,r,n
      float[] w = new float[2 * 3 * h * lin];
      float[] r = new float[2 * 3 * h * h];
      float[] b = new float[2 * 6 * h];
      for (int d = 0; d < 2; d++) {
        String sfx = "_l" + layer + (d == 1 ? "_reverse" : "");
        reorder(rnn.parameter("weight_ih" + sfx), w, d * 3 * h * lin, h * lin);
        reorder(rnn.parameter("weight_hh" + sfx), r, d * 3 * h * h, h * h);
        reorder(rnn.parameter("bias_ih" + sfx), b, d * 6 * h, h);
        reorder(rnn.parameter("bias_hh" + sfx), b, d * 6 * h + 3 * h, h);
      }
      g.addInitializer(floats("W" + layer, w, 2, 3 * h, lin)).addInitializer(floats("R" + layer, r, 2, 3 * h, h))
          .addInitializer(floats("B" + layer, b, 2, 6 * h));
      g.addNode(node("Slice", "/Slice_" + layer, List.of("h0", layer == 0 ? "zero" : "two", layer == 0 ? "two" : "four",
          "zero"), List.of("h0_" + layer)));
      g.addNode(node("GRU", "/GRU_" + layer, List.of(prev, "W" + layer, "R" + layer, "B" + layer, "", "h0_" + layer),
          List.of("Y" + layer, "Yh" + layer))
          .addAttribute(Onnx.AttributeProto.newBuilder().setName("hidden_size").setType(
              Onnx.AttributeProto.AttributeType.INT).setI(h))
          .addAttribute(Onnx.AttributeProto.newBuilder().setName("direction").setType(
              Onnx.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8("bidirectional")))
          .addAttribute(Onnx.AttributeProto.newBuilder().setName("linear_before_reset").setType(
              Onnx.AttributeProto.AttributeType.INT).setI(1)));
      g.addNode(node("Transpose", "/Transpose_y" + layer, List.of("Y" + layer), List.of("Yt" + layer))
          .addAttribute(intsAttr("perm", 0, 2, 1, 3)));
      g.addNode(node("Reshape", "/Reshape_" + layer, List.of("Yt" + layer, "flat"), List.of("y" + layer)));
      prev = "y" + layer;
    }
    g.addNode(node("Transpose", "/Transpose_out", List.of(prev), List.of("output")).addAttribute(intsAttr("perm", 1, 0, 2)));
    g.addNode(node("Concat", "/Concat", List.of("Yh0", "Yh1"), List.of("h_n"))
        .addAttribute(Onnx.AttributeProto.newBuilder().setName("axis").setType(Onnx.AttributeProto.AttributeType.INT)
            .setI(0)));
    float[] fc = new float[2 * h * 2];
    for (int i = 0; i < fc.length; i++) {
      fc[i] = (i % 5) * 0.1f - 0.2f;
    }
    g.addInitializer(floats("fc_w", fc, 2 * h, 2)).addInitializer(floats("fc_b", new float[] {0.5f, -0.5f}, 2));
    g.addNode(node("MatMul", "/fc/MatMul", List.of("output", "fc_w"), List.of("mm")));
    g.addNode(node("Add", "/fc/Add", List.of("mm", "fc_b"), List.of("head")));
    Onnx.ModelProto m = Onnx.ModelProto.newBuilder().setIrVersion(7).setProducerName("test")
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(14)).setGraph(g).build();
    Path f = tmp.resolve("gru.onnx");
    Files.write(f, m.toByteArray());

    org.rnn4j.Tensor x = random(2, 5, in);
    org.rnn4j.Tensor h0 = random(4, 2, h);
    Map<String, OnnxTensor> out = OnnxModel.load(f).run(Map.of("x", OnnxTensor.of(x), "h0", OnnxTensor.of(h0)));
    org.rnn4j.nn.Recurrent.Output want = rnn.forward(x, h0, null, null, false);
    assertThat(out.get("output").shape()).containsExactly(2, 5, 2 * h);
    assertNear(out.get("output").floatData(), want.output().data());
    assertNear(out.get("h_n").floatData(), want.hN().data());
    float[] y = want.output().data();
    float[] head = out.get("head").floatData();
    for (int row = 0; row < 10; row++) {
      for (int j = 0; j < 2; j++) {
        float e = j == 0 ? 0.5f : -0.5f;
        for (int k = 0; k < 2 * h; k++) {
          e += y[row * 2 * h + k] * fc[k * 2 + j];
        }
        assertThat(head[row * 2 + j]).isCloseTo(e, org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  /** PyTorch GRU blocks r,z,n -> ONNX z,r,h, written at {@code off} of {@code dst}. */
  private static void reorder(float[] src, float[] dst, int off, int block) {
    int[] from = {1, 0, 2};
    for (int k = 0; k < 3; k++) {
      System.arraycopy(src, from[k] * block, dst, off + k * block, block);
    }
  }

  private static void assertNear(float[] got, float[] want) {
    assertThat(got).hasSameSizeAs(want);
    for (int i = 0; i < want.length; i++) {
      assertThat(Math.abs(got[i] - want[i])).as("[" + i + "]").isLessThan(1e-6f);
    }
  }

  private static org.rnn4j.Tensor random(int... shape) {
    SplittableRandom r = new SplittableRandom(shape.length * 31L + shape[0]);
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return new org.rnn4j.Tensor(v, shape);
  }

  private static Onnx.ValueInfoProto valueInfo(String name, Object... dims) {
    Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
    for (Object d : dims) {
      s.addDim(d instanceof Integer i ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(i)
          : Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam((String) d));
    }
    return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder().setTensorType(
        Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
  }

  private static Onnx.NodeProto.Builder node(String op, String name, List<String> in, List<String> out) {
    return Onnx.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in).addAllOutput(out);
  }

  private static Onnx.AttributeProto intsAttr(String name, long... v) {
    Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
        .setType(Onnx.AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  private static Onnx.TensorProto ints(String name, long... v) {
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(7).addDims(v.length);
    for (long x : v) {
      t.addInt64Data(x);
    }
    return t.build();
  }

  private static Onnx.TensorProto floats(String name, float[] v, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(1)
        .setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  @Test
  void operatorsOnKnownValues() {
    OnnxTensor a = OnnxTensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertThat(OnnxOps.transpose(a, null).floatData()).containsExactly(1, 4, 2, 5, 3, 6);
    assertThat(OnnxOps.slice(a, new long[] {-1}, new long[] {Long.MIN_VALUE}, new long[] {1}, new long[] {-2})
        .floatData()).containsExactly(3, 1, 6, 4);
    OnnxTensor idx = OnnxTensor.ofLongs(OnnxTensor.INT64, new long[] {2, 0}, 2);
    assertThat(OnnxOps.gather(a, idx, 1).floatData()).containsExactly(3, 1, 6, 4);
    OnnxTensor b = OnnxTensor.ofFloats(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
    assertThat(OnnxOps.matmul(a, b).floatData()).containsExactly(4, 5, 10, 11);
    assertThat(OnnxOps.gemm(a, OnnxOps.transpose(b, null), OnnxTensor.ofFloats(new float[] {1, -1}, 2), 2f, 1f, false,
        true).floatData()).containsExactly(9, 9, 21, 21);
    OnnxTensor row = OnnxTensor.ofFloats(new float[] {10, 20, 30}, 3);
    assertThat(OnnxOps.binary("Add", a, row).floatData()).containsExactly(11, 22, 33, 14, 25, 36);
    float[] sm = OnnxOps.softmax(a, -1, true, false).floatData();
    assertThat(sm[0] + sm[1] + sm[2]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(OnnxOps.reshape(a, new long[] {0, -1, 1}, false).shape()).containsExactly(2, 3, 1);
    assertThat(OnnxOps.unsqueeze(a, new long[] {-1}).shape()).containsExactly(2, 3, 1);
    assertThat(OnnxOps.expand(row, new long[] {2, 1}).shape()).containsExactly(2, 3);
    assertThatThrownBy(() -> OnnxOps.expand(row, new long[] {1 << 20, 1 << 20}))
        .hasMessageContaining("holds more than");
    assertThatThrownBy(() -> OnnxOps.reshape(a, new long[] {4, -1}, false)).hasMessageContaining("cannot reshape [2, 3]");
  }

  @Test
  void anUnsupportedOperatorIsRefusedWithItsTypeAndNodeName(@TempDir Path tmp) throws Exception {
    Onnx.ModelProto m = Onnx.ModelProto.parseFrom(Files.readAllBytes(sample().resolve("model.onnx")));
    Onnx.GraphProto.Builder g = m.getGraph().toBuilder();
    Onnx.NodeProto.Builder n = g.getNode(0).toBuilder().setOpType("Loop").setName("/weird/Loop");
    g.setNode(0, n);
    Path f = tmp.resolve("loop.onnx");
    Files.write(f, m.toBuilder().setGraph(g).build().toByteArray());
    OnnxModel model = OnnxModel.load(f);
    assertThat(model.unsupportedOperators()).containsExactly("Loop");
    assertThatThrownBy(() -> model.run(Map.of("x", OnnxTensor.ofFloats(new float[12], 1, 4, 3))))
        .isInstanceOf(ImportException.class)
        .hasMessageContaining("loop.onnx: node '/weird/Loop' (Loop): operator Loop is not supported");
  }

  @Test
  void anAbsurdTensorSizeIsRefusedBeforeAllocating(@TempDir Path tmp) throws Exception {
    Onnx.ModelProto m = Onnx.ModelProto.parseFrom(Files.readAllBytes(sample().resolve("model.onnx")));
    Onnx.TensorProto huge = Onnx.TensorProto.newBuilder().setName("huge").setDataType(1)
        .addAllDims(List.of(1L << 20, 1L << 20, 1L << 20)).setRawData(ByteString.copyFrom(new byte[4])).build();
    Path f = tmp.resolve("huge.onnx");
    Files.write(f, m.toBuilder().setGraph(m.getGraph().toBuilder().addInitializer(huge)).build().toByteArray());
    assertThatThrownBy(() -> OnnxModel.load(f)).isInstanceOf(ImportException.class)
        .hasMessageContaining("huge.onnx: initializer 'huge': dims [1048576, 1048576, 1048576] hold more than");

    Onnx.TensorProto neg = huge.toBuilder().clearDims().addDims(-3).build();
    Files.write(f, m.toBuilder().setGraph(m.getGraph().toBuilder().addInitializer(neg)).build().toByteArray());
    assertThatThrownBy(() -> OnnxModel.load(f)).hasMessageContaining("dimension 0 is -3");
  }

  @Test
  void aTensorWhoseBytesDoNotMatchItsShapeIsRefused(@TempDir Path tmp) throws Exception {
    Onnx.ModelProto m = Onnx.ModelProto.parseFrom(Files.readAllBytes(sample().resolve("model.onnx")));
    Onnx.GraphProto.Builder g = m.getGraph().toBuilder();
    Onnx.TensorProto w = g.getInitializer(0);
    g.setInitializer(0, w.toBuilder().setRawData(w.getRawData().substring(0, w.getRawData().size() - 4)));
    Path f = tmp.resolve("short.onnx");
    Files.write(f, m.toBuilder().setGraph(g).build().toByteArray());
    assertThatThrownBy(() -> OnnxModel.load(f)).isInstanceOf(ImportException.class)
        .hasMessageContaining("initializer '" + w.getName() + "': raw_data has 188 bytes, expected 192 for dims [1, 16, 3]"
            + " of FLOAT");
    Onnx.TensorProto typed = Onnx.TensorProto.newBuilder().setName("t").setDataType(1).addDims(3)
        .addFloatData(1f).addFloatData(2f).build();
    Files.write(f, m.toBuilder().setGraph(m.getGraph().toBuilder().addInitializer(typed)).build().toByteArray());
    assertThatThrownBy(() -> OnnxModel.load(f)).hasMessageContaining("'t': float_data has 2 values, expected 3");
    Onnx.TensorProto external = typed.toBuilder().clearFloatData()
        .setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL).build();
    Files.write(f, m.toBuilder().setGraph(m.getGraph().toBuilder().addInitializer(external)).build().toByteArray());
    assertThatThrownBy(() -> OnnxModel.load(f)).hasMessageContaining("external file");
  }

  @Test
  void truncatedAndCorruptedModelsAreRefusedClearly(@TempDir Path tmp) throws Exception {
    byte[] good = Files.readAllBytes(sample().resolve("model.onnx"));
    for (int cut : new int[] {0, 1, 7, 100, good.length / 2, good.length - 1}) {
      Path f = tmp.resolve("cut" + cut + ".onnx");
      Files.write(f, Arrays.copyOf(good, cut));
      assertThatThrownBy(() -> OnnxModel.load(f)).as("cut at " + cut).isInstanceOf(ImportException.class)
          .hasMessageContaining(f.toString());
    }
    // random byte flips: a clean ImportException, or a model that runs (or refuses to run) cleanly
    OnnxTensor x = OnnxModel.readTensor(sample().resolve("test_data_set_0/input_0.pb"));
    SplittableRandom r = new SplittableRandom(11);
    for (int trial = 0; trial < 300; trial++) {
      byte[] bad = good.clone();
      for (int k = 0; k < 2; k++) {
        bad[r.nextInt(bad.length)] ^= (byte) (1 + r.nextInt(255));
      }
      Path f = tmp.resolve("bad" + trial + ".onnx");
      Files.write(f, bad);
      try {
        OnnxModel.load(f).run(Map.of("x", x));
      } catch (ImportException e) {
        assertThat(e.getMessage()).contains(f.toString());
      }
    }
    Path pb = tmp.resolve("t.pb");
    byte[] t = Files.readAllBytes(sample().resolve("test_data_set_0/input_0.pb"));
    Files.write(pb, Arrays.copyOf(t, t.length - 3));
    assertThatThrownBy(() -> OnnxModel.readTensor(pb)).isInstanceOf(ImportException.class)
        .hasMessageContaining("t.pb");
    Path text = tmp.resolve("text.onnx");
    Files.writeString(text, "this is not a protobuf at all, just text\n");
    assertThatThrownBy(() -> OnnxModel.load(text)).isInstanceOf(ImportException.class)
        .hasMessageContaining("text.onnx");
  }

  @Test
  void rawDataIsLittleEndian() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f);
    Onnx.TensorProto p = Onnx.TensorProto.newBuilder().setDataType(1).addDims(2)
        .setRawData(ByteString.copyFrom(b.array())).build();
    assertThat(OnnxTensor.fromProto(p, "t").floatData()).containsExactly(1.5f, -2f);
    Onnx.TensorProto i = Onnx.TensorProto.newBuilder().setDataType(7).addDims(2).addInt64Data(5).addInt64Data(-1).build();
    assertThat(OnnxTensor.fromProto(i, "t").longData()).containsExactly(5L, -1L);
  }
}
