package org.rnn4j.interop.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnn4j.Model;
import org.rnn4j.Sequential;
import org.rnn4j.Tensor;
import org.rnn4j.interop.ImportException;
import org.rnn4j.io.ModelFiles;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.DenseActivation;

/**
 * ONNX graphs as rnn4j models: graphs {@code torch.onnx.export} wrote (src/test/python/make_onnx_exports.py,
 * with PyTorch's own outputs in io.json) become rnn4j model files that give the same outputs as the
 * graph run by the ONNX importer and as PyTorch; graphs that are not a recurrent stack with a Dense
 * head are refused, naming the node.
 */
@Timeout(60)
class OnnxToModelTest {
  private static Path export(String name) throws Exception {
    return Path.of(OnnxToModelTest.class.getResource("/onnx-export/" + name).toURI());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lstm2_bidir_bf", "gru_hn_linear_sigmoid", "rnn_relu2_seqfirst_linear"})
  void torchExportsBecomeModelFilesWithTheGraphsAndPyTorchsOutputs(String name, @TempDir Path tmp) throws Exception {
    Path dir = export(name);
    OnnxModel graph = OnnxModel.load(dir.resolve("model.onnx"));
    OnnxToModel.Converted c = OnnxToModel.convert(graph);
    assertThat(c.mapping()).anyMatch(l -> l.startsWith("checked: graph and model agree"));
    Path file = tmp.resolve(name + ".rnn4j");
    ModelFiles.save(c.model(), file, Map.of());
    Model loaded = ModelFiles.load(file).model();

    JsonNode io = new ObjectMapper().readTree(dir.resolve("io.json").toFile());
    boolean batchFirst = io.get("batch_first").asBoolean();
    float[] x = floats(io.get("x").get("data"));
    int[] xs = ints(io.get("x").get("shape"));
    float[] torch = floats(io.get("y").get("data"));
    int[] ys = ints(io.get("y").get("shape"));

    // the graph, run by the ONNX importer
    float[] onnx = graph.run(Map.of("x", OnnxTensor.ofFloats(x, xs))).get(graph.outputNames().get(0)).floatData();
    // the model file: batch-first in, batch-first out
    Tensor in = batchFirst ? new Tensor(x, xs) : new Tensor(x, xs).swapFirstTwoAxes();
    Tensor out = loaded.predict(in);
    float[] got = out.shape().length == 3 && !batchFirst ? out.swapFirstTwoAxes().data() : out.data();
    assertThat(got).hasSize(torch.length);
    assertThat(onnx).hasSize(torch.length);
    for (int i = 0; i < got.length; i++) {
      assertThat(got[i]).as("%s: model file [%d] vs the graph", name, i)
          .isCloseTo(onnx[i], org.assertj.core.data.Offset.offset(1e-5f));
      assertThat(got[i]).as("%s: model file [%d] vs PyTorch (y %s)", name, i, java.util.Arrays.toString(ys))
          .isCloseTo(torch[i], org.assertj.core.data.Offset.offset(1e-5f));
    }
  }

  /** rnn4j -> ONNX (without the lengths input) -> rnn4j gives the first model's predictions back. */
  @Test
  void rnn4jsOwnOnnxExportsComeBackAsTheSameModel(@TempDir Path tmp) throws Exception {
    List<Model> models = List.of(
        Sequential.features(3).lstm(4, o -> o.numLayers(2).bidirectional(true)).dense(2, DenseActivation.TANH).build(3),
        Sequential.features(3).gru(5, o -> o.returnSequences(false)).dense(3).dense(1, DenseActivation.SIGMOID)
            .build(4),
        Sequential.features(3).recurrent(CellType.RNN_RELU, 4, o -> o.numLayers(2)).build(5));
    SplittableRandom r = new SplittableRandom(6);
    float[] x = new float[2 * 5 * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextDouble() * 2 - 1);
    }
    Tensor in = new Tensor(x, 2, 5, 3);
    for (int k = 0; k < models.size(); k++) {
      Path f = tmp.resolve("m" + k + ".onnx");
      OnnxExport.write(models.get(k), false, f);
      Model back = OnnxToModel.convert(OnnxModel.load(f)).model();
      assertThat(back.predict(in).shape()).isEqualTo(models.get(k).predict(in).shape());
      float[] want = models.get(k).predict(in).data();
      float[] got = back.predict(in).data();
      for (int i = 0; i < want.length; i++) {
        assertThat(got[i]).as("model %d [%d]", k, i).isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-6f));
      }
    }
  }

  @Test
  void theMappingNamesEachNodeAndLayer() throws Exception {
    OnnxToModel.Converted c = OnnxToModel.convert(OnnxModel.load(export("gru_hn_linear_sigmoid").resolve("model.onnx")));
    assertThat(c.mapping()).anyMatch(l -> l.matches("graph input 'x' \\[\\w+, \\w+, 3\\] is batch-first"));
    assertThat(c.mapping()).anyMatch(l -> l.matches("node '.*' \\(GRU, linear_before_reset\\) -> layer 'gru': 3 -> 5,"
        + " final state only \\(Y_h\\)"));
    assertThat(c.mapping()).anyMatch(l -> l.matches("node '.*' \\(Gemm or MatMul \\+ sigmoid '.*'\\) -> layer 'dense':"
        + " Dense 5 -> 2, sigmoid"));
    assertThat(c.model().summary()).contains("gru").contains("dense");
  }

  @Test
  void graphsThatAreNotARecurrentStackWithADenseHeadAreRefusedNamingTheNode() throws Exception {
    // a Mul on the LSTM's output
    assertThatThrownBy(() -> OnnxToModel.convert(OnnxModel.load(export("lstm_times_two").resolve("model.onnx"))))
        .isInstanceOf(ImportException.class)
        .hasMessageMatching(".*model\\.onnx: node '.*' \\(Mul\\): Mul on the values between the layers has no rnn4j"
            + " layer.*");
    // the ONNX backend-test layout: weights are graph inputs
    Path single = Path.of(OnnxToModelTest.class.getResource("/onnx/lstm_1layer_bf_nostate_dynamic").toURI());
    assertThat(OnnxToModel.convert(OnnxModel.load(single.resolve("model.onnx"))).mapping())
        .anyMatch(l -> l.startsWith("graph output 'output' -> the model's output; not kept: [h_n, c_n]"));
  }

  private static float[] floats(JsonNode a) {
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) a.get(i).asDouble();
    }
    return f;
  }

  private static int[] ints(JsonNode a) {
    int[] v = new int[a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.get(i).asInt();
    }
    return v;
  }
}
