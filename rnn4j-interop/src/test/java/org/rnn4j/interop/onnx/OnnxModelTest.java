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
